import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord, TestResult } from '../../src/core/types.js';
import { openStore, type LatestReach, type ResultStore, type RunReach } from '../../src/store/index.js';
import { decodeFileIds, encodeFileIds } from '../../src/store/rows.js';
import { storeEngines } from '../helpers/stores.js';

/** Measured reach in the history (migration 3) on SQLite and PostgreSQL. */


const result = (id: string): TestResult => ({ runner: 'pytest', project: null, id, name: id, status: 'passed', durationMs: 1, attempts: 1, flaky: false });

function run(id: string, startedAt: string, ids: string[], extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    repo: 'demo',
    commit: `c-${id}`,
    branch: 'main',
    tiers: ['unit'],
    environment: {},
    shard: null,
    startedAt,
    finishedAt: startedAt,
    status: 'passed',
    services: [],
    results: ids.map(result),
    ...extra,
  };
}

const reachOf = (files: Record<string, string>, tests: Record<string, string[]>): RunReach => ({
  files,
  tests: Object.entries(tests).map(([id, f]) => ({ runner: 'pytest', project: null, id, files: f })),
});

/** The latest reach as plain `test → [run, sorted paths with hashes]`. */
function plain(l: LatestReach): Record<string, [string, string[]]> {
  const out: Record<string, [string, string[]]> = {};
  for (const t of l.tests) {
    const files = l.runs.get(t.run)!.files;
    out[`${t.runner}|${t.project ?? ''}|${t.id}`] = [t.run, t.files.map((i) => `${files[i]!.path}@${files[i]!.hash}`).sort()];
  }
  return out;
}

const engines = storeEngines('reach-store');

describe('file id encoding', () => {
  it('sorts, removes duplicates and stores differences', () => {
    expect(encodeFileIds([10, 3, 5, 9, 5])).toBe('3,2,4,1');
    expect(decodeFileIds('3,2,4,1')).toEqual([3, 5, 9, 10]);
    expect(encodeFileIds([])).toBe('');
    expect(decodeFileIds('')).toEqual([]);
    const many = Array.from({ length: 500 }, (_, i) => i * 7 + (i % 3));
    expect(decodeFileIds(encodeFileIds(many))).toEqual(many);
  });
});

