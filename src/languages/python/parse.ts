import type Parser from 'tree-sitter';
import { parsePython } from './parser.js';
import { skeletonizeWithInfo } from './skeleton.js';

/** Lines of defs whose bodies mention marks, from the skeleton (undefined: read the body). */
let markingDefs: Set<number> | undefined;
/** Lines of the original source being parsed (comments are read from it: the skeleton drops bodies). */
let sourceLines: string[] = [];
import type { Binding, Bindings, CompClause, Expr, PyClass, PyFunction, PyModule, PyParam, Target } from './ast.js';

type Node = Parser.SyntaxNode;


/** Expressions larger than this (in characters) are not converted; they become `other`. */
const MAX_EXPR_CHARS = 2_000_000;

/**
 * Parses Python source into the plain `PyModule` view. Never throws for bad source: a syntax
 * error is reported in `syntaxError`, and whatever parsed is still returned.
 */
export function parsePythonModule(source: string, options: { skeleton?: boolean } = {}): PyModule {
  sourceLines = source.split('\n');
  const parse = (text: string) => parsePython(text);
  let tree;
  if (options.skeleton === false) {
    tree = parse(source);
    markingDefs = undefined;
  } else {
    const skel = skeletonizeWithInfo(source);
    tree = parse(skel.text);
    markingDefs = skel.markingDefs;
    // The skeleton is an optimisation only: anything it cannot handle is parsed in full.
    if (tree.rootNode.hasError) {
      tree = parse(source);
      markingDefs = undefined;
    }
  }
  const root = tree.rootNode;
  const module: PyModule = { bindings: new Map(), starImports: [] };
  const first = root.namedChildren[0];
  if (first) module.docstring = docstringOf(first);
  collectStatements(root.namedChildren, module.bindings, module);
  if (root.hasError) module.syntaxError = findSyntaxError(root);
  sourceLines = [];
  return module;
}

function findSyntaxError(root: Node): { line: number; message: string } {
  let found: Node | undefined;
  const visit = (node: Node): void => {
    if (found) return;
    if (node.type === 'ERROR' || node.isMissing) {
      found = node;
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) visit(child);
  };
  visit(root);
  if (!found) return { line: 1, message: 'invalid syntax' };
  const line = found.startPosition.row + 1;
  if (found.isMissing) return { line, message: `invalid syntax: missing ${found.type}` };
  const text = found.text.split('\n')[0]!.slice(0, 40);
  return { line, message: `invalid syntax near ${JSON.stringify(text)}` };
}

function docstringOf(stmt: Node): string | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const e = stmt.namedChildren[0];
  if (!e || (e.type !== 'string' && e.type !== 'concatenated_string')) return undefined;
  const v = toExpr(e);
  return v.t === 'str' ? v.v : undefined;
}

function bind(bindings: Bindings, name: string, value: Binding): void {
  // Python dicts keep the first insertion position and the last value.
  if (value.kind === 'import') {
    const prev = bindings.get(name);
    if (prev) value.prev = prev;
  }
  bindings.set(name, value);
}

/** Walks module- or class-level statements, descending into if/try/with blocks. */
function collectStatements(stmts: Node[], bindings: Bindings, module: PyModule | undefined): void {
  for (const stmt of stmts) collectStatement(stmt, bindings, module);
}

function blockChildren(node: Node | null): Node[] {
  if (!node) return [];
  return node.type === 'block' ? node.namedChildren : [node];
}

