import type { ResolvedConfig } from '../config/resolve.js';
import type { CoverageReport } from '../coverage/types.js';
import type { RepoInventory, RunRecord } from '../core/types.js';

export type MetricUnit = 'count' | 'ratio' | 'ms';

/** A test, workflow, requirement or file behind a metric's value (shown when a rule fails). */
export interface MetricItem {
  label: string;
  file?: string;
  line?: number;
  detail?: string;
}

export interface MetricValue {
  /** null when there is nothing to measure (no runs, no coverage lines); `missing` says why. */
  value: number | null;
  unit: MetricUnit;
  /** What the value counts, e.g. `412 of 430 results passed in run 2026-11-20 (abc1234)`. */
  detail?: string;
  missing?: string;
  items?: MetricItem[];
}

/**
 * Metrics computed elsewhere (the gaps/trace analysis: `workflows.P1.uncovered`,
 * `requirements.covered`, …): returns undefined for metrics it does not know.
 */
export type ExternalMetrics = (metric: string) => MetricValue | undefined;

export interface GateContext {
  /** Absolute repo root. */
  root: string;
  config: ResolvedConfig;
  /** seams.yaml, repo-relative (to point workflow and requirement findings at their definition). */
  configFile?: string;
  /** `file:line:col` of a key path in seams.yaml. */
  locate?: (keyPath: readonly (string | number)[]) => string;
  inventory: RepoInventory | null;
  /** Runs of this repo from the history (any order; newest are used). */
  runs: RunRecord[];
  /** Why there are no runs (no history database yet, empty store), for the messages. */
  historyMissing?: string;
  /** Coverage reports by `coverage:` entry name, loaded on demand. */
  coverage: (name: string) => Promise<CoverageReport>;
  external?: ExternalMetrics;
  now: Date;
}

export type RuleStatus = 'pass' | 'fail' | 'warn';

export interface RuleResult {
  /** Gate name, or `target:<metric>` for targets. */
  name: string;
  kind: 'gate' | 'target';
  metric: string;
  scenario?: string;
  tier?: string;
  repo?: string;
  severity: 'error' | 'warn';
  status: RuleStatus;
  value: number | null;
  unit: MetricUnit;
  /** `≥ 25`, `≤ 0`, `≥ 95%`, `≤ 5m`. */
  threshold: string;
  min?: number;
  max?: number;
  due?: string;
  message: string;
  detail?: string;
  items: MetricItem[];
  /** Where the rule is defined (seams.yaml:line:col). */
  source?: string;
}

export interface GateReport {
  repo: string;
  root: string;
  passed: boolean;
  results: RuleResult[];
  counts: { pass: number; fail: number; warn: number };
}
