import path from 'node:path';
import { SeamsError } from '../util/errors.js';
import { openSqliteStore } from './sqlite.js';
import type { ResultStore } from './types.js';

export * from './types.js';
export { analyzeFlaky, type FlakyOptions, type FlakyReport, type FlakyTest, type FlakyReason } from './flaky.js';

export interface OpenStoreOptions {
  /** PostgreSQL schema for seams' tables (also `?schema=` in the URL). */
  schema?: string;
  /** Run migrations after opening (default true). */
  migrate?: boolean;
}

/**
 * Which store to use, in order: `--db`, `SEAMS_DATABASE_URL`, `history.db` in seams.yaml, the
 * default `sqlite:.seams/history.db`.
 */
export function resolveStoreSpec(options: { db?: string; env?: NodeJS.ProcessEnv; configured?: string }): string {
  return options.db || options.env?.SEAMS_DATABASE_URL || options.configured || 'sqlite:.seams/history.db';
}

/**
 * Opens (and migrates) a store. `spec` is `sqlite:<path>` (relative to `root`), a bare path
 * ending in .db/.sqlite, or a `postgres://` / `postgresql://` URL.
 */
export async function openStore(spec: string, root: string, options: OpenStoreOptions = {}): Promise<ResultStore> {
  let store: ResultStore;
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    // pg is loaded only for PostgreSQL (it costs ~100-300 ms of start-up)
    const { openPostgresStore } = await import('./postgres.js');
    store = await openPostgresStore(spec, { schema: options.schema });
  } else if (/^sqlite:/i.test(spec) || /\.(db|sqlite3?)$/i.test(spec)) {
    const file = spec.replace(/^sqlite:(\/\/)?/i, '');
    if (!file) throw new SeamsError('SEAMS_STORE_URL', `no file in ${spec}`, { hint: 'use sqlite:.seams/history.db' });
    store = openSqliteStore(file === ':memory:' ? file : path.resolve(root, file));
  } else {
    throw new SeamsError('SEAMS_STORE_URL', `unknown history database ${JSON.stringify(spec)}`, {
      hint: 'use sqlite:path/to/history.db or postgresql://user@host:5432/dbname',
    });
  }
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}
