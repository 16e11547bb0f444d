import type Parser from 'tree-sitter';
import type { Expr, PyParam, Target } from './ast.js';
import { OTHER, toExpr, toTarget } from './expressions.js';
import { parametersOf } from './functions.js';
import { scanPythonLine } from './lines.js';
import { parsePython, PythonLimitError } from './parser.js';

/**
 * Function bodies as plain statements, read on demand: the module view (`parse.ts`) never keeps
 * bodies, but the value evaluator follows a call into a factory function of the repository
 * (`simple_class()`, `instance_of(int)`, a case generator) to its return value. The source is
 * parsed in full here, only for the files whose functions are followed.
 */

type Node = Parser.SyntaxNode;

/** An assignment target: a name, a (nested) tuple, a subscript or an attribute. */
export type AssignTarget =
  | { t: 'name'; id: string }
  | { t: 'tuple'; items: AssignTarget[] }
  | { t: 'subscript'; obj: Expr; index: Expr }
  | { t: 'attr'; obj: Expr; name: string }
  | { t: 'other' };

export type Stmt =
  | { s: 'assign'; targets: AssignTarget[]; value: Expr }
  | { s: 'augassign'; target: AssignTarget; op: string; value: Expr }
  | { s: 'return'; value?: Expr }
  | { s: 'yield'; value?: Expr; from: boolean }
  | { s: 'expr'; e: Expr }
  | { s: 'if'; cond: Expr; body: Stmt[]; orelse: Stmt[] }
  | { s: 'for'; target: Target; iter: Expr; body: Stmt[]; orelse: Stmt[] }
  | { s: 'while'; cond: Expr; body: Stmt[]; orelse: Stmt[] }
  | { s: 'with'; items: Array<{ e: Expr; as?: AssignTarget }>; body: Stmt[] }
  | { s: 'try'; body: Stmt[]; handlers: Stmt[][]; orelse: Stmt[]; final: Stmt[] }
  | { s: 'def'; fn: FunctionBody }
  | { s: 'class'; name: string; decorators: Expr[]; bases: Expr[]; members: string[] }
  /** Names bound by an import inside the function: `module`, and `attr` for `from module import attr`. */
  | { s: 'bind'; names: string[]; imports?: Array<{ name: string; module: string; attr?: string }> }
  | { s: 'pass' }
  | { s: 'break' }
  | { s: 'continue' }
  | { s: 'raise' }
  | { s: 'other'; kind: string };

export interface BodyParam {
  name: string;
  kind: PyParam['kind'];
  default?: Expr;
}

export interface FunctionBody {
  name: string;
  line: number;
  params: BodyParam[];
  decorators: Expr[];
  body: Stmt[];
  isAsync: boolean;
  /** `yield` at the function's own level. */
  isGenerator: boolean;
}

/** Bodies of one source file, converted when asked for (by the line of their `def`). */
export class SourceBodies {
  private readonly lines: string[];
  private readonly byLine = new Map<number, FunctionBody | null>();
  constructor(source: string) {
    this.lines = source.split('\n');
  }

  /**
   * The function whose `def` keyword is on `line` (1-based); undefined when there is none.
   * Only the function's own lines are parsed (dedented to the left margin).
   */
  at(line: number): FunctionBody | undefined {
    const hit = this.byLine.get(line);
    if (hit !== undefined) return hit ?? undefined;
    const text = this.functionText(line - 1);
    let body: FunctionBody | null = null;
    if (text !== undefined) {
      let tree: Parser.Tree | undefined;
      try {
        tree = parsePython(text);
      } catch (e) {
        // past the parse-time limit (docs/limits.md) the body is unknown, as for a body with errors
        if (!(e instanceof PythonLimitError)) throw e;
      }
      const def = !tree || tree.rootNode.hasError ? undefined : findDef(tree.rootNode, 0);
      if (def) body = { ...toBody(def), line };
    }
    this.byLine.set(line, body);
    return body ?? undefined;
  }

