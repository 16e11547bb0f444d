/**
 * Measured reach as plain data: which repository files each test executed in a run measured with
 * `seams run --reach` (coverage.py per-test contexts), as gaps, trace, gate and the report read it
 * from the history. Loaded at the edge (app/), handed to the pure analyses in core/gaps.ts.
 */

/** The run a measurement comes from. */
export interface MeasuredRun {
  id: string;
  commit: string | null;
  startedAt: string;
}

/** What one test executed, from the newest run that measured it. */
export interface MeasuredTest {
  /** The run id (a key of `MeasuredReach.runs`). */
  run: string;
  /** Repo-relative POSIX paths of the repository files the test executed (setup, call, teardown). */
  files: readonly string[];
  /**
   * True when the test file or one of `files` has changed since the run measured it (content
   * hash now differs from the one stored with the run), or is gone.
   */
  stale: boolean;
}

export interface MeasuredReach {
  /** Keyed by `runner|project|id` (store/types.ts `testKeyOf`; project empty for null). */
  tests: ReadonlyMap<string, MeasuredTest>;
  runs: ReadonlyMap<string, MeasuredRun>;
  /** Runners whose tests seams can measure (today pytest); tests of other runners keep static reach. */
  measurable: readonly string[];
}

/** The key of a test in `MeasuredReach.tests` (the same shape as store/types.ts `testKeyOf`). */
export function measuredKey(t: { runner: string; project?: string | null; id: string }): string {
  return `${t.runner}|${t.project ?? ''}|${t.id}`;
}
