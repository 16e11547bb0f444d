/** The static Python value evaluator shared by the Python runners (pytest, and Django/unittest). */
export { Evaluator } from './evaluate.js';
export { pyEquals, truthy } from './builtins.js';
export { asciiEscapeBytes, asciiEscapeStr, pyFloatRepr, pyImaginaryStr } from './repr.js';
export { fail, Unresolvable, type Env, type Mark, type MroEntry, type PythonResolver, type PyValue, type Resolved, type ValueHooks } from './types.js';