  /** The lines of the `def` on row `row` up to the end of its block, without the def's indentation. */
  private functionText(row: number): string | undefined {
    const first = this.lines[row];
    if (first === undefined || !/^\s*(async\s+)?def\b/.test(first)) return undefined;
    const indent = first.length - first.trimStart().length;
    const out: string[] = [];
    let quote: string | null = null;
    let depth = 0;
    let cont = false;
    for (let i = row; i < this.lines.length; i++) {
      const l = this.lines[i]!;
      const atStart = quote === null && depth === 0 && !cont;
      if (i > row && atStart && l.trim() && !l.trimStart().startsWith('#') && l.length - l.trimStart().length <= indent) break;
      // strip the def's indentation (a line inside a string may have less)
      let k = 0;
      while (k < indent && (l[k] === ' ' || l[k] === '\t')) k++;
      out.push(l.slice(k));
      ({ quote, depth, cont } = scanPythonLine(l, quote, depth));
    }
    return out.join('\n');
  }
}

function findDef(node: Node, row: number): Node | undefined {
  for (const c of node.namedChildren) {
    if (c.startPosition.row > row || c.endPosition.row < row) continue;
    if (c.type === 'function_definition' && c.startPosition.row === row) return c;
    const inner = findDef(c, row);
    if (inner) return inner;
  }
  return undefined;
}

function toBody(def: Node): FunctionBody {
  const decorated = def.parent?.type === 'decorated_definition' ? def.parent : undefined;
  const decorators = decorated ? decorated.namedChildren.filter((c) => c.type === 'decorator').map((d) => toExpr(d.namedChildren[0])) : [];
  // a parameter the walk does not know (a comment) keeps its place as a nameless positional one
  const params: BodyParam[] = parametersOf(def).map((p) =>
    p.kind === 'unknown' ? { name: '', kind: 'positional' } : p.hasDefault ? { name: p.name, kind: p.kind, default: toExpr(p.default ?? null) } : { name: p.name, kind: p.kind },
  );
  const block = def.childForFieldName('body');
  const body = statements(block);
  return {
    name: def.childForFieldName('name')?.text ?? '',
    line: def.startPosition.row + 1,
    params,
    decorators,
    body,
    isAsync: def.children.some((c) => c.type === 'async'),
    isGenerator: hasYield(body),
  };
}

function hasYield(stmts: Stmt[]): boolean {
  for (const st of stmts) {
    switch (st.s) {
      case 'yield':
        return true;
      case 'if':
      case 'for':
      case 'while':
        if (hasYield(st.body) || hasYield(st.orelse)) return true;
        break;
      case 'with':
        if (hasYield(st.body)) return true;
        break;
      case 'try':
        if (hasYield(st.body) || st.handlers.some(hasYield) || hasYield(st.orelse) || hasYield(st.final)) return true;
        break;
      case 'other':
        if (st.kind === 'yield') return true;
        break;
      default:
        break;
    }
  }
  return false;
}

function statements(block: Node | null | undefined): Stmt[] {
  if (!block) return [];
  const nodes = block.type === 'block' ? block.namedChildren : [block];
  const out: Stmt[] = [];
  for (const n of nodes) if (n.type !== 'comment') out.push(statement(n));
  return out;
}

