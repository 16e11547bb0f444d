import { logicalRunKey, type ResultStatus, type TestResult, type Tier } from './types.js';

/** One result of one run in a history window (the store's `resultsWindow()` rows). */
export interface WindowEntry {
  runId: string;
  commit: string | null;
  branch: string | null;
  startedAt: string;
  /** Share of the run's executed results (passed+failed+error) that failed or errored, 0..1. */
  runFailureRatio: number;
  /** Executed results in the run. */
  runExecuted: number;
  runner: TestResult['runner'];
  project: string | null;
  id: string;
  file?: string;
  tier?: Tier;
  status: ResultStatus;
  attempts: number;
  flaky: boolean;
  durationMs: number;
  /** The result matched an inventory test when it was stored (the store's reduced window carries it, for the gates). */
  known?: boolean;
}

/**
 * How many newest runs flaky detection looks at unless told otherwise: `seams flaky`, the gate's
 * `flaky` metric and the report all start from this one window, so their counts agree by default.
 */
export const FLAKY_WINDOW_RUNS = 20;

/** What window selection needs to know of a stored run. */
export interface WindowCandidate {
  id: string;
  commit: string | null;
  branch: string | null;
  startedAt: string;
  shard: string | null;
  tiers: readonly string[];
}

/** Stored runs that form one logical run: the shards `i/n` of one commit, branch and tier set. */
export interface WindowGroup<R extends WindowCandidate = WindowCandidate> extends WindowRun {
  runs: R[];
  tiers: string[];
}

const when = (s: string) => {
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : 0;
};

/**
 * The runs flaky detection looks at: stored runs grouped into logical runs (shards `i/n` of one
 * commit, branch and tier set are one run, as the gates see them), then the newest `n` logical
 * runs of each tier set (teams run unit and integration apart; each test is judged over the
 * newest `n` runs that could have run it). Newest first. `seams flaky`, the gate's `flaky` metric
 * and the report all choose their runs with this function.
 */
export function selectWindow<R extends WindowCandidate>(runs: readonly R[], n: number): WindowGroup<R>[] {
  return newestPerTierSet(logicalGroups(runs), n);
}

/**
 * Stored runs grouped into logical runs (shards `i/n` of one commit, branch and tier set, by
 * `logicalRunKey`), each group oldest shard first; newest group first. The one grouping behind
 * flaky detection's window and the gates' `logicalRuns`.
 */
