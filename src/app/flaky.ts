import { loadConfig } from '../config/index.js';
import { analyzeFlaky, FLAKY_WINDOW_RUNS, type FlakyReport } from '../core/flaky.js';
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
    const window = await store.resultsWindow({ tier: options.tier, branch: options.branch, repo: options.repo, runs: options.runs ?? FLAKY_WINDOW_RUNS });
    return { report: analyzeFlaky(window, { minFlipRate: options.minFlipRate ?? 0.3 }), location: store.location.replace(`${root}/`, '') };
  } finally {
    await store.close();
  }
}
