import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openFileHashes } from '../cache/files.js';
import { inventoryKey, lookupInventory, storeInventory, type InventoryKeyParts } from '../cache/inventory.js';
import { openCache } from '../cache/store.js';
import { findConfigFile } from '../config/find.js';
import type { LoadedConfig } from '../config/load.js';
import { locatorOf, type ConfigPositions } from '../config/locate.js';
import { resolveConfig, tierRulesOf } from '../config/resolve.js';
import type { UserConfig } from '../config/schema.js';
import type { Inventory, RepoInventory } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { journalInputs } from '../util/inputs.js';
import { uniqueNames } from '../util/paths.js';
import type { Progress } from '../util/progress.js';
import { listTree } from '../workspace/files.js';
import type { ScanOptions } from './index.js';
import { repoRootOf } from './root.js';

export interface ConfiguredRepo {
  inventory: RepoInventory;
  config: LoadedConfig;
}

export interface ScanConfiguredOptions {
  configFile?: string;
  progress?: Progress;
  /** false (`--no-cache`): neither read nor write `.seams/cache`. Default true. */
  cache?: boolean;
  /** The environment whose scanning variables (PYTHONPATH) key the cache; default process.env. */
  env?: NodeJS.ProcessEnv;
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
 *
 * With the cache (the default), an unchanged repository is answered from `.seams/cache` before
 * the YAML parser, the config schema or any runner plugin is loaded (see src/cache/inventory.ts).
 */
export async function scanConfigured(
  paths: readonly string[],
  options: ScanConfiguredOptions = {},
): Promise<{ inventory: Inventory; repos: ConfiguredRepo[] }> {
  const repos: ConfiguredRepo[] = [];
  paths = distinctRoots(paths);
  if (options.configFile && paths.length > 1)
    throw new SeamsError('SEAMS_CONFIG_SEVERAL_REPOS', `--config applies to one repository; got ${paths.length} paths`, {
      hint: 'run seams once per repository with its --config, or put a seams.yaml in each repository',
    });
  for (const p of paths) repos.push(await scanOne(p, paths.length === 1 ? options.configFile : undefined, options));
  const names = uniqueNames(repos.map((r) => r.inventory.root));
  repos.forEach((r, i) => (r.inventory.name = names[i]!));
  return { inventory: { version: 1, repos: repos.map((r) => r.inventory) }, repos };
}

/** Per-file entries a scan did not use are deleted when they are this old. */
const PRUNE_AFTER_MS = 14 * 24 * 3600 * 1000;

/**
 * What the cache keeps of a repository's scan: the inventory and the config it was scanned with.
 * A config holding secret values (`env: { X: { value, secret: true } }`) is not written to the
 * cache (`'parse again'`): it is parsed from seams.yaml on a hit, so no secret lands in .seams/cache.
 */
interface CachedScan {
  inventory: RepoInventory;
  config: { user: UserConfig; positions: ConfigPositions } | 'parse again' | null;
}

/** Whether a service env of the config has a value marked `secret: true`. */
function holdsSecrets(user: UserConfig): boolean {
  for (const svc of Object.values(user.services ?? {}))
    for (const v of Object.values((svc as { env?: Record<string, unknown> } | undefined)?.env ?? {}))
      if (v !== null && typeof v === 'object' && (v as { secret?: unknown }).secret === true) return true;
  return false;
}

async function scanOne(p: string, explicitConfig: string | undefined, options: ScanConfiguredOptions): Promise<ConfiguredRepo> {
  // the path first, so a typo in it is reported as such (not as a config problem)
  const root = await repoRootOf(p);
  const configFile = await findConfigFile(root, explicitConfig);
  const configText = configFile ? await readFile(configFile, 'utf8') : null;
  const store = openCache(root, { enabled: options.cache !== false });
  if (!store.enabled) return scanFresh(p, root, configFile, configText, options);

  const parts: InventoryKeyParts = { root, configFile, configText, env: options.env ?? process.env };
  const tree = await listTree(root);
  const hashes = openFileHashes(store, root);
  const key = inventoryKey(parts, tree, hashes);
  const hit = lookupInventory<CachedScan>(store, parts, key, hashes);
  if (hit && (hit.config !== null) === (configFile !== null)) {
    hashes.save();
    if (hit.config === 'parse again') {
      const { parseConfig } = await import('../config/load.js');
      return { inventory: { ...hit.inventory, root }, config: parseConfig(configText ?? '', configFile!, root) };
    }
    return { inventory: { ...hit.inventory, root }, config: restoredConfig(configFile, hit.config) };
  }
  const { value, inputs } = await journalInputs(() => scanFresh(p, root, configFile, configText, options, { listing: tree.files, cache: { store, hashes } }));
  const { config, inventory } = value;
  const cached: CachedScan = { inventory, config: config.file ? (holdsSecrets(config.user) ? 'parse again' : { user: config.user, positions: config.positions ?? {} }) : null };
  // a folder without tests is scanned again next time: seams leaves nothing behind where it found nothing
  if (!inventory.files.length && !inventory.tests.length) return value;
  // a config the YAML turned into something JSON does not keep (a YAML 1.1 timestamp) is not cached
  if (isPlainJson(cached.config)) storeInventory(store, parts, key, tree, inputs, hashes, cached);
  hashes.save();
  // per-file entries this scan did not use (older versions of files, other branches) go after a while
  store.prune(PRUNE_AFTER_MS);
  return value;
}

async function scanFresh(
  p: string,
  root: string,
  configFile: string | null,
  configText: string | null,
  options: ScanConfiguredOptions,
  more: Pick<ScanOptions, 'listing' | 'cache'> = {},
): Promise<ConfiguredRepo> {
  let config: LoadedConfig;
  if (configFile !== null) {
    const { parseConfig } = await import('../config/load.js');
    config = parseConfig(configText ?? '', configFile, root);
  } else config = defaultConfig();
  const { scanRepo } = await import('./index.js');
  const inventory = await scanRepo(p, {
    tierRules: tierRulesOf(config.config),
    requirementPattern: config.config.requirements.pattern,
    runners: config.config.runners,
    progress: options.progress,
    ...more,
  });
  return { inventory, config };
}

function defaultConfig(): LoadedConfig {
  const user: UserConfig = {};
  return { file: null, user, config: resolveConfig(user), locate: () => 'seams.yaml' };
}

function restoredConfig(file: string | null, cached: Exclude<CachedScan['config'], 'parse again'>): LoadedConfig {
  if (!file || !cached) return defaultConfig();
  return { file, user: cached.user, config: resolveConfig(cached.user), locate: locatorOf(file, cached.positions), positions: cached.positions };
}

/** Whether a value survives JSON unchanged (plain objects, arrays, strings, finite numbers, booleans, null). */
function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every((x) => x === undefined || isPlainJson(x));
  return false;
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
