/**
 * Values of statically evaluated Python expressions, and what the evaluator needs from the code
 * that knows the repository's modules (`PythonResolver`). Shared by the Python runners.
 */
import type { Binding, Expr, PyClass, PyFunction } from '../ast.js';

export interface Mark {
  name: string;
  args: Expr[];
  kwargs: Record<string, Expr>;
  /** File the mark expression lives in (for evaluating its arguments). */
  file: string;
  /** Class body the decorator was written in: its names are visible to the arguments. */
  scope?: import('../ast.js').Bindings;
  /** `unittest.skip…` / `expectedFailure` decorators: status only, not a pytest marker. */
  unittest?: boolean;
}

export type PyValue =
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'complex'; text: string }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'seq'; kind: 'list' | 'tuple' | 'set'; items: PyValue[] }
  | { k: 'dict'; entries: Array<[PyValue, PyValue]> }
  /** A class, function or module: its id is its `__name__`. */
  | { k: 'named'; name: string }
  | { k: 'param'; values: PyValue[]; id: string | null; marks: Mark[] }
  | { k: 'mark'; marks: Mark[] }
  /** An object with no usable id (pytest falls back to `argname + index`). */
  | { k: 'object'; what: string; /** `str()` when known (pathlib paths). */ str?: string }
  | { k: 'enum'; text: string }
  /** An element that could not be evaluated; fine as long as nobody needs its id or items. */
  | { k: 'unknown'; reason: string };

export class Unresolvable extends Error {}

export const fail = (reason: string): never => {
  throw new Unresolvable(reason);
};

export type Env = Map<string, PyValue>;

export const MAX_ITEMS = 100_000;

/** What a name or attribute refers to, as far as the repository's sources tell. */
export type Resolved =
  | { k: 'function'; fn: PyFunction; file: string }
  | { k: 'class'; cls: PyClass; file: string }
  | { k: 'value'; binding: Extract<Binding, { kind: 'value' }>; file: string; owner?: PyClass }
  | { k: 'module'; file: string; dotted: string }
  | { k: 'external'; module: string; name: string }
  | { k: 'builtin'; name: string }
  | { k: 'unknown'; reason: string };

export type MroEntry =
  | { k: 'class'; cls: PyClass; file: string }
  | { k: 'external'; module: string; name: string }
  | { k: 'unresolved'; text: string };

/** Name resolution over the repository's modules (the runner's project loader implements it). */
export interface PythonResolver {
  resolveName(file: string, name: string): Resolved;
  resolveAttr(base: Resolved, attr: string): Resolved;
  resolveExprRef(expr: Expr, file: string): Resolved;
  mro(cls: PyClass, file: string): MroEntry[];
}

/**
 * Values a library gives its own objects, tried before the generic rules: pytest's
 * `pytest.param(...)` and `pytest.mark.x` (see `runners/pytest/marks.ts`).
 */
export interface ValueHooks {
  attr?(e: Extract<Expr, { t: 'attr' }>, file: string): PyValue | undefined;
  call?(e: Extract<Expr, { t: 'call' }>, file: string, env: Env | undefined): PyValue | undefined;
}

/**
 * What a call's evaluation (`calls.ts`) needs from the expression evaluator; `Evaluator`
 * implements it. Kept here so calls.ts and evaluate.ts do not import each other.
 */
export interface CallEvaluator {
  readonly project: PythonResolver;
  evaluate(expr: Expr, file: string, env?: Env): PyValue;
  /** Evaluates an element whose value may not matter: `unknown` instead of failing. */
  lenient(e: Expr, file: string, env?: Env): PyValue;
  evalArgs(args: Expr[], file: string, env?: Env): PyValue[];
  iterate(v: PyValue): PyValue[];
}
