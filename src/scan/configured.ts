import { realpathSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, tierRulesOf, type LoadedConfig } from '../config/index.js';
import type { Inventory, RepoInventory } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { uniqueNames } from '../util/paths.js';
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
 *
 * The same folder given twice (also through a symlink or `./`) is scanned once; `--config`
 * with several repositories is a usage error (it cannot describe them all); repositories whose
 * folders share a name are named by the shortest path suffix that tells them apart (`x/app`,
 * `y/app`) — the history keeps its key, the folder name (see repoKey).
 */
export async function scanConfigured(
  paths: readonly string[],
  options: { configFile?: string; progress?: Progress } = {},
): Promise<{ inventory: Inventory; repos: ConfiguredRepo[] }> {
  const repos: ConfiguredRepo[] = [];
  paths = distinctRoots(paths);
  if (options.configFile && paths.length > 1)
    throw new SeamsError('SEAMS_CONFIG_SEVERAL_REPOS', `--config applies to one repository; got ${paths.length} paths`, {
      hint: 'run seams once per repository with its --config, or put a seams.yaml in each repository',
    });
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
      runners: config.config.runners,
      progress: options.progress,
    });
    repos.push({ inventory, config });
  }
  const names = uniqueNames(repos.map((r) => r.inventory.root));
  repos.forEach((r, i) => (r.inventory.name = names[i]!));
  return { inventory: { version: 1, repos: repos.map((r) => r.inventory) }, repos };
}

/** The repository's key in the run history: its folder name (what `seams run` stores). */
export function repoKey(inventory: { root: string }): string {
  return path.basename(inventory.root);
}

/** Paths in order, each folder once (resolved, symlinks followed when the path exists). */
function distinctRoots(paths: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of paths) {
    let key = path.resolve(p);
    try {
      key = realpathSync(key);
    } catch {
      // a missing path is reported by scanRepo below
    }
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
