import path from 'node:path';
import { loadConfig, tierRulesOf, type LoadedConfig } from '../config/index.js';
import type { Inventory, RepoInventory } from '../core/types.js';
import type { Progress } from '../util/progress.js';
import { scanRepo } from './index.js';

export interface ConfiguredRepo {
  inventory: RepoInventory;
  config: LoadedConfig;
}

/**
 * Loads each repo's seams.yaml (when present) and scans it with the configured tier rules and
 * requirement pattern. Commands that need both the inventory and the config (scan, gaps, trace,
 * run, gate, report) start here.
 */
export async function scanConfigured(
  paths: readonly string[],
  options: { configFile?: string; progress?: Progress } = {},
): Promise<{ inventory: Inventory; repos: ConfiguredRepo[] }> {
  const repos: ConfiguredRepo[] = [];
  for (const p of paths) {
    const root = path.resolve(p);
    // Validate the path before the config so a typo in the path is reported as such.
    const config = await loadConfig(root, paths.length === 1 ? options.configFile : undefined).catch(async (error) => {
      await scanRepo(p, { plugins: [] }); // throws SEAMS_PATH_NOT_FOUND for a bad path
      throw error;
    });
    const inventory = await scanRepo(p, {
      tierRules: tierRulesOf(config.config),
      requirementPattern: config.config.requirements.pattern,
      progress: options.progress,
    });
    repos.push({ inventory, config });
  }
  return { inventory: { version: 1, repos: repos.map((r) => r.inventory) }, repos };
}
