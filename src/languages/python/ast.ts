/**
 * A small, plain-data view of the parts of a Python module that static test discovery needs:
 * imports, top-level and class-level bindings (functions, classes, assignments), decorators,
 * parameters and docstrings. Function bodies are never represented. Everything is plain data,
 * so the native parse tree can be freed right after extraction.
 */

export type Expr =
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'complex'; text: string }
  | { t: 'str'; v: string; fstring?: boolean }
  /** An f-string: literal parts and interpolated expressions (`conv`: !r/!s/!a, `spec`: format spec text). */
  | { t: 'fstr'; parts: Array<string | { e: Expr; conv?: string; spec?: string }> }
  | { t: 'bytes'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'ellipsis' }
  | { t: 'name'; id: string }
  | { t: 'attr'; obj: Expr; name: string }
  | { t: 'call'; fn: Expr; args: Expr[]; kwargs: Record<string, Expr>; hasStarStar: boolean }
  | { t: 'list' | 'tuple' | 'set'; items: Expr[] }
  | { t: 'dict'; entries: Array<[Expr, Expr]> }
  | { t: 'binop'; op: string; l: Expr; r: Expr }
  | { t: 'unary'; op: string; v: Expr }
  | { t: 'compare'; ops: string[]; operands: Expr[] }
  | { t: 'boolop'; op: 'and' | 'or'; l: Expr; r: Expr }
  | { t: 'not'; v: Expr }
  | { t: 'ifexp'; body: Expr; cond: Expr; orelse: Expr }
  /** A comprehension; a dict comprehension has `key` (its `elt` is the value). */
  | { t: 'comp'; kind: 'list' | 'gen' | 'set' | 'dict'; elt: Expr; key?: Expr; clauses: CompClause[] }
  | { t: 'subscript'; obj: Expr; index: Expr }
  | { t: 'slice'; lower?: Expr; upper?: Expr; step?: Expr }
  | { t: 'starred'; v: Expr }
  /** A lambda; `params` and `body` are absent when its parameters are more than plain names with defaults. */
  | { t: 'lambda'; params?: Array<{ name: string; default?: Expr }>; body?: Expr }
  | { t: 'other'; kind: string };

export type CompClause = { kind: 'for'; target: Target; iter: Expr } | { kind: 'if'; cond: Expr };
/** An assignment / loop target: a name or a (nested) tuple of names. */
export type Target = string | Target[] | null;

export interface PyParam {
  name: string;
  hasDefault: boolean;
  kind: 'positional' | 'varargs' | 'kwonly' | 'varkw';
}

export interface PyFunction {
  kind: 'function';
  name: string;
  line: number;
  isAsync: boolean;
  decorators: Expr[];
  params: PyParam[];
  docstring?: string;
  /** Whole-line comments directly above the function and between its decorators (for requirement references). */
  commentsAbove?: string;
  /** Whole-line comments inside its body. */
  comments?: string;
  /** The body contains `yield` at its own level (a generator). */
  isGenerator: boolean;
  /** The body mentions pytest marks (a decorator factory applying `parametrize` at import time). */
  appliesMarks?: boolean;
}

export interface PyClass {
  kind: 'class';
  name: string;
  line: number;
  decorators: Expr[];
  bases: Expr[];
  keywords: Record<string, Expr>;
  body: Bindings;
  docstring?: string;
}

export interface PyImport {
  kind: 'import';
  /** Dotted module as written (without the leading dots). */
  module: string;
  /** Leading dots of a relative import (0 for absolute). */
  level: number;
  /** The imported attribute; absent for `import a.b as c` (binds the module). */
  name?: string;
  line: number;
  /** The binding this import replaced (a module importing a name from itself keeps it). */
  prev?: Binding;
}

export interface PyValueBinding {
  kind: 'value';
  expr: Expr;
  line: number;
}

/** What a name is bound to at the end of a module or class body. */
export type Binding = PyFunction | PyClass | PyImport | PyValueBinding;

/** Names in first-binding order with their last binding (like a Python `__dict__`). */
export type Bindings = Map<string, Binding>;

export interface PyModule {
  bindings: Bindings;
  starImports: Array<{ module: string; level: number }>;
  /** Modules named by module-level `pytest.importorskip("…")` calls (with their lines). */
  importorskips?: Array<{ module: string; line: number }>;
  /** First syntax error found, when the source does not parse cleanly. */
  syntaxError?: { line: number; message: string };
  docstring?: string;
}
