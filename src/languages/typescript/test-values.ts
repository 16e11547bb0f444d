import { bindPattern, bindUnknown, evaluate } from './evaluate.js';
import { ClassValue, FnValue, isPlainObject, isUnknown, Unknown, type Env } from './model.js';
import type { Node } from './parse.js';

/** Values the test walker reads: titles, test options, conditions, and parameters bound to arguments. */

export type Title = { title: string } | { unknown: string };

export interface TestOptions {
  skip: boolean;
  only: boolean;
  todo: boolean;
  tags: string[];
  annotations: string[];
}

/** A test or suite title: its value when known, else why not. */
export function titleOf(node: Node | undefined, env: Env): Title {
  if (!node) return { unknown: 'no title' };
  const v = evaluate(node, env);
  if (typeof v === 'string') return { title: v };
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return { title: String(v) };
  if (v instanceof ClassValue) return { title: v.name };
  if (v instanceof FnValue) return { title: v.name || '<anonymous>' };
  if (isUnknown(v)) return { unknown: v.reason };
  return { unknown: 'title is not a string' };
}

/** The `{ skip, only, todo, tag, annotation }` options object of a test or suite call. */
export function readOptions(node: Node | undefined, env: Env): TestOptions {
  const out: TestOptions = { skip: false, only: false, todo: false, tags: [], annotations: [] };
  if (!node || node.type !== 'ObjectExpression') return out;
  const v = evaluate(node, env);
  if (!isPlainObject(v)) return out;
  if (v.skip === true || typeof v.skip === 'string') out.skip = true;
  if (v.only === true) out.only = true;
  if (v.todo === true || typeof v.todo === 'string') out.todo = true;
  const tag = v.tag ?? v.tags;
  for (const t of Array.isArray(tag) ? tag : [tag]) if (typeof t === 'string') out.tags.push(t);
  const ann = v.annotation;
  for (const a of Array.isArray(ann) ? ann : [ann]) {
    if (isPlainObject(a)) {
      if (typeof a.type === 'string') out.annotations.push(a.type);
      if (typeof a.description === 'string') out.annotations.push(a.description);
    }
  }
  return out;
}

/** A condition's truth when statically known. */
export function evalCond(node: Node | undefined, env: Env): boolean | undefined {
  const v = evaluate(node, env);
  return isUnknown(v) ? undefined : !!v;
}

export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Binds a parameter pattern to an argument value (or, with `unknown`, to an unknown parameter value). */
export function bindValue(env: Env, pattern: Node, value: unknown, unknown = false): void {
  if (unknown) bindUnknown(env, pattern, (name) => new UnknownParam(name));
  else bindPattern(env, pattern, value);
}

class UnknownParam extends Unknown {
  constructor(name: string) {
    super(`${name} is a parameter whose value is not statically known`);
  }
}

/** Replaces the unknown cells of a table row by a sentinel string. */
export function maskUnknown(v: unknown, sentinel: string, depth = 0): unknown {
  if (isUnknown(v)) return sentinel;
  if (depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => maskUnknown(x, sentinel, depth + 1));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskUnknown(x, sentinel, depth + 1)]));
  return v;
}

export function endsWithReturn(n: Node): boolean {
  if (n.type === 'ReturnStatement') return true;
  if (n.type === 'BlockStatement') return n.body.length > 0 && endsWithReturn(n.body[n.body.length - 1]);
  return false;
}

