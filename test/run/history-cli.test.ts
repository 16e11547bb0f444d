import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBefore, pruneSelection } from '../../src/app/history-admin.js';
import { historyPruneCommand, historyRmCommand } from '../../src/cli/commands/history.js';
import type { CliIO } from '../../src/cli/io.js';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { openStore, type RunSummary } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

const res = (id: string, status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult => ({
  runner: 'pytest', project: null, id, name: id, tier: 'unit', status, durationMs: 100, attempts: 1, flaky: false, ...extra,
});
const run = (id: string, day: number, results: TestResult[], extra: Partial<RunRecord> = {}): RunRecord => ({
  id, repo: 'demo', commit: `c${day}`, branch: 'main', tiers: ['unit'], environment: {}, shard: null,
  startedAt: `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`, finishedAt: `2026-03-${String(day).padStart(2, '0')}T10:00:30.000Z`,
  status: 'passed', services: [], results, ...extra,
});

const TABLES = ['results', 'run_tiers', 'run_shards', 'reach_files', 'reach_tests', 'reach_latest'];

interface Engine {
  db: string;
  root: string;
  /** Rows of `table` that belong to run `id` (`runs`: the run itself). */
  rows(table: string, id: string): Promise<number>;
  /** Whether anything was created where a missing history was looked at. */
  created(): Promise<boolean>;
  cleanup(): Promise<void>;
}

const engines: [string, () => Promise<Engine>][] = [
  ['sqlite', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-hist-'));
    const file = path.join(root, '.seams', 'history.db');
    return {
      db: 'sqlite:.seams/history.db',
      root,
      async rows(table, id) {
        const db = new Database(file, { readonly: true });
        try {
          return (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run_id'} = ?`).get(id) as { n: number }).n;
        } finally {
          db.close();
        }
      },
      created: async () => existsSync(path.join(root, '.seams')),
      cleanup: async () => rmSync(root, { recursive: true, force: true }),
    };
  }],
  ['postgres', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-hist-'));
    const schema = `seams_hist_${process.pid}_${Date.now()}`;
    const query = async <T,>(sql: string, params: unknown[] = []) => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as T[];
      } finally {
        await c.end();
      }
    };
    return {
      db: `${PG_URL}?schema=${schema}`,
      root,
      async rows(table, id) {
        return Number((await query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${schema}".${table} WHERE ${table === 'runs' ? 'id' : 'run_id'} = $1`, [id]))[0]!.n);
      },
      created: async () => (await query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [schema])).length > 0,
      cleanup: async () => {
        await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        rmSync(root, { recursive: true, force: true });
      },
    };
  }],
];

function io(root: string, env: NodeJS.ProcessEnv): CliIO {
  const out = { stdout: '', stderr: '' };
  return Object.assign(
    { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, cwd: root, env: { ...process.env, CI: 'true', ...env } },
    { out },
  );
}

