/**
 * The complete runner contract. A runner is one folder, `src/runners/<id>/`, whose `index.ts`
 * exports one plain object `satisfies RunnerPlugin`, and one line in `src/runners/registry.ts`.
 * Nothing outside `src/runners/` names a runner: every runner list, CLI choice, format detector,
 * command builder, pre-flight check and CI snippet comes from the registry.
 *
 * Rules of the contract:
 * - `scan` and `verify` may read the repository (through the context) and, for verify/collect,
 *   start the runner's own collector. Everything else is pure: it returns data (argv, env, files
 *   to write, requirements to check) and the caller (execute/, app/) does the I/O.
 * - Never throw for one bad file: a diagnostic instead. Throw `SeamsError` only for usage errors.
 * - Test identity is the runner's own (see `DiscoveredTest.id`).
 *
 * Changes since the first version:
 * - `Requirement` has a `python` kind: the interpreter itself (`BuildInput.python`) must exist.
 * - `ResultFormatPlugin` says which shared reader parses it (`parser`, required), which runner
 *   writes it (`runner`) and whether several runners write that shape (`shared`).
 * - `RunnerPlugin.companionFiles` (optional): files a runner loads together with a test file
 *   (pytest's conftest.py), so that gaps follow their imports too.
 * - `RunnerPlugin.outcomes` is what the result readers use to map the runner's words.
 * - `RunnerPlugin.reach` (was the `wrapForCoverage` slot): measured reach as a wrapper of the built
 *   command, its extra requirements, and how the recorded contexts name tests.
 * - `NativeCollector` (`scan --resolve`): `parse` gets the whole output (streams, exit code,
 *   report file) and returns tests with their file and title path; `locate` reads the installed
 *   runner's identity from files for the cache key, `inputsOf` the files collection depends on.
 */
import type { DiscoveredTest, LanguageId, RepoInventory, ResultStatus, TestResult } from '../core/types.js';
import type { RunnerScan, ScanContext, VerifyOptions, VerifyReport } from './types.js';

/** A file the caller writes before starting a command (argument files, config shims). */
export interface FileToWrite {
  /** Absolute path (inside the run's scratch folder). */
  path: string;
  content: string;
}

/** A native command: what to start, where, with which extra environment. Pure data. */
export interface CommandSpec {
  argv: string[];
  /** Absolute working directory. */
  cwd: string;
  /** Added to the run's environment. */
  env: Record<string, string>;
  /** Files the caller must write before starting the command. */
  files?: FileToWrite[];
  /** Report file the command writes (for stdout reports: the log). */
  resultFile: string;
  /** Id of the result format (see `ResultFormatPlugin`). */
  format: string;
  /** The report is the command's stdout (go test -json). */
  resultFromStdout?: boolean;
}

/** What a command builder gets: the selected tests of one (runner, project, runner root) group. */
export interface BuildInput {
  /** Absolute repository root. */
  root: string;
  project: string | null;
  /** Repo-relative runner root (pytest rootdir, JS config folder, Django project folder). */
  rootDir: string;
  /** Selected tests of this group. */
  tests: readonly DiscoveredTest[];
  /** Every inventory test of this group (to decide whole files vs single ids). */
  allTests: readonly DiscoveredTest[];
  /** Ids that must not run (a service they need is missing). */
  exclude: ReadonlySet<string>;
  /** Absolute path where the report must be written. */
  resultFile: string;
  /** Absolute scratch folder of the run (for `files`). */
  workDir: string;
  /** The user's arguments after `--` for this runner. */
  extraArgs: readonly string[];
  retries?: number;
  /** The Python interpreter (one rule everywhere: --python, then SEAMS_PYTHON, then python3). */
  python: string;
  /** The run's PYTHONPATH, kept behind what the command adds to it (pytest: seams' plugin). */
  pythonPath?: string;
  /** Where the runner's executable was found by pre-flight (JS: node_modules/.bin/x), if any. */
  executable?: string;
  /**
   * Absolute path of the live events file (docs/events.md), given only when seams shows live
   * progress (a terminal) and the plugin has `liveEvents`: the command then loads the runner's
   * event writer (pytest plugin, Vitest/Jest/Playwright reporter) and sets `SEAMS_EVENTS`.
   */
  events?: string;
}