function collectStatement(stmt: Node, bindings: Bindings, module: PyModule | undefined): void {
  switch (stmt.type) {
    case 'function_definition':
      bind(bindings, nameOf(stmt), toFunction(stmt, []));
      return;
    case 'class_definition':
      bind(bindings, nameOf(stmt), toClass(stmt, []));
      return;
    case 'decorated_definition': {
      const def = stmt.childForFieldName('definition');
      if (!def) return;
      const decorators = stmt.namedChildren.filter((c) => c.type === 'decorator').map((d) => toExpr(d.namedChildren[0]));
      if (def.type === 'function_definition') bind(bindings, nameOf(def), toFunction(def, decorators));
      else if (def.type === 'class_definition') bind(bindings, nameOf(def), toClass(def, decorators));
      return;
    }
    case 'expression_statement': {
      const e = stmt.namedChildren[0];
      if (e && e.type === 'assignment') {
        // `x = pytest.importorskip("x")` is an assignment whose value is the call.
        const right = e.childForFieldName('right');
        if (module && right?.type === 'call') noteImportorskip(right, module);
        collectAssignment(e, bindings);
      } else if (module && e?.type === 'call') noteImportorskip(e, module);
      return;
    }
    case 'import_statement':
      for (const n of stmt.namedChildren) {
        if (n.type === 'dotted_name') {
          // `import a.b` binds `a`.
          const top = n.text.split('.')[0]!;
          bind(bindings, top, { kind: 'import', module: top, level: 0, line: line(stmt) });
        } else if (n.type === 'aliased_import') {
          const name = n.childForFieldName('name')?.text ?? '';
          const alias = n.childForFieldName('alias')?.text ?? name;
          bind(bindings, alias, { kind: 'import', module: name, level: 0, line: line(stmt) });
        }
      }
      return;
    case 'import_from_statement': {
      const modNode = stmt.childForFieldName('module_name');
      let level = 0;
      let mod = '';
      if (modNode) {
        if (modNode.type === 'relative_import') {
          const prefix = modNode.namedChildren.find((c) => c.type === 'import_prefix');
          level = prefix ? prefix.text.length : 0;
          mod = modNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '';
        } else mod = modNode.text;
      }
      for (const n of stmt.namedChildren) {
        if (n === modNode || n.startIndex === modNode?.startIndex) continue;
        if (n.type === 'wildcard_import') {
          module?.starImports.push({ module: mod, level });
        } else if (n.type === 'dotted_name') {
          bind(bindings, n.text, { kind: 'import', module: mod, level, name: n.text, line: line(stmt) });
        } else if (n.type === 'aliased_import') {
          const name = n.childForFieldName('name')?.text ?? '';
          const alias = n.childForFieldName('alias')?.text ?? name;
          bind(bindings, alias, { kind: 'import', module: mod, level, name, line: line(stmt) });
        }
      }
      return;
    }
    case 'if_statement': {
      // Branches are alternatives: a name bound in several keeps the first branch's binding
      // (the "happy path": `if HAVE_X: … else: fallback`).
      const branches: Node[][] = [blockChildren(stmt.childForFieldName('consequence'))];
      for (const alt of stmt.namedChildren) {
        if (alt.type === 'elif_clause') branches.push(blockChildren(alt.childForFieldName('consequence')));
        else if (alt.type === 'else_clause') branches.push(blockChildren(alt.childForFieldName('body')));
      }
      mergeBranches(branches, bindings, module);
      return;
    }
    case 'try_statement': {
      const main: Node[] = [];
      const handlers: Node[][] = [];
      const after: Node[] = [];
      for (const part of stmt.namedChildren) {
        if (part.type === 'block') main.push(...part.namedChildren);
        else if (part.type === 'except_clause' || part.type === 'except_group_clause') {
          const block = part.namedChildren.find((c) => c.type === 'block');
          if (block) handlers.push(block.namedChildren);
        } else if (part.type === 'else_clause') {
          const block = part.childForFieldName('body') ?? part.namedChildren.find((c) => c.type === 'block') ?? null;
          main.push(...blockChildren(block));
        } else if (part.type === 'finally_clause') {
          const block = part.namedChildren.find((c) => c.type === 'block') ?? null;
          after.push(...blockChildren(block));
        }
      }
      mergeBranches([main, ...handlers], bindings, module);
      collectStatements(after, bindings, module);
      return;
    }
    case 'with_statement':
      collectStatements(blockChildren(stmt.childForFieldName('body')), bindings, module);
      return;
    default:
      return;
  }
}

function noteImportorskip(call: Node, module: PyModule): void {
  const fn = call.childForFieldName('function');
  if (!fn || !/(^|\.)importorskip$/.test(fn.text)) return;
  const first = call.childForFieldName('arguments')?.namedChildren[0];
  const arg = first ? toExpr(first) : undefined;
  if (arg?.t !== 'str') return;
  (module.importorskips ??= []).push({ module: arg.v, line: call.startPosition.row + 1 });
}

function mergeBranches(branches: Node[][], bindings: Bindings, module: PyModule | undefined): void {
  const boundHere = new Set<string>();
  for (const branch of branches) {
    const local: Bindings = new Map();
    collectStatements(branch, local, module);
    for (const [name, b] of local) {
      if (boundHere.has(name)) continue;
      bind(bindings, name, b);
    }
    for (const name of local.keys()) boundHere.add(name);
  }
}

