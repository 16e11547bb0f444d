import type { CoverageReport } from '../coverage.js';
import type { WorkflowAnalysis } from '../gaps.js';
import type { TraceReport } from '../trace.js';
import type { RepoInventory, RunRecord } from '../types.js';
import type { WindowEntry } from '../flaky.js';

/**
 * The values every metric is computed from. They are loaded first (src/app: inventory, history
 * window, coverage reports, gaps analysis) and handed in as plain data; gates, targets, the gaps
 * table and every report then evaluate the same metric with the same units, synchronously.
 */

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

/** A gate of seams.yaml (structurally config/schema.ts GateConfig). */
export interface GateRule {
  metric: string;
  min?: number | string;
  max?: number | string;
  severity?: 'error' | 'warn';
  scenario?: string;
  tier?: string;
  repo?: string;
  runs?: number;
}

/** A target of seams.yaml, with its due date as YYYY-MM-DD. */
export interface TargetRule {
  metric: string;
  target: number;
  due: string;
  title?: string;
  scenario?: string;
}

export interface ScenarioRule {
  title?: string;
  select: string[];
  expect?: number;
}

/** The parts of the resolved seams.yaml the metrics read (structurally config's ResolvedConfig). */
export interface MetricsConfig {
  tiers: Readonly<Record<string, unknown>>;
  workflows: Readonly<Record<string, unknown>>;
  scenarios: Readonly<Record<string, ScenarioRule>>;
  gates: Readonly<Record<string, GateRule>>;
  targets: readonly TargetRule[];
  coverage: Readonly<Record<string, { file: string; paths?: readonly string[] }>>;
}

/** A `coverage:` entry as loaded: its report, or why it could not be read (a configuration error). */
export type LoadedCoverage = { report: CoverageReport } | { error: { message: string; hint?: string } };

/** The gaps/traceability analysis a metric may need (workflows.*, requirements.*, components.*). */
export interface AnalysisValues {
  workflows: WorkflowAnalysis;
  trace: TraceReport;
  /** Files requirements were read from (to explain an empty set). */
  requirementSources?: readonly string[];
}

export interface MetricInputs {
  /** Absolute repo root. */
  root: string;
  config: MetricsConfig;
  /** seams.yaml, repo-relative (to point workflow and requirement findings at their definition). */
  configFile?: string;
  /** `file:line:col` of a key path in seams.yaml. */
  locate?: (keyPath: readonly (string | number)[]) => string;
  inventory: RepoInventory | null;
  /** Runs of this repo from the history (any order; newest are used). */
  runs: RunRecord[];
  /** Why there are no runs (no history database yet, empty store), for the messages. */
  historyMissing?: string;
  /**
   * Reduced flaky windows (the store's `flakyWindow`), by `flakyWindowKey(tier, runs)`: the gates'
   * `flaky` metric reads the window from here when it is loaded (then `runs` need only hold the
   * newest runs), else from `runs`. Loaded by src/app/context for `history: 'rules'`.
   */
  flakyWindows?: ReadonlyMap<string, FlakyWindowData>;
  /** The `coverage:` entries that were loaded, by name. */
  coverage: Readonly<Record<string, LoadedCoverage>>;
  /** The gaps analysis, when it was loaded. */
  analysis?: AnalysisValues;
  now: Date;
}

/** A reduced flaky window (structurally the store's `FlakyWindow`): its logical runs, newest first, and the entries of the tests that can be flaky. */
export interface FlakyWindowData {
  runs: readonly { id: string; ids: readonly string[]; commit: string | null; branch: string | null; startedAt: string; finishedAt: string; tiers: readonly string[]; counts: { total: number } }[];
  entries: readonly WindowEntry[];
}

/** The key of a flaky window in `MetricInputs.flakyWindows`: the rule's tier (none: every tier) and window size. */
export const flakyWindowKey = (tier: string | undefined, runs: number): string => `${tier ?? ''}\0${runs}`;

/** The name gate code has always used for the inputs. */
export type GateContext = MetricInputs;

export interface MetricOptions {
  scenario?: string;
  tier?: string;
  repo?: string;
  runs?: number;
}

/* ----------------------------------------------------------- rule results */

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

/** A rule that cannot be evaluated as written (unknown tier, scenario, metric, unreadable coverage). */
export class GateConfigError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
