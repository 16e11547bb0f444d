import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { errorTextOf, incompleteReason, maskSecrets } from '../../src/execute/record.js';
import { loadHistory } from '../../src/app/history.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { openStore, type ResultStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

const res = (id: string, status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult => ({
  runner: 'pytest', project: null, id, name: id, tier: 'unit', status, durationMs: 100, attempts: 1, flaky: false, ...extra,
});
const run = (id: string, minute: number, results: TestResult[], extra: Partial<RunRecord> = {}): RunRecord => ({
  id, repo: 'demo', commit: `c${minute}`, branch: 'main', tiers: ['unit'], environment: {}, shard: null,
  startedAt: `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`, finishedAt: `2026-03-01T10:${String(minute).padStart(2, '0')}:30.000Z`,
  status: 'passed', services: [], results, ...extra,
});

async function pgSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `seams_incomplete_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  return {
    url: `${PG_URL}?schema=${schema}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

describe('incomplete runs: what the executor decides', () => {
  it('is incomplete without a report, or when pytest stopped at collection; not when tests ran or the user interrupted', () => {
    const base = { runner: 'pytest', aborted: false, timedOut: false };
    expect(incompleteReason({ ...base, exitCode: 0, error: 'pytest exited with 0 and wrote no report (see x.log)', results: [res('a', 'not-run')] })).toBe('pytest exited with 0 and wrote no report');
    expect(incompleteReason({ ...base, exitCode: 2, results: [res('t.py', 'error', { message: 'collection failure' }), res('a', 'not-run')] })).toBe(
      'pytest stopped before running tests (exit 2, interrupted: 1 collection error)',
    );
    // tests ran: a failure is a failure, not an incomplete run
    expect(incompleteReason({ ...base, exitCode: 1, results: [res('a', 'failed'), res('b', 'passed')] })).toBeNull();
    expect(incompleteReason({ ...base, exitCode: 2, results: [res('a', 'passed'), res('t.py', 'error')] })).toBeNull();
    // a timeout that left a partial report: results exist
    expect(incompleteReason({ ...base, timedOut: true, exitCode: null, error: 'timed out after 5s', results: [res('a', 'passed')] })).toBeNull();
    expect(incompleteReason({ ...base, aborted: true, exitCode: null, results: [res('a', 'not-run')] })).toBeNull();
    // another runner's exit 2 is not read as pytest's
    expect(incompleteReason({ ...base, runner: 'vitest', exitCode: 2, results: [res('a', 'error')] })).toBeNull();
  });

  it('keeps the end of the log, at most 4 kB, with secrets masked', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-errtext-'));
    const log = path.join(dir, 'x.log');
    writeFileSync(log, `${'noise line\n'.repeat(2000)}connecting to postgresql://app:hunter22@db/x\nE   KeyError: s3cr3t-token-value\nInterrupted\n`);
    const text = errorTextOf(log, { API_TOKEN: 's3cr3t-token-value', HOME: '/root' })!;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(text.endsWith('Interrupted')).toBe(true);
    expect(text).toContain('postgresql://app:***@db/x');
    expect(text).toContain('KeyError: ***');
    expect(text).not.toContain('hunter22');
    expect(text.startsWith('noise line')).toBe(true); // cut at a line start
    expect(errorTextOf(path.join(dir, 'missing.log'), {})).toBeUndefined();
    expect(maskSecrets('short', { KEY: 'short' })).toBe('short'); // values under 6 characters are not masked (they would mask words)
  });
});

const engines: [string, () => Promise<{ spec: string; root: string; cleanup: () => Promise<void> }>][] = [
  ['sqlite', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-inc-'));
    return { spec: 'sqlite:.seams/history.db', root, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
  }],
  ['postgres', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-inc-'));
    const s = await pgSchema();
    return { spec: s.url, root, cleanup: s.drop };
  }],
];