function collectAssignment(node: Node, bindings: Bindings): void {
  // a = b = value: the right side of the innermost assignment is the value.
  const targets: Node[] = [];
  let cur: Node | null = node;
  while (cur && cur.type === 'assignment') {
    const left = cur.childForFieldName('left');
    if (left) targets.push(left);
    cur = cur.childForFieldName('right');
  }
  if (!cur) {
    // An annotation without value (`x: int`) binds nothing.
    return;
  }
  const valueNode = cur;
  let converted: Expr | undefined;
  // Most module constants are never evaluated: convert the value on first use only.
  const getValue = () => (converted ??= valueNode.endIndex - valueNode.startIndex > MAX_EXPR_CHARS ? OTHER('too large') : toExpr(valueNode));
  for (const target of targets) {
    if (target.type === 'identifier') bind(bindings, target.text, lazyValueBinding(getValue, line(node)));
    else if (target.type === 'pattern_list' || target.type === 'tuple_pattern') {
      const value = getValue();
      if (value.t !== 'tuple' && value.t !== 'list') {
        for (const n of target.namedChildren)
          if (n.type === 'identifier') bind(bindings, n.text, { kind: 'value', expr: { t: 'other', kind: 'unpacked' }, line: line(node) });
        continue;
      }
      const names = target.namedChildren;
      if (names.length === value.items.length)
        names.forEach((n, i) => {
          if (n.type === 'identifier') bind(bindings, n.text, { kind: 'value', expr: value.items[i]!, line: line(node) });
        });
    }
  }
}

/** A value binding whose `expr` is converted from the parse tree when first read. */
function lazyValueBinding(get: () => Expr, lineNo: number): Binding {
  const b = { kind: 'value', line: lineNo } as Binding & { expr: Expr };
  Object.defineProperty(b, 'expr', {
    enumerable: true,
    configurable: true,
    get() {
      const expr = get();
      Object.defineProperty(b, 'expr', { value: expr, enumerable: true, writable: true, configurable: true });
      return expr;
    },
  });
  return b;
}

function nameOf(def: Node): string {
  return def.childForFieldName('name')?.text ?? '';
}

function line(node: Node): number {
  return node.startPosition.row + 1;
}

