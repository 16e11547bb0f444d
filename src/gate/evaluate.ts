import type { GateConfig, TargetConfig } from '../config/schema.js';
import { daysUntilDue, dueText } from '../core/dates.js';
import { formatDuration, parseDurationMs } from './duration.js';
import { evaluateMetric, GateConfigError, isRateMetric, lowerIsBetter } from './metrics.js';
import type { GateContext, GateReport, MetricItem, MetricUnit, MetricValue, RuleResult } from './types.js';

/** One configuration problem of a rule, with where it is in seams.yaml. */
export interface RuleConfigError {
  rule: string;
  source?: string;
  message: string;
  hint?: string;
}

export class GateConfigErrors extends Error {
  constructor(readonly errors: RuleConfigError[]) {
    super(errors.map((e) => `${e.source ? `${e.source}: ` : ''}${e.message}`).join('\n'));
  }
}

export function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return '—';
  if (unit === 'ratio') return `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;
  if (unit === 'ms') return formatDuration(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A bound as written (number, percent over 1 for rates, or duration string) → the metric's unit. */
function bound(raw: number | string | undefined, metric: string, unit: MetricUnit): number | undefined {
  if (raw === undefined) return undefined;
  if (unit === 'ms') return parseDurationMs(raw);
  if (typeof raw === 'string') {
    const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(raw.trim());
    if (pct) return Number(pct[1]) / 100;
    throw new GateConfigError(`"${raw}" is not a number (${metric} is not a duration)`);
  }
  if (unit === 'ratio' && raw > 1 && raw <= 100) return raw / 100;
  return raw;
}

function thresholdText(min: number | undefined, max: number | undefined, unit: MetricUnit): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`≥ ${formatValue(min, unit)}`);
  if (max !== undefined) parts.push(`≤ ${formatValue(max, unit)}`);
  return parts.join(' and ');
}

const unitOf = (metric: string): MetricUnit =>
  metric.split('.')[0] === 'duration' ? 'ms' : isRateMetric(metric) ? 'ratio' : 'count';

function check(v: MetricValue, min?: number, max?: number): boolean {
  if (v.value === null) return false;
  // rates compared with a little tolerance for float noise (0.95 of 20 = 19/20 exactly)
  const eps = 1e-9;
  if (min !== undefined && v.value < min - eps) return false;
  if (max !== undefined && v.value > max + eps) return false;
  return true;
}

export async function evaluateGate(name: string, gate: GateConfig, ctx: GateContext): Promise<RuleResult> {
  const unit = unitOf(gate.metric);
  const min = bound(gate.min, gate.metric, unit);
  const max = bound(gate.max, gate.metric, unit);
  if (min === undefined && max === undefined) throw new GateConfigError('a gate needs min: or max:', `e.g. { metric: ${gate.metric}, min: 1 }`);
  if (gate.metric === 'passrate' && !gate.scenario && !gate.tier) {
    // plain `passrate` = every result of the latest run
  }
  const v = await evaluateMetric(gate.metric, { scenario: gate.scenario, tier: gate.tier, repo: gate.repo, runs: gate.runs }, ctx);
  const severity = gate.severity ?? 'error';
  const ok = check(v, min, max);
  const threshold = thresholdText(min, max, v.unit);
  const status = ok ? 'pass' : severity === 'warn' ? 'warn' : 'fail';
  const valueText = formatValue(v.value, v.unit);
  const message = v.value === null ? `${v.missing ?? 'no data'}` : ok ? `${valueText} ${threshold}` : `${valueText}, expected ${threshold}`;
  return {
    name,
    kind: 'gate',
    metric: gate.metric,
    scenario: gate.scenario,
    tier: gate.tier,
    repo: gate.repo,
    severity,
    status,
    value: v.value,
    unit: v.unit,
    threshold,
    min,
    max,
    message,
    detail: v.detail,
    items: ok ? [] : locateItems(v.items ?? [], ctx),
    source: ctx.locate?.(['gates', name]),
  };
}

/** Workflows behind a failure point at their definition in seams.yaml (for annotations). */
function locateItems(items: MetricItem[], ctx: GateContext): MetricItem[] {
  if (!ctx.locate || !ctx.configFile) return items;
  return items.map((i) => {
    if (i.file || !ctx.config.workflows[i.label]) return i;
    const m = /:(\d+):\d+$/.exec(ctx.locate!(['workflows', i.label]));
    return m ? { ...i, file: ctx.configFile, line: Number(m[1]) } : i;
  });
}

/**
 * A target (`targets:` in seams.yaml) is met when the metric reaches `target` (or stays at or
 * below it for metrics where less is better). Unmet before its due date → warning; unmet on or
 * after it → error.
 */
export async function evaluateTarget(index: number, t: TargetConfig & { due: string }, ctx: GateContext): Promise<RuleResult> {
  const unit = unitOf(t.metric);
  const target = bound(t.target, t.metric, unit)!;
  const lower = lowerIsBetter(t.metric);
  const v = await evaluateMetric(t.metric, { scenario: t.scenario }, ctx);
  const min = lower ? undefined : target;
  const max = lower ? target : undefined;
  const ok = check(v, min, max);
  const daysLeft = daysUntilDue(t.due, ctx.now);
  const late = daysLeft < 0;
  const threshold = `${thresholdText(min, max, v.unit)} by ${t.due}`;
  const valueText = formatValue(v.value, v.unit);
  const message = ok
    ? `${valueText}, target ${thresholdText(min, max, v.unit)} met`
    : `${v.value === null ? (v.missing ?? 'no data') : valueText}; target ${thresholdText(min, max, v.unit)} by ${t.due}: ${late ? 'late' : 'open'} (${dueText(daysLeft)})`;
  return {
    name: t.title ?? `target:${t.metric}${t.scenario ? `:${t.scenario}` : ''}`,
    kind: 'target',
    metric: t.metric,
    scenario: t.scenario,
    severity: late ? 'error' : 'warn',
    status: ok ? 'pass' : late ? 'fail' : 'warn',
    value: v.value,
    unit: v.unit,
    threshold,
    min,
    max,
    due: t.due,
    message,
    detail: v.detail,
    items: ok ? [] : (v.items ?? []),
    source: ctx.locate?.(['targets', index]),
  };
}

/**
 * Evaluates every gate and target of a repo. Configuration problems in any rule (unknown tier,
 * scenario or metric, a coverage file in the wrong format…) are collected and thrown together
 * as GateConfigErrors, so the user sees all of them at once (exit 2).
 */
export async function evaluateGates(ctx: GateContext, options: { only?: string[]; targets?: boolean; repoName?: string } = {}): Promise<GateReport> {
  const results: RuleResult[] = [];
  const errors: RuleConfigError[] = [];
  const only = options.only?.length ? new Set(options.only) : null;
  if (only) {
    const unknown = [...only].filter((n) => !ctx.config.gates[n]);
    for (const n of unknown) errors.push({ rule: n, message: `no gate named "${n}" in seams.yaml` });
  }
  for (const [name, gate] of Object.entries(ctx.config.gates)) {
    if (only && !only.has(name)) continue;
    try {
      results.push(await evaluateGate(name, gate, ctx));
    } catch (e) {
      errors.push(toConfigError(e, `gates.${name}`, ctx.locate?.(['gates', name])));
    }
  }
  if (options.targets !== false && !only)
    for (const [i, t] of ctx.config.targets.entries()) {
      try {
        results.push(await evaluateTarget(i, t, ctx));
      } catch (e) {
        errors.push(toConfigError(e, `targets[${i}]`, ctx.locate?.(['targets', i])));
      }
    }
  if (errors.length) throw new GateConfigErrors(errors);
  const counts = { pass: 0, fail: 0, warn: 0 };
  for (const r of results) counts[r.status]++;
  return {
    repo: options.repoName ?? ctx.inventory?.name ?? ctx.root,
    root: ctx.root,
    passed: counts.fail === 0,
    results,
    counts,
  };
}

function toConfigError(e: unknown, rule: string, source: string | undefined): RuleConfigError {
  if (e instanceof GateConfigError) return { rule, source, message: `${rule}: ${e.message}`, hint: e.hint };
  if (e && typeof e === 'object' && (e as { name?: string }).name === 'SeamsError') {
    const se = e as { message: string; hint?: string };
    return { rule, source, message: `${rule}: ${se.message}`, hint: se.hint };
  }
  if (e instanceof Error && /^not a duration/.test(e.message)) return { rule, source, message: `${rule}: ${e.message}` };
  throw e;
}
