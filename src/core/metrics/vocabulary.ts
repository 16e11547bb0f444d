import { formatDuration, parseDurationMs } from './duration.js';
import { GateConfigError, type GateRule, type MetricUnit, type MetricsConfig, type TargetRule } from './types.js';

/**
 * The metric vocabulary shared by gates, targets, the gaps table and the reports: which unit a
 * metric has, which direction is better, how a bound written in seams.yaml reads in that unit,
 * and how a value is shown. One place, so `seams gaps` and `seams gate` never disagree.
 *
 *   tests[.<tier>], files[.<tier>]     inventory counts
 *   passrate[.<tier>], failed[.<tier>] latest run(s); with `scenario:` the scenario's tests
 *   flaky[.<tier>]                     tests flagged flaky over a window of runs
 *   nondeterministic / determinism     tests whose outcome differs between runs of one commit
 *   duration[.<tier>]                  wall-clock time of the latest run (ms)
 *   coverage.<name>[.branches]         line (branch) coverage of a `coverage:` report
 *   workflows.* / requirements.* / components.unreached   from the gaps analysis
 */

/** Metrics answered by the run history. */
export const RUN_METRIC = /^(passrate|failed|flaky|nondeterministic|determinism|duration)\b/;
/** Metrics answered by the gaps / traceability analysis. */
export const ANALYSIS_METRIC = /^(workflows|requirements|components)\b/;
/** Metrics that look at a window of runs (default 20); the others at the latest run. */
const WINDOW_METRIC = /^(flaky|nondeterministic|determinism)\b/;

const RATE_HEADS = new Set(['passrate', 'determinism', 'coverage']);
const LOWER_IS_BETTER = /^(flaky|nondeterministic|duration|failed)\b|\.(uncovered|partial|orphans|duplicates|unitOnly|unreached)$/;

/** True for metrics where a smaller value is better (targets and gates without an explicit direction). */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

export function isRateMetric(metric: string): boolean {
  return RATE_HEADS.has(metric.split('.')[0]!) || /\.(covered|share)$/.test(metric) || /^requirements\.covered/.test(metric);
}

/** The unit of a metric, from its name alone. */
export function metricUnit(metric: string): MetricUnit {
  return metric.split('.')[0] === 'duration' ? 'ms' : isRateMetric(metric) ? 'ratio' : 'count';
}

/** `0.953` → `95.3%`, `1` → `100%`, null → `—`: the one percent format of seams. */
export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

export function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return '—';
  if (unit === 'ratio') return formatPercent(value);
  if (unit === 'ms') return formatDuration(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** First segments of the metric vocabulary (a rule naming another one is an unknown metric). */
export const METRIC_HEADS: readonly string[] = Object.freeze([
  'tests',
  'files',
  'workflows',
  'requirements',
  'components',
  'passrate',
  'failed',
  'flaky',
  'nondeterministic',
  'determinism',
  'duration',
  'coverage',
]);

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** A bound that does not fit its metric's unit: what is wrong, and how to write it. */
export interface BoundProblem {
  message: string;
  hint: string;
}

/**
 * Checks a bound (`min:`, `max:`, `target:`) against the unit of its metric, before any data:
 *   count   a whole number; a percentage (`"95%"`) or a fraction (`0.95`) is an error
 *   ratio   a share 0..1 or a percentage (`"95%"`); a number over 1 is an error (is `3` three
 *           tests or 3%? write `"3%"` or `0.03`)
 *   ms      a duration (`5m`, `30s`, `250ms`) or seconds
 * `key` names the key in messages (`min`). Unknown metrics are left to the metric check.
 */
export function boundProblem(raw: number | string | undefined, metric: string, key = 'bound'): BoundProblem | undefined {
  if (raw === undefined || !METRIC_HEADS.includes(metric.split('.')[0]!)) return undefined;
  const unit = metricUnit(metric);
  const shown = typeof raw === 'string' ? `"${raw}"` : String(raw);
  const pct = typeof raw === 'string' ? PERCENT.exec(raw.trim()) : null;
  if (unit === 'ms') {
    if (pct) return { message: `${key}: ${shown} is a percentage, but ${metric} is a duration`, hint: `write a duration: ${key}: 5m, 30s or 250ms (a number is seconds)` };
    try {
      parseDurationMs(raw);
    } catch (e) {
      return { message: `${key}: ${(e as Error).message} (${metric} is a duration)`, hint: `write a duration: ${key}: 5m, 30s or 250ms (a number is seconds)` };
    }
    return undefined;
  }
  if (unit === 'count') {
    if (pct)
      return {
        message: `${key}: ${shown} is a percentage, but ${metric} is a count`,
        hint: `write a number (${key}: 25); for a share use a rate metric, e.g. passrate${metric.includes('.') ? `.${metric.split('.').slice(1).join('.')}` : ''} with ${key}: "95%"`,
      };
    if (typeof raw === 'string') return { message: `${key}: ${shown} is not a number (${metric} is a count)`, hint: `write a whole number, e.g. ${key}: ${key === 'max' ? 0 : 25}` };
    if (!Number.isInteger(raw) || raw < 0)
      return { message: `${key}: ${shown} is not a whole number, but ${metric} is a count${raw > 0 && raw < 1 ? ` (${shown} looks like a share)` : ''}`, hint: `write a whole number, e.g. ${key}: ${key === 'max' ? 0 : 25}` };
    return undefined;
  }
  // ratio
  if (pct) {
    if (Number(pct[1]) > 100) return { message: `${key}: ${shown} is over 100%, but ${metric} is a share`, hint: `write a share between 0 and 1 (0.95) or a percentage up to 100% ("95%")` };
    return undefined;
  }
  if (typeof raw === 'string') return { message: `${key}: ${shown} is not a number or percentage (${metric} is a share)`, hint: `write a share between 0 and 1 (0.95) or a percentage ("95%")` };
  if (raw < 0 || raw > 1)
    return {
      message: `${key}: ${shown} is a count, but ${metric} is a share (0..1)`,
      // (targets take numbers only: no percentage form there)
      hint:
        raw > 1 && raw <= 100
          ? `write a share: ${key}: ${raw / 100}${key === 'target' ? '' : ` or ${key}: "${raw}%"`}`
          : `write a share between 0 and 1 (0.95)${key === 'target' ? '' : ' or a percentage ("95%")'}`,
    };
  return undefined;
}

/** A bound as written (a number, a percentage `"95%"` for shares, or a duration) → the metric's unit. */
export function toBound(raw: number | string | undefined, metric: string, unit: MetricUnit = metricUnit(metric)): number | undefined {
  if (raw === undefined) return undefined;
  const problem = boundProblem(raw, metric);
  if (problem) throw new GateConfigError(problem.message.replace(/^bound: /, ''), problem.hint);
  if (unit === 'ms') {
    try {
      return parseDurationMs(raw);
    } catch (e) {
      throw new GateConfigError((e as Error).message);
    }
  }
  if (typeof raw === 'string') {
    const pct = PERCENT.exec(raw.trim());
    if (pct) return Number(pct[1]) / 100;
    throw new GateConfigError(`"${raw}" is not a number (${metric} is not a duration)`);
  }
  return raw;
}

export function thresholdText(min: number | undefined, max: number | undefined, unit: MetricUnit): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`≥ ${formatValue(min, unit)}`);
  if (max !== undefined) parts.push(`≤ ${formatValue(max, unit)}`);
  return parts.join(' and ');
}

