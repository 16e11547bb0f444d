import { type DiscoveredTest, type RepoInventory, type RunRecord, type TestResult, type Tier } from '../types.js';
import { logicalGroups } from '../flaky.js';
import { testKey } from './selectors.js';

/**
 * Helpers over run history: newest-first ordering, shard merging, and the tier of each result
 * (its own, else the inventory's, else the run's single tier).
 */

export interface LogicalRun {
  /** Ids of the stored runs (several when shards are merged). */
  ids: string[];
  commit: string | null;
  branch: string | null;
  startedAt: string;
  finishedAt: string;
  tiers: Tier[];
  results: TestResult[];
}

const time = (s: string) => {
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : 0;
};

/** Shards `i/n` of the same commit and branch form one logical run (core/flaky's `logicalGroups`); newest first. */
export function logicalRuns(runs: readonly RunRecord[]): LogicalRun[] {
  return logicalGroups(runs).map((g) => ({
    ids: g.runs.map((r) => r.id),
    commit: g.commit,
    branch: g.branch,
    startedAt: g.startedAt,
    finishedAt: g.runs.reduce((m, r) => (time(r.finishedAt) > time(m) ? r.finishedAt : m), g.runs[0]!.finishedAt),
    tiers: g.tiers,
    results: g.runs.flatMap((r) => r.results.map((res) => (res.tier || r.tiers.length !== 1 ? res : { ...res, tier: r.tiers[0] }))),
  }));
}

/**
 * Runs that count in metrics, gates and trends. A run whose runner wrote no report (status
 * `incomplete`, issue 12) never counts: the history keeps it, the metrics skip it.
 * (The status is added by the run side; until then nothing is filtered.)
 */
export function countsInMetrics(run: RunRecord): boolean {
  return (run.status as string) !== 'incomplete';
}

/**
 * A result of one of the repo's tests: it matched an inventory test when it was stored
 * (`known`), or it matches one of the current inventory (histories stored before `known`).
 */
export function isKnownResult(r: TestResult, index: Map<string, DiscoveredTest>): boolean {
  return r.known === true || (index.size > 0 && index.has(testKey(r)));
}

/** Results a runner executed (passed, failed or error): not skipped, not run. */
export const executed = (r: TestResult) => r.status === 'passed' || r.status === 'failed' || r.status === 'error';

export function inventoryIndex(inventory: RepoInventory | null): Map<string, DiscoveredTest> {
  const m = new Map<string, DiscoveredTest>();
  for (const t of inventory?.tests ?? []) m.set(testKey(t), t);
  return m;
}

export function tierOfResult(r: TestResult, index: Map<string, DiscoveredTest>): Tier {
  return r.tier ?? (index.size ? index.get(testKey(r))?.tier : undefined) ?? 'unit';
}

/** A run contains a tier when it was started for it or has results of it. */
export function runHasTier(run: LogicalRun, tier: Tier, index: Map<string, DiscoveredTest>): boolean {
  return run.tiers.includes(tier) || run.results.some((r) => tierOfResult(r, index) === tier);
}

/** A pass: passed (flaky included), or xpassed (an expected failure that passed without failing the run). */
export const isPass = (r: TestResult) => r.status === 'passed' || r.status === 'xpassed';
/** Results that count in a pass rate: everything but skips and expected failures (not-run counts as not passed). */
export const counts = (r: TestResult) => r.status !== 'skipped' && r.status !== 'xfailed';

export function runLabel(run: LogicalRun): string {
  const date = run.startedAt.slice(0, 16).replace('T', ' ');
  const commit = run.commit ? ` ${run.commit.slice(0, 7)}` : '';
  return `${date}${commit}${run.ids.length > 1 ? ` (${run.ids.length} shards)` : ''}`;
}

export function durationOf(run: LogicalRun): number {
  return Math.max(0, time(run.finishedAt) - time(run.startedAt));
}
