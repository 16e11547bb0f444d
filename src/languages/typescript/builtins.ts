import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuiltinValue, isPlainObject, isUnknown, Unknown } from './model.js';

/** What the evaluator knows of Node built-ins and config helpers, without any I/O. */

/** Constants of Node built-in modules that are the same on every run of a given Node version. */
export const NODE_CONSTANTS: Record<string, Record<string, unknown>> = {
  http: { METHODS: [...http.METHODS], STATUS_CODES: { ...http.STATUS_CODES } },
  os: { EOL: os.EOL },
};


const PATH_FUNCS: Record<string, (...args: string[]) => string> = {
  join: path.join,
  resolve: path.resolve,
  dirname: path.dirname,
  basename: path.basename,
  relative: path.relative,
  normalize: path.normalize,
};

export function callBuiltin(fn: BuiltinValue, args: unknown[]): unknown {
  if (args.some(isUnknown)) return args.find(isUnknown);
  if (fn.module === 'path') {
    const member = fn.member === 'default' || fn.member === '*' ? undefined : fn.member;
    const f = member ? PATH_FUNCS[member] : undefined;
    if (f && args.every((a) => typeof a === 'string')) return f(...(args as string[]));
  }
  if (fn.module === 'url' && fn.member === 'fileURLToPath') {
    const a = args[0];
    if (typeof a === 'string' && a.startsWith('file:')) return fileURLToPath(a);
    if (a instanceof URL) return fileURLToPath(a);
  }
  return new Unknown(`call of ${fn.module}.${fn.member}`);
}
export const WRAPPERS = new Set([
  'defineConfig',
  'defineProject',
  'defineWorkspace',
  'defineVitestConfig',
  'defineVitestProject',
  'createConfig',
]);
/** Vite's mergeConfig: objects merge deeply, arrays concatenate, the right side wins for scalars. */
export function mergeConfigValues(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeConfigValues(out[k], v) : v;
    return out;
  }
  return b;
}
