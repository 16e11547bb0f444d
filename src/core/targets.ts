import { daysUntilDue, dueText } from './dates.js';
import { metricValue, type MetricContext } from './metrics/analysis.js';
import { evaluateMetric } from './metrics/evaluate.js';
import type { MetricInputs, MetricUnit, MetricValue, RuleResult, TargetRule } from './metrics/types.js';
import { formatValue, lowerIsBetter, metricUnit, thresholdText, toBound, withinBounds } from './metrics/vocabulary.js';

/**
 * Targets (`targets:` in seams.yaml): a metric to reach by a due date. One judgement for both
 * views: `seams gaps` shows progress from the static analysis (targetProgress), `seams gate`
 * evaluates them with the run history and coverage too (evaluateTarget). Same unit, same
 * direction, same day count.
 */

export type TargetInput = Pick<TargetRule, 'metric' | 'target' | 'due' | 'title'>;

/**
 * `met`; `open` (not met, due day not over: the gate warns); `late` (not met after the due day:
 * the gate fails); `unknown` (a metric only `seams gate` measures, or no data).
 */
export type TargetStatus = 'met' | 'open' | 'late' | 'unknown';

export interface TargetProgress {
  metric: string;
  title?: string;
  current: number | null;
  target: number;
  due: string;
  unit: MetricUnit;
  direction: 'min' | 'max';
  status: TargetStatus;
  /** Whole UTC days until the due day (0 on the day, negative when past): core/dates.ts. */
  daysLeft: number;
  detail?: string;
}

interface Judgement {
  min?: number;
  max?: number;
  target: number;
  direction: 'min' | 'max';
  met: boolean;
  daysLeft: number;
  status: TargetStatus;
}

/** Whether a target is met, open or late, given the metric's value. A target is late after its due day ends (UTC). */
function judge(t: TargetInput, v: MetricValue | undefined, now: Date): Judgement {
  // the bound reads in the unit the metric's name says (a share as 0..1 or as a percentage over 1)
  const target = toBound(t.target, t.metric)!;
  const direction = lowerIsBetter(t.metric) ? 'max' : 'min';
  const min = direction === 'min' ? target : undefined;
  const max = direction === 'max' ? target : undefined;
  const value = v?.value ?? null;
  const met = withinBounds(value, min, max);
  const daysLeft = daysUntilDue(t.due, now);
  const status: TargetStatus = value === null ? 'unknown' : met ? 'met' : daysLeft < 0 ? 'late' : 'open';
  return { min, max, target, direction, met, daysLeft, status };
}

/** Current value vs target vs due date for each target, from the static analysis (`seams gaps`). */
export function targetProgress(targets: readonly TargetInput[], ctx: MetricContext, now: Date): TargetProgress[] {
  return targets.map((t) => {
    const v = metricValue(t.metric, ctx);
    const j = judge(t, v, now);
    return {
      metric: t.metric,
      ...(t.title ? { title: t.title } : {}),
      current: v?.value ?? null,
      target: j.target,
      due: t.due,
      unit: v?.unit ?? metricUnit(t.metric),
      direction: j.direction,
      status: j.status,
      daysLeft: j.daysLeft,
      ...(v === undefined
        ? { detail: `${t.metric} is measured by \`seams gate\` (run history / coverage), not by the static analysis` }
        : v.missing
          ? { detail: v.missing }
          : v.detail
            ? { detail: v.detail }
            : {}),
    };
  });
}

/**
 * A target as a gate rule: met when the metric reaches `target` (or stays at or below it for
 * metrics where less is better). Unmet before its due date → warning; unmet after it → error.
 */
export function evaluateTarget(index: number, t: TargetRule, ctx: MetricInputs): RuleResult {
  toBound(t.target, t.metric); // a bound that cannot be read is a configuration error before any data
  const v = evaluateMetric(t.metric, { scenario: t.scenario }, ctx);
  const j = judge(t, v, ctx.now);
  const late = j.daysLeft < 0;
  const bounds = thresholdText(j.min, j.max, v.unit);
  const valueText = formatValue(v.value, v.unit);
  const message = j.met
    ? `${valueText}, target ${bounds} met`
    : `${v.value === null ? (v.missing ?? 'no data') : valueText}; target ${bounds} by ${t.due}: ${late ? 'late' : 'open'} (${dueText(j.daysLeft)})`;
  return {
    name: t.title ?? `target:${t.metric}${t.scenario ? `:${t.scenario}` : ''}`,
    kind: 'target',
    metric: t.metric,
    scenario: t.scenario,
    severity: late ? 'error' : 'warn',
    status: j.met ? 'pass' : late ? 'fail' : 'warn',
    value: v.value,
    unit: v.unit,
    threshold: `${bounds} by ${t.due}`,
    min: j.min,
    max: j.max,
    due: t.due,
    message,
    detail: v.detail,
    items: j.met ? [] : (v.items ?? []),
    source: ctx.locate?.(['targets', index]),
  };
}
