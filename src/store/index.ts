import { existsSync } from 'node:fs';
import path from 'node:path';
import { SeamsError } from '../util/errors.js';
import { MIGRATIONS } from './schema.js';
import type { SqlResultStore } from './sql.js';
import { openSqliteStore } from './sqlite.js';
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

const STORE_HINT = 'use sqlite:path/to/history.db (or a path ending in .db) or postgresql://user@host:5432/dbname';

/** What a history database spec names: a PostgreSQL URL or a SQLite file (`:memory:` too). */
export type StoreTarget = { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string };

/**
 * Parses `sqlite:<path>`, `sqlite://<path>`, a bare path ending in .db/.sqlite/.sqlite3, or a
 * `postgres://` / `postgresql://` URL. Anything else (mysql://…, a typo) is a usage error, never
 * taken for a file name.
 */
export function parseStoreSpec(spec: string): StoreTarget {
  if (/^postgres(ql)?:\/\//i.test(spec)) return { kind: 'postgres', url: spec };
  if (/^sqlite:/i.test(spec)) {
    const file = spec.replace(/^sqlite:(\/\/)?/i, '');
    if (!file) throw new SeamsError('SEAMS_STORE_URL', `no file in the history database ${JSON.stringify(spec)}`, { hint: 'use sqlite:.seams/history.db' });
    return { kind: 'sqlite', file };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(spec);
  if (scheme)
    throw new SeamsError('SEAMS_STORE_URL', `unsupported history database URL ${spec.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')} (${scheme[1]} is not supported)`, {
      hint: STORE_HINT,
    });
  if (/\.(db|sqlite3?)$/i.test(spec)) return { kind: 'sqlite', file: spec };
  throw new SeamsError('SEAMS_STORE_URL', `unknown history database ${JSON.stringify(spec)}`, { hint: STORE_HINT });
}

/**
 * Which store to use, in order: `--db`, `SEAMS_DATABASE_URL`, `history.db` in seams.yaml, the
 * default `sqlite:.seams/history.db`. Throws a usage error for a spec no store understands.
 */
export function resolveStoreSpec(options: { db?: string; env?: NodeJS.ProcessEnv; configured?: string }): string {
  const spec = options.db || options.env?.SEAMS_DATABASE_URL || options.configured || 'sqlite:.seams/history.db';
  parseStoreSpec(spec);
  return spec;
}

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
