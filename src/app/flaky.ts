import { loadConfig } from '../config/index.js';
import { analyzeFlaky, FLAKY_WINDOW_RUNS, newestPerTierSet, type FlakyOptions as AnalyzeOptions, type FlakyReport, type WindowEntry } from '../core/flaky.js';
import type { FlakyWindow, ResultStore, WindowQuery } from '../store/index.js';
import { unknownTier } from '../core/tiers.js';
import { CONVENTIONAL_TIERS } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { openHistory } from './history.js';

/** `seams flaky`: flaky tests over a window of the history (read-only: never creates a database). */

export interface FlakyOptions {
  /** Repository root (absolute). */
  root: string;
  config?: string;
  db?: string;
  env?: NodeJS.ProcessEnv;
  tier?: string;
  branch?: string;
  repo?: string;
  /** Newest runs to look at (default FLAKY_WINDOW_RUNS, 20: the gate's and the report's window). */
  runs?: number;
  /** Flip rate (0..1) from which a test is flaky (default 0.3). */
  minFlipRate?: number;
}

export interface FlakyResult {
  report: FlakyReport;
  /** Where the history is (repo-relative for a file). */
  location: string;
}

export async function flaky(options: FlakyOptions): Promise<FlakyResult> {
  const { root } = options;
  const config = (await loadConfig(root, options.config)).config;
  // read-only: a missing database is an empty history, never created by looking at it
  const store = await openHistory(root, { db: options.db, env: options.env, configured: config.history.db, readOnly: true });
  try {
    // the reduced window: only the tests that can be flaky are read (analyzeFlaky gives the same report as over every result)
    const window = await store.flakyWindow({ tier: options.tier, branch: options.branch, repo: options.repo, runs: options.runs ?? FLAKY_WINDOW_RUNS });
    if (options.tier !== undefined && !window.runs.length) await checkTier(store, options.tier, Object.keys(config.tiers), options.repo);
    return { report: analyzeFlaky(window.entries, { minFlipRate: options.minFlipRate ?? 0.3 }), location: store.location.replace(`${root}/`, '') };
  } finally {
    await store.close();
  }
}

/**
 * A tier with no runs is a typo unless seams.yaml declares it, a stored run has it or it is one of
 * the conventional tier names (a nightly e2e tier may not have run yet): the same usage error as
 * `seams run smok` (did you mean, the tiers there are). With no tiers declared and no history
 * there is nothing to compare with: an empty report, not an error.
 */
async function checkTier(store: ResultStore, tier: string, configured: readonly string[], repo: string | undefined): Promise<void> {
  const stored = (await store.listRuns({ repo, includeIncomplete: true, limit: 1000 })).flatMap((r) => r.tiers);
  const known = [...new Set([...configured, ...stored])];
  if (!known.length || known.includes(tier) || (CONVENTIONAL_TIERS as readonly string[]).includes(tier)) return;
  const { message, hint } = unknownTier(tier, known, [...new Set([...known, ...CONVENTIONAL_TIERS])]);
  throw new SeamsError('SEAMS_UNKNOWN_TIER', message, { hint });
}

/**
 * The flaky report of a window of an open store, as `seams flaky`, the gates and the report compute
 * it: `store.flakyWindow(query)` (the window's logical runs and the entries of the tests that can
 * be flaky), then `analyzeFlaky`. `query.upTo` (a stored run id) ends the window at that run: the
 * report's per-run trend asks for the window as it was at each run. The window is returned too,
 * for callers that show its runs.
 */
export async function flakyReportOf(store: ResultStore, query: WindowQuery = {}, options: AnalyzeOptions = {}): Promise<{ report: FlakyReport; window: FlakyWindow }> {
  const window = await store.flakyWindow({ ...query, runs: query.runs ?? FLAKY_WINDOW_RUNS });
  return { report: analyzeFlaky(window.entries, options), window };
}

/**
 * The flaky report as it was at each logical run of `window` (the report's Flaky trend): for each
 * run, `analyzeFlaky` over the newest `n` runs of each tier set up to it. `window` is ONE
 * `store.flakyWindow` wide enough for every point (e.g. `runs: n + points`): a test that can be
 * flaky in a smaller window can be in the wider one, and every run keeps an entry, so each point
 * equals `flakyReportOf(store, { ...query, runs: n, upTo: run })` without a query per point.
 * Newest first, by the logical run's id (`FlakyWindowRun.id`).
 */
export function flakyReportsPerRun(window: FlakyWindow, n = FLAKY_WINDOW_RUNS, options: AnalyzeOptions = {}): Map<string, FlakyReport> {
  const byRun = new Map<string, WindowEntry[]>();
  for (const e of window.entries) {
    let list = byRun.get(e.runId);
    if (!list) byRun.set(e.runId, (list = []));
    list.push(e);
  }
  const out = new Map<string, FlakyReport>();
  window.runs.forEach((run, i) => {
    const entries: WindowEntry[] = [];
    for (const r of newestPerTierSet(window.runs.slice(i), n)) for (const e of byRun.get(r.id) ?? []) entries.push(e);
    out.set(run.id, analyzeFlaky(entries, options));
  });
  return out;
}