/** A user argument that collides with one seams sets itself (`--junitxml`, `--reporter`). */
export interface ArgConflict {
  /** The user's argument as given. */
  arg: string;
  /** Why it conflicts, one line. */
  reason: string;
  hint: string;
}

/**
 * Something a runner needs installed, described as data; `execute/preflight` checks it.
 * - `js-bin`: an executable in node_modules/.bin from the runner root upwards, else on PATH
 *   (the path found becomes `BuildInput.executable`).
 * - `python`: the interpreter (`BuildInput.python`) exists; when it does not, the runner's
 *   `python-module` requirements are not checked.
 * - `python-module`: importable by the interpreter (`find_spec`, nothing imported).
 * - `executable`: a program on PATH.
 */
export type Requirement =
  | { kind: 'js-bin'; name: string; installHint: string }
  | { kind: 'python'; installHint: string }
  | { kind: 'python-module'; module: string; installHint: string }
  | { kind: 'executable'; name: string; installHint: string };

/** Input of measured reach (`seams run --reach`) for one built command. */
export interface ReachInput {
  /** Absolute repository root (what is measured: files below it). */
  root: string;
  /** Repo-relative runner root, as in `BuildInput`. */
  rootDir: string;
  python: string;
  /** Absolute scratch folder of the run: configuration, plugin and data files go here. */
  workDir: string;
  /** A name unique to this command in the run (for file names). */
  tag: string;
  /** The run's PYTHONPATH, kept behind what the measurement adds. */
  pythonPath?: string;
}

/** The wrapped command and what it leaves for seams to read. */
export interface ReachCommand {
  spec: CommandSpec;
  /**
   * The coverage.py data file (SQLite, coverage.py ≥ 6) the command writes: one dynamic context
   * per test, named by the runner's test id relative to the rootdir the runner reports (see `notesFile`).
   */
  dataFile: string;
  /**
   * JSON lines the in-runner plugin writes: `{"rootdir": "<absolute>"}` once, and
   * `{"collectError": "<path relative to that rootdir>"}` for each file that failed to collect.
   */
  notesFile: string;
  /** Exit codes of a command that ran to its end: any other leaves the measurement out (it stopped early). */
  completeExitCodes: readonly number[];
}

/**
 * Measured reach: how a runner's command is run so that it records, per test, which files it
 * executed. Today coverage.py with per-test contexts (pytest).
 */
export interface ReachMeasurer {
  /** What the wrapped command needs besides `requirements()` (coverage.py); checked by pre-flight under `--reach`. Pure. */
  requirements(input: { rootDir: string; python: string }): Requirement[];
  /**
   * The command (`buildCommand`'s, or an adopted tier command's), run under the measurement (files
   * to write included); null when it cannot be (pytest: a command that does not start
   * `<python> -m pytest`). Pure.
   */
  wrap(spec: CommandSpec, input: ReachInput): ReachCommand | null;
  /**
   * The runner's test id (relative to `input.rootDir`, as the inventory spells it) of a context of
   * the data file, given the rootdir the runner reported in the notes (null: not reported); null
   * for a context that is no test. Pure.
   */
  testOf(context: string, reportedRootdir: string | null, input: ReachInput): string | null;
  /** A file the runner reported as failing to collect, repo-relative. Pure. */
  collectErrorFile(file: string, reportedRootdir: string | null, input: ReachInput): string;
}

/** Input for native collection of chosen files (`scan --resolve`). */
export interface CollectInput {
  root: string;
  rootDir: string;
  project: string | null;
  /** Repo-relative files to collect. */
  files: readonly string[];
  python: string;
  /** What `locate` found (JS: the runner's CLI entry file, started with the Node that runs seams). */
  executable?: string;
  /** Absolute scratch folder of this command (for report files and `files`). */
  workDir: string;
  /** The runner's config file(s) of this root (RunnerInfo.configFile), repo-relative. */
  configFiles?: readonly string[];
}

