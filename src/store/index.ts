import { existsSync } from 'node:fs';
import path from 'node:path';
import { SeamsError } from '../util/errors.js';
import { MIGRATIONS } from './schema.js';
import type { SqlResultStore } from './sql.js';
import { openSqliteStore } from './sqlite.js';
import { parseStoreSpec } from './spec.js';
import type { ResultStore } from './types.js';

export * from './types.js';

export interface OpenStoreOptions {
  /** PostgreSQL schema for seams' tables (also `?schema=` in the URL). */
  schema?: string;
  /** Run migrations after opening (default true; never with `readOnly`). */
  migrate?: boolean;
  /**
   * For commands that only read history (flaky, gate, report): nothing is created — no file, no
   * folder, no schema, no table — and nothing is written. A database that does not exist yet (or
   * has no seams tables) opens as an empty history.
   */
  readOnly?: boolean;
}

export { parseStoreSpec, resolveStoreSpec, type StoreTarget } from './spec.js';

/** An empty, sealed history: what a reader sees where no database exists yet. */
async function emptyHistory(location: string): Promise<ResultStore> {
  const store = openSqliteStore(':memory:', { location });
  await store.migrate();
  store.readOnly = true;
  return store;
}

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Opens (and migrates) a store. `spec` is `sqlite:<path>` (relative to `root`), a bare path
 * ending in .db/.sqlite, or a `postgres://` / `postgresql://` URL. With `readOnly`, see
 * {@link OpenStoreOptions.readOnly}.
 */
export async function openStore(spec: string, root: string, options: OpenStoreOptions = {}): Promise<ResultStore> {
  const target = parseStoreSpec(spec);
  const open = async (readOnly: boolean): Promise<SqlResultStore> => {
    if (target.kind === 'postgres') {
      // pg is loaded only for PostgreSQL (it costs ~100-300 ms of start-up)
      const { openPostgresStore } = await import('./postgres.js');
      return openPostgresStore(target.url, { schema: options.schema, readOnly });
    }
    return openSqliteStore(target.file === ':memory:' ? target.file : path.resolve(root, target.file), { readOnly });
  };
  if (options.readOnly && !(target.kind === 'sqlite' && target.file === ':memory:')) {
    if (target.kind === 'sqlite' && !existsSync(path.resolve(root, target.file))) return emptyHistory(path.resolve(root, target.file));
    let store = await open(true);
    const version = await store.schemaVersion();
    if (version === 0) {
      const location = store.location;
      await store.close();
      return emptyHistory(location);
    }
    if (version < LATEST) {
      // an existing history from an older seams: upgrade it once (it exists, nothing is created)
      await store.close();
      const writer = await open(false);
      try {
        await writer.migrate();
      } finally {
        await writer.close();
      }
      store = await open(true);
    } else if (version > LATEST) {
      await store.close();
      throw new SeamsError('SEAMS_STORE_TOO_NEW', `the history database ${store.location} has schema version ${version}, this seams knows up to ${LATEST}`, {
        hint: 'upgrade seams, or point --db at another database',
      });
    }
    return store;
  }
  const store = await open(false);
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
