import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { analyzeFlaky } from '../../src/core/flaky.js';
import { openStore, type ResultStore } from '../../src/store/index.js';

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

function result(id: string, status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult {
  return { runner: 'pytest', project: null, id, name: id.split('::').pop()!, status, durationMs: 10, attempts: 1, flaky: false, ...extra };
}

function run(id: string, startedAt: string, results: TestResult[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    repo: 'demo',
    commit: 'c1',
    branch: 'main',
    tiers: ['integration'],
    environment: { os: 'linux' },
    shard: null,
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 1500).toISOString(),
    status: 'passed',
    services: [{ name: 'db', kind: 'process', status: 'ready', readyMs: 800 }],
    results,
    ...extra,
  };
}

const engines: [string, () => Promise<{ store: ResultStore; reopen: () => Promise<ResultStore>; cleanup: () => Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'seams-store-'));
      const spec = 'sqlite:h/history.db';
      return {
        store: await openStore(spec, dir),
        reopen: () => openStore(spec, dir),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'postgres',
    async () => {
      const schema = `seams_test_${process.pid}_${Date.now()}`;
      return {
        store: await openStore(PG_URL, '/', { schema }),
        reopen: () => openStore(`${PG_URL}?schema=${schema}`, '/'),
        cleanup: async () => {
          const c = new pg.Client({ connectionString: PG_URL });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await c.end();
        },
      };
    },
  ],
];

