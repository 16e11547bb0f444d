import { scanConfigured, type ConfiguredRepo } from '../scan/configured.js';
import type { Progress } from '../util/progress.js';

export interface LoadReposOptions {
  config?: string;
  progress?: Progress;
  /** false (`--no-cache`): scan everything again, read and write nothing in `.seams/cache`. */
  cache?: boolean;
  /** The environment (PYTHONPATH is part of the cache key); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The first step of every command: each folder scanned once, configured by its seams.yaml.
 * Kept apart from context.ts so that the commands that need only the inventory (scan, run,
 * ingest, services) do not load the history store, the coverage readers and the import graph.
 * An unchanged repository comes from the scan cache without loading any runner plugin.
 */
export async function loadRepos(paths: readonly string[], options: LoadReposOptions = {}): Promise<ConfiguredRepo[]> {
  return (await scanConfigured(paths, { configFile: options.config, progress: options.progress, cache: options.cache, env: options.env })).repos;
}