function statement(n: Node): Stmt {
  switch (n.type) {
    case 'expression_statement':
      return expressionStatement(n);
    case 'return_statement': {
      const v = n.namedChildren.find((c) => c.type !== 'comment');
      return v ? { s: 'return', value: toExpr(v) } : { s: 'return' };
    }
    case 'pass_statement':
      return { s: 'pass' };
    case 'break_statement':
      return { s: 'break' };
    case 'continue_statement':
      return { s: 'continue' };
    case 'raise_statement':
      return { s: 'raise' };
    case 'if_statement': {
      const alternatives = n.namedChildren.filter((c) => c.type === 'elif_clause' || c.type === 'else_clause');
      let orelse: Stmt[] = [];
      for (let i = alternatives.length - 1; i >= 0; i--) {
        const alt = alternatives[i]!;
        if (alt.type === 'else_clause') orelse = statements(alt.childForFieldName('body'));
        else orelse = [{ s: 'if', cond: toExpr(alt.childForFieldName('condition')), body: statements(alt.childForFieldName('consequence')), orelse }];
      }
      return { s: 'if', cond: toExpr(n.childForFieldName('condition')), body: statements(n.childForFieldName('consequence')), orelse };
    }
    case 'for_statement': {
      if (n.children.some((c) => c.type === 'async')) return { s: 'other', kind: 'async for' };
      const alt = n.childForFieldName('alternative');
      return {
        s: 'for',
        target: toTarget(n.childForFieldName('left')),
        iter: toExpr(n.childForFieldName('right')),
        body: statements(n.childForFieldName('body')),
        orelse: alt ? statements(alt.childForFieldName('body')) : [],
      };
    }
    case 'while_statement': {
      const alt = n.childForFieldName('alternative');
      return { s: 'while', cond: toExpr(n.childForFieldName('condition')), body: statements(n.childForFieldName('body')), orelse: alt ? statements(alt.childForFieldName('body')) : [] };
    }
    case 'with_statement': {
      if (n.children.some((c) => c.type === 'async')) return { s: 'other', kind: 'async with' };
      const items: Array<{ e: Expr; as?: AssignTarget }> = [];
      const clause = n.namedChildren.find((c) => c.type === 'with_clause');
      for (const item of clause?.namedChildren ?? []) {
        if (item.type !== 'with_item') continue;
        const v = item.childForFieldName('value');
        if (v?.type === 'as_pattern') {
          const target = v.namedChildren.find((c) => c.type === 'as_pattern_target');
          items.push({ e: toExpr(v.namedChildren[0]), as: target ? assignTarget(target.namedChildren[0] ?? null) : { t: 'other' } });
        } else items.push({ e: toExpr(v) });
      }
      return { s: 'with', items, body: statements(n.childForFieldName('body')) };
    }
    case 'try_statement': {
      const body: Stmt[] = [];
      const handlers: Stmt[][] = [];
      let orelse: Stmt[] = [];
      let final: Stmt[] = [];
      for (const part of n.namedChildren) {
        if (part.type === 'block') body.push(...statements(part));
        else if (part.type === 'except_clause' || part.type === 'except_group_clause') handlers.push(statements(part.namedChildren.find((c) => c.type === 'block')));
        else if (part.type === 'else_clause') orelse = statements(part.childForFieldName('body') ?? part.namedChildren.find((c) => c.type === 'block'));
        else if (part.type === 'finally_clause') final = statements(part.namedChildren.find((c) => c.type === 'block'));
      }
      return { s: 'try', body, handlers, orelse, final };
    }
    case 'function_definition':
      return { s: 'def', fn: toBody(n) };
    case 'class_definition':
      return classStatement(n, []);
    case 'decorated_definition': {
      const def = n.childForFieldName('definition');
      if (def?.type === 'function_definition') return { s: 'def', fn: toBody(def) };
      if (def?.type === 'class_definition')
        return classStatement(def, n.namedChildren.filter((c) => c.type === 'decorator').map((d) => toExpr(d.namedChildren[0])));
      return { s: 'other', kind: 'decorated' };
    }
    case 'import_statement':
    case 'import_from_statement':
    case 'future_import_statement': {
      const names: string[] = [];
      const imports: Array<{ name: string; module: string; attr?: string }> = [];
      const modNode = n.childForFieldName('module_name');
      const from = n.type === 'import_from_statement' && modNode?.type === 'dotted_name' ? modNode.text : undefined;
      for (const c of n.namedChildren) {
        if (n.type === 'import_from_statement' && c.startIndex === modNode?.startIndex) continue;
        if (c.type === 'dotted_name') {
          const name = n.type === 'import_statement' ? c.text.split('.')[0]! : c.text;
          names.push(name);
          if (n.type === 'import_statement') imports.push({ name, module: name });
          else if (from) imports.push({ name, module: from, attr: c.text });
        } else if (c.type === 'aliased_import') {
          const name = c.childForFieldName('alias')?.text ?? '';
          const target = c.childForFieldName('name')?.text ?? '';
          names.push(name);
          if (n.type === 'import_statement') imports.push({ name, module: target });
          else if (from) imports.push({ name, module: from, attr: target });
        } else if (c.type === 'wildcard_import') return { s: 'other', kind: 'star import' };
      }
      return { s: 'bind', names, imports };
    }
    case 'delete_statement':
    case 'assert_statement':
      return n.type === 'assert_statement' ? { s: 'pass' } : { s: 'other', kind: 'del' };
    default:
      return { s: 'other', kind: n.type };
  }
}

