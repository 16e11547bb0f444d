import { redactSecrets } from '../util/urls.js';

/** The SQL driver contract both stores implement, and the versioned schema migrations. */

export interface SqlDriver {
  readonly kind: 'sqlite' | 'postgres';
  readonly location: string;
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** As `all`, each row an array of its columns in SELECT order: no object per row (the big history reads). */
  rows(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /** Several statements, no parameters. */
  exec(sql: string): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Serialises concurrent migrations (inside the migration transaction). */
  lockForMigration(): Promise<void>;
  /** `onConflict`: an `ON CONFLICT …` clause appended to the statement (the same text on both engines). */
  insertMany(table: string, columns: readonly string[], rows: readonly unknown[][], onConflict?: string): Promise<void>;
  close(): Promise<void>;
}

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Row updates SQL cannot say on both engines, run after `statements` in the same transaction. */
  update?: (db: SqlDriver) => Promise<void>;
}

/**
 * Migration 6: the service records stored before seams masked URL passwords (`postgresql://u:pw@…`
 * in `url` or in a `not reachable at …` message) get them masked, as new runs store them.
 */
async function redactStoredServices(db: SqlDriver): Promise<void> {
  // SQLite may keep a replaced value's bytes in free space unless told to overwrite them
  const secureDelete = db.kind === 'sqlite' ? Number(Object.values((await db.all('PRAGMA secure_delete'))[0] ?? {})[0] ?? 0) : null;
  if (secureDelete === 0) await db.exec('PRAGMA secure_delete = ON');
  const rows = await db.all<{ id: string; services: string }>(`SELECT id, services FROM runs WHERE services LIKE '%://%'`);
  for (const row of rows) {
    let services: unknown;
    try {
      services = JSON.parse(row.services);
    } catch {
      continue;
    }
    if (!Array.isArray(services)) continue;
    const masked = services.map((s: unknown) => {
      if (!s || typeof s !== 'object') return s;
      const o = { ...(s as Record<string, unknown>) };
      for (const k of ['url', 'message']) if (typeof o[k] === 'string') o[k] = redactSecrets(o[k]);
      return o;
    });
    const text = JSON.stringify(masked);
    if (text !== JSON.stringify(services)) await db.run('UPDATE runs SET services = ? WHERE id = ?', [text, row.id]);
  }
  if (secureDelete === 0) await db.exec('PRAGMA secure_delete = OFF');
}

/** Versioned, append-only. Never edit a released migration; add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs and results',
    statements: [
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        repo TEXT NOT NULL,
        commit_sha TEXT,
        branch TEXT,
        tiers TEXT NOT NULL,
        environment TEXT NOT NULL,
        shard TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status TEXT NOT NULL,
        services TEXT NOT NULL,
        total INTEGER NOT NULL,
        passed INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        not_run INTEGER NOT NULL,
        flaky INTEGER NOT NULL
      )`,
      `CREATE INDEX runs_started ON runs (started_at)`,
      `CREATE INDEX runs_repo ON runs (repo, started_at)`,
      `CREATE TABLE run_tiers (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tier TEXT NOT NULL,
        PRIMARY KEY (run_id, tier)
      )`,
      `CREATE TABLE results (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        runner TEXT NOT NULL,
        project TEXT NOT NULL,
        test_id TEXT NOT NULL,
        file TEXT,
        name TEXT NOT NULL,
        suite TEXT,
        tier TEXT,
        status TEXT NOT NULL,
        duration_ms DOUBLE PRECISION NOT NULL,
        attempts INTEGER NOT NULL,
        flaky INTEGER NOT NULL,
        message TEXT,
        reason TEXT,
        services TEXT,
        known INTEGER,
        PRIMARY KEY (run_id, seq)
      )`,
      `CREATE INDEX results_test ON results (runner, project, test_id)`,
    ],
  },
  {
    version: 2,
    name: 'shards stored per run',
    statements: [
      `CREATE TABLE run_shards (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        shard TEXT NOT NULL,
        PRIMARY KEY (run_id, shard)
      )`,
      `INSERT INTO run_shards (run_id, shard) SELECT id, shard FROM runs WHERE shard IS NOT NULL`,
    ],
  },
  {
    version: 3,
    name: 'measured reach per run',
    statements: [
      // the repository files a measured run saw, numbered per run, with their content hash then
      `CREATE TABLE reach_files (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        file_id INTEGER NOT NULL,
        path TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (run_id, file_id)
      )`,
      // per measured test, the file ids it executed: sorted, delta-encoded, comma-separated; the
      // test is its result row (results.seq), so its id is not stored again
      `CREATE TABLE reach_tests (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        files TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      )`,
      // per repository and test, the newest run that measured it and its result row there (kept
      // up to date by every save)
      `CREATE TABLE reach_latest (
        repo TEXT NOT NULL,
        runner TEXT NOT NULL,
        project TEXT NOT NULL,
        test_id TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        PRIMARY KEY (repo, runner, project, test_id)
      )`,
      `CREATE INDEX reach_latest_run ON reach_latest (run_id)`,
    ],
  },
  {
    version: 4,
    name: 'incomplete runs',
    statements: [
      // a run whose runner wrote no report or stopped at collection: why, the runner's last words
      // (bounded) and its log; such a run never counts in trends, pass rates, flakiness or gates
      `ALTER TABLE runs ADD COLUMN incomplete_reason TEXT`,
      `ALTER TABLE runs ADD COLUMN error_text TEXT`,
      `ALTER TABLE runs ADD COLUMN log_path TEXT`,
      // runs stored before: no test passed, failed or was skipped, and the selected tests are
      // "not run" because the runner reported nothing for them (no report, or a collection stop)
      `UPDATE runs SET status = 'incomplete',
         incomplete_reason = 'stored before seams knew incomplete runs: no test ran (the runner wrote no report or stopped at collection)'
       WHERE status IN ('error', 'failed') AND passed = 0 AND failed = 0 AND skipped = 0 AND not_run > 0
         AND EXISTS (SELECT 1 FROM results r WHERE r.run_id = runs.id AND r.status = 'not-run' AND r.reason LIKE 'no result: %')`,
      `CREATE INDEX runs_status ON runs (status)`,
    ],
  },
  {
    version: 5,
    name: 'xfailed and xpassed outcomes',
    statements: [
      `ALTER TABLE runs ADD COLUMN xfailed INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE runs ADD COLUMN xpassed INTEGER NOT NULL DEFAULT 0`,
      // before this version the JUnit reader stored <skipped type="pytest.xfail"> and unittest's
      // expected failures as skipped with the reason `xfail` / `xfail: <message>`: those are xfailed.
      // Nothing else can be told apart (a non-strict XPASS was, and is, a plain pass in JUnit XML;
      // a Playwright test.fail() that failed as expected was stored as passed).
      `UPDATE results SET status = 'xfailed' WHERE status = 'skipped' AND (reason = 'xfail' OR substr(reason, 1, 7) = 'xfail: ')`,
      `UPDATE runs SET
         xfailed = (SELECT COUNT(*) FROM results r WHERE r.run_id = runs.id AND r.status = 'xfailed'),
         skipped = skipped - (SELECT COUNT(*) FROM results r WHERE r.run_id = runs.id AND r.status = 'xfailed')
       WHERE EXISTS (SELECT 1 FROM results r WHERE r.run_id = runs.id AND r.status = 'xfailed')`,
    ],
  },
  {
    version: 6,
    name: 'service URL passwords masked',
    statements: [],
    update: redactStoredServices,
  },
];