describe.each(engines)('incomplete runs in the %s store', (_name, make) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('are stored with their reason, error text and log, and left out of every history read', async () => {
    const env = await make();
    cleanups.push(env.cleanup);
    const store = await openStore(env.spec, env.root);
    try {
      await store.saveRun(run('good1', 1, [res('t::a', 'passed'), res('t::b', 'failed')], { status: 'failed' }));
      await store.saveRun(run('good2', 2, [res('t::a', 'passed', { durationMs: 300 }), res('t::b', 'passed')]));
      const long = 'x'.repeat(10_000);
      const saved = await store.saveRun(
        run('inc3', 3, [res('tests/t.py', 'error', { message: 'collection failure' })], {
          status: 'incomplete',
          incomplete: { reason: 'unit · pytest: pytest stopped before running tests', errorText: `${long}\nE   ImportError`, log: '.seams/logs/inc3/unit-pytest.log' },
        }),
      );
      expect(saved.status).toBe('incomplete');
      const got = (await store.getRun('inc3'))!;
      expect(got.status).toBe('incomplete');
      expect(got.incomplete?.reason).toBe('unit · pytest: pytest stopped before running tests');
      expect(got.incomplete?.log).toBe('.seams/logs/inc3/unit-pytest.log');
      expect(got.incomplete?.errorText?.endsWith('E   ImportError')).toBe(true);
      expect(got.incomplete!.errorText!.length).toBeLessThanOrEqual(4097);
      expect(got.results.map((r) => r.status)).toEqual(['error']);

      expect((await store.listRuns()).map((r) => r.id)).toEqual(['good2', 'good1']);
      expect((await store.listRuns({ includeIncomplete: true })).map((r) => r.id)).toEqual(['inc3', 'good2', 'good1']);
      expect((await store.listRuns({ status: 'incomplete' })).map((r) => r.id)).toEqual(['inc3']);
      const window = await store.resultsWindow({ runs: 1 });
      expect(new Set(window.map((e) => e.runId))).toEqual(new Set(['good2'])); // the newest run that counts
      expect((await store.testHistory({ runner: 'pytest', project: null, id: 'tests/t.py' }))).toEqual([]);
      expect((await store.durations({ limit: 1 })).get('pytest||t::a')).toBe(300);
      // a shard that could not run its tests makes the merged run incomplete
      await store.saveRun(run('sharded', 4, [res('t::a', 'passed')], { shard: '1/2' }));
      await store.saveRun(run('sharded', 4, [], { shard: '2/2', status: 'incomplete', incomplete: { reason: 'shard 2 wrote no report' } }));
      const merged = (await store.listRuns({ includeIncomplete: true }))[0]!;
      expect([merged.id, merged.status, merged.incomplete?.reason]).toEqual(['sharded', 'incomplete', 'shard 2 wrote no report']);
    } finally {
      await store.close();
    }
    // gates and the report read through loadHistory: the incomplete runs are not there
    const h = await loadHistory(env.root, { db: env.spec, env: {}, repoName: 'demo' });
    expect(h.summaries.map((s) => s.id)).toEqual(['good2', 'good1']);
    expect(h.runs.map((r) => r.id)).toEqual(['good2', 'good1']);
  });

  it('migration 4 marks runs stored by the old defect (no test ran, every result "not run" for want of a report) as incomplete', async () => {
    const env = await make();
    cleanups.push(env.cleanup);
    // a history at schema version 3, written by the seams before
    const statements = MIGRATIONS.filter((m) => m.version <= 3).flatMap((m) => m.statements);
    const insertRun = (id: string, status: string, counts: number[]) =>
      `INSERT INTO runs VALUES ('${id}', 'demo', 'c', 'main', '["unit"]', '{}', NULL, '2026-01-0${counts[6]}T00:00:00Z', '2026-01-0${counts[6]}T00:01:00Z', '${status}', '[]', ${counts.slice(0, 6).join(', ')}, 0)`;
    const insertResult = (runId: string, seq: number, status: string, reason: string | null) =>
      `INSERT INTO results VALUES ('${runId}', ${seq}, 'pytest', '', 't::${seq}', NULL, 't${seq}', NULL, 'unit', '${status}', 0, 0, 0, NULL, ${reason === null ? 'NULL' : `'${reason}'`}, NULL, 1)`;
    const data = [
      insertRun('nrep', 'error', [2, 0, 0, 0, 0, 2, 1]),
      insertResult('nrep', 0, 'not-run', 'no result: pytest exited with 0 and wrote no report (see x)'),
      insertResult('nrep', 1, 'not-run', 'no result: pytest exited with 0 and wrote no report (see x)'),
      insertRun('coll', 'failed', [3, 0, 0, 0, 1, 2, 2]),
      insertResult('coll', 0, 'error', null),
      insertResult('coll', 1, 'not-run', 'no result: the runner did not report this test'),
      insertResult('coll', 2, 'not-run', 'no result: the runner did not report this test'),
      // a database that was down: services failed, nothing ran — not the runner's doing, kept as it was
      insertRun('svc', 'error', [1, 0, 0, 0, 0, 1, 3]),
      insertResult('svc', 0, 'not-run', 'service db failed to start'),
      insertRun('ok', 'failed', [2, 1, 0, 0, 0, 1, 4]),
      insertResult('ok', 0, 'passed', null),
      insertResult('ok', 1, 'not-run', 'no result: the runner did not report this test'),
    ];
    const header = ['CREATE TABLE seams_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)', ...[1, 2, 3].map((v) => `INSERT INTO seams_migrations VALUES (${v}, 'm${v}', 'x')`)];
    if (env.spec.startsWith('sqlite:')) {
      mkdirSync(path.join(env.root, '.seams'));
      const db = new Database(path.join(env.root, '.seams', 'history.db'));
      for (const s of [...header, ...statements, ...data]) db.exec(s);
      db.close();
    } else {
      const schema = new URL(env.spec).searchParams.get('schema')!;
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`SET search_path TO "${schema}"`);
      for (const s of [...header, ...statements, ...data]) await c.query(s);
      await c.end();
    }
    // a reader upgrades it once (flaky, gate, report open read-only)
    const store: ResultStore = await openStore(env.spec, env.root, { readOnly: true });
    try {
      const all = await store.listRuns({ includeIncomplete: true });
      expect(Object.fromEntries(all.map((r) => [r.id, r.status]))).toEqual({ nrep: 'incomplete', coll: 'incomplete', svc: 'error', ok: 'failed' });
      expect(all.find((r) => r.id === 'coll')!.incomplete?.reason).toMatch(/stored before seams knew incomplete runs/);
      expect((await store.listRuns()).map((r) => r.id)).toEqual(['ok', 'svc']);
    } finally {
      await store.close();
    }
  });
});