describe.each(engines)('%s store', (_name, make) => {
  let ctx: Awaited<ReturnType<typeof make>>;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await ctx?.store.close();
    for (const c of cleanups) await c();
  });

  it('round-trips a run, is idempotent by id, lists newest first and filters', async () => {
    ctx = await make();
    cleanups.push(ctx.cleanup);
    const s = ctx.store;
    const r1 = run('r1', '2026-01-01T10:00:00.000Z', [
      result('t.py::a', 'passed', { file: 't.py', tier: 'integration', services: ['db'], known: true, suite: 'S' }),
      result('t.py::b', 'failed', { message: 'boom <x>', project: 'p1' }),
      result('t.py::c', 'not-run', { reason: 'db is missing' }),
    ]);
    expect((await s.saveRun(r1)).inserted).toBe(true);
    const again = await s.saveRun({ ...r1, results: [] });
    expect(again.inserted).toBe(false);
    expect(again.counts.total).toBe(3);
    const got = await s.getRun('r1');
    expect(got?.results).toEqual(r1.results);
    expect(got?.status).toBe('passed'); // explicit header status is kept
    expect(got?.services).toEqual(r1.services);
    await s.saveRun(run('r2', '2026-01-02T10:00:00.000Z', [result('t.py::a', 'failed')], { tiers: ['unit'], branch: 'dev', status: 'failed' }));
    const runs = await s.listRuns();
    expect(runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(runs[1]!.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 0, error: 0, notRun: 1, flaky: 0, xfailed: 0, xpassed: 0 });
    expect(runs[1]!.durationMs).toBe(1500);
    expect((await s.listRuns({ tier: 'integration' })).map((r) => r.id)).toEqual(['r1']);
    expect((await s.listRuns({ branch: 'dev' })).map((r) => r.id)).toEqual(['r2']);
    expect((await s.listRuns({ limit: 1 })).map((r) => r.id)).toEqual(['r2']);
    const hist = await s.testHistory({ runner: 'pytest', project: null, id: 't.py::a' });
    expect(hist.map((h) => [h.runId, h.status])).toEqual([
      ['r2', 'failed'],
      ['r1', 'passed'],
    ]);
    expect(await s.getRun('nope')).toBeNull();
  });

  it('reads a run in batches, in saved order, equal to getRun (readResults)', async () => {
    const s = ctx.store;
    const many = Array.from({ length: 25 }, (_, i) => result(`big.py::t${i}`, i % 7 === 3 ? 'failed' : 'passed', i % 5 === 0 ? { message: `m${i}`, tier: 'unit' } : {}));
    await s.saveRun(run('big', '2026-01-04T00:00:00.000Z', many));
    const batches: TestResult[][] = [];
    for await (const b of s.readResults('big', 10)) batches.push(b);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual((await s.getRun('big'))!.results);
    expect(batches.flat().map((r) => r.id)).toEqual(many.map((r) => r.id));
    // a run that is a whole number of batches ends without an empty batch; an unknown run yields nothing
    const exact: TestResult[][] = [];
    for await (const b of s.readResults('big', 25)) exact.push(b);
    expect(exact.map((b) => b.length)).toEqual([25]);
    const none: TestResult[][] = [];
    for await (const b of s.readResults('nope')) none.push(b);
    expect(none).toEqual([]);
  });

  it('leaves nothing behind when a save fails midway', async () => {
    const s = ctx.store;
    async function* batches() {
      yield [result('x::1', 'passed')];
      throw new Error('parser died');
    }
    await expect(
      s.saveRunStream({ ...run('half', '2026-01-03T00:00:00.000Z', []), results: undefined } as never, batches()),
    ).rejects.toThrow('parser died');
    expect(await s.getRun('half')).toBeNull();
    // and a bad status in the middle of a batch rolls back too
    await expect(s.saveRun(run('bad', '2026-01-03T00:00:00.000Z', [result('a', 'passed'), result('b', 'weird' as never)]))).rejects.toThrow(/unknown status/);
    expect(await s.getRun('bad')).toBeNull();
    const status = await s.saveRunStream({ ...run('derived', '2026-01-03T00:00:01.000Z', []), status: undefined }, [[result('q', 'failed')]]);
    expect(status.status).toBe('failed');
  });

  it('is idempotent per (run id, shard): shards saved one at a time merge into one run (#29)', async () => {
    const s = ctx.store;
    const shard = (i: number, status: TestResult['status'], extra: Partial<RunRecord> = {}) =>
      run('ci7', `2026-01-05T00:0${i}:00.000Z`, [result(`s${i}::t`, status, { tier: i === 2 ? 'e2e' : 'integration' })], { shard: `${i}/2`, status: status === 'passed' ? 'passed' : 'failed', ...extra });
    expect(await s.saveRun(shard(2, 'failed', { services: [{ name: 'db', kind: 'process', status: 'failed' }] }))).toMatchObject({ inserted: true });
    expect(await s.saveRun(shard(2, 'passed'))).toMatchObject({ inserted: false, counts: { total: 1 } });
    const merged = await s.saveRun(shard(1, 'passed'));
    expect(merged).toMatchObject({ inserted: true, merged: true, status: 'failed', counts: { total: 2, passed: 1, failed: 1 } });
    expect(await s.saveRun(shard(1, 'passed'))).toMatchObject({ inserted: false, counts: { total: 2 } });
    const got = (await s.getRun('ci7'))!;
    expect(got).toMatchObject({ shard: null, status: 'failed', startedAt: '2026-01-05T00:01:00.000Z', finishedAt: '2026-01-05T00:02:01.500Z' });
    expect(got.environment).toEqual({ os: 'linux', shards: '1/2,2/2' });
    expect(got.results.map((r) => r.id)).toEqual(['s2::t', 's1::t']);
    expect(got.services).toEqual([{ name: 'db', kind: 'process', status: 'failed' }]);
    expect((await s.listRuns({ tier: 'e2e' })).map((r) => r.id)).toEqual(['ci7']);
    expect((await s.listRuns({ tier: 'integration' })).map((r) => r.id)).toContain('ci7');
    // sharding the same run again: its own stored shards do not change the durations window
    const before = await s.durations({ limit: 2 });
    expect([...(await s.durations({ limit: 2, excludeRun: 'ci7' })).keys()].sort()).not.toContain('pytest||s1::t');
    expect(before.has('pytest||s1::t')).toBe(true);
    // a run stored without a shard is never merged into
    expect(await s.saveRun(run('r1', '2026-01-01T10:00:00.000Z', [result('z', 'passed')], { shard: '2/2' }))).toMatchObject({ inserted: false });
  });

  it('migrations are versioned and re-runnable; data survives a reopen', async () => {
    const s2 = await ctx.reopen();
    await s2.migrate();
    expect((await s2.getRun('r1'))?.results).toHaveLength(3);
    await s2.close();
  });

  it('feeds flaky analysis: same-commit pass/fail, retries, infra failures excluded', async () => {
    const s = ctx.store;
    const base = Date.parse('2026-02-01T00:00:00.000Z');
    const at = (i: number) => new Date(base + i * 60_000).toISOString();
    const healthy = (i: number, flakyStatus: TestResult['status']) =>
      run(`w${i}`, at(i), [
        result('f::flip', flakyStatus),
        result('f::steady', 'passed'),
        result('f::retry', 'passed', i === 2 ? { flaky: true, attempts: 2 } : {}),
        ...['f::x1', 'f::x2', 'f::x3', 'f::x4'].map((id) => result(id, 'passed')),
      ], { commit: 'c9', tiers: ['flakytier'] });
    await s.saveRun(healthy(1, 'passed'));
    await s.saveRun(healthy(2, 'failed'));
    // infrastructure failure: everything fails; must not make f::steady flaky
    await s.saveRun(run('w3', at(3), ['f::flip', 'f::steady', 'f::retry', 'f::x1', 'f::x2', 'f::x3', 'f::x4'].map((id) => result(id, 'error')), { commit: 'c9', tiers: ['flakytier'] }));
    const window = await s.resultsWindow({ tier: 'flakytier' });
    expect(new Set(window.map((w) => w.runId))).toEqual(new Set(['w1', 'w2', 'w3']));
    const report = analyzeFlaky(window);
    expect(report.infraFailureRuns).toEqual(['w3']);
    const byId = Object.fromEntries(report.flaky.map((f) => [f.id, f.reasons]));
    expect(byId).toEqual({ 'f::flip': ['same-commit'], 'f::retry': ['retry'] });
    const d = await s.durations({ tier: 'flakytier' });
    expect(d.get('pytest||f::steady')).toBe(10);
  });
});
