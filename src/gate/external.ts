import type { LoadedConfig } from '../config/index.js';
import type { RepoInventory } from '../core/types.js';
import type { ExternalMetrics } from './types.js';

/**
 * Workflow and requirement metrics from the gaps/trace analysis (owned by that module). Until it
 * is available this returns undefined and such rules report that the analysis is missing.
 */
export async function externalMetricsFor(_inventory: RepoInventory, _config: LoadedConfig): Promise<ExternalMetrics | undefined> {
  return undefined;
}
