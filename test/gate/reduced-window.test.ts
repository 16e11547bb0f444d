import { writeFileSync } from 'node:fs';
import pg from 'pg';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextOf } from '../../src/app/context.js';
import { gate } from '../../src/app/gate.js';
import { loadRepos } from '../../src/app/repos.js';
import { evaluateGates } from '../../src/core/gates.js';
import { openStore } from '../../src/store/index.js';
import { flakyHistory } from '../helpers/flaky-history.js';
import { tempRepo } from './helpers.js';

/**
 * `seams gate` reads its `flaky` rules from the store's reduced window (the tests that can be
 * flaky, the runs' counts) and loads whole only the runs the other rules read. Every rule's
 * result (value, detail, items, status) is the same as over the whole window loaded as before.
 */

const PG_URL = process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test';

// part of the tests are in the inventory (test_t0..3), the others count through the stored `known` flag
const files: Record<string, string> = {};
for (let f = 0; f < 4; f++) files[`tests/test_t${f}.py`] = Array.from({ length: 40 }, (_, n) => n).filter((n) => n % 8 === f).map((n) => `def test_${n}():\n    pass\n`).join('\n');

const CONFIG = `gates:
  f-all: { metric: flaky, max: 0, severity: warn }
  f-unit: { metric: flaky.unit, max: 0, severity: warn }
  f-e2e: { metric: flaky.e2e, max: 0, runs: 3, severity: warn }
  f-int: { metric: flaky.integration, max: 2, runs: 5 }
  f-one: { metric: flaky, max: 0, runs: 1, severity: warn }
  f-path: { metric: flaky, repo: tests/test_t1.py, max: 0, severity: warn }
  pass-unit: { metric: passrate.unit, min: 0.5 }
  failed: { metric: failed, max: 100, severity: warn }
  slow: { metric: duration.unit, max: 5m }
targets:
  - { metric: flaky.unit, target: 0, due: 2030-01-01 }
`;

const engines: [string, (root: string) => Promise<{ db: string; cleanup: () => Promise<void> }>][] = [
  ['sqlite', async () => ({ db: 'sqlite:.seams/history.db', cleanup: async () => {} })],
  [
    'postgres',
    async () => {
      const schema = `seams_gw_${process.pid}_${Date.now()}`;
      return {
        db: `${PG_URL}?schema=${schema}`,
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

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe.each(engines)('%s: seams gate over the reduced flaky window', (_name, make) => {
  it('gives every rule the result the whole window gives', async () => {
    const root = tempRepo({ ...files, 'seams.yaml': CONFIG });
    const { db, cleanup } = await make(root);
    cleanups.push(cleanup);
    const store = await openStore(db, root);
    for (const r of flakyHistory(path.basename(root))) await store.saveRun(r);
    await store.close();

    const reduced = await gate([root], { db, now: new Date('2026-12-01T00:00:00Z') });
    const [repo] = await loadRepos([root], {});
    const ctx = await contextOf(repo!, { db, history: { runs: 1000, maxRuns: 100_000 }, coverage: 'rules', analysis: 'rules', now: new Date('2026-12-01T00:00:00Z') });
    expect(ctx.inputs.flakyWindows).toBeUndefined();
    const full = evaluateGates(ctx.inputs, { repoName: repo!.inventory.name });
    expect(reduced.reports[0]!.results).toEqual(full.results);
    // the rules found flaky tests (the comparison is not over nothing)
    const byName = Object.fromEntries(full.results.map((r) => [r.name, r]));
    for (const name of ['f-all', 'f-unit', 'f-int', 'f-path']) expect(byName[name]!.value, name).toBeGreaterThan(0);
    expect(byName['f-e2e']!.value).not.toBeNull();

    // and it did read the reduced windows (every flaky rule but f-path, which reads every result
    // of its window), and without f-path only the newest run of each tier set is loaded whole
    const rctx = await contextOf(repo!, { db, history: 'rules', coverage: 'rules', analysis: 'rules' });
    expect([...(rctx.inputs.flakyWindows?.keys() ?? [])].length).toBe(5);
    writeFileSync(path.join(root, 'seams.yaml'), CONFIG.replace(/^ {2}f-path:.*\n/m, ''));
    const [again] = await loadRepos([root], {});
    const lean = await contextOf(again!, { db, history: 'rules', coverage: 'rules', analysis: 'rules' });
    expect(lean.history.runs.length).toBe(3);
    expect(lean.inputs.flakyWindows?.size).toBe(5);
    const leanFull = await contextOf(again!, { db, history: { runs: 1000, maxRuns: 100_000 }, coverage: 'rules', analysis: 'rules', now: new Date('2026-12-01T00:00:00Z') });
    const leanGate = await gate([root], { db, now: new Date('2026-12-01T00:00:00Z') });
    expect(leanGate.reports[0]!.results).toEqual(evaluateGates(leanFull.inputs, { repoName: again!.inventory.name }).results);
  });
});
