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

/** The SQL type of each column of a table, per connection (`format_type`: `text`, `integer`, …), read once. */
const columnTypes = new WeakMap<pg.Client, Map<string, Map<string, string>>>();

async function typesOf(client: pg.Client, table: string): Promise<Map<string, string>> {
  let byTable = columnTypes.get(client);
  if (!byTable) columnTypes.set(client, (byTable = new Map()));
  let types = byTable.get(table);
  if (!types) {
    const r = await client.query<{ name: string; type: string }>(
      'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
      [table],
    );
    types = new Map(r.rows.map((x) => [x.name, x.type]));
    // an empty answer (no such table) is not kept: the INSERT says what is wrong
    if (types.size) byTable.set(table, types);
  }
  return types;
}

const NEEDS_ESCAPE = /["\\]/;
const QUOTE_OR_BACKSLASH = /["\\]/g;

/**
 * Column `j` of `rows[from..to)` as a PostgreSQL array literal (`{"a","b\"c",NULL,1.5}`), as
 * node-postgres writes a JavaScript array, but escaping only the strings that need it (one test
 * instead of two replaces per value: a million rows have ten million of them). Values are plain
 * (see insertUnnest): strings quoted, numbers and booleans as text, null and undefined as NULL.
 */
export function arrayLiteral(rows: readonly unknown[][], j: number, from: number, to: number): string {
  const parts: string[] = new Array<string>(to - from);
  for (let i = from; i < to; i++) {
    const v = rows[i]![j];
    parts[i - from] =
      v === null || v === undefined
        ? 'NULL'
        : typeof v === 'string'
          ? NEEDS_ESCAPE.test(v)
            ? `"${v.replace(QUOTE_OR_BACKSLASH, '\\$&')}"`
            : `"${v}"`
          : `"${String(v)}"`;
  }
  return `{${parts.join(',')}}`;
}

/** Rows per UNNEST statement: bounds the size of one message, not a parameter limit (one array per column). */
const UNNEST_ROWS = 5000;

/**
 * Many rows in one statement with one array parameter per column:
 * `INSERT INTO t (a, b) SELECT * FROM unnest($1::text[], $2::integer[])`. For a large ingest the
 * server plans 17 parameters instead of 8,500 per 500 rows (measured 2-3× faster than multi-row
 * VALUES for the results table, and less CPU in node). Only for rows of plain values (strings,
 * finite numbers, booleans, null): an array or a Buffer in a row would be taken apart by the
 * array literal, so those rows (and a table whose column types are unknown) are left to VALUES.
 * Returns whether it inserted them.
 */
async function insertUnnest(client: pg.Client, table: string, columns: readonly string[], rows: readonly unknown[][], onConflict: string | undefined): Promise<boolean> {
  // a few rows gain nothing; they go as VALUES
  if (rows.length < 16) return false;
  const width = columns.length;
  for (const row of rows) {
    if (row.length !== width) return false;
    for (const v of row) {
      const t = typeof v;
      if (v !== null && v !== undefined && t !== 'string' && t !== 'boolean' && !(t === 'number' && Number.isFinite(v))) return false;
    }
  }
  const types = await typesOf(client, table);
  const casts = columns.map((c) => types.get(c));
  if (casts.some((t) => t === undefined || t.endsWith('[]'))) return false;
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})${onConflict ? ` ${onConflict}` : ''}`;
  for (let k = 0; k < rows.length; k += UNNEST_ROWS) {
    const end = Math.min(rows.length, k + UNNEST_ROWS);
    const arrays: string[] = [];
    for (let j = 0; j < width; j++) arrays.push(arrayLiteral(rows, j, k, end));
    await client.query(sql, arrays);
  }
  return true;
}

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
      if (await insertUnnest(client, table, columns, rows, onConflict)) return;
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
