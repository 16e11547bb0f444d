/** Methods of known values: str, bytes, dict, list and tuple methods; methods of instances. */
import type { Expr } from '../ast.js';
import { pyEquals, subscript } from './builtins.js';
import { strFormat } from './format.js';
import { fail, type CallEvaluator, type Env, type PyValue } from './types.js';

/** Methods of library objects (dates, decimals, paths) that give another object of the kind, never a str or number. */
const OBJECT_METHODS = new Set(['replace', 'astimezone', 'with_suffix', 'with_name', 'with_stem', 'joinpath', 'resolve', 'absolute', 'relative_to', 'quantize', 'normalize', 'copy', 'date', 'timetz']);

const PY_WHITESPACE = ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function stripChars(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars ?? PY_WHITESPACE;
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && set.includes(cs[a]!)) a++;
  if (right) while (b > a && set.includes(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

const isAsciiOnly = (s: string) => /^[\x00-\x7f]*$/.test(s);

function splitWhitespace(s: string, max: number): string[] {
  const out: string[] = [];
  let rest = stripChars(s, undefined, true, false);
  while (rest.length) {
    if (max >= 0 && out.length === max) {
      out.push(stripChars(rest, undefined, false, true));
      break;
    }
    let i = 0;
    while (i < rest.length && !PY_WHITESPACE.includes(rest[i]!)) i++;
    out.push(rest.slice(0, i));
    rest = stripChars(rest.slice(i), undefined, true, false);
  }
  return out;
}

const str = (v: string): PyValue => ({ k: 'str', v });
const strList = (xs: string[]): PyValue => ({ k: 'seq', kind: 'list', items: xs.map(str) });

function strMethod(ev: CallEvaluator, s: string, name: string, a: PyValue[], kw: Map<string, PyValue>): PyValue {
  const argStr = (i: number): string | undefined => {
    const v = a[i];
    if (v === undefined || v.k === 'none') return undefined;
    return v.k === 'str' ? v.v : fail(`str.${name}() of a non-string`);
  };
  const argInt = (i: number, dflt: number): number => {
    const v = a[i];
    if (v === undefined) return dflt;
    return v.k === 'int' ? Number(v.v) : fail(`str.${name}() of a non-integer`);
  };
  if (kw.size && name !== 'format' && name !== 'split' && name !== 'rsplit' && name !== 'splitlines') fail(`str.${name}() with keywords`);
  switch (name) {
    case 'format':
      return str(strFormat(s, a, kw, subscript));
    case 'join':
      return str(ev.iterate(a[0]!).map((x) => (x.k === 'str' ? x.v : fail('join of non-strings'))).join(s));
    case 'split':
    case 'rsplit': {
      const sepV = a[0] ?? kw.get('sep');
      const sep = sepV && sepV.k !== 'none' ? (sepV.k === 'str' ? sepV.v : fail('split of a non-string')) : undefined;
      const maxV = a[1] ?? kw.get('maxsplit');
      const max = maxV ? (maxV.k === 'int' ? Number(maxV.v) : fail('split maxsplit')) : -1;
      if (sep === undefined) {
        if (name === 'rsplit' && max >= 0) fail('rsplit with maxsplit');
        return strList(splitWhitespace(s, max));
      }
      if (sep === '') fail('empty separator');
      const parts = s.split(sep);
      if (max < 0 || parts.length <= max + 1) return strList(parts);
      if (name === 'split') return strList([...parts.slice(0, max), parts.slice(max).join(sep)]);
      return strList([parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)]);
    }
    case 'splitlines': {
      const keep = (a[0] ?? kw.get('keepends'))?.k === 'bool' && ((a[0] ?? kw.get('keepends')) as { v: boolean }).v;
      const out: string[] = [];
      const re = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;
      let last = 0;
      for (let m = re.exec(s); m; m = re.exec(s)) {
        out.push(s.slice(last, keep ? m.index + m[0].length : m.index));
        last = m.index + m[0].length;
      }
      if (last < s.length) out.push(s.slice(last));
      return strList(out);
    }
    case 'upper':
    case 'lower':
    case 'casefold':
    case 'title':
    case 'capitalize':
    case 'swapcase': {
      if (!isAsciiOnly(s)) fail(`str.${name}() of non-ASCII text`);
      if (name === 'upper') return str(s.toUpperCase());
      if (name === 'lower' || name === 'casefold') return str(s.toLowerCase());
      if (name === 'capitalize') return str(s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase());
      if (name === 'swapcase') return str([...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''));
      return str(s.replace(/[A-Za-z]+/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()));
    }
    case 'strip':
      return str(stripChars(s, argStr(0), true, true));
    case 'lstrip':
      return str(stripChars(s, argStr(0), true, false));
    case 'rstrip':
      return str(stripChars(s, argStr(0), false, true));
    case 'replace': {
      const [from, to] = [argStr(0) ?? fail('replace'), argStr(1) ?? fail('replace')];
      let count = argInt(2, -1);
      if (from === '') fail('replace of an empty string');
      let out = '';
      let rest = s;
      for (let i = rest.indexOf(from); i >= 0 && count !== 0; i = rest.indexOf(from), count--) {
        out += rest.slice(0, i) + to;
        rest = rest.slice(i + from.length);
      }
      return str(out + rest);
    }
    case 'startswith':
    case 'endswith': {
      const p = a[0]!;
      const prefixes = p.k === 'seq' && p.kind === 'tuple' ? p.items : [p];
      if (a.length > 1) fail(`str.${name}() with positions`);
      return { k: 'bool', v: prefixes.some((x) => (x.k === 'str' ? (name === 'startswith' ? s.startsWith(x.v) : s.endsWith(x.v)) : fail(`${name} of a non-string`))) };
    }
    case 'removeprefix': {
      const p = argStr(0)!;
      return str(s.startsWith(p) ? s.slice(p.length) : s);
    }
    case 'removesuffix': {
      const p = argStr(0)!;
      return str(p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s);
    }
    case 'zfill': {
      const w = argInt(0, 0);
      const cs = [...s];
      if (cs.length >= w) return str(s);
      const sign = cs[0] === '+' || cs[0] === '-' ? cs[0] : '';
      return str(sign + '0'.repeat(w - cs.length) + cs.slice(sign ? 1 : 0).join(''));
    }
    case 'ljust':
    case 'rjust':
    case 'center': {
      const w = argInt(0, 0);
      const fill = argStr(1) ?? ' ';
      const n = w - [...s].length;
      if (n <= 0) return str(s);
      if (name === 'ljust') return str(s + fill.repeat(n));
      if (name === 'rjust') return str(fill.repeat(n) + s);
      // CPython: left = n/2 + (n & w & 1)
      const left = Math.floor(n / 2) + (n & w & 1);
      return str(fill.repeat(left) + s + fill.repeat(n - left));
    }
    case 'count': {
      const sub = argStr(0) ?? fail('count');
      if (!sub) return { k: 'int', v: BigInt([...s].length + 1) };
      return { k: 'int', v: BigInt(s.split(sub).length - 1) };
    }
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex': {
      const sub = argStr(0) ?? fail(name);
      if (a.length > 1 || !isAsciiOnly(s)) fail(`str.${name}() with positions`);
      const i = name.startsWith('r') ? s.lastIndexOf(sub) : s.indexOf(sub);
      if (i < 0 && name.endsWith('index')) fail('substring not found');
      return { k: 'int', v: BigInt(i) };
    }
    case 'partition':
    case 'rpartition': {
      const sep = argStr(0) ?? fail(name);
      const i = name === 'partition' ? s.indexOf(sep) : s.lastIndexOf(sep);
      const items = i < 0 ? (name === 'partition' ? [s, '', ''] : ['', '', s]) : [s.slice(0, i), sep, s.slice(i + sep.length)];
      return { k: 'seq', kind: 'tuple', items: items.map(str) };
    }
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
      if (!isAsciiOnly(s)) fail(`str.${name}() of non-ASCII text`);
      return { k: 'bool', v: /^[0-9]+$/.test(s) };
    case 'isalpha':
      if (!isAsciiOnly(s)) fail(`str.${name}() of non-ASCII text`);
      return { k: 'bool', v: /^[A-Za-z]+$/.test(s) };
    case 'isalnum':
      if (!isAsciiOnly(s)) fail(`str.${name}() of non-ASCII text`);
      return { k: 'bool', v: /^[A-Za-z0-9]+$/.test(s) };
    case 'isupper':
    case 'islower':
      if (!isAsciiOnly(s)) fail(`str.${name}() of non-ASCII text`);
      return { k: 'bool', v: /[A-Za-z]/.test(s) && (name === 'isupper' ? s === s.toUpperCase() : s === s.toLowerCase()) };
    case 'isspace':
      return { k: 'bool', v: s.length > 0 && [...s].every((c) => PY_WHITESPACE.includes(c)) };
    case 'isidentifier':
      if (!isAsciiOnly(s)) fail(`str.${name}() of non-ASCII text`);
      return { k: 'bool', v: /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) };
    case 'encode': {
      const enc = (argStr(0) ?? 'utf-8').toLowerCase().replace(/[-_]/g, '');
      if (enc === 'utf8') return { k: 'bytes', v: String.fromCharCode(...new TextEncoder().encode(s)) };
      if ((enc === 'ascii' && isAsciiOnly(s)) || (enc === 'latin1' && /^[\x00-\xff]*$/.test(s))) return { k: 'bytes', v: s };
      return fail(`str.encode(${enc})`);
    }
    default:
      return fail(`str.${name}()`);
  }
}

