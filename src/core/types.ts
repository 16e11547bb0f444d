/**
 * The domain model of seams. Plain data only: no I/O, no classes with behaviour.
 * Everything that crosses a module boundary (inventory, results, runs) is one of these types,
 * and the published JSON Schemas in `schemas/` describe the serialised forms.
 */

/**
 * A runner's id (`pytest`, `vitest`, …). The runners are listed once, in `src/runners/registry.ts`
 * (`runnerIds()`, `isRunnerId()`); nothing else spells the list.
 */
export type RunnerId = string;
export type LanguageId = 'python' | 'typescript';

/** Built-in tier names; configuration may add more, so a tier is any string. */
export const CONVENTIONAL_TIERS = [
  'unit',
  'contract',
  'integration',
  'e2e',
  'golden',
  'functional',
  'system',
  'smoke',
  'performance',
] as const;
export type Tier = string;

/** Static status of a discovered test, as far as the source says. */
export type TestStatus = 'active' | 'skip' | 'xfail' | 'todo';

/** Explicit references a test makes, read from markers, tags, titles, docstrings and comments. */
export interface TestRefs {
  workflows: string[];
  components: string[];
  requirements: string[];
}

/**
 * One test as a runner would collect it, found without running anything.
 * `id` is the runner's own identity: the pytest node id (relative to the pytest rootdir), or for
 * the JavaScript runners `<file> > <title path joined by " > ">` (relative to the repo).
 * History, verification and traceability all join on (runner, project, id).
 */
export interface DiscoveredTest {
  runner: RunnerId;
  /** Runner project (Vitest/Jest/Playwright project name), or null. */
  project: string | null;
  id: string;
  /** Repo-relative POSIX path of the file that defines the test (for pytest: the collected module). */
  file: string;
  /** 1-based line of the definition (0 when unknown). */
  line: number;
  /** Suites and test title, outermost first (pytest: class names then function name with params). */
  titlePath: string[];
  /** Name as the runner reports it (pytest: the part of the node id after the file). */
  name: string;
  tier: Tier;
  /** Which rule placed the test in its tier, e.g. `path:integration`, `marker:e2e`, `config:tiers.e2e.paths`, `runner:playwright`, `default`. */
  tierSource: string;
  /** Marker / tag names (pytest marks, `@tag`s in titles or `tag:` options). */
  markers: string[];
  status: TestStatus;
  dynamic: boolean;
  /** Why the test could not be fully resolved statically (only when `dynamic`). */
  dynamicReason?: string;
  /**
   * The runner whose own collector listed this test (`scan --resolve`), where the static scan
   * had a dynamic test; absent for tests found statically.
   */
  resolvedBy?: RunnerId;
  refs: TestRefs;
}

/** A test as a runner plugin produces it, before classification into a tier. */
export type RawTest = Omit<DiscoveredTest, 'tier' | 'tierSource'> & {
  /** A tier the runner implies when no path or marker rule applies (Playwright: e2e). */
  tierHint?: Tier;
};

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `PARSE_ERROR`, `CONFIG_UNRESOLVED`. */
  code: string;
  message: string;
  /** Repo-relative POSIX path, when the diagnostic is about a file. */
  file?: string;
  line?: number;
  runner?: RunnerId;
}

/** A runner configuration found in a repo (one per project for multi-project runners). */
export interface RunnerInfo {
  runner: RunnerId;
  project: string | null;
  /** Repo-relative directory the runner resolves ids against (pytest rootdir, config dir). */
  rootDir: string;
  /** Repo-relative path of the config file, or null when defaults are used. */
  configFile: string | null;
  /** Installed version when it can be read statically (node_modules/…/package.json). */
  version?: string;
}

/** A test file a runner would collect, whether or not it defines tests. */
export interface TestFile {
  runner: RunnerId;
  project: string | null;
  file: string;
  tier: Tier;
  tests: number;
}

export interface RepoInventory {
  /** The path as given on the command line, resolved to absolute. */
  root: string;
  /** Display name: the folder name, or package name. */
  name: string;
  runners: RunnerInfo[];
  files: TestFile[];
  tests: DiscoveredTest[];
  diagnostics: Diagnostic[];
}

export interface Inventory {
  version: 1;
  repos: RepoInventory[];
}

/* ------------------------------------------------------------------ results and history */

/**
 * One test's status in one run (docs/results.md has the table of each runner's words):
 * - `xfailed`: marked as expected to fail, and it failed (pytest xfail, unittest expectedFailure,
 *   Playwright `test.fail()`); neither a skip nor a failure.
 * - `xpassed`: marked as expected to fail, passed, and the runner does not fail the run on it
 *   (pytest non-strict XPASS); counts as a pass. A runner that fails the run on it (pytest strict
 *   `XPASS(strict)`, unittest unexpected success, Playwright `test.fail()` passing) gives `failed`.
 * `flaky` is not a stored status: a `passed` result with `flaky: true` (see `outcomeOf`).
 */
export type ResultStatus = 'passed' | 'failed' | 'skipped' | 'error' | 'not-run' | 'xfailed' | 'xpassed';

/** Every stored status, in the order summaries list them. */
export const RESULT_STATUSES: readonly ResultStatus[] = Object.freeze(['passed', 'failed', 'error', 'skipped', 'xfailed', 'xpassed', 'not-run'] as const);

/** What reports show and count per result: its status, or `flaky` for a pass that needed a retry in the run. */
export type Outcome = ResultStatus | 'flaky';

