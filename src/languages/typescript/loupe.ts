import { ClassValue, FnValue, isPlainObject } from './model.js';

/**
 * loupe's `inspect` (as bundled in @vitest/utils display.js, which Vitest uses for `.each` titles:
 * `%o`/`%O`, `%s` of objects, and `objDisplay` for `$var`), ported for the values the static
 * evaluator produces: primitives, RegExps, arrays, plain objects, `Map`, `Set` and functions
 * (`FnValue`/`ClassValue`). Its truncation is reproduced step by step — lists stop early with
 * `…(n)` and strings end in `…` — since `objDisplay` inspects with `truncate: 40`. Note that loupe
 * prints the number 0 as `+0`.
 */

const TRUNCATOR = '…';

interface Options {
  truncate: number;
}

function truncate(input: string, length: number, tail = TRUNCATOR): string {
  const s = String(input);
  if (tail.length > length && s.length > tail.length) return tail;
  if (s.length > length && s.length > tail.length) {
    let end = length - tail.length;
    if (end > 0 && s[end - 1]! >= '\ud800' && s[end - 1]! <= '\udbff') end -= 1;
    return `${s.slice(0, end)}${tail}`;
  }
  return s;
}

function inspectList(list: unknown[], options: Options, inspectItem: (v: unknown, o: Options) => string, separator = ', '): string {
  const size = list.length;
  if (size === 0) return '';
  const originalLength = options.truncate;
  let output = '';
  let peek = '';
  let truncated = '';
  for (let i = 0; i < size; i += 1) {
    const last = i + 1 === list.length;
    const secondToLast = i + 2 === list.length;
    truncated = `${TRUNCATOR}(${list.length - i})`;
    const value = list[i];
    options.truncate = originalLength - output.length - (last ? 0 : separator.length);
    const string = peek || inspectItem(value, options) + (last ? '' : separator);
    const nextLength = output.length + string.length;
    const truncatedLength = nextLength + truncated.length;
    if (last && nextLength > originalLength && output.length + truncated.length <= originalLength) break;
    if (!last && !secondToLast && truncatedLength > originalLength) break;
    peek = last ? '' : inspectItem(list[i + 1], options) + (secondToLast ? '' : separator);
    if (!last && secondToLast && truncatedLength > originalLength && nextLength + peek.length > originalLength) break;
    output += string;
    if (!last && !secondToLast && nextLength + peek.length >= originalLength) {
      truncated = `${TRUNCATOR}(${list.length - i - 1})`;
      break;
    }
    truncated = '';
  }
  return `${output}${truncated}`;
}

function quoteComplexKey(key: string): string {
  if (/^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key)) return key;
  return JSON.stringify(key).replace(/'/g, "\\'").replace(/\\"/g, '"').replace(/(^"|"$)/g, "'");
}

function inspectProperty(entry: unknown, options: Options): string {
  const [rawKey, value] = entry as [string, unknown];
  options.truncate -= 2;
  const key = quoteComplexKey(rawKey);
  options.truncate -= key.length;
  return `${key}: ${inspectValue(value, options)}`;
}

function inspectMapEntry(entry: unknown, options: Options): string {
  const [k, value] = entry as [unknown, unknown];
  options.truncate -= 4;
  const key = inspectValue(k, options);
  options.truncate -= key.length;
  return `${key} => ${inspectValue(value, options)}`;
}

// eslint-disable-next-line no-control-regex
const STRING_ESCAPES = /['\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0604\u070f\u17b4\u17b5\u200c-\u200f\u2028-\u202f\u2060-\u206f\ufeff\ufff0-\uffff]/g;
const ESCAPE_CHARACTERS: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', "'": "\\'", '\\': '\\\\' };

function inspectString(s: string, options: Options): string {
  const escaped = s.replace(STRING_ESCAPES, (c) => ESCAPE_CHARACTERS[c] ?? `\\u${`0000${c.charCodeAt(0).toString(16)}`.slice(-4)}`);
  return `'${truncate(escaped, options.truncate - 2)}'`;
}

function inspectNumber(n: number, options: Options): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return 1 / n === Infinity ? '+0' : '-0';
  return truncate(String(n), options.truncate);
}

/** One value, with a fresh copy of the options (loupe normalises its options on every call). */
function inspectValue(v: unknown, parent: Options): string {
  const options: Options = { truncate: parent.truncate };
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return inspectNumber(v, options);
  if (typeof v === 'bigint') {
    const nums = truncate(v.toString(), options.truncate - 1);
    return nums === TRUNCATOR ? nums : `${nums}n`;
  }
  if (typeof v === 'string') return inspectString(v, options);
  if (v instanceof FnValue || v instanceof ClassValue) return v.name ? `[Function ${truncate(v.name, options.truncate - 11)}]` : '[Function]';
  if (v instanceof RegExp) return `/${truncate(v.source, options.truncate - (2 + v.flags.length))}/${v.flags}`;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    options.truncate -= 4;
    return `[ ${inspectList(v, options, inspectValue)} ]`;
  }
  if (v instanceof Map) {
    if (!v.size) return 'Map{}';
    options.truncate -= 7;
    return `Map{ ${inspectList([...v], options, inspectMapEntry)} }`;
  }
  if (v instanceof Set) {
    if (!v.size) return 'Set{}';
    options.truncate -= 7;
    return `Set{ ${inspectList([...v], options, inspectValue)} }`;
  }
  if (isPlainObject(v)) {
    const keys = Object.getOwnPropertyNames(v);
    if (!keys.length) return '{}';
    options.truncate -= 4;
    return `{ ${inspectList(keys.map((k) => [k, v[k]]), options, inspectProperty)} }`;
  }
  return String(v);
}

/** loupe `inspect(value, { truncate })` (0 or no truncate: none). */
export function loupeInspect(v: unknown, truncateAt = Infinity): string {
  return inspectValue(v, { truncate: truncateAt === 0 ? Infinity : truncateAt });
}

/** @vitest/utils `objDisplay(value, { truncate: 40 })`: the long forms shortened to `[ Array(n) ]` / `{ Object (a, b, ...) }`. */
export function objDisplay(v: unknown, truncateAt = 40): string {
  const str = loupeInspect(v, truncateAt);
  if (truncateAt && str.length >= truncateAt) {
    if (v instanceof FnValue || v instanceof ClassValue) return v.name ? `[Function: ${v.name}]` : '[Function]';
    if (Array.isArray(v)) return `[ Array(${v.length}) ]`;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      return `{ Object (${keys.length > 2 ? `${keys.slice(0, 2).join(', ')}, ...` : keys.join(', ')}) }`;
    }
  }
  return str;
}
