import { scanConfigured, type ConfiguredRepo } from '../scan/configured.js';
import type { Progress } from '../util/progress.js';

/**
 * The first step of every command: each folder scanned once, configured by its seams.yaml.
 * Kept apart from context.ts so that the commands that need only the inventory (scan, run,
 * ingest, services) do not load the history store, the coverage readers and the import graph.
 */
export async function loadRepos(paths: readonly string[], options: { config?: string; progress?: Progress } = {}): Promise<ConfiguredRepo[]> {
  return (await scanConfigured(paths, { configFile: options.config, progress: options.progress })).repos;
}
