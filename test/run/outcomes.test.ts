import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, type SqlDriver } from '../../src/store/schema.js';
import { openStore } from '../../src/store/index.js';
import { outcomeOf } from '../../src/core/types.js';
import { parseJestJson, parsePlaywrightJson, readJson } from '../../src/results/json.js';
import { runCli } from '../helpers/cli.js';

/**
 * xfail / xpass / strict with the real pytest of both interpreters (pytest 9 under `python3`,
 * Debian's pytest 7.2 under /usr/bin/python3), through `seams run`, and migration 5 on an old
 * history (SQLite and PostgreSQL).
 */

const TESTS = `
import pytest

@pytest.mark.xfail(reason="known bug")
def test_xfail_fails():
    assert False

@pytest.mark.xfail(reason="maybe fixed")
def test_xfail_passes():
    pass

@pytest.mark.xfail(strict=True, reason="must fail")
def test_xfail_strict_passes():
    pass

def test_imperative_xfail():
    pytest.xfail("not ready")

@pytest.mark.xfail(raises=ValueError, reason="wrong exception")
def test_xfail_wrong_raises():
    raise KeyError("k")

@pytest.mark.skip(reason="later")
def test_skip_a():
    pass

@pytest.mark.skip(reason="later")
def test_skip_b():
    pass

def test_pass():
    pass
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(config = 'tiers:\n  unit: {}\n'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-outcomes-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'tests/unit'), { recursive: true });
  writeFileSync(path.join(root, 'tests/unit/test_x.py'), TESTS);
  // a module found only through the user's PYTHONPATH: seams' plugin folder goes before it, never instead
  mkdirSync(path.join(root, 'lib'));
  writeFileSync(path.join(root, 'lib/helper_on_path.py'), 'VALUE = 1\n');
  writeFileSync(path.join(root, 'tests/unit/conftest.py'), 'import helper_on_path  # noqa: F401\n');
  writeFileSync(path.join(root, 'seams.yaml'), config);
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: root });
  return root;
}

type Stored = { run: { results: { id: string; status: string; reason?: string; message?: string }[] } };
const byName = (out: string) => Object.fromEntries((JSON.parse(readFileSync(out, 'utf8')) as Stored).run.results.map((x) => [x.id.split('::').pop(), x]));
const PLUGIN_DIR = path.join(import.meta.dirname, '../../python');

describe.each([
  ['pytest 9 (python3)', 'python3'],
  ['pytest 7.2 (/usr/bin/python3)', '/usr/bin/python3'],
])('seams run with %s', (_label, python) => {
  it('stores xfail as xfailed, a strict XPASS as failed, a non-strict XPASS as xpassed (seams_pytest plugin); the summary says so', async () => {
    const root = repo();
    const out = path.join(root, 'results.json');
    // plugin autoload off (as some CI images set it): `-p seams_pytest` is loaded all the same
    const r = await runCli(['run', 'unit', '--root', root, '--python', python, '--output', out], { env: { PYTHONPATH: path.join(root, 'lib'), PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1' } });
    expect(r.code).toBe(1); // the strict XPASS and the wrong exception fail pytest's run
    // pytest: 2 failed, 1 passed, 2 skipped, 2 xfailed, 1 xpassed
    expect(r.stdout).toMatch(/FAILED: 1 passed, 2 failed, 0 not run, 2 skipped, 2 xfailed, 1 xpassed in /);
    const by = byName(out);
    expect(by.test_xfail_fails).toMatchObject({ status: 'xfailed', reason: 'xfail: known bug' });
    expect(by.test_imperative_xfail).toMatchObject({ status: 'xfailed', reason: 'xfail: not ready' });
    expect(by.test_xfail_strict_passes).toMatchObject({ status: 'failed', message: expect.stringContaining('[XPASS(strict)] must fail') });
    expect(by.test_xfail_wrong_raises).toMatchObject({ status: 'failed', message: expect.stringContaining('KeyError') });
    expect(by.test_xfail_passes!.status).toBe('xpassed');
    expect(by.test_pass!.status).toBe('passed');
    expect(by.test_skip_a).toMatchObject({ status: 'skipped', reason: 'later' });
    const store = await openStore('sqlite:.seams/history.db', root);
    try {
      const [summary] = await store.listRuns();
      expect(summary!.counts).toEqual({ total: 8, passed: 1, failed: 2, error: 0, skipped: 2, xfailed: 2, xpassed: 1, notRun: 0, flaky: 0 });
      const stored = await store.getRun(summary!.id);
      expect(stored!.results.find((x) => x.id.endsWith('::test_xfail_passes'))!.status).toBe('xpassed');
    } finally {
      await store.close();
    }
  });

  it('ingest reads the JUnit XML as it is: without the property a non-strict XPASS stays passed, with it (pytest -p seams_pytest) it is xpassed', async () => {
    const root = repo();
    const env = { ...process.env, PYTHONPATH: [PLUGIN_DIR, path.join(root, 'lib')].join(path.delimiter) };
    const junit = (file: string, plugin: string[]) => {
      try {
        execFileSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...plugin, `--junitxml=${file}`, 'tests/unit'], { cwd: root, env, stdio: 'ignore' });
      } catch {
        // exit 1: the strict XPASS fails pytest's run
      }
      return file;
    };
    const plain = junit(path.join(root, 'plain.xml'), []);
    const marked = junit(path.join(root, 'marked.xml'), ['-p', 'seams_pytest']);
    // pytest's default junit_family (xunit2) keeps a test's properties too
    expect(readFileSync(marked, 'utf8')).toMatch(/name="test_xfail_passes"[^>]*><properties><property name="seams.outcome" value="xpassed" ?\/><\/properties>/);
    expect(readFileSync(plain, 'utf8')).not.toContain('seams.outcome');
    for (const [file, status] of [
      [plain, 'passed'],
      [marked, 'xpassed'],
    ] as const) {
      const db = path.join(root, `${path.basename(file)}.db`);
      const r = await runCli(['ingest', file, '--root', root, '--no-scan', '--db', db]);
      expect(r.stdout, r.stderr).toContain('stored run');
      const store = await openStore(`sqlite:${db}`, root);
      let by: Record<string, { status: string }>;
      try {
        const [summary] = await store.listRuns();
        by = Object.fromEntries((await store.getRun(summary!.id))!.results.map((x) => [x.name, x]));
      } finally {
        await store.close();
      }
      expect(Object.keys(by)).toHaveLength(8);
      expect(by.test_xfail_passes!.status).toBe(status);
      expect(by.test_xfail_fails!.status).toBe('xfailed');
      expect(by.test_xfail_strict_passes!.status).toBe('failed');
      expect(by.test_pass!.status).toBe('passed');
    }
  });
});

describe('where seams_pytest is not loaded, a non-strict XPASS is passed as before', () => {
  it('a tier command (`tiers.<t>.command`) and `-p no:seams_pytest` after `--`', async () => {
    const root = repo('tiers:\n  unit: {}\n  cmd:\n    command: python3 -m pytest tests/unit\n');
    const env = { PYTHONPATH: path.join(root, 'lib') };
    const viaCommand = path.join(root, 'cmd.json');
    expect((await runCli(['run', 'cmd', '--root', root, '--output', viaCommand], { env })).code).toBe(1);
    expect(byName(viaCommand).test_xfail_passes!.status).toBe('passed');
    expect(byName(viaCommand).test_xfail_fails!.status).toBe('xfailed');
    const blocked = path.join(root, 'blocked.json');
    expect((await runCli(['run', 'unit', '--root', root, '--python', 'python3', '--output', blocked, '--', '-p', 'no:seams_pytest'], { env })).code).toBe(1);
    expect(byName(blocked).test_xfail_passes!.status).toBe('passed');
  });
});

/** A history as seams wrote it before migration 5: migrations 1–3 only, xfail stored as skipped with reason `xfail: …`. */
async function writeOldHistory(db: SqlDriver): Promise<void> {
  await db.exec('CREATE TABLE seams_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const m of MIGRATIONS.filter((x) => x.version <= 3)) {
    for (const s of m.statements) await db.exec(s);
    await db.run('INSERT INTO seams_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, '2026-01-01T00:00:00Z']);
  }
  await db.run(
    `INSERT INTO runs (id, repo, commit_sha, branch, tiers, environment, shard, started_at, finished_at, status, services, total, passed, failed, skipped, errors, not_run, flaky)
     VALUES ('old', 'demo', 'c1', 'main', '["unit"]', '{}', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 'passed', '[]', 4, 1, 0, 3, 0, 0, 0)`,
  );
  const row = (seq: number, id: string, status: string, reason: string | null) =>
    db.run(`INSERT INTO results (run_id, seq, runner, project, test_id, name, status, duration_ms, attempts, flaky, reason) VALUES ('old', ?, 'pytest', '', ?, ?, ?, 0, 1, 0, ?)`, [seq, id, id, status, reason]);
  await row(0, 't::a', 'passed', null);
  await row(1, 't::xf', 'skipped', 'xfail: known bug');
  await row(2, 't::xf2', 'skipped', 'xfail');
  await row(3, 't::skip', 'skipped', 'xfailing is for later'); // a skip whose reason only starts with the letters
}

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

describe('migration 5 on a history written before it', () => {
  const check = async (spec: string, root: string) => {
    const store = await openStore(spec, root);
    try {
      expect(await store.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
      const [s] = await store.listRuns();
      expect(s!.counts).toMatchObject({ total: 4, passed: 1, skipped: 1, xfailed: 2, xpassed: 0 });
      const run = await store.getRun('old');
      expect(run!.results.map((r) => [r.id, r.status])).toEqual([
        ['t::a', 'passed'],
        ['t::xf', 'xfailed'],
        ['t::xf2', 'xfailed'],
        ['t::skip', 'skipped'],
      ]);
    } finally {
      await store.close();
    }
  };

  it('SQLite: xfail stored as skipped becomes xfailed, the run counts follow', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-mig5-'));
    dirs.push(root);
    const file = path.join(root, 'history.db');
    const raw = new Database(file);
    const driver = {
      exec: async (sql: string) => raw.exec(sql),
      run: async (sql: string, params: unknown[] = []) => ({ changes: raw.prepare(sql).run(...params).changes }),
    } as unknown as SqlDriver;
    await writeOldHistory(driver);
    raw.close();
    await check(`sqlite:${file}`, root);
  });

  it('PostgreSQL: the same', async () => {
    const schema = `seams_mig5_${process.pid}_${Date.now()}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.query(`SET search_path TO "${schema}"`);
      const driver = {
        exec: async (sql: string) => void (await c.query(sql)),
        run: async (sql: string, params: unknown[] = []) => {
          let i = 0;
          const res = await c.query(sql.replace(/\?/g, () => `$${++i}`), params);
          return { changes: res.rowCount ?? 0 };
        },
      } as unknown as SqlDriver;
      await writeOldHistory(driver);
      await check(`${PG_URL}?schema=${schema}`, '/');
    } finally {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  });
});