describe.each(engines)('seams history on %s', (_name, make) => {
  let e: Engine;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });
  const cli = (...args: string[]) => runCli(['history', ...args, '--root', e.root], { env: { SEAMS_DATABASE_URL: e.db } });
  const ids = async (...args: string[]) => (JSON.parse((await cli('list', '--format', 'json', '-n', '100', ...args)).stdout) as { runs: RunSummary[] }).runs.map((r) => r.id);

  it('list on a missing history says so, exits 0 and creates nothing; so do prune and rm (exit 2)', async () => {
    e = await make();
    cleanups.push(e.cleanup);
    const l = await cli('list');
    expect([l.code, l.stdout]).toEqual([0, expect.stringMatching(/^no runs in history \(.*\) yet/)]);
    expect(JSON.parse((await cli('list', '--format', 'json')).stdout).runs).toEqual([]);
    const p = await cli('prune', '--status', 'incomplete', '--yes');
    expect([p.code, p.stdout]).toEqual([0, expect.stringMatching(/^nothing to prune/)]);
    const r = await cli('rm', 'abc', '--yes');
    expect(r.code).toBe(2);
    expect(await e.created()).toBe(false);
  });

  it('lists, filters and shows runs; ids by unique prefix; ambiguous and unknown ids exit 2', async () => {
    const store = await openStore(e.db, e.root);
    try {
      await store.saveRun(run('20260301-aaa', 1, [res('t::a', 'passed'), res('t::b', 'failed', { message: 'boom\nmore' })], { status: 'failed' }));
      await store.saveRun(run('20260302-bbb', 2, [res('t::a', 'passed')], { branch: 'feature', tiers: ['integration'] }));
      await store.saveRun(run('20260303-ccc', 3, [res('t.py', 'error', { message: 'collection failure' })], { status: 'incomplete', incomplete: { reason: 'unit · pytest: stopped at collection', errorText: 'E   ImportError: nope', log: '.seams/logs/x/unit-pytest.log' } }));
      await store.saveRun(run('20260304-ddd', 4, [res('t::a', 'passed'), res('t::b', 'passed')]));
    } finally {
      await store.close();
    }
    const l = await cli('list');
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/4 runs in .*, newest first/);
    expect(l.stdout).toMatch(/20260303-ccc\s+2026-03-03 10:00:00Z\s+main\s+c3\s+unit\s+incomplete\s+0\s+1\s+0\s+0\s+30\.0s/);
    expect(await ids()).toEqual(['20260304-ddd', '20260303-ccc', '20260302-bbb', '20260301-aaa']);
    expect(await ids('--status', 'incomplete')).toEqual(['20260303-ccc']);
    expect(await ids('--branch', 'feature')).toEqual(['20260302-bbb']);
    expect(await ids('--tier', 'integration')).toEqual(['20260302-bbb']);
    expect(await ids('-n', '2')).toEqual(['20260304-ddd', '20260303-ccc']);
    expect((await cli('list', '--branch', 'nope')).stdout).toMatch(/^no runs match/);
    expect((await cli('list', '-n', '0')).code).toBe(2);

    const s = await cli('show', '20260301');
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('run 20260301-aaa · demo');
    expect(s.stdout.indexOf('t::b')).toBeLessThan(s.stdout.indexOf('t::a')); // failures first
    expect(s.stdout).toMatch(/failed\s+t::b\s+unit\s+0\.1s\s+boom\n/);
    const inc = await cli('show', '20260303-ccc');
    expect(inc.stdout).toContain('incomplete: unit · pytest: stopped at collection');
    expect(inc.stdout).toContain('| E   ImportError: nope');
    expect(JSON.parse((await cli('show', '20260304', '--format', 'json')).stdout)).toMatchObject({ id: '20260304-ddd', results: [{ id: 't::a' }, { id: 't::b' }] });
    const amb = await cli('show', '202603');
    expect(amb.code).toBe(2);
    expect(amb.stderr).toMatch(/ambiguous.*20260304-ddd, 20260303-ccc, 20260302-bbb, 20260301-aaa/);
    const unknown = await cli('show', 'zzz');
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/^seams: no run zzz in .*\nhint: seams history list/)]);
    // a prefix with LIKE's wildcards matches only literally
    expect((await cli('show', '2026030_')).code).toBe(2);
  });

  it('rm deletes runs and everything stored with them in one transaction; an unknown id or no --yes deletes nothing', async () => {
    const store = await openStore(e.db, e.root);
    try {
      // two measured runs of the same test: the newer one is reach_latest's
      await store.saveRun({ ...run('20260305-old', 5, [res('t::m', 'passed')]), reach: { files: { 'src/a.py': 'h1' }, tests: [{ runner: 'pytest', project: null, id: 't::m', files: ['src/a.py'] }] } });
      await store.saveRun({ ...run('20260306-new', 6, [res('t::m', 'passed')], { shard: '1/2' }), reach: { files: { 'src/b.py': 'h2' }, tests: [{ runner: 'pytest', project: null, id: 't::m', files: ['src/b.py'] }] } });
      expect((await store.latestReach({ repo: 'demo' })).tests).toEqual([{ runner: 'pytest', project: null, id: 't::m', run: '20260306-new', files: [0] }]);
    } finally {
      await store.close();
    }
    for (const t of TABLES) expect(await e.rows(t, '20260306-new'), t).toBeGreaterThan(0);

    const bad = await cli('rm', '20260306-new', 'nope', '--yes');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('seams: no run nope')]);
    const noTty = await cli('rm', '20260306-new');
    expect([noTty.code, noTty.stderr]).toEqual([2, expect.stringContaining('hint: add --yes')]);
    const dry = await cli('rm', '20260306', '--dry-run');
    expect([dry.code, dry.stdout]).toEqual([0, expect.stringMatching(/^would delete 1 run from/)]);
    // on a terminal: asked, and "n" keeps it
    const asked: string[] = [];
    const t1 = io(e.root, { SEAMS_DATABASE_URL: e.db });
    expect(await historyRmCommand(['20260306-new'], { root: e.root, format: 'text' }, t1, async (q) => (asked.push(q), 'n'))).toBe(1);
    expect(asked).toEqual(['Delete 1 run? [y/N] ']);
    expect(await e.rows('runs', '20260306-new')).toBe(1);

    const t2 = io(e.root, { SEAMS_DATABASE_URL: e.db });
    expect(await historyRmCommand(['20260306-new'], { root: e.root, format: 'json' }, t2, async () => 'y')).toBe(0);
    expect(JSON.parse((t2 as unknown as { out: { stdout: string } }).out.stdout)).toMatchObject({ runs: ['20260306-new'], deleted: { runs: 1, results: 1 } });
    expect(await e.rows('runs', '20260306-new')).toBe(0);
    for (const t of TABLES) expect(await e.rows(t, '20260306-new'), t).toBe(0);
    // the test's reach falls back to the older run that measured it
    const store2 = await openStore(e.db, e.root, { readOnly: true });
    try {
      expect((await store2.latestReach({ repo: 'demo' })).tests).toEqual([{ runner: 'pytest', project: null, id: 't::m', run: '20260305-old', files: [0] }]);
      // the store refuses an unknown id as a whole too
      const w = await openStore(e.db, e.root);
      await expect(w.deleteRuns(['20260305-old', 'missing'])).rejects.toThrow(/no run missing .* nothing was deleted/);
      await w.close();
      expect(await store2.getRun('20260305-old')).not.toBeNull();
    } finally {
      await store2.close();
    }
    const multi = await cli('rm', '20260305', '20260304-ddd', '--yes');
    expect([multi.code, multi.stdout]).toEqual([0, expect.stringMatching(/deleted 2 runs \(3 results\)/)]);
    expect(await ids()).toEqual(['20260303-ccc', '20260302-bbb', '20260301-aaa']);
  });

  it('prune by status, branch, date and --keep; bad input exits 2', async () => {
    const store = await openStore(e.db, e.root);
    try {
      for (let d = 10; d <= 14; d++) await store.saveRun(run(`202603${d}-k`, d, [res('t::a', 'passed')], { repo: 'other' }));
    } finally {
      await store.close();
    }
    expect((await cli('prune')).code).toBe(2);
    const badDate = await cli('prune', '--before', '31/01/2026', '--yes');
    expect([badDate.code, badDate.stderr]).toEqual([2, expect.stringContaining('hint: --before 2026-01-31')]);
    expect((await cli('prune', '--before', '2026-02-30', '--yes')).code).toBe(2);
    expect((await cli('prune', '--keep', '-1', '--yes')).code).toBe(2);

    const inc = await cli('prune', '--status', 'incomplete', '--yes', '--format', 'json');
    expect(JSON.parse(inc.stdout)).toMatchObject({ runs: ['20260303-ccc'], deleted: { runs: 1, results: 1 } });
    expect((await cli('prune', '--branch', 'feature', '--dry-run')).stdout).toContain('20260302-bbb');
    expect(await ids()).toContain('20260302-bbb');
    // the newest 2 of each repository stay: demo has 2 runs, other has 5
    const keep = await cli('prune', '--keep', '2', '--yes');
    expect(keep.code).toBe(0);
    expect(await ids()).toEqual(['20260314-k', '20260313-k', '20260302-bbb', '20260301-aaa']);
    const before = await cli('prune', '--before', '2026-03-02', '--yes');
    expect(before.stdout).toMatch(/deleted 1 run /);
    expect(await ids()).toEqual(['20260314-k', '20260313-k', '20260302-bbb']);
    expect((await cli('prune', '--status', 'incomplete', '--yes')).stdout).toMatch(/^nothing to prune/);
    // prune on a terminal asks too
    const asked: string[] = [];
    expect(await historyPruneCommand({ root: e.root, format: 'text', repo: 'other' }, io(e.root, { SEAMS_DATABASE_URL: e.db }), async (q) => (asked.push(q), ''))).toBe(1);
    expect(asked).toEqual(['Delete 2 runs? [y/N] ']);
    expect(await ids()).toHaveLength(3);
  });
});

