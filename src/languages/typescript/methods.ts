import { containsUnknownValue, FnValue, isPlainObject, isUnknown, Unknown } from './model.js';

/**
 * The methods of built-in values the evaluator runs: arrays, strings, `Map`, `Set`, numbers, and
 * the static helpers `Array.from`/`Array.of`/`Object.fromEntries`. Only methods whose result is
 * fully determined by known values; callbacks (`map`, `filter`, `sort`, …) are called back into
 * the evaluator through `invoke`, which returns an `Unknown` when the callback cannot be evaluated.
 */

/** Returned when the method is not one we run. */
export const NO_MATCH: unique symbol = Symbol('no match');

export type Invoke = (fn: FnValue, args: unknown[]) => unknown;

/** The values `for…of`, spreads and `Array.from` see when iterating `v`; undefined when not iterable here. */
export function iterableValues(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (v instanceof Set) return [...v];
  if (v instanceof Map) return [...v].map(([k, x]) => [k, x]);
  return undefined;
}

/** Whether `v` can be a key of a `Map`/`Set` built here (known primitives only: object identity is not modelled). */
function isKey(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function' && !(v instanceof FnValue));
}

/** `new Map(entries)` / `new Set(values)` over known values; an `Unknown` otherwise. */
export function newCollection(kind: 'Map' | 'Set', arg: unknown): unknown {
  const items = arg === undefined || arg === null ? [] : iterableValues(arg);
  if (!items) return isUnknown(arg) ? arg : new Unknown(`new ${kind} of a value that is not iterable here`);
  if (kind === 'Set') {
    if (!items.every(isKey)) return new Unknown('new Set of values that are not statically known');
    return new Set(items);
  }
  const m = new Map<unknown, unknown>();
  for (const e of items) {
    if (!Array.isArray(e) || !isKey(e[0])) return new Unknown('new Map of entries that are not statically known');
    m.set(e[0], e[1]);
  }
  return m;
}

/** `Array.from(x, fn?)`, `Array.of(…)`, `Array.isArray(x)`. */
export function arrayStatic(name: string, args: unknown[], invoke: Invoke): unknown {
  if (name === 'isArray') return isUnknown(args[0]) ? args[0] : Array.isArray(args[0]);
  if (name === 'of') return args;
  if (name !== 'from') return NO_MATCH;
  const [src, fn] = args;
  let items = iterableValues(src);
  if (!items && isPlainObject(src) && typeof src.length === 'number' && src.length >= 0 && src.length <= 100_000) {
    items = Array.from({ length: src.length }, (_, i) => (src as Record<string, unknown>)[i]);
  }
  if (!items) return isUnknown(src) ? src : new Unknown('Array.from of a value that is not statically known');
  if (fn === undefined) return [...items];
  if (!(fn instanceof FnValue)) return new Unknown('Array.from with a mapper that is not a function literal');
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = invoke(fn, [items[i], i]);
    if (isUnknown(r)) return r;
    out.push(r);
  }
  return out;
}

/** `Object.keys/values/entries/assign/freeze/fromEntries` over known values. */
export function objectStatic(name: string, args: unknown[]): unknown {
  const [a] = args;
  if (name === 'fromEntries') {
    const items = iterableValues(a);
    if (!items) return isUnknown(a) ? a : new Unknown('Object.fromEntries of a value that is not statically known');
    const out: Record<string, unknown> = {};
    for (const e of items) {
      if (!Array.isArray(e) || !(typeof e[0] === 'string' || typeof e[0] === 'number')) return new Unknown('Object.fromEntries of entries that are not statically known');
      out[String(e[0])] = e[1];
    }
    return out;
  }
  if (isPlainObject(a)) {
    if (name === 'keys') return Object.keys(a);
    if (name === 'values') return Object.values(a);
    if (name === 'entries') return Object.entries(a);
    if (name === 'assign') return Object.assign({}, ...args.filter(isPlainObject));
  }
  if (Array.isArray(a)) {
    if (name === 'keys') return Object.keys(a);
    if (name === 'values') return [...a];
    if (name === 'entries') return Object.entries(a);
  }
  if ((name === 'freeze' || name === 'seal') && a !== undefined) return a;
  return NO_MATCH;
}

