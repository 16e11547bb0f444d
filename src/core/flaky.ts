import type { ResultStatus, TestResult, Tier } from './types.js';

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
}

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
