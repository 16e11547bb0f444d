import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SeamsError, describeError } from '../util/errors.js';
import type { SqlDriver } from './schema.js';
import { SqlResultStore } from './sql.js';

export interface SqliteOpenOptions {
  /** Open an existing file read-only: nothing is created, migrated or written. */
  readOnly?: boolean;
  /** What messages call the store (default: the file). */
  location?: string;
}

/**
 * The embedded store: one SQLite file (WAL), created with its folder on first use — unless
 * `readOnly`, which needs the file to exist and never writes to it.
 */
export function openSqliteStore(file: string, options: SqliteOpenOptions = {}): SqlResultStore {
  let db: Database.Database;
  try {
    if (options.readOnly) {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } else {
      if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    // 64 MB page cache for writers (large ingests update two B-trees per row); readers read runs in
    // key order and keep the default 2 MB (a report holds several read-only connections)
    if (!options.readOnly) db.pragma('cache_size = -65536');
  } catch (error) {
    throw new SeamsError('SEAMS_STORE_OPEN', `cannot open the history database ${file}: ${describeError(error)}`, {
      hint: 'check the path and its permissions, or use --db to point elsewhere',
      cause: error,
    });
  }
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let st = statements.get(sql);
    if (!st) statements.set(sql, (st = db.prepare(sql)));
    return st;
  };
  // raw statements apart: raw() is a statement's mode, and `all` needs objects from the same SQL
  const rawStatements = new Map<string, Database.Statement>();
  const driver: SqlDriver = {
    kind: 'sqlite',
    location: options.location ?? file,
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return prepare(sql).all(...params) as T[];
    },
    async rows(sql: string, params: readonly unknown[] = []) {
      let st = rawStatements.get(sql);
      if (!st) rawStatements.set(sql, (st = db.prepare(sql).raw(true)));
      return st.all(...params) as unknown[][];
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: prepare(sql).run(...params).changes };
    },
    async exec(sql: string) {
      db.exec(sql);
    },
    async begin() {
      db.exec('BEGIN IMMEDIATE');
    },
    async commit() {
      db.exec('COMMIT');
    },
    async rollback() {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async lockForMigration() {
      // BEGIN IMMEDIATE already holds the write lock.
    },
    async insertMany(table, columns, rows, onConflict) {
      // one prepared single-row statement: measured faster than multi-row VALUES in better-sqlite3
      const st = prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${onConflict ? ` ${onConflict}` : ''}`);
      for (const row of rows) st.run(row);
    },
    async close() {
      if (db.open) db.close();
    },
  };
  return new SqlResultStore(driver, options.readOnly);
}
