import { SeamsError } from '../util/errors.js';
import { redactSecrets } from '../util/urls.js';

/** Where the history lives, as a spec — read without loading a database driver (seams run checks it before the tests, opens the store after). */

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
    throw new SeamsError('SEAMS_STORE_URL', `unsupported history database URL ${redactSecrets(spec)} (${scheme[1]} is not supported)`, {
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