function classStatement(def: Node, decorators: Expr[]): Stmt {
  const bases: Expr[] = [];
  for (const a of def.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (a.type === 'keyword_argument') bases.push(OTHER('class keyword'));
    else if (a.type !== 'comment') bases.push(toExpr(a));
  }
  const members: string[] = [];
  for (const st of def.childForFieldName('body')?.namedChildren ?? []) {
    const d = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    if (d?.type === 'function_definition' || d?.type === 'class_definition') members.push(d.childForFieldName('name')?.text ?? '');
    else if (st.type === 'expression_statement' && st.namedChildren[0]?.type === 'assignment') {
      const left = st.namedChildren[0].childForFieldName('left');
      if (left?.type === 'identifier') members.push(left.text);
      else members.push('?');
    } else if (st.type !== 'expression_statement' && st.type !== 'pass_statement' && st.type !== 'comment') members.push('?');
  }
  return { s: 'class', name: def.childForFieldName('name')?.text ?? '', decorators, bases, members };
}

function expressionStatement(n: Node): Stmt {
  const e = n.namedChildren[0];
  if (!e) return { s: 'pass' };
  if (n.namedChildren.length > 1) return { s: 'other', kind: 'expression list' };
  if (e.type === 'assignment') {
    const targets: AssignTarget[] = [];
    let cur: Node | null = e;
    while (cur && cur.type === 'assignment') {
      const left = cur.childForFieldName('left');
      targets.push(assignTarget(left));
      cur = cur.childForFieldName('right');
    }
    // `x: int` binds nothing
    if (!cur) return { s: 'pass' };
    if (cur.type === 'yield') return { s: 'other', kind: 'yield' };
    return { s: 'assign', targets, value: toExpr(cur) };
  }
  if (e.type === 'augmented_assignment') {
    const op = (e.childForFieldName('operator')?.text ?? '').replace(/=$/, '');
    return { s: 'augassign', target: assignTarget(e.childForFieldName('left')), op, value: toExpr(e.childForFieldName('right')) };
  }
  if (e.type === 'yield') {
    const from = e.children.some((c) => c.type === 'from');
    const v = e.namedChildren.find((c) => c.type !== 'comment');
    return v ? { s: 'yield', value: toExpr(v), from } : { s: 'yield', from };
  }
  if (e.type === 'string' || e.type === 'concatenated_string') return { s: 'pass' };
  if (e.descendantsOfType('yield').length) return { s: 'other', kind: 'yield' };
  return { s: 'expr', e: toExpr(e) };
}

function assignTarget(node: Node | null): AssignTarget {
  if (!node) return { t: 'other' };
  switch (node.type) {
    case 'identifier':
      return { t: 'name', id: node.text };
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
      return { t: 'tuple', items: node.namedChildren.filter((c) => c.type !== 'comment').map(assignTarget) };
    case 'parenthesized_expression':
      return node.namedChildren.length === 1 ? assignTarget(node.namedChildren[0]!) : { t: 'other' };
    case 'subscript': {
      const subs = node.childrenForFieldName('subscript');
      if (subs.length !== 1) return { t: 'other' };
      return { t: 'subscript', obj: toExpr(node.childForFieldName('value')), index: toExpr(subs[0]) };
    }
    case 'attribute':
      return { t: 'attr', obj: toExpr(node.childForFieldName('object')), name: node.childForFieldName('attribute')?.text ?? '' };
    default:
      return { t: 'other' };
  }
}
