import { evaluateMetric } from './metrics/evaluate.js';
import { GateConfigError, type GateReport, type GateRule, type MetricInputs, type MetricItem, type RuleResult, type RuleStatus } from './metrics/types.js';
import { formatValue, metricUnit, thresholdText, toBound, withinBounds } from './metrics/vocabulary.js';
import { evaluateTarget } from './targets.js';

/**
 * Gates (`gates:` in seams.yaml) and targets evaluated over loaded inputs: pure and synchronous.
 * Configuration problems in any rule are collected and thrown together (GateConfigErrors).
 */

export type { GateReport, RuleResult, RuleStatus };

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

export function evaluateGate(name: string, gate: GateRule, ctx: MetricInputs): RuleResult {
  const unit = metricUnit(gate.metric);
  const min = toBound(gate.min, gate.metric, unit);
  const max = toBound(gate.max, gate.metric, unit);
  if (min === undefined && max === undefined) throw new GateConfigError('a gate needs min: or max:', `e.g. { metric: ${gate.metric}, min: 1 }`);
  const v = evaluateMetric(gate.metric, { scenario: gate.scenario, tier: gate.tier, repo: gate.repo, runs: gate.runs }, ctx);
  const severity = gate.severity ?? 'error';
  const ok = withinBounds(v.value, min, max);
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
function locateItems(items: MetricItem[], ctx: MetricInputs): MetricItem[] {
  if (!ctx.locate || !ctx.configFile) return items;
  return items.map((i) => {
    if (i.file || !ctx.config.workflows[i.label]) return i;
    const m = /:(\d+):\d+$/.exec(ctx.locate!(['workflows', i.label]));
    return m ? { ...i, file: ctx.configFile, line: Number(m[1]) } : i;
  });
}

export interface EvaluateGatesOptions {
  /** Only these gates (targets are skipped). */
  only?: string[];
  /** false: skip targets. */
  targets?: boolean;
  repoName?: string;
}

/**
 * Evaluates every gate and target of a repo. Configuration problems in any rule (unknown tier,
 * scenario or metric, a coverage file in the wrong format…) are collected and thrown together
 * as GateConfigErrors, so the user sees all of them at once (exit 2).
 */
export function evaluateGates(ctx: MetricInputs, options: EvaluateGatesOptions = {}): GateReport {
  const results: RuleResult[] = [];
  const errors: RuleConfigError[] = [];
  const only = options.only?.length ? new Set(options.only) : null;
  if (only) for (const n of only) if (!ctx.config.gates[n]) errors.push({ rule: n, message: `no gate named "${n}" in seams.yaml` });
  for (const [name, gate] of Object.entries(ctx.config.gates)) {
    if (only && !only.has(name)) continue;
    try {
      results.push(evaluateGate(name, gate, ctx));
    } catch (e) {
      errors.push(toConfigError(e, `gates.${name}`, ctx.locate?.(['gates', name])));
    }
  }
  if (options.targets !== false && !only)
    for (const [i, t] of ctx.config.targets.entries()) {
      try {
        results.push(evaluateTarget(i, t, ctx));
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
  throw e;
}