/** Every outcome, in the order summaries list them. */
export const OUTCOMES: readonly Outcome[] = Object.freeze(['passed', 'flaky', 'failed', 'error', 'skipped', 'xfailed', 'xpassed', 'not-run'] as const);

/** A result's outcome: `flaky` when it passed only after a failed attempt in the same run, else its status. */
export const outcomeOf = (r: { status: ResultStatus; flaky: boolean }): Outcome => (r.status === 'passed' && r.flaky ? 'flaky' : r.status);

/** One test's outcome in one run, joined to the inventory by (runner, project, id) when known. */
export interface TestResult {
  runner: RunnerId | 'junit' | 'go';
  project: string | null;
  id: string;
  file?: string;
  name: string;
  /** Suite or class the runner reported (JUnit classname, describe path). */
  suite?: string;
  tier?: Tier;
  status: ResultStatus;
  durationMs: number;
  /** Number of attempts (1 without retries). */
  attempts: number;
  /** Passed only after a failed attempt within the same run. */
  flaky: boolean;
  message?: string;
  /** Skip reason, or for `not-run` the missing service(s). */
  reason?: string;
  /** Services the test ran with (names from seams.yaml). */
  services?: string[];
  /** Whether the result matched a test in the inventory. */
  known?: boolean;
}

export interface ServiceRecord {
  name: string;
  kind: 'process' | 'compose' | 'external';
  status: 'ready' | 'failed' | 'missing' | 'skipped';
  /** Milliseconds from start to ready. */
  readyMs?: number;
  url?: string;
  message?: string;
}

export interface RunRecord {
  /** Unique id; ingesting the same run twice keeps one copy. */
  id: string;
  repo: string;
  commit: string | null;
  branch: string | null;
  tiers: Tier[];
  environment: Record<string, string>;
  /** `i/n` when the run is one shard of several. */
  shard: string | null;
  startedAt: string;
  finishedAt: string;
  /**
   * `incomplete`: the runner could not run the tests (it wrote no report, or stopped at
   * collection); see `incomplete`. Such a run never counts in trends, pass rates, flakiness,
   * gates or durations.
   */
  status: 'passed' | 'failed' | 'error' | 'incomplete';
  services: ServiceRecord[];
  results: TestResult[];
  /** Set when `status` is `incomplete`: why, the runner's own words (a bounded log tail) and its log. */
  incomplete?: IncompleteInfo;
}

export interface IncompleteInfo {
  reason: string;
  /** The end of the runner's log (at most 4 kB, secrets masked). */
  errorText?: string;
  /** The runner's log, relative to the repository root. */
  log?: string;
}

/** The result of comparing the static inventory with the runner's own collection (`seams scan --verify`). */
export interface VerifyReport {
  runner: RunnerId;
  project: string | null;
  /** The native command that was run, for the user to reproduce. */
  command: string;
  /** Ids the native collector listed. */
  nativeCount: number;
  /** Ids seams found statically (for the same files / scope). */
  staticCount: number;
  matched: number;
  /** Listed by the runner, not found by seams. */
  missing: string[];
  /** Found by seams, not listed by the runner. */
  extra: string[];
  /** Files the native collector could not collect (errors), left out of the comparison. */
  erroredFiles: string[];
  /** matched / max(native, static) over the compared files; 1 when both are empty. */
  matchRate: number;
  /** Set when the native collector could not run at all (missing interpreter, runner not installed). */
  error?: string;
  /** What the collector lists: test ids, or only test files (`jest --listTests`); from the runner's `verifyUnit`. */
  unit?: 'ids' | 'files';
  /** Every compared file: identical, missing and extra ids in it (errored files left out). */
  files?: VerifyFileReport[];
  /**
   * Of the differences (missing + extra), how many come from tests seams listed as `dynamic`:
   * an extra id that is a dynamic test, a missing id a dynamic test of its file stands for.
   */
  explained?: number;
}

/** One file of a verification (`VerifyReport.files`). */
export interface VerifyFileReport {
  /** The file as the runner's ids name it (pytest: relative to the rootdir). */
  file: string;
  /** Ids both listed. */
  identical: number;
  /** Listed by the runner, not by seams. */
  missing: number;
  /** Listed by seams, not by the runner. */
  extra: number;
  /** Differences of this file that come from dynamic tests (see `VerifyReport.explained`). */
  explained: number;
  /** Tests seams listed as dynamic in this file. */
  dynamic: number;
}

const RUN_STATUS_RANK: Readonly<Record<RunRecord['status'], number>> = Object.freeze({ passed: 0, failed: 1, error: 2, incomplete: 3 });

/** The worse of two run statuses, for shards merged into one run: incomplete, then error, failed, passed. */
export function worseRunStatus(a: RunRecord['status'], b: RunRecord['status']): RunRecord['status'] {
  return RUN_STATUS_RANK[b] > RUN_STATUS_RANK[a] ? b : a;
}

/**
 * The key of the logical run a stored run belongs to: shards `i/n` of one commit, branch and tier
 * set form one run (as gates, flaky detection and the report see them); any other run is its own.
 */
export function logicalRunKey(r: { id: string; shard: string | null; commit: string | null; branch: string | null; tiers: readonly string[] }): string {
  const n = r.shard?.split('/')[1];
  return r.shard && n && r.commit ? `shard\0${r.commit}\0${r.branch ?? ''}\0${n}\0${[...r.tiers].sort().join(',')}` : `run\0${r.id}`;
}
