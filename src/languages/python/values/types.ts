/**
 * Values of statically evaluated Python expressions, and what the evaluator needs from the code
 * that knows the repository's modules (`PythonResolver`). Shared by the Python runners.
 */
import type { Binding, Expr, PyClass, PyFunction } from '../ast.js';
import type { FunctionBody } from '../body.js';

export interface Mark {
  name: string;
  args: Expr[];
  kwargs: Record<string, Expr>;
  /** File the mark expression lives in (for evaluating its arguments). */
  file: string;
  /** Class body the decorator was written in: its names are visible to the arguments. */
  scope?: import('../ast.js').Bindings;
  /** Local names the arguments see (a mark applied inside a decorator function). */
  env?: Env;
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
  /**
   * A list, tuple or set, or an iterator over items. `unordered`: a set whose iteration order is
   * not known (its own id is still argname + index). `name`: a generator object (its id is the
   * `__name__` of its function, `<genexpr>` for a generator expression).
   */
  | { k: 'seq'; kind: 'list' | 'tuple' | 'set'; items: PyValue[]; unordered?: boolean; name?: string; /** `itertools.repeat(x)`: `items[0]` forever. */ infinite?: boolean }
  | { k: 'dict'; entries: Array<[PyValue, PyValue]> }
  /** A class, function or module: its id is its `__name__`. `fn`: how to call it, when known. */
  | { k: 'named'; name: string; fn?: Callable }
  | { k: 'param'; values: PyValue[]; id: string | null; marks: Mark[] }
  /** Marks; `applied`: a function carrying these marks (what a mark decorator returns). */
  | { k: 'mark'; marks: Mark[]; applied?: boolean }
  /** An object with no usable id (pytest falls back to `argname + index`). */
  | { k: 'object'; what: string; /** `str()` when known (pathlib paths). */ str?: string; /** Its class, when it is a repository class. */ cls?: { cls: PyClass; file: string } }
  /** A member of an `Enum`/`Flag` (its id is `str()`: `Cls.NAME`); `value` when known. */
  | { k: 'enum'; text: string; value?: PyValue }
  /** An element that could not be evaluated; fine as long as nobody needs its id or items. */
  | { k: 'unknown'; reason: string };

/** What calling a `named` value runs. */
export type Callable =
  /** A function of the repository (its body is read when it is called). */
  | { kind: 'def'; fn: PyFunction; file: string }
  /** A function defined inside a function that was followed (a closure over `env`). */
  | { kind: 'local'; body: FunctionBody; file: string; env: Env }
  | { kind: 'lambda'; params: Array<{ name: string; default?: PyValue }>; body: Expr; file: string; env?: Env }
  | { kind: 'builtin'; name: string }
  /** A class of the repository: calling it makes an instance. */
  | { kind: 'class'; cls: PyClass; file: string }
  /** A class made at run time (a class statement in a function, `type(name, …)`). */
  | { kind: 'madeclass'; bases: PyValue[]; members: string[] }
  /** A callable of a library (only a few are known: `textwrap.dedent`, `str.lower`…). */
  | { kind: 'external'; module: string; name: string };

/** A value seams cannot know statically; thrown often, so it carries no stack trace. */
export class Unresolvable extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

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
  /** The body of a repository function, read when a call is followed (undefined: not available). */
  functionBody?(fn: PyFunction, file: string): FunctionBody | undefined;
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
  /** The items of an iterable, in iteration order (fails for a set whose order is not known). */
  iterate(v: PyValue): PyValue[];
  /** The items of an iterable where their order does not matter (`sorted`, `len`, `in`). */
  items(v: PyValue): PyValue[];
  /** Calls a callable value (a repository function, a lambda, a class, a builtin). */
  callValue(callee: PyValue, args: PyValue[], kwargs: Map<string, PyValue>): PyValue;
  /** Runs `fn` with the names of a class body visible, or none (`undefined`: a function body). */
  inScope<T>(scope: import('../ast.js').Bindings | undefined, fn: () => T): T;
}
