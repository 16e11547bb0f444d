import type { LoadedConfig } from '../config/index.js';
import type { RepoInventory } from '../core/types.js';
import type { ReportGapRow, ReportTraceRow } from '../report/html/data.js';
import type { ExternalMetrics } from './types.js';

/**
 * Workflow and requirement metrics, gap rows and the traceability matrix from the gaps/trace
 * analysis (owned by that module). Until it is wired in, nothing is returned and rules on those
 * metrics report that the analysis is missing.
 */
export interface Analysis {
  metrics?: ExternalMetrics;
  gaps?: ReportGapRow[];
  trace?: ReportTraceRow[];
}

export async function analysisFor(_inventory: RepoInventory, _config: LoadedConfig): Promise<Analysis | undefined> {
  return undefined;
}

export async function externalMetricsFor(inventory: RepoInventory, config: LoadedConfig): Promise<ExternalMetrics | undefined> {
  return (await analysisFor(inventory, config))?.metrics;
}
