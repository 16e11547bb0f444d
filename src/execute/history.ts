import { openStore, resolveStoreSpec, type ResultStore } from '../store/index.js';
import type { CliIO } from '../cli/io.js';

/**
 * Opens the history store for a repo: --db, SEAMS_DATABASE_URL, history.db in seams.yaml, default.
 * `readOnly` (flaky): creates nothing; a database that does not exist is an empty history.
 */
export function openHistory(root: string, io: CliIO, db?: string, configured?: string, options: { readOnly?: boolean } = {}): Promise<ResultStore> {
  return openStore(resolveStoreSpec({ db, env: io.env, configured }), root, { readOnly: options.readOnly });
}
