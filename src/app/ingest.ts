import path from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/index.js';
import type { DiscoveredTest, RunnerId } from '../core/types.js';
import { ingestFiles, type IngestReport } from '../execute/ingest.js';
import type { ResultFormat } from '../results/index.js';
import { isSeamsError } from '../util/errors.js';
import { loadRepos } from './repos.js';
import { openHistory } from './history.js';

/** `seams ingest`: store results produced elsewhere in the history, joined to the repository's test ids. */

export interface IngestOptions {
  /** Repository root (absolute). */
  root: string;
  config?: string;
  /** false (`--no-cache`): scan without `.seams/cache`. */
  cache?: boolean;
  db?: string;
  env?: NodeJS.ProcessEnv;
  runId?: string;
  tier?: string;
  runner?: RunnerId;
  format?: ResultFormat;
  commit?: string;
  branch?: string;
  shard?: string;
  /** Replace a stored run whose results differ from these (else that is an error, exit 1). */
  replace?: boolean;
  /** One-line notes (a file read once, options that could not apply), told as they come. */
  onNote?: (line: string) => void;
  /** false: do not scan (results stay unjoined to inventory ids). Default true. */
  scan?: boolean;
  /** Told at once when the scan fails and results are stored without test ids. */
  onUnjoined?: (why: string) => void;
}

export interface IngestResult {
  reports: IngestReport[];
  /** Where the history is (repo-relative for a file). */
  location: string;
  /** Why results are stored without test ids (the scan failed), when it did. */
  unjoined?: string;
}

export async function ingest(files: readonly string[], options: IngestOptions): Promise<IngestResult> {
  const { root } = options;
  let tests: readonly DiscoveredTest[] = [];
  let repo = path.basename(root);
  let config: ResolvedConfig = (await loadConfig(root, options.config)).config;
  let unjoined: string | undefined;
  if (options.scan !== false) {
    try {
      const [scanned] = await loadRepos([root], { config: options.config, cache: options.cache, env: options.env });
      tests = scanned!.inventory.tests;
      repo = scanned!.inventory.name;
      config = scanned!.config.config;
    } catch (error) {
      if (!isSeamsError(error)) throw error;
      unjoined = error.message;
      options.onUnjoined?.(unjoined);
    }
  }
  const store = await openHistory(root, { db: options.db, env: options.env, configured: config.history.db });
  try {
    const reports = await ingestFiles(files, {
      root,
      repo,
      tests,
      config,
      store,
      runId: options.runId,
      tier: options.tier,
      runner: options.runner,
      format: options.format,
      commit: options.commit,
      branch: options.branch,
      shard: options.shard,
      replace: options.replace,
      onNote: options.onNote,
    });
    return { reports, location: store.location.replace(`${root}/`, ''), ...(unjoined ? { unjoined } : {}) };
  } finally {
    await store.close();
  }
}
