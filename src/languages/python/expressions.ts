import type { PyNode } from './tree.js';
import type { CompClause, Expr, Target } from './ast.js';
import { UNICODE_NAMES } from './unicode-names.js';

/** Python expressions (tree-sitter nodes) as the plain `Expr` view: literals decoded, the rest kept by shape. */

type Node = PyNode;

export const OTHER = (kind: string): Expr => ({ t: 'other', kind });

/** A tree-sitter expression node as an `Expr`. */
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
    case 'concatenated_string':
      return concatenatedString(node);
    case 'parenthesized_expression': {
      const inner = node.namedChildren.filter((c) => c.type !== 'comment');
      return inner.length === 1 ? toExpr(inner[0]) : OTHER('parenthesized');
    }
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      return { t: 'attr', obj: toExpr(obj), name: attr?.text ?? '' };
    }
    case 'call':
      return callExpr(node);
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
    case 'dictionary':
      return dictExpr(node);
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
    case 'comparison_operator':
      return comparison(node);
    case 'conditional_expression': {
      const [body, cond, orelse] = node.namedChildren;
      return { t: 'ifexp', body: toExpr(body), cond: toExpr(cond), orelse: toExpr(orelse) };
    }
    case 'list_comprehension':
    case 'generator_expression':
    case 'set_comprehension':
    case 'dictionary_comprehension':
      return comprehension(node);
    case 'subscript': {
      const subs = node.childrenForFieldName('subscript');
      const index = subs.length === 1 ? toExpr(subs[0]) : { t: 'tuple' as const, items: subs.map(toExpr) };
      return { t: 'subscript', obj: toExpr(node.childForFieldName('value')), index };
    }
    case 'slice':
      return sliceExpr(node);
    case 'lambda':
      return lambdaExpr(node);
    case 'keyword_argument':
      return OTHER('keyword');
    default:
      return OTHER(node.type);
  }
}

/** Adjacent string literals joined (`"a" "b"`). */
function concatenatedString(node: Node): Expr {
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

/** A call with its positional, starred and keyword arguments. */
function callExpr(node: Node): Expr {
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

/** A dict display; `**splat` entries become `other`. */
function dictExpr(node: Node): Expr {
  const entries: Array<[Expr, Expr]> = [];
  for (const p of node.namedChildren) {
    if (p.type === 'pair') entries.push([toExpr(p.childForFieldName('key')), toExpr(p.childForFieldName('value'))]);
    else if (p.type !== 'comment') entries.push([OTHER('splat'), OTHER('splat')]);
  }
  return { t: 'dict', entries };
}

/** A comparison chain (`a < b <= c`, `x not in y`). */
function comparison(node: Node): Expr {
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

/** `lambda a, b=1: body`; parameters other than plain names with defaults leave it opaque. */
function lambdaExpr(node: Node): Expr {
  const params: Array<{ name: string; default?: Expr }> = [];
  for (const p of node.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'identifier') params.push({ name: p.text });
    else if (p.type === 'default_parameter') params.push({ name: p.childForFieldName('name')?.text ?? '', default: toExpr(p.childForFieldName('value')) });
    else return { t: 'lambda' };
  }
  return { t: 'lambda', params, body: toExpr(node.childForFieldName('body')) };
}

/** A list/set/dict comprehension or generator expression with its clauses. */
function comprehension(node: Node): Expr {
  const kind = node.type === 'list_comprehension' ? 'list' : node.type === 'set_comprehension' ? 'set' : node.type === 'dictionary_comprehension' ? 'dict' : 'gen';
  const clauses: CompClause[] = [];
  for (const c of node.namedChildren) {
    if (c.type === 'for_in_clause')
      clauses.push({ kind: 'for', target: toTarget(c.childForFieldName('left')), iter: toExpr(c.childForFieldName('right')) });
    else if (c.type === 'if_clause') clauses.push({ kind: 'if', cond: toExpr(c.namedChildren[0]) });
  }
  const body = node.childForFieldName('body');
  if (kind === 'dict') {
    if (body?.type !== 'pair') return OTHER('dict comprehension');
    return { t: 'comp', kind, key: toExpr(body.childForFieldName('key')), elt: toExpr(body.childForFieldName('value')), clauses };
  }
  return { t: 'comp', kind, elt: toExpr(body), clauses };
}

/** `lower:upper:step`, each part optional. */
function sliceExpr(node: Node): Expr {
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

export function toTarget(node: Node | null): Target {
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
    if (!isBytes && next === 'N') {
      const m = /^N\{([^}]*)\}/.exec(body.slice(i + 1));
      const cp = m ? UNICODE_NAMES.get(m[1]!.toUpperCase()) : undefined;
      if (cp === undefined) return undefined;
      out += String.fromCodePoint(cp);
      i += m![0].length;
      continue;
    }
    // Unknown escapes keep the backslash.
    out += '\\';
  }
  return out;
}
