import type { RunRecord, ServiceRecord, TestResult, Tier } from '../core/types.js';
import type { WindowEntry } from '../core/flaky.js';

/**
 * The history store: every run seams executes or ingests, with each test result.
 *
 * Two implementations share this contract and its tests: SQLite (embedded default,
 * `sqlite:.seams/history.db` under the repo) and PostgreSQL (`postgresql://…`, for a team).
 * Open one with `openStore(spec, root)` from `src/store/index.ts`.
 *
 * Guarantees:
 * - `saveRun` is one transaction: a crash or error mid-save leaves no half run.
 * - `saveRun` is idempotent by (run id, shard): saving a run whose id is already stored changes
 *   nothing and returns `{ inserted: false }` — unless the stored run is sharded and the new
 *   record brings shards it does not hold yet: those are merged into it (results appended, shard
 *   list kept in `environment.shards`, start/end widened, counts and status recomputed) in the
 *   same transaction, and `{ inserted: true, merged: true }` is returned.
 * - Lists are newest first (by `startedAt`, then id).
 * - `project: null` round-trips as null.
 */
export interface ResultStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, for messages (a file path or a URL without password). */
  readonly location: string;

  /** Creates or upgrades the schema (versioned migrations; safe to call every time). */
  migrate(): Promise<void>;

  /**
   * `reach`: what the run measured (`seams run --reach`), saved in the same transaction and only
   * when the run is (a run already stored saves no reach either).
   */
  saveRun(run: RunRecord & { shards?: readonly string[]; reach?: RunReach }): Promise<SaveResult>;

  /**
   * Saves a run whose results arrive in batches (large ingests: bounded memory), still as one
   * transaction. When `header.status` is absent it is derived from the counts. The run's tiers
   * are the header's plus every tier its results name.
   */
  saveRunStream(header: RunHeader, batches: AsyncIterable<readonly TestResult[]> | Iterable<readonly TestResult[]>, reach?: RunReach): Promise<SaveResult>;

  /**
   * Measured reach of a repository: per test (runner, project, id), the newest run that measured
   * it, with the files it executed and their content hash when that run measured them. Three
   * queries (runs, files, tests), each over an index, whatever the size of the history.
   */
  latestReach(query: { repo: string }): Promise<LatestReach>;

  /**
   * Runs without their results, newest first. Incomplete runs (status `incomplete`) are left out
   * unless `includeIncomplete` or `status: 'incomplete'` asks for them: everything that computes
   * from history (trends, pass rates, flakiness, gates, durations) reads through here.
   */
  listRuns(query?: RunQuery): Promise<RunSummary[]>;

  /** One run with all results (in the order they were saved), or null. */
  getRun(id: string): Promise<RunRecord | null>;

  /**
   * The results of stored run `runId` in the order they were saved, `batchSize` (default 20,000)
   * at a time: a reader of a large run (the report over a 1M-result run) never holds it whole.
   * Nothing when the run does not exist.
   */
  readResults(runId: string, batchSize?: number): AsyncIterable<TestResult[]>;

  /**
   * Columns of stored run `runId`'s results as arrays `[seq, ...columns]` (numbers may come as
   * strings from PostgreSQL: convert with Number), in saved order, `batchSize` rows at a time: for
   * readers that need a few fields of every result of a large run (the report) without a result
   * object per row.
   */
  readResultColumns(runId: string, columns: readonly ResultColumn[], batchSize?: number): AsyncIterable<unknown[][]>;

  /** The results of one test across runs (incomplete runs left out), newest first. */
  testHistory(key: TestKey, limit?: number): Promise<TestHistoryEntry[]>;

  /**
   * Every result of the newest `runs` runs matching the query (default FLAKY_WINDOW_RUNS, 20), with the facts about
   * its run that flakiness analysis needs. Input of `analyzeFlaky` (src/core/flaky.ts).
   */
  resultsWindow(query?: WindowQuery): Promise<WindowEntry[]>;

  /**
   * The same window as `resultsWindow`, reduced to what flaky detection needs: the entries of the
   * tests that can be flaky in it (a pass and a failure, or a pass after a retry: selected in SQL,
   * `FLAKY_CANDIDATE_HAVING`), plus one entry of each logical run that has none of them, every
   * entry carrying its run's failure ratio and executed count from the runs' counts columns.
   * `analyzeFlaky(entries)` equals `analyzeFlaky(await resultsWindow(query))`; memory and time
   * grow with the candidates, not with every result of every run. `runs`: the window's logical
   * runs, newest first.
   */
  flakyWindow(query?: WindowQuery): Promise<FlakyWindow>;

  /**
   * Mean duration (ms) of each test over its newest passing/failing results, for `--shard`.
   * `excludeRun`: leave out this run id (the run being sharded: shards stored before this one must
   * not change the split), still over the same number of other runs.
   */
  durations(query?: RunQuery & { perTest?: number; excludeRun?: string }): Promise<Map<string, number>>;

  // ---- curating the history (`seams history`) ----

  /** Ids of the runs whose id starts with `prefix` (incomplete ones too), at most `limit` (default 20). */
  findRunIds(prefix: string, limit?: number): Promise<string[]>;

  /**
   * Deletes these runs and everything stored with them (results, tiers, shards, measured reach),
   * in one transaction. Every id must exist: an unknown one deletes nothing and throws
   * `SEAMS_STORE_UNKNOWN_RUN`. Measured reach of tests whose newest measurement went with a deleted
   * run falls back to the newest remaining run that measured them.
   */
  deleteRuns(ids: readonly string[]): Promise<DeleteResult>;

  close(): Promise<void>;

  /* ---- replaceRun (issue 12, `seams ingest --replace`): kept apart from saveRun on purpose ---- */
  /**
   * Replaces the run stored under `run.id` (all its results, tiers, shards and measured reach) by
   * `run`, in one transaction; stores it when no run has that id. The only write that changes a
   * stored run's results: `saveRun` never does.
   */
  replaceRun(run: RunRecord & { shards?: readonly string[] }): Promise<SaveResult>;
}