function toFunction(def: Node, decorators: Expr[]): PyFunction {
  const name = nameOf(def);
  const params: PyParam[] = [];
  const paramsNode = def.childForFieldName('parameters');
  let kwonly = false;
  for (const p of paramsNode?.namedChildren ?? []) {
    switch (p.type) {
      case 'identifier':
        params.push({ name: p.text, hasDefault: false, kind: kwonly ? 'kwonly' : 'positional' });
        break;
      case 'typed_parameter': {
        const inner = p.namedChildren[0];
        if (inner?.type === 'identifier') params.push({ name: inner.text, hasDefault: false, kind: kwonly ? 'kwonly' : 'positional' });
        else if (inner?.type === 'list_splat_pattern') {
          params.push({ name: inner.text.replace(/^\*/, ''), hasDefault: false, kind: 'varargs' });
          kwonly = true;
        } else if (inner?.type === 'dictionary_splat_pattern')
          params.push({ name: inner.text.replace(/^\*\*/, ''), hasDefault: false, kind: 'varkw' });
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter':
        params.push({ name: p.childForFieldName('name')?.text ?? '', hasDefault: true, kind: kwonly ? 'kwonly' : 'positional' });
        break;
      case 'list_splat_pattern':
        params.push({ name: p.text.replace(/^\*/, ''), hasDefault: false, kind: 'varargs' });
        kwonly = true;
        break;
      case 'keyword_separator':
        kwonly = true;
        break;
      case 'dictionary_splat_pattern':
        params.push({ name: p.text.replace(/^\*\*/, ''), hasDefault: false, kind: 'varkw' });
        break;
      default:
        break;
    }
  }
  const body = def.childForFieldName('body');
  const firstStmt = body?.namedChildren[0];
  let isGenerator = false;
  if (body && /^test/i.test(name) && body.text.includes('yield')) {
    isGenerator = body.descendantsOfType(['yield']).some((y) => enclosingFunction(y) === def.id);
  }
  const appliesMarks = markingDefs
    ? markingDefs.has(line(def))
    : !!body && body.text.split('\n').some((l) => !/^\s*#/.test(l) && /pytest\.mark|\bparametrize\b/.test(l));
  return {
    kind: 'function',
    name,
    line: line(def),
    ...(appliesMarks ? { appliesMarks } : {}),
    isAsync: def.children.some((c) => c.type === 'async'),
    decorators,
    params,
    docstring: firstStmt ? docstringOf(firstStmt) : undefined,
    isGenerator,
    ...commentsOf(def),
  };
}

/**
 * Whole-line comments directly above a function (above and between its decorators, up to a
 * blank line) and inside its body, from the original source. Used for requirement references
 * such as `# Covers: FR-001`.
 */
function commentsOf(def: Node): { commentsAbove?: string; comments?: string } {
  const lines = sourceLines;
  if (!lines.length) return {};
  const start = def.parent?.type === 'decorated_definition' ? def.parent.startPosition.row : def.startPosition.row;
  const defRow = def.startPosition.row;
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const isComment = (l: string | undefined) => l !== undefined && l.trimStart().startsWith('#');
  const out: string[] = [];
  const above: string[] = [];
  for (let i = start - 1; i >= 0 && isComment(lines[i]); i--) above.unshift(lines[i]!.trim());
  for (let i = start; i < defRow; i++) if (isComment(lines[i])) above.push(lines[i]!.trim());
  const defIndent = indentOf(lines[defRow] ?? '');
  const bodyStart = def.childForFieldName('body')?.startPosition.row ?? defRow;
  for (let i = defRow + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim()) continue;
    if (indentOf(l) <= defIndent && !(i < bodyStart)) {
      if (isComment(l)) continue; // a comment outdented inside the body; the next code line decides
      break;
    }
    if (isComment(l)) out.push(l.trim());
  }
  return {
    ...(above.length ? { commentsAbove: above.join('\n') } : {}),
    ...(out.length ? { comments: out.join('\n') } : {}),
  };
}

function enclosingFunction(node: Node): number | undefined {
  let cur: Node | null = node.parent;
  while (cur) {
    if (cur.type === 'function_definition' || cur.type === 'lambda') return cur.id;
    cur = cur.parent;
  }
  return undefined;
}

function toClass(def: Node, decorators: Expr[]): PyClass {
  const bases: Expr[] = [];
  const keywords: Record<string, Expr> = {};
  for (const a of def.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (a.type === 'keyword_argument') keywords[a.childForFieldName('name')?.text ?? ''] = toExpr(a.childForFieldName('value'));
    else if (a.type !== 'comment') bases.push(toExpr(a));
  }
  const body: Bindings = new Map();
  const block = def.childForFieldName('body');
  const stmts = block?.namedChildren ?? [];
  collectStatements(stmts, body, undefined);
  return {
    kind: 'class',
    name: nameOf(def),
    line: line(def),
    decorators,
    bases,
    keywords,
    body,
    docstring: stmts[0] ? docstringOf(stmts[0]) : undefined,
  };
}

/* ------------------------------------------------------------------ expressions */

const OTHER = (kind: string): Expr => ({ t: 'other', kind });

export function toExpr(node: Node | null | undefined): Expr {
  if (!node) return OTHER('missing');
  switch (node.type) {
    case 'integer':
      return parseInteger(node.text);
    case 'float':
      return parseFloatLiteral(node.text);
    case 'true':
      return { t: 'bool', v: true };
    case 'false':
      return { t: 'bool', v: false };
    case 'none':
      return { t: 'none' };
    case 'ellipsis':
      return { t: 'ellipsis' };
    case 'identifier':
      return { t: 'name', id: node.text };
    case 'string':
      return parseString(node);
    case 'concatenated_string': {
      const parts = node.namedChildren.filter((c) => c.type === 'string').map(parseString);
      if (parts.every((p) => p.t === 'str')) {
        return {
          t: 'str',
          v: parts.map((p) => (p as { v: string }).v).join(''),
          fstring: parts.some((p) => (p as { fstring?: boolean }).fstring),
        };
      }
      if (parts.every((p) => p.t === 'bytes')) return { t: 'bytes', v: parts.map((p) => (p as { v: string }).v).join('') };
      return OTHER('string');
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.filter((c) => c.type !== 'comment');
      return inner.length === 1 ? toExpr(inner[0]) : OTHER('parenthesized');
    }
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      return { t: 'attr', obj: toExpr(obj), name: attr?.text ?? '' };
    }
    case 'call': {
      const fn = toExpr(node.childForFieldName('function'));
      const argsNode = node.childForFieldName('arguments');
      const args: Expr[] = [];
      const kwargs: Record<string, Expr> = {};
      let hasStarStar = false;
      if (argsNode?.type === 'generator_expression') args.push(toExpr(argsNode));
      else
        for (const a of argsNode?.namedChildren ?? []) {
          if (a.type === 'keyword_argument') kwargs[a.childForFieldName('name')?.text ?? ''] = toExpr(a.childForFieldName('value'));
          else if (a.type === 'dictionary_splat') hasStarStar = true;
          else if (a.type === 'list_splat') args.push({ t: 'starred', v: toExpr(a.namedChildren[0]) });
          else if (a.type !== 'comment') args.push(toExpr(a));
        }
      return { t: 'call', fn, args, kwargs, hasStarStar };
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
    case 'pattern_list':
      return {
        t: node.type === 'list' ? 'list' : node.type === 'set' ? 'set' : 'tuple',
        items: node.namedChildren.filter((c) => c.type !== 'comment').map(toExpr),
      };
    case 'list_splat':
      return { t: 'starred', v: toExpr(node.namedChildren[0]) };
    case 'dictionary': {
      const entries: Array<[Expr, Expr]> = [];
      for (const p of node.namedChildren) {
        if (p.type === 'pair') entries.push([toExpr(p.childForFieldName('key')), toExpr(p.childForFieldName('value'))]);
        else if (p.type !== 'comment') entries.push([OTHER('splat'), OTHER('splat')]);
      }
      return { t: 'dict', entries };
    }
    case 'unary_operator':
      return { t: 'unary', op: node.childForFieldName('operator')?.text ?? '', v: toExpr(node.childForFieldName('argument')) };
    case 'binary_operator':
      return {
        t: 'binop',
        op: node.childForFieldName('operator')?.text ?? '',
        l: toExpr(node.childForFieldName('left')),
        r: toExpr(node.childForFieldName('right')),
      };
    case 'boolean_operator':
      return {
        t: 'boolop',
        op: node.childForFieldName('operator')?.text === 'and' ? 'and' : 'or',
        l: toExpr(node.childForFieldName('left')),
        r: toExpr(node.childForFieldName('right')),
      };
    case 'not_operator':
      return { t: 'not', v: toExpr(node.childForFieldName('argument')) };
    case 'comparison_operator': {
      const operands = node.namedChildren.filter((c) => c.type !== 'comment').map(toExpr);
      const ops = node.children.filter((c) => !c.isNamed).map((c) => c.text);
      // `not in` / `is not` are two tokens.
      const merged: string[] = [];
      for (let i = 0; i < ops.length; i++) {
        if ((ops[i] === 'not' && ops[i + 1] === 'in') || (ops[i] === 'is' && ops[i + 1] === 'not')) {
          merged.push(`${ops[i]} ${ops[i + 1]}`);
          i++;
        } else merged.push(ops[i]!);
      }
      return { t: 'compare', ops: merged, operands };
    }
    case 'conditional_expression': {
      const [body, cond, orelse] = node.namedChildren;
      return { t: 'ifexp', body: toExpr(body), cond: toExpr(cond), orelse: toExpr(orelse) };
    }
    case 'list_comprehension':
    case 'generator_expression':
    case 'set_comprehension': {
      const kind = node.type === 'list_comprehension' ? 'list' : node.type === 'set_comprehension' ? 'set' : 'gen';
      const clauses: CompClause[] = [];
      for (const c of node.namedChildren) {
        if (c.type === 'for_in_clause')
          clauses.push({ kind: 'for', target: toTarget(c.childForFieldName('left')), iter: toExpr(c.childForFieldName('right')) });
        else if (c.type === 'if_clause') clauses.push({ kind: 'if', cond: toExpr(c.namedChildren[0]) });
      }
      return { t: 'comp', kind, elt: toExpr(node.childForFieldName('body')), clauses };
    }
    case 'subscript': {
      const subs = node.childrenForFieldName('subscript');
      const index = subs.length === 1 ? toExpr(subs[0]) : { t: 'tuple' as const, items: subs.map(toExpr) };
      return { t: 'subscript', obj: toExpr(node.childForFieldName('value')), index };
    }
    case 'slice': {
      // children: [lower] ':' [upper] [':' [step]]
      const parts: Array<Node | undefined> = [undefined, undefined, undefined];
      let idx = 0;
      for (const c of node.children) {
        if (c.type === ':') idx++;
        else if (c.isNamed) parts[idx] = c;
      }
      return {
        t: 'slice',
        lower: parts[0] ? toExpr(parts[0]) : undefined,
        upper: parts[1] ? toExpr(parts[1]) : undefined,
        step: parts[2] ? toExpr(parts[2]) : undefined,
      };
    }
    case 'lambda':
      return { t: 'lambda' };
    case 'keyword_argument':
      return OTHER('keyword');
    default:
      return OTHER(node.type);
  }
}

function toTarget(node: Node | null): Target {
  if (!node) return null;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'pattern_list' || node.type === 'tuple_pattern' || node.type === 'tuple' || node.type === 'list_pattern')
    return node.namedChildren.map(toTarget);
  if (node.type === 'parenthesized_expression') return toTarget(node.namedChildren[0] ?? null);
  return null;
}