function bytesMethod(b: string, name: string, a: PyValue[]): PyValue {
  switch (name) {
    case 'decode': {
      const enc = (a[0]?.k === 'str' ? a[0].v : 'utf-8').toLowerCase().replace(/[-_]/g, '');
      if (a.length > 1) fail('bytes.decode() with errors');
      if (enc === 'utf8') {
        try {
          return str(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from([...b].map((c) => c.charCodeAt(0)))));
        } catch {
          return fail('invalid UTF-8');
        }
      }
      if (enc === 'latin1' || (enc === 'ascii' && /^[\x00-\x7f]*$/.test(b))) return str(b);
      return fail(`bytes.decode(${enc})`);
    }
    case 'upper':
      return { k: 'bytes', v: b.replace(/[a-z]/g, (c) => c.toUpperCase()) };
    case 'lower':
      return { k: 'bytes', v: b.replace(/[A-Z]/g, (c) => c.toLowerCase()) };
    case 'hex':
      return str([...b].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    default:
      return fail(`bytes.${name}()`);
  }
}

/** `obj.name(...)` where `obj` is a known value. */
export function callMethod(ev: CallEvaluator, obj: PyValue, name: string, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  if (e.hasStarStar) fail('call with **kwargs');
  if (obj.k === 'unknown') return fail(obj.reason);
  if (obj.k === 'object') {
    // A method of an opaque object (`datetime.now().replace(…)`) gives another opaque object,
    // but most methods may give a str or number (`.isoformat()`, `.as_posix()`).
    if (OBJECT_METHODS.has(name)) return { k: 'object', what: `${obj.what}.${name}()` };
    return { k: 'unknown', reason: `${obj.what}.${name}() is evaluated at run time` };
  }
  const a = ev.evalArgs(e.args, file, env);
  const kw = new Map(Object.entries(e.kwargs).map(([k, v]) => [k, ev.evaluate(v, file, env)] as [string, PyValue]));
  if (obj.k === 'str') return strMethod(ev, obj.v, name, a, kw);
  if (obj.k === 'bytes') return bytesMethod(obj.v, name, a);
  if (obj.k === 'dict') {
    switch (name) {
      case 'items':
        return { k: 'seq', kind: 'list', items: obj.entries.map(([k, v]) => ({ k: 'seq', kind: 'tuple', items: [k, v] })) };
      case 'keys':
        return { k: 'seq', kind: 'list', items: obj.entries.map(([k]) => k) };
      case 'values':
        return { k: 'seq', kind: 'list', items: obj.entries.map(([, v]) => v) };
      case 'get': {
        const hit = obj.entries.find(([k]) => pyEquals(k, a[0]!));
        return hit ? hit[1] : (a[1] ?? { k: 'none' });
      }
      case 'copy':
        return { k: 'dict', entries: [...obj.entries] };
      case 'pop': {
        const hit = obj.entries.find(([k]) => pyEquals(k, a[0]!));
        return hit ? hit[1] : (a[1] ?? fail('key not found'));
      }
      default:
        return fail(`dict.${name}()`);
    }
  }
  if (obj.k === 'seq' && obj.name === undefined && !obj.unordered) {
    switch (name) {
      case 'index': {
        const i = obj.items.findIndex((x) => pyEquals(x, a[0]!));
        return i >= 0 ? { k: 'int', v: BigInt(i) } : fail('not in list');
      }
      case 'count':
        return { k: 'int', v: BigInt(obj.items.filter((x) => pyEquals(x, a[0]!)).length) };
      case 'copy':
        return { ...obj, items: [...obj.items] };
      default:
        return fail(`${obj.kind}.${name}()`);
    }
  }
  if (obj.k === 'seq' && obj.kind === 'set') {
    if (name === 'copy') return { ...obj, items: [...obj.items] };
    if (name === 'union' || name === 'intersection' || name === 'difference') {
      const others = a.map((x) => ev.items(x));
      let items = [...obj.items];
      if (name === 'union') for (const o of others) for (const x of o) if (!items.some((y) => pyEquals(x, y))) items.push(x);
      if (name === 'intersection') items = items.filter((x) => others.every((o) => o.some((y) => pyEquals(x, y))));
      if (name === 'difference') items = items.filter((x) => !others.some((o) => o.some((y) => pyEquals(x, y))));
      return { k: 'seq', kind: 'set', items, unordered: items.length > 1 };
    }
  }
  return fail(`call of .${name}()`);
}