describe.each(engines)('%s: measured reach in the history', (_name, make) => {
  let ctx: Awaited<ReturnType<typeof make>>;
  afterAll(async () => {
    await ctx?.store.close();
    await ctx?.cleanup();
  });

  it('stores per test the files it executed; the newest run that measured a test wins', async () => {
    ctx = await make();
    const s = ctx.store;
    expect(await s.latestReach({ repo: 'demo' })).toEqual({ runs: new Map(), tests: [] });
    const r1 = reachOf({ 'pkg/a.py': 'h1', 'pkg/b.py': 'h2', 'tests/test_a.py': 'h3' }, { 'tests/test_a.py::t1': ['tests/test_a.py', 'pkg/a.py'], 'tests/test_a.py::t2': ['tests/test_a.py', 'pkg/b.py', 'pkg/a.py'] });
    expect((await s.saveRun({ ...run('r1', '2026-01-01T10:00:00.000Z', ['tests/test_a.py::t1', 'tests/test_a.py::t2']), reach: r1 })).inserted).toBe(true);
    // a run of another repository does not show up
    await s.saveRun({ ...run('other', '2026-01-09T10:00:00.000Z', ['x'], { repo: 'elsewhere' }), reach: reachOf({ 'z.py': 'hz' }, { x: ['z.py'] }) });
    expect(plain(await s.latestReach({ repo: 'demo' }))).toEqual({
      'pytest||tests/test_a.py::t1': ['r1', ['pkg/a.py@h1', 'tests/test_a.py@h3']],
      'pytest||tests/test_a.py::t2': ['r1', ['pkg/a.py@h1', 'pkg/b.py@h2', 'tests/test_a.py@h3']],
    });
    // a newer run measures t1 only: t1 moves to it, t2 keeps r1's measurement
    const r2 = reachOf({ 'pkg/c.py': 'h9', 'tests/test_a.py': 'h4' }, { 'tests/test_a.py::t1': ['tests/test_a.py', 'pkg/c.py'] });
    await s.saveRun({ ...run('r2', '2026-01-02T10:00:00.000Z', ['tests/test_a.py::t1']), reach: r2 });
    // an older run saved later (ingested late) does not replace a newer measurement
    await s.saveRun({ ...run('r0', '2025-12-31T10:00:00.000Z', ['tests/test_a.py::t1', 'tests/test_a.py::t2']), reach: reachOf({ 'old.py': 'h0' }, { 'tests/test_a.py::t1': ['old.py'], 'tests/test_a.py::t2': ['old.py'] }) });
    const latest = await s.latestReach({ repo: 'demo' });
    expect(plain(latest)).toEqual({
      'pytest||tests/test_a.py::t1': ['r2', ['pkg/c.py@h9', 'tests/test_a.py@h4']],
      'pytest||tests/test_a.py::t2': ['r1', ['pkg/a.py@h1', 'pkg/b.py@h2', 'tests/test_a.py@h3']],
    });
    expect([...latest.runs.keys()].sort()).toEqual(['r1', 'r2']);
    expect(latest.runs.get('r2')).toMatchObject({ id: 'r2', commit: 'c-r2', startedAt: '2026-01-02T10:00:00.000Z' });
  });

  it('is idempotent: a run saved again keeps its first measurement; a run without reach changes nothing', async () => {
    const s = ctx.store;
    const before = plain(await s.latestReach({ repo: 'demo' }));
    const again = await s.saveRun({ ...run('r2', '2026-01-02T10:00:00.000Z', ['tests/test_a.py::t1']), reach: reachOf({ 'q.py': 'x' }, { 'tests/test_a.py::t1': ['q.py'] }) });
    expect(again.inserted).toBe(false);
    await s.saveRun(run('plain', '2026-02-01T00:00:00.000Z', ['tests/test_a.py::t1']));
    expect(plain(await s.latestReach({ repo: 'demo' }))).toEqual(before);
  });

  it('a failing save stores no reach (one transaction), and a path outside the run files is refused', async () => {
    const s = ctx.store;
    const bad = { ...run('bad', '2026-03-01T00:00:00.000Z', ['tests/test_a.py::t1']), reach: reachOf({ 'a.py': 'h' }, { 'tests/test_a.py::t1': ['nope.py'] }) };
    await expect(s.saveRun(bad)).rejects.toThrow(/not in the run's files/);
    expect(await s.getRun('bad')).toBeNull();
    // a measured test must have a result in the run (its row is the result's)
    const orphan = { ...run('orphan', '2026-03-01T00:00:00.000Z', ['tests/test_a.py::t1']), reach: reachOf({ 'a.py': 'h' }, { 'tests/test_a.py::t9': ['a.py'] }) };
    await expect(s.saveRun(orphan)).rejects.toThrow(/has no result in the run/);
    expect(await s.getRun('orphan')).toBeNull();
    expect(plain(await s.latestReach({ repo: 'demo' }))['pytest||tests/test_a.py::t1']![0]).toBe('r2');
  });

  it('shards of one run merge their file dictionaries', async () => {
    const s = ctx.store;
    const shard = (i: number, files: Record<string, string>, tests: Record<string, string[]>) =>
      s.saveRun({ ...run('sh', `2026-04-0${i}T00:00:00.000Z`, Object.keys(tests), { shard: `${i}/2` }), reach: reachOf(files, tests) });
    await shard(1, { 'a.py': 'ha', 'b.py': 'hb' }, { 's1::t': ['a.py', 'b.py'] });
    expect((await shard(2, { 'b.py': 'hb', 'c.py': 'hc' }, { 's2::t': ['c.py', 'b.py'] })).merged).toBe(true);
    const p = plain(await s.latestReach({ repo: 'demo' }));
    expect(p['pytest||s1::t']).toEqual(['sh', ['a.py@ha', 'b.py@hb']]);
    expect(p['pytest||s2::t']).toEqual(['sh', ['b.py@hb', 'c.py@hc']]);
  });

  it('holds a large measurement: 20,000 tests in one save, read back whole', async () => {
    const s = ctx.store;
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`src/m${i}.py`] = `h${i}`;
    const tests: RunReach['tests'] = Array.from({ length: 20_000 }, (_, i) => ({ runner: 'pytest', project: 'p', id: `big::t${i}`, files: [`src/m${i % 300}.py`, `src/m${(i * 7) % 300}.py`] }));
    await s.saveRun({ ...run('big', '2026-05-01T00:00:00.000Z', []), results: tests.map((t) => ({ ...result(t.id), project: 'p' })), repo: 'big', reach: { files, tests } });
    const l = await s.latestReach({ repo: 'big' });
    expect(l.tests).toHaveLength(20_000);
    const t = l.tests.find((x) => x.id === 'big::t12345')!;
    expect(t.project).toBe('p');
    expect(t.files.map((i) => l.runs.get('big')!.files[i]!.path).sort()).toEqual(['src/m15.py', 'src/m45.py']);
  });
});

