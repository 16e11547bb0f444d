import type { Node } from './parse.js';

/**
 * The value model of the static evaluator: what cannot be known (`Unknown`), function and class
 * values, `path`/`url` built-ins, and the scopes (`Env`) names are looked up in.
 */

export class Unknown {
  constructor(readonly reason: string) {}
}
export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

/** A function literal, kept so that wrappers like `defineConfig(() => ({…}))` can be followed. */
export class FnValue {
  constructor(
    readonly node: Node,
    readonly env: Env,
    readonly name: string,
  ) {}
}

/** A class declaration; only its `name` is ever read (`describe(Service.name, …)`). */
export class ClassValue {
  constructor(readonly name: string) {}
}

export interface Binding {
  node?: Node;
  /** Property path into the init value for destructuring (`const { a } = x`). */
  path?: (string | number)[];
  value?: unknown;
  state?: 'evaluating' | 'done';
  importFrom?: { source: string; imported: string };
}

export interface EvalHost {
  /** Value of export `name` ('default', a name, or '*') of module `source` imported by `fromFile` (absolute). */
  importValue?(fromFile: string, source: string, name: string): unknown;
  /** Values for well-known imports from packages (e.g. `configDefaults` from 'vitest/config'). */
  packageImport?(source: string, name: string): unknown;
}

export class Env {
  readonly vars = new Map<string, Binding>();
  constructor(
    readonly file: string,
    readonly host: EvalHost,
    readonly parent?: Env,
  ) {}

  lookup(name: string): Binding | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const b = e.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }

  child(): Env {
    return new Env(this.file, this.host, this);
  }

  set(name: string, value: unknown): void {
    this.vars.set(name, { value, state: 'done' });
  }
}

/** `path`/`url` module members we can model without I/O. */
export class BuiltinValue {
  constructor(
    readonly module: string,
    readonly member: string,
  ) {}
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
export function getPath(value: unknown, p: readonly (string | number)[]): unknown {
  let v = value;
  for (const k of p) {
    if (isUnknown(v)) return v;
    if (v === null || v === undefined) return new Unknown(`cannot read ${String(k)} of ${String(v)}`);
    if (typeof v !== 'object' && typeof v !== 'string') return new Unknown(`cannot read ${String(k)}`);
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

export function containsUnknownValue(v: unknown, depth = 0): boolean {
  if (v instanceof Unknown || v instanceof FnValue || v instanceof ClassValue || v instanceof BuiltinValue) return true;
  if (depth > 8) return true;
  if (Array.isArray(v)) return v.some((x) => containsUnknownValue(x, depth + 1));
  if (isPlainObject(v)) return Object.values(v).some((x) => containsUnknownValue(x, depth + 1));
  return false;
}

/** ToPrimitive for `+`: plain arrays and objects stringify like JavaScript does. */
export function toPrimitive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Unknown) return v;
  if (containsUnknownValue(v)) return new Unknown('+ on a value that is not statically known');
  if (Array.isArray(v)) return v.map((x) => (x === null || x === undefined ? '' : toPrimitive(x))).join(',');
  if (isPlainObject(v)) return '[object Object]';
  if (v instanceof RegExp) return String(v);
  return new Unknown('+ on an object');
}

