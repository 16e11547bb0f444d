import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';

/**
 * gaps, gate and the report read measured reach from the history: test/fixtures/reach-measured
 * run with `seams run --reach` under the real coverage.py of /usr/bin/python3, on SQLite (--db)
 * and PostgreSQL (SEAMS_DATABASE_URL). Static reach says every test reaches every module (the
 * package re-exports its API); measured reach says what each test ran.
 */

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/reach-measured');
const PYTHON = '/usr/bin/python3';
const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';
const hasCoverage = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import coverage, pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The tests that execute each component's file, by reading the fixture (see its README). */
const EXECUTES: Record<string, string[]> = {
  core: ['tests/test_core.py::test_double', 'tests/test_core.py::test_double_param[1]', 'tests/test_core.py::test_double_param[3]'],
  completion: ['tests/test_completion.py::test_complete', 'tests/test_completion.py::test_completer_repr'],
  config: ['tests/test_core.py::test_mode'], // the conftest fixture calls it
  service: ['tests/test_service.py::test_sync', 'tests/test_service.py::test_sync_fails_loudly'],
  client: [], // patched by both service tests
};
const ALL_TESTS = [...new Set(Object.values(EXECUTES).flat())];

const roots: string[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  if (!schemas.length) return;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await c.end();
});

function copy(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-why-reach-'));
  roots.push(root);
  cpSync(FIXTURE, root, { recursive: true });
  // a gate on reach: every component must be reached by some test
  appendFileSync(path.join(root, 'seams.yaml'), 'gates:\n  all-reached: { metric: components.unreached, max: 0 }\n');
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'fixture'], { cwd: root });
  return root;
}

const engines: [string, () => { db: string[]; env: NodeJS.ProcessEnv }][] = [
  ['sqlite (--db)', () => ({ db: ['--db', 'sqlite:h.db'], env: {} })],
  [
    'postgresql (SEAMS_DATABASE_URL)',
    () => {
      const schema = `seams_why_${process.pid}_${Date.now()}`;
      schemas.push(schema);
      return { db: [], env: { SEAMS_DATABASE_URL: `${PG_URL}?schema=${schema}` } };
    },
  ],
];