describe('prune selection and dates', () => {
  const s = (id: string, repo: string, day: number, extra: Partial<RunSummary> = {}): RunSummary =>
    ({ id, repo, startedAt: `2026-03-${String(day).padStart(2, '0')}T00:00:00Z`, branch: 'main', status: 'passed', ...extra }) as RunSummary;
  const all = [s('a5', 'a', 5), s('b4', 'b', 4), s('a3', 'a', 3, { branch: 'x' }), s('a2', 'a', 2), s('b1', 'b', 1, { status: 'incomplete' })];
  it('combines the filters; --keep counts the newest of each repository among the selected runs', () => {
    expect(pruneSelection(all, { keep: 1 }).map((r) => r.id)).toEqual(['a3', 'a2', 'b1']);
    expect(pruneSelection(all, { keep: 1, branch: 'main' }).map((r) => r.id)).toEqual(['a2', 'b1']);
    expect(pruneSelection(all, { before: parseBefore('2026-03-03') }).map((r) => r.id)).toEqual(['a2', 'b1']);
    expect(pruneSelection(all, { before: parseBefore('2026-03-04'), keep: 1 }).map((r) => r.id)).toEqual(['a2']);
    expect(pruneSelection(all, { status: 'incomplete' }).map((r) => r.id)).toEqual(['b1']);
    expect(pruneSelection(all, { keep: 0, repo: 'b' }).map((r) => r.id)).toEqual(['b4', 'b1']);
  });
  it('reads ISO dates and times only', () => {
    expect(parseBefore('2026-01-31').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(parseBefore('2026-01-31T12:30:00+02:00').toISOString()).toBe('2026-01-31T10:30:00.000Z');
    for (const bad of ['yesterday', '2026-1-31', '31.01.2026', '2026-02-29', '2026-01-31T25:00:00Z', '']) expect(() => parseBefore(bad), bad).toThrow(/--before must be an ISO date/);
  });
});
