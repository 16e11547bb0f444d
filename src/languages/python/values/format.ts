/**
 * Python's text conversions of known values: `repr()`, `str()`, `format(value, spec)`,
 * `str.format`, f-string fields, `%` formatting and `textwrap.dedent`. Anything whose text is
 * not certain (an object's repr, a class's module path) fails with `Unresolvable`.
 */
import { pyFloatRepr } from './repr.js';
import { fail, type PyValue } from './types.js';

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');

/** `repr(str)`: quotes chosen as CPython does, non-printable characters escaped. */
export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f || ch === ' ') out += ch;
    else if (NON_PRINTABLE.test(ch)) out += cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr(bytes)` (the value holds one char per byte). */
export function reprBytes(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = 'b' + quote;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const cp = s.charCodeAt(i) & 0xff;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp >= 0x7f) out += `\\x${hex(cp, 2)}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr(value)` for the values whose repr does not depend on run-time state. */
export function pyRepr(v: PyValue): string {
  switch (v.k) {
    case 'str':
      return reprStr(v.v);
    case 'bytes':
      return reprBytes(v.v);
    case 'int':
      return v.v.toString();
    case 'float':
      return pyFloatRepr(v.v);
    case 'complex':
      return v.text;
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'seq': {
      if (v.name !== undefined) return fail('repr() of a generator');
      const parts = v.items.map(pyRepr);
      if (v.kind === 'list') return `[${parts.join(', ')}]`;
      if (v.kind === 'tuple') return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
      if (v.unordered && parts.length > 1) return fail('set iteration order is not known statically');
      return parts.length ? `{${parts.join(', ')}}` : 'set()';
    }
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
    case 'unknown':
      return fail(v.reason);
    default:
      return fail(`repr() of ${v.k === 'object' ? v.what : v.k}`);
  }
}

/** `str(value)`. */
export function pyStrOf(v: PyValue): string {
  switch (v.k) {
    case 'str':
      return v.v;
    case 'enum':
      return v.text;
    case 'object':
      return v.str ?? fail(`str() of ${v.what}`);
    default:
      return pyRepr(v);
  }
}

/** `ascii(value)`. */
export function pyAscii(v: PyValue): string {
  let out = '';
  for (const ch of pyRepr(v)) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x80 ? ch : cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  }
  return out;
}

/** The exact decimal digits of a finite double: value = 0.digits × 10^exp10 (digits without leading zeros). */
function exactDecimal(x: number): { digits: string; point: number } {
  // x = mant × 2^e exactly
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (mant === 0n) return { digits: '0', point: 1 };
  let intPart: bigint;
  let fracDigits = 0;
  if (e >= 0) intPart = mant << BigInt(e);
  else {
    // mant / 2^-e = mant × 5^-e / 10^-e
    intPart = mant * 5n ** BigInt(-e);
    fracDigits = -e;
  }
  const s = intPart.toString();
  const trimmed = s.replace(/^0+/, '');
  return { digits: trimmed, point: s.length - fracDigits - (s.length - trimmed.length) };
}

/** Rounds the exact decimal expansion to `n` digits after the point, half to even. */
function roundDigits(x: number, decimals: number): { digits: string; point: number } {
  const { digits, point } = exactDecimal(x);
  const keep = point + decimals;
  if (keep < 0) return { digits: '0', point: 1 };
  if (keep >= digits.length) return { digits, point };
  let kept = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  const lastEven = kept.length === 0 || (kept.charCodeAt(kept.length - 1) - 48) % 2 === 0;
  const up = first > 5 || (first === 5 && (tail || !lastEven));
  let p = point;
  if (up) {
    const n = (BigInt(kept || '0') + 1n).toString();
    if (n.length > kept.length) p++;
    kept = n;
  }
  return { digits: kept || '0', point: kept ? p : 1 };
}

function fixed(x: number, decimals: number): string {
  const { digits, point } = roundDigits(x, decimals);
  let intPart: string;
  let frac: string;
  if (point <= 0) {
    intPart = '0';
    frac = '0'.repeat(-point) + digits;
  } else {
    intPart = digits.slice(0, point).padEnd(point, '0');
    frac = digits.slice(point);
  }
  frac = frac.padEnd(decimals, '0').slice(0, decimals);
  intPart = intPart.replace(/^0+(?=\d)/, '');
  return decimals > 0 ? `${intPart}.${frac}` : intPart;
}

function exponent(x: number, decimals: number, alt: boolean): string {
  if (x === 0) return `0${decimals > 0 ? '.' + '0'.repeat(decimals) : alt ? '.' : ''}e+00`;
  const { point } = exactDecimal(x);
  let exp = point - 1;
  let r = roundDigits(x, decimals - exp);
  if (r.point - 1 !== exp) {
    exp = r.point - 1;
    r = roundDigits(x, decimals - exp);
  }
  const d = r.digits.padEnd(decimals + 1, '0');
  const mant = decimals > 0 ? `${d[0]}.${d.slice(1, decimals + 1)}` : alt ? `${d[0]}.` : d[0]!;
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function general(x: number, precision: number, alt: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alt ? `0.${'0'.repeat(p - 1)}` : '0';
  const e = exponent(x, p - 1, false);
  const exp = Number(e.slice(e.indexOf('e') + 1));
  let out: string;
  if (exp >= -4 && exp < p) {
    out = fixed(x, p - 1 - exp);
    if (!alt && out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  } else {
    out = exponent(x, p - 1, alt);
    if (!alt) out = out.replace(/\.?0+e/, 'e');
  }
  return out;
}

interface Spec {
  fill: string;
  align?: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision?: number;
  type: string;
}

function parseSpec(spec: string): Spec {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec);
  if (!m) return fail(`format spec ${JSON.stringify(spec)}`);
  if (m[4]) fail('format spec z');
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : undefined),
    sign: m[3] ?? '-',
    alt: !!m[5],
    zero: !!m[6],
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? '',
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? '',
  };
}

function group(intDigits: string, sep: string, every: number): string {
  if (!sep) return intDigits;
  let out = '';
  for (let i = 0; i < intDigits.length; i++) {
    if (i && (intDigits.length - i) % every === 0) out += sep;
    out += intDigits[i];
  }
  return out;
}

function pad(body: string, prefix: string, s: Spec, defaultAlign: string): string {
  const align = s.align ?? defaultAlign;
  const len = [...body].length + prefix.length;
  if (len >= s.width) return prefix + body;
  const n = s.width - len;
  if (align === '<') return prefix + body + s.fill.repeat(n);
  if (align === '>') return s.fill.repeat(n) + prefix + body;
  if (align === '=') return prefix + s.fill.repeat(n) + body;
  const left = Math.floor(n / 2);
  return s.fill.repeat(left) + prefix + body + s.fill.repeat(n - left);
}

function signOf(negative: boolean, s: Spec): string {
  return negative ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
}

function formatInt(v: bigint, s: Spec): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (s.type) {
    case '':
    case 'd':
    case 'n':
      if (s.type === 'n' && s.grouping) fail('format n with grouping');
      digits = group(a.toString(), s.grouping, 3);
      break;
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      const base = s.type === 'b' ? 2 : s.type === 'o' ? 8 : 16;
      digits = a.toString(base);
      if (s.type === 'X') digits = digits.toUpperCase();
      if (s.grouping) digits = group(digits, s.grouping === ',' ? fail('format , with base') : '_', 4);
      if (s.alt) prefix = s.type === 'b' ? '0b' : s.type === 'o' ? '0o' : s.type === 'x' ? '0x' : '0X';
      break;
    }
    case 'c':
      return pad(String.fromCodePoint(Number(v)), '', s, '<');
    default:
      return formatFloat(Number(v), s);
  }
  if (s.precision !== undefined) fail('precision in an integer format');
  return pad(digits, signOf(neg, s) + prefix, s, '>');
}

function formatFloat(x: number, s: Spec): string {
  if (s.grouping && s.type === 'n') fail('format n');
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let body: string;
  if (!Number.isFinite(a)) body = Number.isNaN(a) ? 'nan' : 'inf';
  else
    switch (s.type) {
      case 'f':
      case 'F':
        body = fixed(a, s.precision ?? 6);
        if (s.alt && !body.includes('.')) body += '.';
        break;
      case 'e':
      case 'E':
        body = exponent(a, s.precision ?? 6, s.alt);
        break;
      case 'g':
      case 'G':
      case 'n':
        body = general(a, s.precision ?? 6, s.alt);
        break;
      case '%':
        body = fixed(a * 100, s.precision ?? 6) + '%';
        break;
      case '':
        if (s.precision !== undefined) return fail('float format without a type');
        body = pyFloatRepr(a);
        break;
      default:
        return fail(`format type ${s.type} for a float`);
    }
  if (/[EFG]/.test(s.type)) body = body.toUpperCase();
  if (s.grouping && Number.isFinite(a)) {
    const m = /^(\d+)(.*)$/s.exec(body);
    if (m) body = group(m[1]!, s.grouping, 3) + m[2];
  }
  return pad(body, signOf(neg && !Number.isNaN(x), s), s, '>');
}

/** `format(value, spec)`. */
export function formatValue(v: PyValue, spec: string): string {
  if (spec === '') return pyStrOf(v);
  const s = parseSpec(spec);
  switch (v.k) {
    case 'str':
      if (s.type && s.type !== 's') fail(`format type ${s.type} for a str`);
      if (s.sign !== '-' || s.alt || s.grouping || s.align === '=') fail('format spec for a str');
      return pad(s.precision !== undefined ? [...v.v].slice(0, s.precision).join('') : v.v, '', s, '<');
    case 'int':
      return formatInt(v.v, s);
    case 'bool':
      return formatInt(v.v ? 1n : 0n, s);
    case 'float':
      return formatFloat(v.v, s);
    default:
      return fail(`format() of ${v.k}`);
  }
}

function convert(v: PyValue, conv: string | undefined): PyValue {
  if (!conv || conv === 's') return conv ? { k: 'str', v: pyStrOf(v) } : v;
  if (conv === 'r') return { k: 'str', v: pyRepr(v) };
  if (conv === 'a') return { k: 'str', v: pyAscii(v) };
  return fail(`conversion !${conv}`);
}

/** An f-string replacement field or a `str.format` field: conversion, then the format spec. */
export function formatField(v: PyValue, conv: string | undefined, spec: string | undefined): string {
  return formatValue(convert(v, conv), spec ?? '');
}

/** `template.format(*args, **kwargs)`. */
export function strFormat(template: string, args: PyValue[], kwargs: Map<string, PyValue>, subscript: (obj: PyValue, key: PyValue) => PyValue): string {
  let auto = 0;
  const field = (text: string): string => {
    const m = /^([^.[!:]*)((?:\.[A-Za-z_]\w*|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(text);
    if (!m) return fail('str.format field');
    const [, name, accessors, conv, rawSpec] = m;
    let v: PyValue;
    if (name === '') {
      if (auto < 0) fail('str.format: manual and automatic numbering mixed');
      v = args[auto++] ?? fail('str.format: missing argument');
    } else if (/^\d+$/.test(name!)) {
      if (auto > 0) fail('str.format: manual and automatic numbering mixed');
      auto = -1;
      v = args[Number(name)] ?? fail('str.format: missing argument');
    } else v = kwargs.get(name!) ?? fail(`str.format: missing ${name}`);
    for (const acc of accessors!.match(/\.[A-Za-z_]\w*|\[[^\]]*\]/g) ?? []) {
      if (acc.startsWith('.')) return fail('str.format attribute access');
      const key = acc.slice(1, -1);
      v = subscript(v, /^\d+$/.test(key) ? { k: 'int', v: BigInt(key) } : { k: 'str', v: key });
    }
    const spec = rawSpec === undefined ? '' : rawSpec.includes('{') ? replaceFields(rawSpec) : rawSpec;
    return formatField(v, conv, spec);
  };
  const replaceFields = (t: string): string => {
    let out = '';
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!;
      if (ch === '{') {
        if (t[i + 1] === '{') {
          out += '{';
          i++;
          continue;
        }
        let depth = 1;
        let j = i + 1;
        for (; j < t.length && depth; j++) {
          if (t[j] === '{') depth++;
          else if (t[j] === '}') depth--;
        }
        if (depth) fail('str.format: unbalanced braces');
        out += field(t.slice(i + 1, j - 1));
        i = j - 1;
      } else if (ch === '}') {
        if (t[i + 1] !== '}') fail('str.format: single }');
        out += '}';
        i++;
      } else out += ch;
    }
    return out;
  };
  return replaceFields(template);
}

/** `template % values`. */
export function percentFormat(template: string, values: PyValue): string {
  const positional = values.k === 'seq' && values.kind === 'tuple' ? values.items : values.k === 'dict' ? undefined : [values];
  let next = 0;
  const re = /%(?:\(([^)]*)\))?([-#0 +]*)(\d+)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/gs;
  let used = false;
  const out = template.replace(re, (whole, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%' && whole === '%%') return '%';
    let v: PyValue;
    if (key !== undefined) {
      if (values.k !== 'dict') return fail('%(name) without a mapping');
      const hit = values.entries.find(([k]) => k.k === 'str' && k.v === key);
      v = hit ? hit[1] : fail(`% format: missing key ${key}`);
      used = true;
    } else {
      if (!positional) {
        // '%s' % {...} formats the dict itself
        v = values;
        used = true;
      } else v = positional[next++] ?? fail('% format: not enough arguments');
    }
    const align = flags.includes('-') ? '<' : '>';
    const zero = flags.includes('0') && !flags.includes('-');
    const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-';
    const s: Spec = { fill: zero && !'srac'.includes(type) ? '0' : ' ', align: zero && !'srac'.includes(type) ? '=' : align, sign, alt: flags.includes('#'), zero, width: width ? Number(width) : 0, grouping: '', precision: precision !== undefined ? Number(precision) : undefined, type };
    switch (type) {
      case 's':
      case 'r':
      case 'a': {
        let text = type === 's' ? pyStrOf(v) : type === 'r' ? pyRepr(v) : pyAscii(v);
        if (s.precision !== undefined) text = [...text].slice(0, s.precision).join('');
        return pad(text, '', { ...s, align }, '<');
      }
      case 'c':
        if (v.k === 'str' && [...v.v].length === 1) return pad(v.v, '', { ...s, align }, '<');
        if (v.k === 'int') return pad(String.fromCodePoint(Number(v.v)), '', { ...s, align }, '<');
        return fail('%c of a non-character');
      case 'd':
      case 'i':
      case 'u': {
        const n = v.k === 'int' ? v.v : v.k === 'bool' ? (v.v ? 1n : 0n) : v.k === 'float' && Number.isFinite(v.v) ? BigInt(Math.trunc(v.v)) : fail('%d of a non-number');
        const digits = (n < 0n ? -n : n).toString();
        const body = s.precision !== undefined ? digits.padStart(s.precision, '0') : digits;
        return pad(body, signOf(n < 0n, s), s, '>');
      }
      case 'x':
      case 'X':
      case 'o': {
        const n = v.k === 'int' ? v.v : v.k === 'bool' ? (v.v ? 1n : 0n) : fail('%x of a non-integer');
        let digits = (n < 0n ? -n : n).toString(type === 'o' ? 8 : 16);
        if (type === 'X') digits = digits.toUpperCase();
        if (s.precision !== undefined) digits = digits.padStart(s.precision, '0');
        const prefix = s.alt ? (type === 'o' ? '0o' : type === 'x' ? '0x' : '0X') : '';
        return pad(digits, signOf(n < 0n, s) + prefix, s, '>');
      }
      default: {
        const x = v.k === 'float' ? v.v : v.k === 'int' ? Number(v.v) : v.k === 'bool' ? Number(v.v) : fail(`%${type} of a non-number`);
        return formatFloat(x, { ...s, precision: s.precision ?? 6 });
      }
    }
  });
  if (positional && next < positional.length) fail('% format: not all arguments converted');
  if (!positional && !used && values.k === 'dict' && values.entries.length === 0) return out;
  return out;
}

/** `textwrap.dedent` (CPython 3.8–3.13). */
export function dedent(text: string): string {
  const lines = text.split('\n').map((l) => (/^[ \t]+$/.test(l) ? '' : l));
  let margin: string | undefined;
  for (const l of lines) {
    const m = /^([ \t]*)[^ \t]/.exec(l);
    if (!m) continue;
    const indent = m[1]!;
    if (margin === undefined) margin = indent;
    else if (indent.startsWith(margin)) continue;
    else if (margin.startsWith(indent)) margin = indent;
    else {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
  }
  if (!margin) return lines.join('\n');
  const m = margin;
  return lines.map((l) => (l.startsWith(m) ? l.slice(m.length) : l)).join('\n');
}
