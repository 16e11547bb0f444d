import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFlaky, type WindowEntry } from '../../src/core/flaky.js';
import type { ResultStore } from '../../src/store/index.js';
import { storeEngines } from '../helpers/stores.js';
import { flakyReportOf, flakyReportsPerRun } from '../../src/app/flaky.js';
import { flakyHistory as history } from '../helpers/flaky-history.js';

/**
 * The store's reduced flaky window (`flakyWindow`: candidate tests selected in SQL, one entry per
 * logical run otherwise) gives `analyzeFlaky` exactly what the full window (`resultsWindow`) gives,
 * over a varied history: retries, same-commit flips, flip-rate tests, infrastructure-failure runs,
 * shards merged into logical runs, several tier sets, skipped and not-run results, a run without
 * candidates and an empty run.
 */


const engines = storeEngines('flakywin');

describe.each(engines)('%s flakyWindow', (_name, make) => {
  let store: ResultStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await make());
    for (const r of history()) await store.saveRun(r);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  const queries = [{}, { runs: 5 }, { runs: 1 }, { tier: 'unit' }, { tier: 'e2e', runs: 3 }, { tier: 'integration' }, { runs: 4, upTo: 'r20' }, { upTo: 'r10-s2' }, { upTo: 'nope' }];
  it.each(queries)('analyzeFlaky(reduced) equals analyzeFlaky(full window) for %o', async (q) => {
    const full = await store.resultsWindow(q);
    const reduced = await store.flakyWindow(q);
    expect(analyzeFlaky(reduced.entries)).toEqual(analyzeFlaky(full));
    expect(analyzeFlaky(reduced.entries, { minFlipRate: 0.1, infraFailureRatio: 0.3 })).toEqual(analyzeFlaky(full, { minFlipRate: 0.1, infraFailureRatio: 0.3 }));
    // the same logical runs, newest first, and every one of them in the entries
    expect(reduced.runs.map((r) => r.id)).toEqual([...new Set(full.map((e) => e.runId))].concat(reduced.runs.filter((r) => r.counts.total === 0).map((r) => r.id)).sort((a, b) => reduced.runs.findIndex((r) => r.id === a) - reduced.runs.findIndex((r) => r.id === b)));
    const fullRuns = new Map(full.map((e) => [e.runId, e] as const));
    for (const e of reduced.entries) {
      const f = fullRuns.get(e.runId)!;
      expect([e.runFailureRatio, e.runExecuted]).toEqual([f.runFailureRatio, f.runExecuted]);
    }
    // and it is reduced: only candidates (plus one entry of a run without any)
    if (full.length) expect(reduced.entries.length).toBeLessThan(full.length);
  });

  it('finds flaky tests of every kind in this history (the comparison is not over nothing)', async () => {
    const report = analyzeFlaky((await store.flakyWindow({ runs: 30 })).entries);
    const reasons = new Set(report.flaky.flatMap((f) => f.reasons));
    expect(reasons).toEqual(new Set(['same-commit', 'retry', 'flip-rate']));
    expect(report.infraFailureRuns.length).toBeGreaterThan(0);
    const shards = (await store.flakyWindow({ runs: 30 })).runs.filter((r) => r.ids.length > 1);
    expect(shards.length).toBeGreaterThan(0);
  });

  it('the report as it was at each run, from one wide window, equals the window up to that run', async () => {
    const wide = await store.flakyWindow({ runs: 100 });
    const points = flakyReportsPerRun(wide, 4);
    expect([...points.keys()]).toEqual(wide.runs.map((r) => r.id));
    let nonzero = 0;
    for (const run of wide.runs) {
      const { report } = await flakyReportOf(store, { runs: 4, upTo: run.id });
      expect(points.get(run.id), run.id).toEqual(report);
      expect(report).toEqual(analyzeFlaky(await store.resultsWindow({ runs: 4, upTo: run.id })));
      if (report.flaky.length) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(5);
  });

  it('keeps the stored known flag on entries (the gates count only the repo\'s tests)', async () => {
    const { entries } = await store.flakyWindow({ runs: 30 });
    const w: WindowEntry | undefined = entries.find((e) => e.id.endsWith('::test_0'));
    expect(w?.known).toBe(true);
    expect(entries.find((e) => e.id.endsWith('::test_1'))?.known).toBeUndefined();
  });
});