const num = (v: unknown, dflt?: number): number | undefined => (v === undefined ? dflt : typeof v === 'number' ? v : undefined);

/** Array methods that do not mutate the array (and `sort`/`reverse` on a copy); `NO_MATCH` otherwise. */
export function arrayMethod(obj: unknown[], name: string | number, a: unknown[], invoke: Invoke): unknown {
  switch (name) {
    case 'concat':
      return obj.concat(...a.map((x) => (x instanceof Set || x instanceof Map ? [x] : x)));
    case 'slice': {
      const start = num(a[0], 0);
      const end = num(a[1]);
      if (start === undefined || (a[1] !== undefined && end === undefined)) return new Unknown('.slice() with bounds that are not statically known');
      return obj.slice(start, end);
    }
    case 'splice': {
      // the removed elements (the array itself is not modelled as mutable)
      const start = num(a[0], 0);
      const count = num(a[1]);
      if (start === undefined || (a[1] !== undefined && count === undefined)) return new Unknown('.splice() with bounds that are not statically known');
      return [...obj].splice(start, count ?? obj.length);
    }
    case 'join':
    case 'toString':
      if (obj.some((x) => containsUnknownValue(x))) return new Unknown(`${name} of values that are not statically known`);
      if (a.some((x) => x !== undefined && typeof x !== 'string')) return new Unknown('join with a separator that is not a string');
      return name === 'join' ? obj.join(a[0] as string | undefined) : obj.toString();
    case 'includes':
      return obj.includes(a[0]);
    case 'indexOf':
      return obj.indexOf(a[0]);
    case 'at': {
      const i = num(a[0], 0);
      return i === undefined ? new Unknown('.at() of an index that is not statically known') : obj.at(i);
    }
    case 'keys':
      return [...obj.keys()];
    case 'values':
      return [...obj];
    case 'entries':
      return [...obj.entries()].map(([i, x]) => [i, x]);
    case 'reverse':
    case 'toReversed':
      return [...obj].reverse();
    case 'flat': {
      const d = num(a[0], 1);
      return d === undefined ? new Unknown('.flat() of a depth that is not statically known') : obj.flat(d);
    }
    case 'sort':
    case 'toSorted':
      return sortArray(obj, a[0], invoke);
    case 'map':
    case 'filter':
    case 'flatMap':
    case 'find':
    case 'findIndex':
    case 'findLast':
    case 'some':
    case 'every':
      return withCallback(obj, name, a[0], invoke);
    case 'reduce':
      return reduceArray(obj, a, invoke);
  }
  return NO_MATCH;
}

function withCallback(obj: unknown[], name: string, f: unknown, invoke: Invoke): unknown {
  if (!(f instanceof FnValue)) return isUnknown(f) ? f : NO_MATCH;
  const out: unknown[] = [];
  const order = name === 'findLast' ? [...obj.keys()].reverse() : [...obj.keys()];
  for (const i of order) {
    const r = invoke(f, [obj[i], i, obj]);
    if (isUnknown(r)) return r;
    switch (name) {
      case 'map': out.push(r); break;
      case 'filter': if (r) out.push(obj[i]); break;
      case 'flatMap': if (Array.isArray(r)) out.push(...r); else out.push(r); break;
      case 'find': case 'findLast': if (r) return obj[i]; break;
      case 'findIndex': if (r) return i; break;
      case 'some': if (r) return true; break;
      case 'every': if (!r) return false; break;
    }
  }
  if (name === 'find' || name === 'findLast') return undefined;
  if (name === 'findIndex') return -1;
  if (name === 'some') return false;
  if (name === 'every') return true;
  return out;
}

function reduceArray(obj: unknown[], a: unknown[], invoke: Invoke): unknown {
  const f = a[0];
  if (!(f instanceof FnValue)) return isUnknown(f) ? f : NO_MATCH;
  if (a.length < 2 && obj.length === 0) return new Unknown('reduce of an empty array');
  let acc = a.length >= 2 ? a[1] : obj[0];
  for (let i = a.length >= 2 ? 0 : 1; i < obj.length; i++) {
    acc = invoke(f, [acc, obj[i], i, obj]);
    if (isUnknown(acc)) return acc;
  }
  return acc;
}