/** One test as the native collector lists it. */
export interface CollectedTest {
  /** The runner's id, as the inventory spells it. */
  id: string;
  project: string | null;
  /** Repo-relative file. */
  file: string;
  titlePath: string[];
  name: string;
  /** 1-based line of the test call, when the listing says (vitest, playwright). */
  line?: number;
  /** The static id this test was generated from, when the id syntax tells (pytest: the id without `[params]`). */
  origin?: string;
}

/** What a collect command left: its output streams, exit code and report file (when it writes one). */
export interface CollectOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  /** The text of `CommandSpec.resultFile` when the command names one (null when it was not written). */
  report: string | null;
}

export interface CollectListing {
  tests: CollectedTest[];
  /** Collection errors with the runner's own message (the error text, trimmed); `file` when the runner names one. */
  errors: { file?: string; message: string }[];
  /** The output says the runner is not installed (`No module named pytest`): said once, nothing resolved. */
  missing?: string;
}

/** What `locate` finds of the installed runner, reading files only (it starts no process). */
export interface CollectorSetup {
  /** The runner's entry point when the command needs it (`CollectInput.executable`). */
  executable?: string;
  /**
   * The installed runner's identity (versions and install location), or null when it cannot be
   * read from files: then nothing is cached.
   */
  identity: string | null;
  /** Set when the runner is certainly not installed (no node_modules/vitest): nothing is started. */
  missing?: string;
  /**
   * The interpreter file to start instead of `python` (`CollectInput.python`), with what to add to
   * the environment: a pyenv shim followed to the version's binary, as `pyenv exec` would run it
   * (the shim's bash costs ~0.3 s of CPU per command).
   */
  python?: { file: string; env: Record<string, string> };
}

export interface NativeCollector {
  /** The command that lists the tests of `files` without running them. Pure. */
  command(input: CollectInput): CommandSpec;
  /**
   * The runner's tests from the command's output, restricted to `input.files`. Pure. A failed
   * command gives errors (with the runner's message), not an exception.
   */
  parse(output: CollectOutput, input: CollectInput): CollectListing;
  /**
   * Finds the installed runner from `rootDir` by reading files (package.json of node_modules,
   * the interpreter's site-packages), never starting a process, so that a cached resolution
   * starts nothing.
   */
  locate(input: { root: string; rootDir: string; python: string; env: Readonly<Record<string, string | undefined>> }): CollectorSetup;
  /**
   * Repo-relative files, besides the test file itself, whose content changes what is collected
   * from `file` (pytest: the conftest.py chain and the ini file; JS: the config files). They are
   * part of the cache key. May check which files exist.
   */
  inputsOf(file: string, input: { root: string; rootDir: string; configFiles: readonly string[] }): string[];
  /** Environment variables that change collection (PYTHONPATH): part of the cache key. */
  readonly envKeys: readonly string[];
  /** The listing leaves out skipped and todo tests (`vitest list`): the inventory keeps its own. */
  readonly listsInactive: boolean;
  /**
   * Files per command at least when the files of one root are split over parallel commands;
   * absent: one command per root (the runner parallelises itself, or starting it costs much).
   */
  readonly chunkSize?: number;
  /** One failing file makes the whole listing fail (`vitest list`): failed commands are retried file by file. */
  readonly allOrNothing?: boolean;
}

/** What the CI job must install for a runner (collected by `seams init --ci`). */
export interface CiNeeds {
  /** The runner needs the repo's JS packages installed in its package folder. */
  jsPackages?: boolean;
  /** Playwright browsers. */
  browsers?: boolean;
  /** A Python toolchain with the repo's requirements. */
  python?: boolean;
}

/** How JUnit XML names the runner's tests, so a JUnit case joins its inventory test. */
export interface JUnitNaming {
  /** Keys (`classname \u0000 name`) under which a JUnit report names this test. */
  keys(test: DiscoveredTest): string[];
  /** The runner's id for a JUnit case no inventory test matched (best effort). */
  guessId?(c: { classname: string; name: string; file?: string }, runnerRoot: string): string;
}