describe('loadMeasuredReach: the latest measurement per test, stale when a file changed', () => {
  it('marks a test stale when its file or a file it executed now hashes differently or is gone', async () => {
    const { createHash } = await import('node:crypto');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { loadMeasuredReach, measurableRunners } = await import('../../src/app/reach.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-reach-load-'));
    const files: Record<string, string> = { 'app/a.py': 'A = 1\n', 'app/b.py': 'B = 1\n', 'tests/test_x.py': 'def test_1(): pass\n', 'tests/test_y.py': 'def test_2(): pass\n' };
    const hashes: Record<string, string> = {};
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), text);
      hashes[f] = createHash('sha256').update(text).digest('hex');
    }
    const store = await openStore('sqlite::memory:', dir);
    try {
      await store.saveRun({
        ...run('m1', '2026-06-01T00:00:00.000Z', ['tests/test_x.py::test_1', 'tests/test_y.py::test_2']),
        reach: {
          files: hashes,
          tests: [
            { runner: 'pytest', project: null, id: 'tests/test_x.py::test_1', files: ['app/a.py', 'tests/test_x.py'] },
            { runner: 'pytest', project: null, id: 'tests/test_y.py::test_2', files: ['app/b.py'] },
          ],
        },
      });
      const inventory = {
        name: 'demo',
        tests: [
          { runner: 'pytest', project: null, id: 'tests/test_x.py::test_1', file: 'tests/test_x.py' },
          { runner: 'pytest', project: null, id: 'tests/test_y.py::test_2', file: 'tests/test_y.py' },
        ],
      } as never;
      const fresh = await loadMeasuredReach(dir, store, inventory, { cache: false });
      expect(fresh.measurable).toEqual(measurableRunners());
      expect(fresh.measurable).toContain('pytest');
      expect(fresh.runs.get('m1')).toEqual({ id: 'm1', commit: 'c-m1', startedAt: '2026-06-01T00:00:00.000Z' });
      expect(fresh.tests.get('pytest||tests/test_x.py::test_1')).toEqual({ run: 'm1', files: ['app/a.py', 'tests/test_x.py'], stale: false });
      expect(fresh.tests.get('pytest||tests/test_y.py::test_2')).toEqual({ run: 'm1', files: ['app/b.py'], stale: false });
      // an executed file changes: only the test that executed it is stale
      writeFileSync(path.join(dir, 'app/a.py'), 'A = 2\n');
      let got = await loadMeasuredReach(dir, store, inventory, { cache: false });
      expect(got.tests.get('pytest||tests/test_x.py::test_1')!.stale).toBe(true);
      expect(got.tests.get('pytest||tests/test_y.py::test_2')!.stale).toBe(false);
      // the test's own file changes (it is not among its executed files here): stale too
      writeFileSync(path.join(dir, 'tests/test_y.py'), 'def test_2(): assert 1\n');
      got = await loadMeasuredReach(dir, store, inventory, { cache: false });
      expect(got.tests.get('pytest||tests/test_y.py::test_2')!.stale).toBe(true);
      // and a file that is gone
      writeFileSync(path.join(dir, 'tests/test_y.py'), files['tests/test_y.py']!);
      expect((await loadMeasuredReach(dir, store, inventory, { cache: false })).tests.get('pytest||tests/test_y.py::test_2')!.stale).toBe(false);
      rmSync(path.join(dir, 'app/b.py'));
      expect((await loadMeasuredReach(dir, store, inventory, { cache: false })).tests.get('pytest||tests/test_y.py::test_2')!.stale).toBe(true);
      // another repository has no measurement
      expect((await loadMeasuredReach(dir, store, { name: 'other', tests: [] } as never)).tests.size).toBe(0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadMeasuredReach: a dynamic test gets the measurements of its cases', () => {
  it('unites the files of test_x[1], test_x[2] for the inventory test test_x listed once as dynamic', async () => {
    const { loadMeasuredReach } = await import('../../src/app/reach.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-reach-dyn-'));
    const store = await openStore('sqlite::memory:', dir);
    try {
      const ids = ['t.py::test_x[1]', 't.py::test_x[2]', 't.py::test_xy', 't.py::test_own[1]'];
      await store.saveRun({ ...run('d1', '2026-07-01T00:00:00.000Z', ids), reach: reachOf({ 'a.py': 'ha', 'b.py': 'hb', 'c.py': 'hc' }, { 't.py::test_x[1]': ['a.py'], 't.py::test_x[2]': ['b.py'], 't.py::test_xy': ['c.py'], 't.py::test_own[1]': ['c.py'] }) });
      const inventory = {
        name: 'demo',
        tests: [
          { runner: 'pytest', project: null, id: 't.py::test_x', file: 't.py', dynamic: true },
          { runner: 'pytest', project: null, id: 't.py::test_xy', file: 't.py' },
          { runner: 'pytest', project: null, id: 't.py::test_static', file: 't.py' },
        ],
      } as never;
      const m = await loadMeasuredReach(dir, store, inventory, { cache: false });
      // test_xy is not a case of test_x (no id boundary after test_x)
      expect(m.tests.get('pytest||t.py::test_x')).toEqual({ run: 'd1', files: ['a.py', 'b.py'], stale: true });
      expect(m.tests.get('pytest||t.py::test_x[1]')!.files).toEqual(['a.py']);
      expect(m.tests.has('pytest||t.py::test_static')).toBe(false);
      // a static (not dynamic) inventory test gets no union
      expect(m.tests.has('pytest||t.py::test_own')).toBe(false);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
