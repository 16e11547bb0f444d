import type { Bindings, Binding, Expr, PyClass, PyFunction } from '../../languages/python/ast.js';
import type { Diagnostic, RawTest, TestStatus } from '../../core/types.js';
import type { Evaluator, Mark } from '../../languages/python/values/index.js';
import type { PytestConfig } from './config.js';
import type { ClassFrame, EngineOptions, FixtureDef, FixtureLevel, RefSource } from './engine-shared.js';
import type { IdOptions } from './ids.js';
import type { PythonProject } from './project.js';

/**
 * What the parts of the collection use of each other. The part classes (engine-fixtures.ts,
 * engine-marks.ts, engine-classes.ts, engine-parametrize.ts, engine.ts) implement these, so this
 * file imports none of them and they do not import each other through it.
 */
export interface FixtureParts {
  /** collect_ignore / collect_ignore_glob literals of a conftest. */
  conftestIgnores(conftest: string): { ignore?: string[]; ignoreGlob?: string[] };
  isFixtureDecorator(d: Expr, file: string): boolean;
  classFixtureLevel(cls: PyClass, file: string): FixtureLevel;
  /** Fixture levels for a module, closest first: module, conftests up to the rootdir, plugins. */
  moduleLevels(file: string): FixtureLevel[];
  /** getfixtureclosure: autouse + usefixtures + arguments, transitively, sorted by scope. */
  fixtureClosure(levels: FixtureLevel[], usefixtures: string[], argnames: string[]): string[];
  /** The closest definition of a fixture that has params. */
  paramFixture(levels: FixtureLevel[], name: string): FixtureDef | undefined;
}

export interface MarkParts {
  /** Marks from module `pytestmark`s (their references come before class docstrings). */
  readonly moduleMarks: WeakSet<Mark>;
  /** Decorators of the repository whose marks were found by following them. */
  readonly followedDecorators: WeakSet<Expr>;
  marksFromDecorators(decorators: Expr[], file: string, scope?: Bindings): Mark[];
  /** `pytestmark` of a module or class body (a mark or a list of marks). */
  pytestmarkOf(b: Binding | undefined, file: string): Mark[];
  /** Own marks of a class with its bases'. */
  classMarks(cls: PyClass, file: string): Mark[];
  refsOf(file: string, all: Mark[], markers: string[], src: RefSource): RawTest['refs'];
  statusOf(marks: Mark[]): TestStatus;
}

export interface ClassParts {
  /** `__test__` as a boolean when set in the class or its bases. */
  dunderTest(cls: PyClass, file: string): boolean | undefined;
  isUnittestClass(cls: PyClass, file: string): boolean;
  hasInitOrNew(cls: PyClass, file: string): boolean;
  isAbstract(cls: PyClass, file: string): boolean;
}

/** A test function (or method) to turn into items. */
export interface FunctionCandidate {
  file: string;
  name: string;
  fn: PyFunction;
  fnFile: string;
  classes: string[];
  isMethod: boolean;
  marks: Mark[];
  levels: FixtureLevel[];
  line: number;
  classFrames?: ClassFrame[];
}

export interface ParametrizeParts {
  genFunction(out: RawTest[], f: FunctionCandidate): void;
  makeTest(file: string, classes: string[], name: string, suffix: string, line: number, marks: Mark[], paramMarks: Mark[], src: RefSource): RawTest;
}

export interface EngineParts {
  /** Whether a module star-imports test support code (whose names are then collected too). */
  hasTestSupportStar(file: string): boolean;
}

/** What every part of the collection reaches: the project, config, evaluator and the other parts. */
export interface EngineContext {
  project: PythonProject;
  cfg: PytestConfig;
  evaluator: Evaluator;
  idOpts: IdOptions;
  opts: EngineOptions;
  diag(d: Omit<Diagnostic, 'runner'>): void;
  fixtures: FixtureParts;
  marks: MarkParts;
  classes: ClassParts;
  params: ParametrizeParts;
  engine: EngineParts;
}