function pytestRepo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-inc-repo-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: root });
  return root;
}

const OK_TESTS = 'def test_one():\n    assert True\n\ndef test_two():\n    assert True\n';

describe.each([
  ['sqlite', 'pytest 9 (python3)', 'python3'],
  ['postgres', 'pytest 7.2 (/usr/bin/python3)', '/usr/bin/python3'],
])('seams run with real pytest that cannot run its tests (%s, %s)', (engine, _label, python) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('an ImportError at import, then a conftest.py that raises: incomplete, exit 1, never counted; then a good run counts', async () => {
    const root = pytestRepo({ 'tests/test_ok.py': OK_TESTS, 'tests/test_bad.py': 'import no_such_module_here\n\ndef test_bad():\n    pass\n' });
    let db = 'sqlite:.seams/history.db';
    if (engine === 'postgres') {
      const s = await pgSchema();
      db = s.url;
      cleanups.push(s.drop);
    }
    const env = { SEAMS_PYTHON: python, SEAMS_DATABASE_URL: db, DB_PASSWORD: 'pw-not-to-be-seen' };
    const a = await runCli(['run', '--root', root], { env });
    expect(a.code, a.stderr).toBe(1);
    const last = a.stdout.trim().split('\n').pop()!;
    expect(last).toMatch(/^INCOMPLETE: unit · pytest: pytest stopped before running tests \(exit 2, interrupted: 1 collection error\) · log: \.seams\/logs\/\S+\/unit-pytest\.log/);
    expect(a.stdout).toContain("No module named 'no_such_module_here'"); // the runner's words
    expect(a.stdout).not.toMatch(/Not run \(/); // no "not run" row per test
    const logPath = /log: (\S+)/.exec(last)![1]!;
    expect(existsSync(path.join(root, logPath))).toBe(true);

    // a conftest.py that raises: pytest writes no report at all
    rmSync(path.join(root, 'tests/test_bad.py'));
    writeFileSync(path.join(root, 'tests/conftest.py'), 'import os\nraise RuntimeError("conftest broke with " + os.environ["DB_PASSWORD"])\n');
    const b = await runCli(['run', '--root', root], { env });
    expect(b.code).toBe(1);
    expect(b.stdout.trim().split('\n').pop()).toMatch(/^INCOMPLETE: unit · pytest: pytest exited with \d and wrote no report · log: /);
    expect(b.stdout).toContain('conftest broke with ***');
    expect(b.stdout).not.toContain('pw-not-to-be-seen');

    const json = await runCli(['run', '--root', root, '--format', 'json', '--no-history'], { env });
    const doc = JSON.parse(json.stdout) as RunRecord;
    expect(doc.status).toBe('incomplete');
    expect(validateAgainst('results.schema.json', doc)).toBe('');
    expect(doc.results).toEqual([]);
    expect(doc.incomplete?.errorText).toContain('conftest broke with ***');

    // fixed: the run counts, and only it
    rmSync(path.join(root, 'tests/conftest.py'));
    const c = await runCli(['run', '--root', root], { env });
    expect(c.code).toBe(0);
    expect(c.stdout.trim().split('\n').pop()).toMatch(/^PASSED: 2 passed, 0 failed, 0 not run, 0 skipped in /);

    const store = await openStore(db, root, { readOnly: true });
    try {
      const all = await store.listRuns({ includeIncomplete: true });
      expect(all.map((r) => r.status)).toEqual(['passed', 'incomplete', 'incomplete']);
      expect(all[2]!.counts).toMatchObject({ total: 1, error: 1, notRun: 0 });
      expect(all[1]!.counts.total).toBe(0);
      expect((await store.getRun(all[1]!.id))!.incomplete!.errorText).not.toContain('pw-not-to-be-seen');
      expect((await store.listRuns()).map((r) => r.id)).toEqual([all[0]!.id]);
    } finally {
      await store.close();
    }
    const flaky = JSON.parse((await runCli(['flaky', '--root', root, '--format', 'json'], { env })).stdout) as { runs: number };
    expect(flaky.runs).toBe(1);
  }, 120_000);
});