describe('Vitest JSON from a real run (node_modules/.bin/vitest)', () => {
  it('passed, failed, skipped, todo map by jestJsonOutcomes; test.fails reads as passed/failed (the JSON cannot tell)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-outcomes-vitest-'));
    dirs.push(root);
    writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
    writeFileSync(
      path.join(root, 'a.test.ts'),
      [
        "import { test, expect } from 'vitest';",
        "test('passes', () => expect(1).toBe(1));",
        "test('fails', () => expect(1).toBe(2));",
        "test.skip('skipped', () => {});",
        "test.todo('todo');",
        "test.fails('fails as expected', () => expect(1).toBe(2));",
        "test.fails('marked to fail but passes', () => expect(1).toBe(1));",
      ].join('\n'),
    );
    const bin = path.join(import.meta.dirname, '../../node_modules/.bin/vitest');
    try {
      execFileSync(bin, ['run', '--root', root, '--reporter=json', '--outputFile=r.json'], { cwd: root, stdio: 'ignore' });
    } catch {
      // exit 1: a test failed, as it should
    }
    const res = parseJestJson(await readJson(path.join(root, 'r.json')), 'vitest', { root, tests: [] });
    expect(res.map((r) => [r.name, r.status, r.reason])).toEqual([
      ['passes', 'passed', undefined],
      ['fails', 'failed', undefined],
      ['skipped', 'skipped', undefined],
      ['todo', 'skipped', 'todo'],
      ['fails as expected', 'passed', undefined],
      ['marked to fail but passes', 'failed', undefined],
    ]);
  });
});