function parseInteger(text: string): Expr {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return { t: 'complex', text: t.slice(0, -1) };
  try {
    if (/^0[oO]/.test(t)) return { t: 'int', v: BigInt('0o' + t.slice(2)) };
    if (/^0[xXbB]/.test(t)) return { t: 'int', v: BigInt(t) };
    if (/^[lL]$/.test(t.slice(-1))) return { t: 'int', v: BigInt(t.slice(0, -1)) };
    return { t: 'int', v: BigInt(t) };
  } catch {
    return OTHER('integer');
  }
}

function parseFloatLiteral(text: string): Expr {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return { t: 'complex', text: t.slice(0, -1) };
  return { t: 'float', v: Number(t) };
}

function parseString(node: Node): Expr {
  const text = node.text;
  const m = /^([A-Za-z]*)('''|"""|'|")/.exec(text);
  if (!m) return OTHER('string');
  const prefix = m[1]!.toLowerCase();
  const quote = m[2]!;
  const body = text.slice(prefix.length + quote.length, text.length - quote.length);
  const raw = prefix.includes('r');
  const isBytes = prefix.includes('b');
  if (prefix.includes('f') || prefix.includes('t')) {
    const interps = node.namedChildren.filter((c) => c.type === 'interpolation');
    if (interps.length) {
      if (prefix.includes('t')) return OTHER('template string');
      const parts: Array<string | { e: Expr; conv?: string; spec?: string }> = [];
      let pos = node.startIndex + prefix.length + quote.length;
      const end = node.endIndex - quote.length;
      const literal = (from: number, to: number) => {
        if (to <= from) return true;
        const raw2 = text.slice(from - node.startIndex, to - node.startIndex).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        const v = raw ? raw2 : decodeEscapes(raw2, false);
        if (v === undefined) return false;
        parts.push(v);
        return true;
      };
      for (const it of interps) {
        if (!literal(pos, it.startIndex)) return OTHER('string');
        const exprNode = it.namedChildren.find((c) => c.type !== 'type_conversion' && c.type !== 'format_specifier');
        const conv = it.namedChildren.find((c) => c.type === 'type_conversion')?.text.replace('!', '');
        const spec = it.namedChildren.find((c) => c.type === 'format_specifier')?.text.replace(/^:/, '');
        if (!exprNode || it.text.replace(/\s+/g, '').endsWith('=}')) return OTHER('f-string');
        parts.push({ e: toExpr(exprNode), conv, spec });
        pos = it.endIndex;
      }
      if (!literal(pos, end)) return OTHER('string');
      return { t: 'fstr', parts };
    }
    const v = raw ? body : decodeEscapes(body.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), false);
    return v === undefined ? OTHER('string') : { t: 'str', v };
  }
  const v = raw ? body : decodeEscapes(body, isBytes);
  if (v === undefined) return OTHER('string');
  return isBytes ? { t: 'bytes', v } : { t: 'str', v };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes Python escape sequences; undefined for ones it cannot know (`\N{…}`). */
function decodeEscapes(body: string, isBytes: boolean): string | undefined {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      out += '\\';
      break;
    }
    if (next === '\n') {
      i++;
      continue;
    }
    if (next === '\r') {
      i += body[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (SIMPLE_ESCAPES[next] !== undefined) {
      out += SIMPLE_ESCAPES[next];
      i++;
      continue;
    }
    if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))!;
      out += String.fromCodePoint(parseInt(m[0], 8) & (isBytes ? 0xff : 0x1ff));
      i += m[0].length;
      continue;
    }
    if (next === 'x') {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 3;
      continue;
    }
    if (!isBytes && (next === 'u' || next === 'U')) {
      const len = next === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      out += String.fromCodePoint(cp);
      i += 1 + len;
      continue;
    }
    if (!isBytes && next === 'N') return undefined;
    // Unknown escapes keep the backslash.
    out += '\\';
  }
  return out;
}
