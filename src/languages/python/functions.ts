import type { PyNode } from './tree.js';
import type { Expr, PyFunction, PyParam } from './ast.js';
import { toExpr } from './expressions.js';

/** Function definitions (`def`) as `PyFunction`, with the source details read around them. */

type Node = PyNode;

/** What a definition is read with besides its node. */
export interface DefSource {
  /** Lines of defs whose bodies mention marks, from the skeleton (undefined: read the body). */
  markingDefs: Set<number> | undefined;
  /** Lines of the original source (comments are read from it: the skeleton drops bodies). */
  lines: readonly string[];
}

export function nameOf(def: Node): string {
  return def.childForFieldName('name')?.text ?? '';
}

export function line(node: Node): number {
  return node.startPosition.row + 1;
}

/** The docstring a statement is, if it is a string literal statement. */
export function docstringOf(stmt: Node): string | undefined {
  if (stmt.type !== 'expression_statement') return undefined;
  const e = stmt.namedChildren[0];
  if (!e || (e.type !== 'string' && e.type !== 'concatenated_string')) return undefined;
  const v = toExpr(e);
  return v.t === 'str' ? v.v : undefined;
}

/** The part of a syntax node the parameter walk reads (tree-sitter's nodes and the flat tree's both have it). */
interface ParamNode {
  type: string;
  text: string;
  namedChildren: ParamNode[];
  childForFieldName(name: string): ParamNode | null;
}

/** One parameter of a `def` as written; `unknown` for a node the walk does not know (a comment). */
export interface DefParameter<N> {
  name: string;
  kind: PyParam['kind'] | 'unknown';
  hasDefault: boolean;
  /** The default value's node, when it has one. */
  default?: N | null;
}

/** The parameters of a `def`, in order, with kinds (`*` and bare `*` make the rest keyword-only). */
export function parametersOf<N extends ParamNode>(def: N): DefParameter<N>[] {
  const out: DefParameter<N>[] = [];
  let kwonly = false;
  const named = (name: string): DefParameter<N> => ({ name, hasDefault: false, kind: kwonly ? 'kwonly' : 'positional' });
  for (const p of (def.childForFieldName('parameters')?.namedChildren ?? []) as N[]) {
    const node = p.type === 'typed_parameter' ? (p.namedChildren[0] as N | undefined) : p;
    switch (node?.type) {
      case 'identifier':
        out.push(named(node.text));
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        out.push({ ...named(node.childForFieldName('name')?.text ?? ''), hasDefault: true, default: node.childForFieldName('value') as N | null });
        break;
      case 'list_splat_pattern':
        out.push({ name: node.text.replace(/^\*/, ''), hasDefault: false, kind: 'varargs' });
        kwonly = true;
        break;
      case 'keyword_separator':
        kwonly = true;
        break;
      case 'dictionary_splat_pattern':
        out.push({ name: node.text.replace(/^\*\*/, ''), hasDefault: false, kind: 'varkw' });
        break;
      case 'positional_separator':
        break;
      default:
        // a typed parameter of another shape, or a comment between parameters
        if (p.type !== 'typed_parameter') out.push({ name: '', hasDefault: false, kind: 'unknown' });
    }
  }
  return out;
}

/** A `def` as a `PyFunction`: parameters, decorators, docstring, whether it yields or applies marks, comments. */
export function toFunction(def: Node, decorators: Expr[], src: DefSource): PyFunction {
  const name = nameOf(def);
  const params: PyParam[] = [];
  for (const p of parametersOf(def)) if (p.kind !== 'unknown') params.push({ name: p.name, hasDefault: p.hasDefault, kind: p.kind });
  const body = def.childForFieldName('body');
  const firstStmt = body?.namedChildren[0];
  let isGenerator = false;
  if (body && /^test/i.test(name) && body.text.includes('yield')) {
    isGenerator = body.descendantsOfType(['yield']).some((y) => enclosingFunction(y) === def.id);
  }
  const appliesMarks = src.markingDefs
    ? src.markingDefs.has(line(def))
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
    ...commentsOf(def, src.lines),
  };
}

/**
 * Whole-line comments directly above a function (above and between its decorators, up to a
 * blank line) and inside its body, from the original source. Used for requirement references
 * such as `# Covers: FR-001`.
 */
function commentsOf(def: Node, lines: readonly string[]): { commentsAbove?: string; comments?: string } {
  if (!lines.length) return {};
  const start = def.parent?.type === 'decorated_definition' ? def.parent.startPosition.row : def.startPosition.row;
  const defRow = def.startPosition.row;
  // Scanned by char code (the same whitespace as trim()): this runs over every body line.
  const indentOf = leadingSpace;
  const isComment = (l: string | undefined) => l !== undefined && l.charCodeAt(leadingSpace(l)) === 35;
  const out: string[] = [];
  const above: string[] = [];
  for (let i = start - 1; i >= 0 && isComment(lines[i]); i--) above.unshift(lines[i]!.trim());
  for (let i = start; i < defRow; i++) if (isComment(lines[i])) above.push(lines[i]!.trim());
  const defIndent = indentOf(lines[defRow] ?? '');
  const bodyStart = def.childForFieldName('body')?.startPosition.row ?? defRow;
  for (let i = defRow + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const indent = leadingSpace(l);
    if (indent === l.length) continue;
    if (indent <= defIndent && !(i < bodyStart)) {
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

/** Length of the leading whitespace of a line, as `l.length - l.trimStart().length`. */
function leadingSpace(l: string): number {
  let i = 0;
  for (; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    if (c > 127 && /\s/.test(l[i]!)) continue;
    break;
  }
  return i;
}

function enclosingFunction(node: Node): number | undefined {
  let cur: Node | null = node.parent;
  while (cur) {
    if (cur.type === 'function_definition' || cur.type === 'lambda') return cur.id;
    cur = cur.parent;
  }
  return undefined;
}