function sortArray(obj: unknown[], cmp: unknown, invoke: Invoke): unknown {
  if (obj.some((x) => containsUnknownValue(x) && !isPlainObject(x) && !Array.isArray(x))) return new Unknown('sort of values that are not statically known');
  if (cmp === undefined) {
    if (obj.some((x) => typeof x === 'object' && x !== null)) return new Unknown('sort of objects without a comparator');
    return [...obj].sort();
  }
  if (!(cmp instanceof FnValue)) return new Unknown('sort with a comparator that is not a function literal');
  let failed: Unknown | undefined;
  const sorted = [...obj].sort((x, y) => {
    if (failed) return 0;
    const r = invoke(cmp, [x, y]);
    if (typeof r === 'number' && !Number.isNaN(r)) return r;
    if (typeof r === 'boolean') return Number(r);
    failed = isUnknown(r) ? r : new Unknown('sort comparator result is not a number');
    return 0;
  });
  return failed ?? sorted;
}

/** String methods with known arguments; `NO_MATCH` otherwise. */
export function stringMethod(obj: string, name: string | number, a: unknown[]): unknown {
  if (name === 'split' && (a[0] instanceof RegExp || typeof a[0] === 'string' || a[0] === undefined) && (a[1] === undefined || typeof a[1] === 'number')) return obj.split(a[0] as string, a[1] as number | undefined);
  if ((name === 'replace' || name === 'replaceAll') && a[0] instanceof RegExp && typeof a[1] === 'string') {
    if (name === 'replaceAll' && !a[0].global) return NO_MATCH;
    return obj[name](a[0], a[1]);
  }
  if (!a.every((x) => typeof x === 'string' || typeof x === 'number')) return NO_MATCH;
  switch (name) {
    case 'toString':
    case 'valueOf':
      return obj;
    case 'toUpperCase':
    case 'toLowerCase':
    case 'trim':
    case 'trimStart':
    case 'trimEnd':
      return obj[name]();
    case 'replace':
    case 'replaceAll':
      return obj[name](String(a[0]), String(a[1]));
    case 'repeat':
      return obj.repeat(Number(a[0]));
    case 'padStart':
    case 'padEnd':
      return obj[name](Number(a[0]), a[1] === undefined ? undefined : String(a[1]));
    case 'slice':
    case 'substring':
      return name === 'slice' ? obj.slice(a[0] as number | undefined, a[1] as number | undefined) : obj.substring(Number(a[0] ?? 0), a[1] as number | undefined);
    case 'concat':
      return obj.concat(...a.map(String));
    case 'startsWith':
    case 'endsWith':
    case 'includes':
      return obj[name](String(a[0]), a[1] as number | undefined);
    case 'indexOf':
    case 'lastIndexOf':
      return obj[name](String(a[0]));
    case 'charAt':
    case 'at':
      return obj[name](Number(a[0] ?? 0));
  }
  return NO_MATCH;
}

/** `Map`/`Set` reads (a collection built here is never mutated by the evaluator). */
export function collectionMethod(obj: Map<unknown, unknown> | Set<unknown>, name: string | number, a: unknown[]): unknown {
  if (name === 'has') return obj.has(a[0]);
  if (name === 'get' && obj instanceof Map) return obj.get(a[0]);
  if (name === 'keys') return [...obj.keys()];
  if (name === 'values') return [...obj.values()];
  if (name === 'entries') return [...obj.entries()].map(([k, v]) => [k, v]);
  return NO_MATCH;
}

/** `n.toString()`, `n.toFixed(d)`, `b.toString()`. */
export function numberMethod(obj: number | boolean, name: string | number, a: unknown[]): unknown {
  if (name === 'toString' && (a.length === 0 || (typeof obj === 'number' && typeof a[0] === 'number'))) return typeof obj === 'number' ? obj.toString(a[0] as number | undefined) : String(obj);
  if (typeof obj === 'number' && (name === 'toFixed' || name === 'toPrecision') && (a[0] === undefined || typeof a[0] === 'number')) return obj[name](a[0] as number | undefined);
  return NO_MATCH;
}