describe('Playwright JSON from a real run (node_modules/.bin/playwright, no browser)', () => {
  it('test.fail() failing is xfailed, test.fail() passing is failed, a pass on retry is flaky', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-outcomes-pw-'));
    dirs.push(root);
    symlinkSync(path.join(import.meta.dirname, '../../node_modules'), path.join(root, 'node_modules'));
    writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
    writeFileSync(path.join(root, 'playwright.config.ts'), "import { defineConfig } from '@playwright/test';\nexport default defineConfig({ testDir: '.', retries: 1, reporter: [['json', { outputFile: 'r.json' }]] });\n");
    writeFileSync(
      path.join(root, 'a.spec.ts'),
      [
        "import { test, expect } from '@playwright/test';",
        "test('passes', () => { expect(1).toBe(1); });",
        "test('known bug', () => { test.fail(true, 'bug 7'); expect(1).toBe(2); });",
        "test('fixed now', () => { test.fail(); expect(1).toBe(1); });",
        "test('skipped', () => { test.skip(true, 'later'); });",
        "test('retried', () => { expect(test.info().retry).toBe(1); });",
      ].join('\n'),
    );
    try {
      execFileSync(path.join(root, 'node_modules/.bin/playwright'), ['test'], { cwd: root, stdio: 'ignore', timeout: 120_000 });
    } catch {
      // exit 1: "fixed now" fails Playwright's run
    }
    const res = parsePlaywrightJson(await readJson(path.join(root, 'r.json')), { root, tests: [] });
    expect(res.map((r) => [r.name, r.status, outcomeOf(r), r.attempts])).toEqual([
      ['passes', 'passed', 'passed', 1],
      ['known bug', 'xfailed', 'xfailed', 1],
      ['fixed now', 'failed', 'failed', 2],
      ['skipped', 'skipped', 'skipped', 1],
      ['retried', 'passed', 'flaky', 2],
    ]);
    expect(res[1]!.reason).toBe('bug 7');
    expect(res[2]!.message).toBe('passed, but test.fail() expects it to fail');
  }, 150_000);
});
