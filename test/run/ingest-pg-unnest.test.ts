import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestResult } from '../../src/core/types.js';
import { openStore } from '../../src/store/index.js';
import type { ResultStore, RunHeader, RunReach } from '../../src/store/types.js';

// PostgreSQL stores big batches as one INSERT … SELECT FROM unnest(arrays) per 5,000 rows: the
// array literal must carry every value as multi-row VALUES did. Same results into SQLite and
// PostgreSQL, read back equal.
const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';
const schema = `seams_unnest_${process.pid}`;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
});

const TRICKY = ['', 'NULL', 'null', '{a,b}', '"quoted"', 'back\\slash', 'a,b', ' lead and trail ', 'line\nbreak\ttab', 'é ü 中文 🙂', '{"json": [1, 2]}', '\\"', "it's", '()'];

function results(n: number): TestResult[] {
  const out: TestResult[] = [];
  for (let i = 0; i < n; i++) {
    const t = TRICKY[i % TRICKY.length]!;
    const r: TestResult = {
      runner: 'pytest',
      project: i % 7 === 0 ? 'proj' : null,
      id: `tests/test_m${i % 13}.py::T::test_${i}[${t}]`,
      name: `test_${i}[${t}]`,
      status: i % 11 === 0 ? 'failed' : i % 17 === 0 ? 'skipped' : 'passed',
      durationMs: i % 5 === 0 ? 0 : i / 3 + 0.001,
      attempts: 1 + (i % 3 === 0 ? 1 : 0),
      flaky: i % 19 === 0,
      known: i % 2 === 0,
      tier: i % 4 ? 'unit' : 'e2e',
    };
    if (i % 3) r.suite = `tests.test_m${i % 13}.T${t}`;
    if (i % 6) r.file = `tests/test_m${i % 13}.py`;
    if (r.status === 'failed') r.message = `AssertionError: ${t} != ${TRICKY[(i + 1) % TRICKY.length]}\nhttps://user:hunter2@example.com/x?token=abc ${'x'.repeat(i % 50)}`;
    if (r.status === 'skipped') r.reason = `skip ${t}`;
    if (i % 23 === 0) r.services = ['db', t || 'svc'];
    out.push(r);
  }
  return out;
}

const header = (id: string): RunHeader => ({
  id,
  repo: 'r',
  commit: 'c1',
  branch: 'main',
  tiers: [],
  environment: { source: 'test' },
  shard: null,
  services: [],
  startedAt: '2026-12-07T10:00:00.000Z',
  finishedAt: '2026-12-07T10:01:00.000Z',
});

async function saveAndRead(store: ResultStore, rs: TestResult[], reach?: RunReach) {
  const batches = [];
  for (let i = 0; i < rs.length; i += 500) batches.push(rs.slice(i, i + 500).map((r) => ({ ...r })));
  const save = await store.saveRunStream(header('run-1'), batches, reach);
  const run = await store.getRun('run-1');
  return { save, run };
}

describe('PostgreSQL batches as UNNEST arrays', () => {
  it('stores the same results as SQLite, tricky strings, nulls and numbers included, across statement chunks', async () => {
    const rs = results(5_321);
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`src/m${i}.py`] = `${i}`.padStart(64, 'a');
    const reach: RunReach = {
      files,
      tests: rs.slice(0, 300).map((r, i) => ({ runner: r.runner, project: r.project, id: r.id, files: [`src/m${i % 40}.py`, `src/m${(i * 7) % 40}.py`] })),
    };
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-unnest-'));
    dirs.push(dir);
    const lite = await openStore(`sqlite:${path.join(dir, 'h.db')}`, dir);
    const pgs = await openStore(`${PG_URL}?schema=${schema}`, dir);
    try {
      const a = await saveAndRead(lite, rs, reach);
      const b = await saveAndRead(pgs, rs, reach);
      expect(b.save).toEqual(a.save);
      expect(b.run!.results).toHaveLength(5_321);
      expect(b.run!.results).toEqual(a.run!.results);
      // what the store makes of a result (secrets masked) holds on both
      const failed = b.run!.results.find((r) => r.status === 'failed')!;
      expect(failed.message).toContain('https://user:***@example.com');
      expect(failed.message).not.toContain('hunter2');
      expect(b.run!.results.filter((r) => r.id.includes('[NULL]')).every((r) => r.name.endsWith('[NULL]'))).toBe(true);
      // reach rows went through ON CONFLICT … DO UPDATE (reach_latest) the same way
      const la = await lite.latestReach({ repo: 'r' });
      const lb = await pgs.latestReach({ repo: 'r' });
      expect(lb.tests).toHaveLength(300);
      expect([...lb.tests].sort((x, y) => x.id.localeCompare(y.id))).toEqual([...la.tests].sort((x, y) => x.id.localeCompare(y.id)));
      // the same run again: already stored, nothing added
      const again = await pgs.saveRunStream(header('run-1'), [rs.slice(0, 100)]);
      expect(again.inserted).toBe(false);
      expect((await pgs.getRun('run-1'))!.results).toHaveLength(5_321);
    } finally {
      await lite.close();
      await pgs.close();
    }
  });

  it('rolls back the whole run when a batch fails part-way (one transaction)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seams-unnest-'));
    dirs.push(dir);
    const pgs = await openStore(`${PG_URL}?schema=${schema}`, dir);
    try {
      const good = results(2_000);
      async function* batches() {
        yield good.slice(0, 1_000);
        yield good.slice(1_000);
        // the store refuses an unknown status: the rows stored so far go with the transaction
        yield [{ ...good[0]!, id: 'bad', status: 'weird' as TestResult['status'] }];
      }
      await expect(pgs.saveRunStream(header('run-2'), batches())).rejects.toThrow(/unknown status/);
      expect(await pgs.getRun('run-2')).toBeNull();
    } finally {
      await pgs.close();
    }
  });
});

describe('arrayLiteral (the UNNEST parameters)', () => {
  it('writes what node-postgres writes for the same JavaScript array', async () => {
    const { arrayLiteral } = await import('../../src/store/postgres.js');
    const { createRequire } = await import('node:module');
    const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue: (v: unknown) => string };
    const values: unknown[] = [...TRICKY, null, undefined, 0, -1.5, 1 / 3, 1e21, 123456789012, true, false, 'a"b\\c"', '\\\\', '""'];
    const rows = values.map((v) => ['x', v]);
    expect(arrayLiteral(rows, 1, 0, rows.length)).toBe(prepareValue(values));
    expect(arrayLiteral(rows, 1, 3, 5)).toBe(prepareValue(values.slice(3, 5)));
  });
});