/** Whether a value lies within the bounds (rates with a little tolerance for float noise). */
export function withinBounds(value: number | null, min?: number, max?: number): boolean {
  if (value === null) return false;
  const eps = 1e-9;
  if (min !== undefined && value < min - eps) return false;
  if (max !== undefined && value > max + eps) return false;
  return true;
}

/** Every metric the rules of a seams.yaml name (gates and targets). */
export function ruleMetrics(config: Pick<MetricsConfig, 'gates' | 'targets'>): string[] {
  return [...Object.values(config.gates).map((g) => g.metric), ...config.targets.map((t) => t.metric)];
}

/** Only metrics the analysis answers need it (it reads the import graph): skip it otherwise. */
export function needsAnalysis(metrics: readonly string[]): boolean {
  return metrics.some((m) => ANALYSIS_METRIC.test(m));
}

/**
 * The history window the rules need, in runs per tier set: flaky and determinism look at a
 * window (default 20), pass rates and duration at `runs` (default 1). 0 when no rule reads runs.
 */
export function historyWindow(rules: readonly (Pick<GateRule, 'metric' | 'runs'> | Pick<TargetRule, 'metric'>)[]): number {
  const runMetrics = rules.filter((g) => !/^(tests|files|coverage|workflows|requirements|components)\b/.test(g.metric));
  if (!runMetrics.length) return 0;
  return Math.max(1, ...runMetrics.map((g) => ('runs' in g ? g.runs : undefined) ?? (WINDOW_METRIC.test(g.metric) ? 20 : 1)));
}

/** The `coverage:` entry a coverage metric reads (`coverage.<name>`, else the rule's tier, else the first entry). */
export function coverageEntryOf(metric: string, tier: string | undefined, config: Pick<MetricsConfig, 'coverage'>): string | undefined {
  const rest = metric.split('.').slice(1);
  const nameParts = rest[rest.length - 1] === 'branches' ? rest.slice(0, -1) : rest;
  return nameParts.join('.') || tier || Object.keys(config.coverage)[0];
}

/** The configured `coverage:` entries the rules read. */
export function coverageEntriesUsed(config: MetricsConfig): string[] {
  const rules: { metric: string; tier?: string }[] = [...Object.values(config.gates), ...config.targets];
  const names = new Set<string>();
  for (const r of rules) {
    if (r.metric.split('.')[0] !== 'coverage') continue;
    const name = coverageEntryOf(r.metric, r.tier, config);
    if (name && config.coverage[name]) names.add(name);
  }
  return [...names];
}
