import type { EachTitleStyle } from './format.js';
import type { Env, EvalHost } from './model.js';
import type { Node } from './parse.js';

/** The vocabulary of test extraction: results, options, and the walker's frames and chains. */

export interface TestDialect {
  /** How `.each`/`.for` titles and tagged-template table headings are formatted. */
  eachTitles: EachTitleStyle;
  /** A test call without a function body is a todo (`it('later')`). */
  todoWithoutBody: boolean;
  /** Title-less `test.skip()`/`test.fixme()`/`test.fail()`/`test.slow()`/`test.only()` calls modify the enclosing scope. */
  scopeModifiers: boolean;
  /** A test's first parameter is a context whose `.test()` defines subtests (`t.test('inner', …)`). */
  contextSubtests: boolean;
}

export interface ExtractedTest {
  titlePath: string[];
  line: number;
  status: 'active' | 'skip' | 'todo';
  dynamic: boolean;
  dynamicReason?: string;
  /** Tags from `{ tag }` options (with their `@`) plus `@word` tokens in titles. */
  tags: string[];
  /** Annotation descriptions/types (Playwright `annotation`), for requirement references. */
  annotations: string[];
}

export interface ExtractResult {
  tests: ExtractedTest[];
  parseError?: { message: string; line: number; limit?: boolean };
}

export interface ExtractOptions {
  dialect: TestDialect;
  host: EvalHost;
  /** Absolute file path (for relative imports in titles). */
  absFile: string;
}

export const SUITE_BASES = new Set(['describe', 'suite', 'context', 'fdescribe', 'xdescribe', 'xcontext', 'xsuite']);
export const TEST_BASES = new Set(['it', 'test', 'specify', 'fit', 'xit', 'xtest', 'xspecify']);
export const ALL_BASES = new Set([...SUITE_BASES, ...TEST_BASES]);
export const CHAIN_MODS = new Set([
  'skip', 'only', 'todo', 'concurrent', 'sequential', 'fails', 'failing', 'skipIf', 'runIf', 'each', 'for',
  'parallel', 'serial', 'fixme', 'fail', 'shuffle', 'describe', 'extend', 'scoped', 'override', 'suite',
]);

export interface Chain {
  base: string;
  mods: string[];
  table?: { node: Node; tagged: boolean; kind: 'each' | 'for' };
  conds: { mod: 'skipIf' | 'runIf'; node: Node }[];
}

export interface Frame {
  title: string | null;
  skip: boolean;
  todo: boolean;
  only: boolean;
  tags: string[];
  annotations: string[];
}

export interface Ctx {
  env: Env;
  frames: Frame[];
  dynamicReason?: string;
  inline: number;
  /** A scope-level `test.skip()` / `test.fixme()` seen in the current suite body. */
  scopeSkip: { skip: boolean };
  /** Code that may run zero or several times here (a branch on an unknown condition, an unknown callback): changes to values are not applied, they make the values unknown. */
  uncertain?: boolean;
  /** node:test: the name of the enclosing test's context parameter, whose `.test()` defines subtests. */
  subtestParam?: string;
}

export interface Found extends ExtractedTest {
  only: boolean;
}

export function isFunctionNode(n: Node | undefined): boolean {
  return !!n && (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression');
}

export const SKIP_KEYS = new Set(['type', 'start', 'end', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'decorators', 'range', 'loc']);

