import pg from 'pg';
import { SeamsError, describeError } from '../util/errors.js';
import { redactSecrets } from '../util/urls.js';
import type { SqlDriver } from './schema.js';
import { SqlResultStore } from './sql.js';

/** `?` → `$1, $2, …` (our SQL never has `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * A team store in PostgreSQL. `schema` (or `?schema=` in the URL) keeps seams' tables in their
 * own schema, created when missing.
 */
export async function openPostgresStore(url: string, options: { schema?: string; readOnly?: boolean } = {}): Promise<SqlResultStore> {
  let connectionString = url;
  let schema = options.schema;
  try {
    const u = new URL(url);
    const fromUrl = u.searchParams.get('schema');
    if (fromUrl) {
      schema ??= fromUrl;
      u.searchParams.delete('schema');
      connectionString = u.toString();
    }
  } catch {
    throw new SeamsError('SEAMS_STORE_URL', `not a database URL: ${redactSecrets(url)}`, {
      hint: 'use postgresql://user@host:5432/dbname or sqlite:path/to/history.db',
    });
  }
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new SeamsError('SEAMS_STORE_URL', `invalid schema name ${JSON.stringify(schema)}`, {
      hint: 'letters, digits and _ only',
    });
  const location = redactSecrets(url);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {
    /* reported by the next query */
  });
  try {
    await client.connect();
    if (schema) {
      if (!options.readOnly) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET search_path TO "${schema}"`);
    }
    // a reader's session cannot write, whatever it is asked
    if (options.readOnly) await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  } catch (error) {
    await client.end().catch(() => {});
    throw new SeamsError('SEAMS_STORE_OPEN', `cannot connect to the history database ${location}: ${describeError(error)}`, {
      hint: 'check the URL (--db / SEAMS_DATABASE_URL / history.db in seams.yaml) and that the server is reachable',
      cause: error,
    });
  }
  let inTx = false;
  const driver: SqlDriver = {
    kind: 'postgres',
    location,
    async all<T>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(numbered(sql), params as unknown[])).rows as T[];
    },
    async rows(sql: string, params: readonly unknown[] = []) {
      return (await client.query({ text: numbered(sql), values: params as unknown[], rowMode: 'array' })).rows as unknown[][];
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async begin() {
      await client.query('BEGIN');
      inTx = true;
    },
    async commit() {
      await client.query('COMMIT');
      inTx = false;
    },
    async rollback() {
      if (!inTx) return;
      inTx = false;
      await client.query('ROLLBACK');
    },
    async lockForMigration() {
      await client.query('SELECT pg_advisory_xact_lock(726400501)');
    },
    async insertMany(table, columns, rows, onConflict) {
      if (!rows.length) return;
      const width = columns.length;
      // a statement takes at most 65535 parameters
      const per = Math.max(1, Math.floor(60_000 / width));
      for (let k = 0; k < rows.length; k += per) {
        const chunk = rows.slice(k, k + per);
        const values = chunk.map((_, i) => `(${columns.map((__, j) => `$${i * width + j + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}${onConflict ? ` ${onConflict}` : ''}`, chunk.flat() as unknown[]);
      }
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
  return new SqlResultStore(driver, options.readOnly);
}