export function logicalGroups<R extends WindowCandidate>(runs: readonly R[]): WindowGroup<R>[] {
  const groups = new Map<string, R[]>();
  for (const r of runs) {
    const k = logicalRunKey(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  const all: WindowGroup<R>[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => when(a.startedAt) - when(b.startedAt) || a.id.localeCompare(b.id));
    const first = g[0]!;
    all.push({ id: first.id, commit: first.commit, branch: first.branch, startedAt: first.startedAt, runs: g, tiers: [...new Set(g.flatMap((r) => r.tiers))] });
  }
  return all.sort((a, b) => when(b.startedAt) - when(a.startedAt) || b.id.localeCompare(a.id));
}

/** The newest `n` runs of each tier set (a unit run, an integration run, …) of `runs`, newest first. */
export function newestPerTierSet<G extends { tiers: readonly string[] }>(runs: readonly G[], n: number): G[] {
  const perSet = new Map<string, number>();
  return runs.filter((g) => {
    const k = [...g.tiers].sort().join('+');
    const count = perSet.get(k) ?? 0;
    perSet.set(k, count + 1);
    return count < n;
  });
}

/** The run a window entry belongs to (a stored run, or a logical run of merged shards). */
export interface WindowRun {
  id: string;
  commit: string | null;
  branch: string | null;
  startedAt: string;
}

export type WindowResult = Pick<TestResult, 'runner' | 'project' | 'id' | 'file' | 'tier' | 'status' | 'attempts' | 'flaky' | 'durationMs'>;

const ran = (s: ResultStatus) => s === 'passed' || s === 'failed' || s === 'error';

/**
 * The window entries of one run: one per result that `keep` accepts, each carrying the run's
 * failure ratio over ALL its executed results (a run where most tests failed is an infrastructure
 * failure whatever part of it a caller looks at). The one builder for the store's
 * `resultsWindow()`, the gate's `flaky` metric and the report, so they judge runs alike.
 */
export function windowEntriesOf<R extends WindowResult & { known?: boolean }>(
  run: WindowRun,
  results: readonly R[],
  options: {
    keep?: (r: R) => boolean;
    tierOf?: (r: R) => Tier | undefined;
    /**
     * The run's executed and failed (failed or error) results when `results` are only part of the
     * run (the store's reduced window: its counts columns); default: counted over `results`.
     */
    totals?: { executed: number; bad: number };
  } = {},
): WindowEntry[] {
  let executed = 0;
  let bad = 0;
  if (options.totals) ({ executed, bad } = options.totals);
  else
    for (const r of results)
      if (ran(r.status)) {
        executed++;
        if (r.status !== 'passed') bad++;
      }
  const facts = runFacts(executed, bad);
  const out: WindowEntry[] = [];
  for (const r of results) {
    if (options.keep && !options.keep(r)) continue;
    const tier = options.tierOf ? options.tierOf(r) : r.tier;
    out.push({
      runId: run.id,
      commit: run.commit,
      branch: run.branch,
      startedAt: run.startedAt,
      ...facts,
      runner: r.runner,
      project: r.project ?? null,
      id: r.id,
      ...(r.file !== undefined ? { file: r.file } : {}),
      ...(tier !== undefined ? { tier } : {}),
      status: r.status,
      attempts: r.attempts,
      flaky: r.flaky,
      durationMs: r.durationMs,
      ...(r.known !== undefined ? { known: r.known } : {}),
    });
  }
  return out;
}

/**
 * A run's facts on its window entries, from its executed results (passed, failed, error) and the
 * failed or errored among them: the one computation behind windowEntriesOf and readers that count
 * a run as they stream it (the report).
 */
export function runFacts(executed: number, bad: number): Pick<WindowEntry, 'runFailureRatio' | 'runExecuted'> {
  return { runFailureRatio: executed ? bad / executed : 0, runExecuted: executed };
}

/**
 * Whether a test can be flaky over a window, from what its results were: only a test with both a
 * pass and a failure (failed or error), or a pass after a retry, can be (every reason of
 * `analyzeFlaky` needs one of these). The store's reduced window keeps only such tests, selected
 * by this rule in SQL (`FLAKY_CANDIDATE_HAVING`); entries of any other test are no evidence, so
 * leaving them out changes nothing `analyzeFlaky` reports.
 */
export const FLAKY_CANDIDATE_HAVING = `(MAX(CASE WHEN status = 'passed' THEN 1 ELSE 0 END) = 1 AND MAX(CASE WHEN status IN ('failed', 'error') THEN 1 ELSE 0 END) = 1)
  OR MAX(CASE WHEN status = 'passed' AND flaky = 1 THEN 1 ELSE 0 END) = 1`;

/** The key of a test in maps: `runner|project|id` (as the store's testKeyOf). */
const testKeyOf = (t: { runner: string; project: string | null; id: string }): string => `${t.runner}|${t.project ?? ''}|${t.id}`;

/**
 * Flakiness from history. Pure: reads `ResultStore.resultsWindow()` output.
 *
 * A test is flaky when, within the window, it
 *   - passed and failed on the same commit (`same-commit`), or
 *   - passed only after a retry within a run (`retry`), or
 *   - flips between pass and fail more often than `minFlipRate` over its runs (`flip-rate`).
 * Runs where most executed tests failed (`infraFailureRatio`, default 0.5, and at least
 * `infraMinTests` executed) are infrastructure failures: their failures are not evidence.
 */
export interface FlakyOptions {
  /** A run whose failure ratio is above this is an infrastructure failure (default 0.5). */
  infraFailureRatio?: number;
  /** Only runs with at least this many executed tests can be called infrastructure failures (default 5). */
  infraMinTests?: number;
  /** Flip rate (flips / (observations-1)) at or above which a test is flaky (default 0.3). */
  minFlipRate?: number;
  /** Observations needed before the flip rate counts (default 4). */
  minObservations?: number;
}

export type FlakyReason = 'same-commit' | 'retry' | 'flip-rate';

export interface FlakyTest {
  runner: WindowEntry['runner'];
  project: string | null;
  id: string;
  file?: string;
  tier?: string;
  reasons: FlakyReason[];
  /** Results considered (infrastructure-failure runs excluded). */
  observations: number;
  passes: number;
  failures: number;
  /** Pass→fail and fail→pass transitions, oldest to newest. */
  flips: number;
  /** flips / (observations - 1), 0 with fewer than two observations. */
  flipRate: number;
  /** Commits on which the test both passed and failed. */
  commits: string[];
  /** Runs in which it passed only after a retry. */
  retryRuns: string[];
  lastSeen: string;
}

export interface FlakyReport {
  runs: number;
  /** Runs excluded as infrastructure failures. */
  infraFailureRuns: string[];
  flaky: FlakyTest[];
}

export function analyzeFlaky(entries: readonly WindowEntry[], options: FlakyOptions = {}): FlakyReport {
  const infraRatio = options.infraFailureRatio ?? 0.5;
  const infraMin = options.infraMinTests ?? 5;
  const minFlipRate = options.minFlipRate ?? 0.3;
  const minObs = options.minObservations ?? 4;

  const runs = new Map<string, WindowEntry>();
  for (const e of entries) if (!runs.has(e.runId)) runs.set(e.runId, e);
  const infra = new Set<string>();
  for (const [id, e] of runs) if (e.runExecuted >= infraMin && e.runFailureRatio > infraRatio) infra.add(id);

  const byTest = new Map<string, WindowEntry[]>();
  for (const e of entries) {
    // skipped, not-run and expected failures (xfailed, xpassed) are no evidence either way
    if (e.status !== 'passed' && e.status !== 'failed' && e.status !== 'error') continue;
    const k = testKeyOf(e);
    let list = byTest.get(k);
    if (!list) byTest.set(k, (list = []));
    list.push(e);
  }

  const flaky: FlakyTest[] = [];
  for (const list of byTest.values()) {
    // A retry pass is evidence even in a bad run: the test itself changed its mind.
    const retryRuns = [...new Set(list.filter((e) => e.flaky && e.status === 'passed').map((e) => e.runId))];
    const usable = list
      .filter((e) => !infra.has(e.runId))
      .sort((a, b) => (a.startedAt === b.startedAt ? a.runId.localeCompare(b.runId) : a.startedAt.localeCompare(b.startedAt)));
    const perCommit = new Map<string, Set<boolean>>();
    let passes = 0;
    let failures = 0;
    let flips = 0;
    let prev: boolean | undefined;
    for (const e of usable) {
      const ok = e.status === 'passed';
      if (ok) passes++;
      else failures++;
      if (prev !== undefined && prev !== ok) flips++;
      prev = ok;
      if (e.commit) {
        let s = perCommit.get(e.commit);
        if (!s) perCommit.set(e.commit, (s = new Set()));
        s.add(ok);
      }
    }
    const commits = [...perCommit].filter(([, s]) => s.size === 2).map(([c]) => c);
    const flipRate = usable.length > 1 ? flips / (usable.length - 1) : 0;
    const reasons: FlakyReason[] = [];
    if (commits.length) reasons.push('same-commit');
    if (retryRuns.length) reasons.push('retry');
    if (usable.length >= minObs && flipRate >= minFlipRate) reasons.push('flip-rate');
    if (!reasons.length) continue;
    const last = list.reduce((a, b) => (b.startedAt > a.startedAt ? b : a));
    flaky.push({
      runner: last.runner,
      project: last.project,
      id: last.id,
      file: last.file,
      tier: last.tier,
      reasons,
      observations: usable.length,
      passes,
      failures,
      flips,
      flipRate,
      commits,
      retryRuns,
      lastSeen: last.startedAt,
    });
  }
  flaky.sort((a, b) => b.flipRate - a.flipRate || b.failures - a.failures || a.id.localeCompare(b.id));
  return { runs: runs.size, infraFailureRuns: [...infra], flaky };
}
