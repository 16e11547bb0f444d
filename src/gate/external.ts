import { analyzeRepo, externalMetrics } from '../analysis/index.js';
import type { LoadedConfig } from '../config/index.js';
import type { RepoInventory } from '../core/types.js';
import type { ReportGapRow, ReportTraceRow } from '../report/html/data.js';
import type { ExternalMetrics } from './types.js';

/**
 * Workflow, requirement and component metrics, gap rows and the traceability matrix, from the
 * gaps/trace analysis (src/analysis, src/core/{gaps,trace,metrics}.ts) — reused, not recomputed.
 */
export interface Analysis {
  metrics?: ExternalMetrics;
  gaps?: ReportGapRow[];
  trace?: ReportTraceRow[];
}

export async function analysisFor(inventory: RepoInventory, config: LoadedConfig, now = new Date()): Promise<Analysis> {
  const a = await analyzeRepo(inventory, config, { now, examples: 1 });
  const gaps: ReportGapRow[] = a.workflows.workflows.map((w) => ({
    repo: inventory.name,
    id: w.id,
    title: w.title,
    priority: w.priority,
    severity: w.severity ? w.severity.toUpperCase() : 'covered',
    chain: w.chain,
    tiers: Object.fromEntries(w.tiers.map((t) => [t.tier, t.tests])),
    missing: w.missing,
  }));
  const trace: ReportTraceRow[] = a.trace.rows.map((r) => ({
    repo: inventory.name,
    id: r.id,
    title: r.title,
    source: `${r.file}:${r.line}`,
    status: r.status,
    tiers: Object.fromEntries(r.tiers.map((t) => [t.tier, t.tests.length])),
    tests: r.tiers.flatMap((t) => t.tests.map((x) => x.id)).slice(0, 50),
  }));
  return {
    metrics: externalMetrics(a, inventory),
    gaps: Object.keys(config.config.workflows).length ? gaps : undefined,
    trace: a.trace.rows.length || a.trace.orphans.length ? trace : undefined,
  };
}

/** Only metrics the analysis answers need it (it reads the import graph): skip it otherwise. */
export function needsAnalysis(metrics: readonly string[]): boolean {
  return metrics.some((m) => /^(workflows|requirements|components)\b/.test(m));
}

export async function externalMetricsFor(inventory: RepoInventory, config: LoadedConfig): Promise<ExternalMetrics | undefined> {
  const metrics = [...Object.values(config.config.gates).map((g) => g.metric), ...config.config.targets.map((t) => t.metric)];
  if (!needsAnalysis(metrics)) return undefined;
  return (await analysisFor(inventory, config)).metrics;
}
