/** Python's builtins and operators over statically known values: arithmetic, comparison, truth, str(), subscripts, set order. */
import type { Expr, Target } from '../ast.js';
import { percentFormat } from './format.js';
import { pyFloatRepr } from './repr.js';
import { fail, type Env, type PythonResolver, type PyValue } from './types.js';

/** Builtins whose results have no id (pytest falls back to argname + index). */
export const OPAQUE_BUILTINS = new Set(['object', 'bytearray', 'memoryview', 'slice', 'iter', 'open', 'vars', 'globals', 'locals']);

export function exprName(e: Expr): string {
  if (e.t === 'name') return e.id;
  if (e.t === 'attr') return `${exprName(e.obj)}.${e.name}`;
  return 'an expression';
}

export function assignTarget(target: Target, value: PyValue, env: Env): void {
  if (target === null) return fail('unsupported loop target');
  if (typeof target === 'string') {
    env.set(target, value);
    return;
  }
  const items = value.k === 'seq' ? value.items : value.k === 'param' ? value.values : fail('cannot unpack');
  if (items.length !== target.length) fail('unpacking length mismatch');
  target.forEach((t, i) => assignTarget(t, items[i]!, env));
}

/** Standard-library constants that are the same on every CPython 3.8+ (64-bit). */
export const STDLIB_CONSTANTS: Record<string, PyValue> = {
  'pickle.HIGHEST_PROTOCOL': { k: 'int', v: 5n },
  // six on Python 3
  'six.PY2': { k: 'bool', v: false },
  'six.PY3': { k: 'bool', v: true },
  'sys.maxsize': { k: 'int', v: 2n ** 63n - 1n },
  'math.pi': { k: 'float', v: Math.PI },
  'math.e': { k: 'float', v: Math.E },
  'math.tau': { k: 'float', v: 2 * Math.PI },
  'math.inf': { k: 'float', v: Infinity },
  'math.nan': { k: 'float', v: NaN },
  'string.ascii_lowercase': { k: 'str', v: 'abcdefghijklmnopqrstuvwxyz' },
  'string.ascii_uppercase': { k: 'str', v: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  'string.ascii_letters': { k: 'str', v: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  'string.digits': { k: 'str', v: '0123456789' },
  'string.hexdigits': { k: 'str', v: '0123456789abcdefABCDEF' },
  'string.octdigits': { k: 'str', v: '01234567' },
  'string.punctuation': { k: 'str', v: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' },
  'string.whitespace': { k: 'str', v: ' \t\n\r\x0b\x0c' },
};

export function isConstantName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name) && name.length > 1;
}

export function imaginaryText(text: string): string {
  const v = Number(text);
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}j`;
  return `${v}j`;
}

export function negateComplex(text: string): string {
  // -(3j) is (-0-3j) in Python.
  return `(-0-${text})`;
}

/** `str()` of a simple value. */
export function pyStr(v: PyValue): string {
  switch (v.k) {
    case 'str':
      return v.v;
    case 'int':
      return v.v.toString();
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'float':
      return pyFloatRepr(v.v);
    case 'enum':
      return v.text;
    default:
      return fail(`str() of ${v.k}`);
  }
}

/** `str(pathlib.PurePosixPath(*parts))`: joined, `.` segments and repeated or trailing slashes dropped. */
export function posixPath(parts: string[]): string {
  let path = '';
  for (const p of parts) path = p.startsWith('/') ? p : path && p ? `${path}/${p}` : path || p;
  const abs = path.startsWith('/');
  const lead = abs && path.startsWith('//') && !path.startsWith('///') ? '//' : abs ? '/' : '';
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  const out = lead + segs.join('/');
  return out === '' ? '.' : out;
}

/** Python's `re.escape` (3.7+). */
export function reEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => '\\' + c);
}

export function truthy(v: PyValue): boolean {
  switch (v.k) {
    case 'int':
      return v.v !== 0n;
    case 'float':
      return v.v !== 0;
    case 'str':
    case 'bytes':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'dict':
      return v.entries.length > 0;
    case 'unknown':
      return fail(v.reason);
    default:
      return true;
  }
}

export function toInt(v: PyValue): bigint {
  if (v.k === 'int') return v.v;
  if (v.k === 'bool') return v.v ? 1n : 0n;
  return fail('not an integer');
}

export function num(v: PyValue): number | bigint | undefined {
  if (v.k === 'unknown') return fail(v.reason);
  if (v.k === 'int') return v.v;
  if (v.k === 'bool') return v.v ? 1n : 0n;
  if (v.k === 'float') return v.v;
  return undefined;
}

export function binop(op: string, l: PyValue, r: PyValue): PyValue {
  const a = num(l);
  const b = num(r);
  if (a !== undefined && b !== undefined) {
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      switch (op) {
        case '+':
          return { k: 'int', v: a + b };
        case '-':
          return { k: 'int', v: a - b };
        case '*':
          return { k: 'int', v: a * b };
        case '//':
          if (b === 0n) fail('division by zero');
          return { k: 'int', v: floorDiv(a, b) };
        case '%':
          if (b === 0n) fail('division by zero');
          return { k: 'int', v: a - floorDiv(a, b) * b };
        case '**':
          if (b < 0n) return { k: 'float', v: Number(a) ** Number(b) };
          return { k: 'int', v: a ** b };
        case '/':
          if (b === 0n) fail('division by zero');
          return { k: 'float', v: Number(a) / Number(b) };
        case '<<':
          return { k: 'int', v: a << b };
        case '>>':
          return { k: 'int', v: a >> b };
        case '|':
          return { k: 'int', v: a | b };
        case '&':
          return { k: 'int', v: a & b };
        case '^':
          return { k: 'int', v: a ^ b };
      }
    } else {
      const x = Number(a);
      const y = Number(b);
      switch (op) {
        case '+':
          return { k: 'float', v: x + y };
        case '-':
          return { k: 'float', v: x - y };
        case '*':
          return { k: 'float', v: x * y };
        case '/':
          if (y === 0) fail('division by zero');
          return { k: 'float', v: x / y };
        case '**':
          return { k: 'float', v: x ** y };
      }
    }
    return fail(`operator ${op}`);
  }
  if (op === '%' && l.k === 'str') return { k: 'str', v: percentFormat(l.v, r) };
  if (op === '+') {
    if (l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v };
    if (l.k === 'bytes' && r.k === 'bytes') return { k: 'bytes', v: l.v + r.v };
    if (l.k === 'seq' && r.k === 'seq' && l.kind === r.kind) return { k: 'seq', kind: l.kind, items: [...l.items, ...r.items] };
  }
  if (op === '*') {
    const [s, n] = l.k === 'int' ? [r, l] : [l, r];
    if (n.k === 'int' && n.v < 10_000n) {
      const times = Math.max(0, Number(n.v));
      if (s.k === 'str') return { k: 'str', v: s.v.repeat(times) };
      if (s.k === 'seq' && s.kind !== 'set') return { k: 'seq', kind: s.kind, items: Array.from({ length: times }, () => s.items).flat() };
    }
  }
  // pathlib-style joins and set unions of opaque objects stay opaque objects.
  if (op === '/' && l.k === 'object' && l.str !== undefined && (r.k === 'str' || (r.k === 'object' && r.str !== undefined)))
    return { k: 'object', what: 'Path()', str: posixPath([l.str, r.k === 'str' ? r.v : r.str!]) };
  if ((op === '/' || op === '|') && l.k === 'object') return { k: 'object', what: `(${op})` };
  if (op === '|' && l.k === 'dict' && r.k === 'dict') return { k: 'dict', entries: mergeDict(l.entries, r.entries) };
  if (op === '|' && l.k === 'seq' && r.k === 'seq' && l.kind === 'set' && r.kind === 'set') return { k: 'seq', kind: 'set', items: setOrder([...l.items, ...r.items]) };
  return fail(`operator ${op} on ${l.k} and ${r.k}`);
}

export function mergeDict(a: Array<[PyValue, PyValue]>, b: Array<[PyValue, PyValue]>): Array<[PyValue, PyValue]> {
  const out = [...a];
  for (const [k, v] of b) {
    const i = out.findIndex(([x]) => pyEquals(x, k));
    if (i >= 0) out[i] = [out[i]![0], v];
    else out.push([k, v]);
  }
  return out;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return typeof x === typeof y ? x === y : Number(x) === Number(y);
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'str':
    case 'bytes':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'seq': {
      const bb = b as typeof a;
      return a.items.length === bb.items.length && a.items.every((v, i) => pyEquals(v, bb.items[i]!));
    }
    case 'named':
      return a.name === (b as typeof a).name;
    case 'enum':
      return a.text === (b as typeof a).text;
    default:
      return fail('comparison of objects');
  }
}

export function pyCompare(a: PyValue, b: PyValue): number {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) {
    const fx = typeof x === 'bigint' && typeof y === 'bigint' ? x : Number(x);
    const fy = typeof x === 'bigint' && typeof y === 'bigint' ? y : Number(y);
    return fx < fy ? -1 : fx > fy ? 1 : 0;
  }
  if (a.k === 'str' && b.k === 'str') return codepointCompare(a.v, b.v);
  if (a.k === 'bytes' && b.k === 'bytes') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.k === 'seq' && b.k === 'seq') {
    for (let i = 0; i < Math.min(a.items.length, b.items.length); i++) {
      const c = pyCompare(a.items[i]!, b.items[i]!);
      if (c) return c;
    }
    return a.items.length - b.items.length;
  }
  return fail(`cannot order ${a.k} and ${b.k}`);
}

export function codepointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

export function compare(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b) < 0;
    case '<=':
      return pyCompare(a, b) <= 0;
    case '>':
      return pyCompare(a, b) > 0;
    case '>=':
      return pyCompare(a, b) >= 0;
    case 'in':
    case 'not in': {
      let r: boolean;
      if (b.k === 'str' && a.k === 'str') r = b.v.includes(a.v);
      else if (b.k === 'dict') r = b.entries.some(([k]) => pyEquals(k, a));
      else if (b.k === 'seq') r = b.items.some((x) => pyEquals(x, a));
      else return fail('in on a non-container');
      return op === 'in' ? r : !r;
    }
    case 'is':
      return a.k === 'none' ? b.k === 'none' : a.k === 'bool' && b.k === 'bool' ? a.v === b.v : fail('is');
    case 'is not':
      return a.k === 'none' ? b.k !== 'none' : a.k === 'bool' && b.k === 'bool' ? a.v !== b.v : fail('is not');
    default:
      return fail(`comparison ${op}`);
  }
}

export function subscript(obj: PyValue, index: PyValue): PyValue {
  if (index.k === 'seq' && index.items[0]?.k === 'str' && index.items[0].v === '\0slice') {
    const [, lo, hi, st] = index.items;
    const seq = obj.k === 'seq' ? obj.items : obj.k === 'str' ? [...obj.v].map((c) => ({ k: 'str', v: c }) as PyValue) : fail('slice of a non-sequence');
    const n = seq.length;
    const step = st!.k === 'none' ? 1 : Number(toInt(st!));
    if (step === 0) fail('slice step 0');
    const norm = (v: PyValue, dflt: number) => {
      if (v.k === 'none') return dflt;
      let i = Number(toInt(v));
      if (i < 0) i += n;
      return step > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
    };
    const start = norm(lo!, step > 0 ? 0 : n - 1);
    const stop = norm(hi!, step > 0 ? n : -1);
    const items: PyValue[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) items.push(seq[i]!);
    if (obj.k === 'str') return { k: 'str', v: items.map((c) => (c as { v: string }).v).join('') };
    return { k: 'seq', kind: (obj as { kind: 'list' | 'tuple' }).kind, items };
  }
  if (obj.k === 'seq' && obj.kind !== 'set') {
    let i = Number(toInt(index));
    if (i < 0) i += obj.items.length;
    return obj.items[i] ?? fail('index out of range');
  }
  if (obj.k === 'str') {
    const chars = [...obj.v];
    let i = Number(toInt(index));
    if (i < 0) i += chars.length;
    return chars[i] !== undefined ? { k: 'str', v: chars[i]! } : fail('index out of range');
  }
  if (obj.k === 'dict') {
    const hit = obj.entries.find(([k]) => pyEquals(k, index));
    return hit ? hit[1] : fail('key not found');
  }
  return fail('subscript of a computed value');
}

/** Iteration order of a set: known for small non-negative ints (hash order), unknown for strings. */
export function setOrder(items: PyValue[]): PyValue[] {
  const unique: PyValue[] = [];
  for (const it of items) if (!unique.some((u) => pyEquals(u, it))) unique.push(it);
  if (unique.length <= 1) return unique;
  if (unique.every((u) => u.k === 'int' && u.v >= 0n && u.v < 1n << 30n)) {
    let size = 8;
    while (size * 3 < unique.length * 5) size *= 2;
    // CPython sets of small ints iterate in hash-slot order when no collisions occur.
    const slots = new Map<number, PyValue>();
    for (const u of unique) {
      const slot = Number((u as { v: bigint }).v) % size;
      if (slots.has(slot)) return fail('set iteration order');
      slots.set(slot, u);
    }
    return [...slots.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
  return fail('set iteration order is not known statically');
}

const ENUM_BASES: Record<string, 'Enum' | 'Flag' | 'IntEnum' | 'StrEnum' | 'IntFlag'> = {
  Enum: 'Enum',
  Flag: 'Flag',
  IntEnum: 'IntEnum',
  StrEnum: 'StrEnum',
  IntFlag: 'IntFlag',
};

export function enumKind(resolver: PythonResolver, cls: import('../ast.js').PyClass, file: string): string | undefined {
  for (const e of resolver.mro(cls, file)) {
    if (e.k === 'external' && e.module === 'enum' && ENUM_BASES[e.name]) return ENUM_BASES[e.name];
  }
  return undefined;
}

export function isEnumClass(resolver: PythonResolver, cls: import('../ast.js').PyClass, file: string): boolean {
  return enumKind(resolver, cls, file) !== undefined;
}