describe.skipIf(!hasCoverage).each(engines)('measured reach in gaps, gate and report: %s', (_name, engine) => {
  let root: string;
  let db: string[];
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli([...args, ...db], { env });
  beforeAll(async () => {
    root = copy();
    ({ db, env } = engine());
    const r = await runCli(['run', '--root', root, '--reach', '--python', PYTHON, ...db], { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
  });

  it('gaps --why <component> --format json lists exactly the tests that executed it', async () => {
    for (const [component, expected] of Object.entries(EXECUTES)) {
      const r = await cli('gaps', root, '--why', component, '--format', 'json');
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(validateAgainst('gaps-why.schema.json', doc)).toBe('');
      expect(doc.evidence).toBe('measured');
      expect(doc.tests.map((t: { id: string }) => t.id).sort(), component).toEqual([...expected].sort());
      for (const t of doc.tests) expect(t).toMatchObject({ runner: 'pytest', evidence: 'executed', run: expect.any(String) });
      expect(doc.tests.every((t: { stale?: boolean }) => t.stale === undefined)).toBe(true);
      // no other test id appears
      expect(ALL_TESTS.filter((id) => !expected.includes(id) && r.stdout.includes(JSON.stringify(id)))).toEqual([]);
    }
  });

  it('the mocked client: imported by the service tests, executed by none', async () => {
    const json = JSON.parse((await cli('gaps', root, '--why', 'client', '--format', 'json', '--verbose')).stdout);
    expect(validateAgainst('gaps-why.schema.json', json)).toBe('');
    const importers = json.importedNotExecutedTests.map((t: { id: string }) => t.id);
    expect(importers).toEqual(expect.arrayContaining(EXECUTES.service!));
    expect(json.importedNotExecuted).toBe(importers.length);
    const text = (await cli('gaps', root, '--why', 'client')).stdout;
    expect(text).toContain('component client: 0 active tests reach it; evidence: measured');
    expect(text).toMatch(/^ {6}tests\/test_service\.py::test_sync imports client; executed: no \(mocked\?\) {2}\[tests\/test_service\.py:\d+ → .*app\/client\.py\]$/m);
    const core = (await cli('gaps', root, '--why', 'core')).stdout;
    expect(core).toMatch(/^ {6}tests\/test_core\.py::test_double {2}executed: tests\/test_core\.py → app\/core\.py \(run \S+\)$/m);
  });

  it('gaps: the workflow is partial under measured reach, covered under --reach static', async () => {
    const measured = JSON.parse((await cli('gaps', root, '--format', 'json')).stdout);
    expect(validateAgainst('gaps.schema.json', measured)).toBe('');
    const repo = measured.repos[0];
    expect(repo.reach).toMatchObject({ evidence: 'measured', measured: 8, stale: 0, static: 0, staticRunners: [] });
    expect(repo.reach.runs).toHaveLength(1);
    expect(repo.workflows[0]).toMatchObject({ id: 'sync', status: 'partial', missing: ['client'] });
    expect(repo.workflows[0].best.importedNotExecuted.map((c: { component: string }) => c.component)).toEqual(['client']);
    const text = (await cli('gaps', root)).stdout;
    expect(text).toMatch(/^ {2}reach: measured for 8 tests \(run \S+ at [0-9a-f]{10}, \d{4}-\d\d-\d\d\)$/m);
    const fixed = JSON.parse((await cli('gaps', root, '--format', 'json', '--reach', 'static')).stdout).repos[0];
    expect(fixed.reach.evidence).toBe('imports');
    expect(fixed.workflows[0].status).toBe('covered');
  });

  it('gate and the report read it too', async () => {
    const gate = await cli('gate', root, '--no-notify');
    expect(gate.code, gate.stdout + gate.stderr).toBe(1);
    expect(gate.stdout).toMatch(/all-reached/);
    expect((await cli('gate', root, '--no-notify', '--reach', 'static')).code).toBe(0);
    const report = await cli('report', root, '--markdown');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/## Reach\n\n- reach: measured for 8 tests/);
  });

  it('a file changed since the run marks its measurements stale', async () => {
    const stale = copy();
    const r = await runCli(['run', '--root', stale, '--reach', '--python', PYTHON, ...db], { env: { ...env } });
    expect(r.code).toBe(0);
    writeFileSync(path.join(stale, 'app/core.py'), `${readFileSync(path.join(stale, 'app/core.py'), 'utf8')}\n# changed\n`);
    const doc = JSON.parse((await cli('gaps', stale, '--why', 'core', '--format', 'json')).stdout);
    expect(doc.tests.map((t: { stale?: boolean }) => t.stale)).toEqual([true, true, true]);
    const all = JSON.parse((await cli('gaps', stale, '--format', 'json')).stdout).repos[0];
    // the PostgreSQL history holds both copies' runs under their own repository names
    expect(all.reach).toMatchObject({ measured: 8, stale: 3 });
  });
});

describe('without a history', () => {
  it('gaps opens nothing and creates no database; --reach measured is an error', async () => {
    const root = copy();
    const r = await runCli(['gaps', root, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).repos[0].reach.evidence).toBe('imports');
    expect(existsSync(path.join(root, '.seams/history.db'))).toBe(false);
    const m = await runCli(['gaps', root, '--reach', 'measured']);
    expect(m.code).toBe(2);
    expect(m.stderr).toBe('seams: --reach measured: no history yet (.seams/history.db does not exist)\nhint: seams run --reach records which files each test executes (pytest under coverage.py)\n');
  });

  it('an unreachable database under auto: a warning, and import reach', async () => {
    const root = copy();
    const r = await runCli(['gaps', root, '--format', 'json', '--db', 'postgresql://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(0);
    const repo = JSON.parse(r.stdout).repos[0];
    expect(repo.reach.evidence).toBe('imports');
    expect(repo.diagnostics.find((d: { code: string }) => d.code === 'MEASURED_REACH_UNREADABLE').message).toMatch(/^measured reach not read \(import reach used\): /);
  });
});