/** A column of the results table (store/rows.ts RESULT_COLUMNS). */
export type ResultColumn = 'runner' | 'project' | 'test_id' | 'file' | 'name' | 'suite' | 'tier' | 'status' | 'duration_ms' | 'attempts' | 'flaky' | 'message' | 'reason' | 'services' | 'known';

export interface DeleteResult {
  runs: number;
  results: number;
}

export type RunHeader = Omit<RunRecord, 'results' | 'status'> & {
  status?: RunRecord['status'];
  /** The shards (`i/n`) this record holds; default `[shard]` when `shard` is set, else none. */
  shards?: readonly string[];
};

export interface SaveResult {
  /** false when a run with this id was already stored (nothing changed). */
  inserted: boolean;
  /** true when the record's shards were added to a run already stored under this id. */
  merged?: boolean;
  /** Counts (and status) of the whole stored run. */
  counts: RunCounts;
  status: RunRecord['status'];
}

export interface TestKey {
  runner: TestResult['runner'];
  project: string | null;
  id: string;
}

/** The key of a test in maps: `runner|project|id` (project empty for null). */
export function testKeyOf(t: TestKey): string {
  return `${t.runner}|${t.project ?? ''}|${t.id}`;
}

/**
 * What one run measured (`seams run --reach`): the repository files seen, with the sha256 of their
 * content at run time, and per measured test the files it executed.
 */
export interface RunReach {
  /** Repo-relative POSIX path → sha256 (hex) of the file's content when the run measured it. */
  files: Readonly<Record<string, string>>;
  /** Per test, the paths (keys of `files`) it executed. */
  tests: readonly { runner: string; project: string | null; id: string; files: readonly string[] }[];
}

/** The newest measurement of every test of a repository (`ResultStore.latestReach`). */
export interface LatestReach {
  /** The runs the measurements come from; `files[i]` is file id i of that run. */
  runs: Map<string, { id: string; commit: string | null; startedAt: string; files: { path: string; hash: string }[] }>;
  /** One entry per test: its run and the ids (into the run's `files`) of the files it executed. */
  tests: { runner: string; project: string | null; id: string; run: string; files: number[] }[];
}

export interface RunQuery {
  repo?: string;
  /** Runs that included this tier. */
  tier?: Tier;
  branch?: string;
  commit?: string;
  /** ISO timestamp: runs started at or after. */
  since?: string;
  /** ISO timestamp: runs started before. */
  before?: string;
  /** Only runs with this status (`incomplete` lists incomplete runs). */
  status?: RunRecord['status'];
  /** Also list incomplete runs (left out by default). */
  includeIncomplete?: boolean;
  /** Default 100. */
  limit?: number;
}

export interface RunCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  error: number;
  notRun: number;
  /** Results that passed only after a retry within the run (their status is passed: counted in `passed` too). */
  flaky: number;
  /** Expected failures that failed (migration 5; before it they were stored as skipped). */
  xfailed: number;
  /** Expected failures that passed without failing the run (pytest non-strict XPASS). */
  xpassed: number;
}

export type RunSummary = Omit<RunRecord, 'results'> & {
  counts: RunCounts;
  /** finishedAt - startedAt. */
  durationMs: number;
};

export interface TestHistoryEntry extends TestResult {
  runId: string;
  commit: string | null;
  branch: string | null;
  startedAt: string;
}

export interface WindowQuery {
  repo?: string;
  /** Only logical runs that hold results take a place in the window (the gates' rule: a run without results is no run of the rule's tests). */
  withResults?: boolean;
  /** The window ends with this stored run (its logical run included): the history as it was then (the report's per-run trend). */
  upTo?: string;
  tier?: Tier;
  branch?: string;
  /** How many newest runs to look at (default FLAKY_WINDOW_RUNS, 20). */
  runs?: number;
  since?: string;
}

/** A logical run of a reduced window (`flakyWindow`). */
export interface FlakyWindowRun {
  /** Id of its first stored run (the `runId` of its entries). */
  id: string;
  /** The stored runs merged into it (shards), oldest first. */
  ids: string[];
  commit: string | null;
  branch: string | null;
  startedAt: string;
  finishedAt: string;
  tiers: string[];
  /** Counts over every result of its stored runs. */
  counts: RunCounts;
}

export interface FlakyWindow {
  /** Newest first. */
  runs: FlakyWindowRun[];
  entries: WindowEntry[];
}

/** One result of one run in a history window (defined in core, where the flakiness rules read it). */
export type { WindowEntry } from '../core/flaky.js';

export type { ServiceRecord };