/** A results file format: detected from its first bytes, read as batches of results. */
export interface ResultFormatPlugin {
  id: string;
  /** Human name for messages ("JUnit XML", "Vitest JSON"). */
  title: string;
  /** True when the first 4 kB (BOM and leading space removed) look like this format. */
  detect(head: string): boolean;
  /** The shared reader in `results/` that parses it. */
  parser: ResultParserKind;
  /** The runner that writes this format (results without an inventory match are stored under it). */
  runner?: string;
  /**
   * Several runners write this shape (Jest JSON: Jest and Vitest): a report is read as the
   * context's runner when that runner's own format has the same parser, else as `runner`.
   */
  shared?: boolean;
}

/** The result readers `results/` has: streaming JUnit XML, Jest-style JSON, Playwright JSON, go test -json. */
export type ResultParserKind = 'junit-xml' | 'jest-json' | 'playwright-json' | 'go-json';

export interface RunnerPlugin {
  /** Stable id, stored in history and used in seams.yaml (`runners:`), `-- <id>:` sections and `--runner`. */
  readonly id: string;
  readonly language: LanguageId;
  /** Display name ("pytest", "Django test runner"). */
  readonly title: string;

  /** Scans the repo; null when the runner is not used there. Never throws for one bad file. */
  scan(ctx: ScanContext): Promise<RunnerScan | null>;
  /** Runs the native collector and compares it with the inventory's tests of this runner. */
  verify?(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]>;
  /** What `--verify` compares: the runner's test ids, or only test files (Jest lists files only). */
  readonly verifyUnit: 'ids' | 'files';
  /**
   * Native collection of chosen files (`scan --resolve`, for files that hold dynamic tests);
   * absent where the runner cannot list its tests without running them (Jest).
   */
  readonly collect?: NativeCollector;

  /** The command that runs the selected tests and writes a machine-readable report. Pure. */
  buildCommand(input: BuildInput): CommandSpec;
  /**
   * Recognises this runner in a configured tier command (`tiers.<t>.command`) and adds the
   * report options; null when the command line is not this runner's. Pure.
   */
  adoptCommand?(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null;
  /** User arguments that collide with the ones seams sets. Pure. */
  conflictingArgs?(args: readonly string[]): ArgConflict[];
  /**
   * Exit codes with which the runner says it stopped before running the tests (pytest: 2
   * interrupted at collection, 3 internal error, 4 usage error), each with its name. A task that
   * ends so and reported nothing but errors (collection errors) makes the run `incomplete`.
   */
  readonly stoppedExitCodes?: Readonly<Record<number, string>>;
  /**
   * Measured reach (`seams run --reach`): runners without it keep static reach under `--reach`.
   * Applies to the commands seams builds (`buildCommand`) and to tier commands it adopts when `wrap` can run them.
   */
  readonly reach?: ReachMeasurer;
  /**
   * The built command reports each test as it finishes when `BuildInput.events` is set
   * (docs/events.md); without it, `seams run` shows the elapsed time only for this runner.
   */
  readonly liveEvents?: boolean;
  /**
   * Files the runner loads together with `testFile` (pytest: the conftest.py files of its folder
   * and the folders above), so that what they import counts as reached by the test. `allFiles`
   * holds every repo file. Pure; applied by the registry's `companionFilesOf`, whose map the
   * gap analysis gets (`core/gaps.ts` `WorkflowInput.companions`).
   */
  companionFiles?(testFile: string, allFiles: ReadonlySet<string>): string[];
  /** What must be installed for `buildCommand`'s command to start. Pure. */
  requirements(input: { rootDir: string; python: string }): Requirement[];

  /** The result format the built command writes (an id of the registry's `resultFormats`). */
  readonly resultFormat: string;
  /** How JUnit XML names this runner's tests (runners that write or are read from JUnit). */
  readonly junit?: JUnitNaming;
  /**
   * The runner's own outcomes and what seams stores for each (documented in docs/results.md).
   * Keys are the runner's words (`xfailed`, `todo`, `expected-failure`), values seams' statuses.
   */
  readonly outcomes: Readonly<Record<string, ResultStatus>>;

  /** What a CI job must install for this runner. */
  readonly ci: CiNeeds;
}

/** Result rows read from a report before they are joined to the inventory. */
export type ParsedResult = TestResult;
