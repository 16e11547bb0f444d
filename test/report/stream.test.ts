import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/types.js';
import { REPORT_COLUMNS } from '../../src/report/html/build.js';
import { buildReportData, buildReportDataFrom } from '../../src/report/html/data.js';
import { testRows } from '../../src/report/html/model.js';
import { storeEngines } from '../helpers/stores.js';
import { history, inventory, makeTest } from './fixtures.js';

/**
 * The report read from a stored history (one batch of columns at a time) is the report built from
 * the same runs in memory: same rows, strips, durations, messages, flaky badges, trends and latest
 * runs, on SQLite and PostgreSQL, whatever the batch size.
 */


/** A varied history: flips on one commit, a retry pass, a run of another tier set, shards, unknown ids, messages, an incomplete run. */
function variedRuns(): { runs: RunRecord[]; tests: ReturnType<typeof makeTest>[] } {
  const tests = Array.from({ length: 60 }, (_, i) => makeTest(i));
  const runs = history(tests, 6, (i, r) => (i * 5 + r * 3) % 11 === 0 || (i === 7 && r % 2 === 1), (i) => `AssertionError: expected ${i}\n  at line ${i}`);
  runs[2]!.commit = runs[1]!.commit; // the same commit twice: same-commit flips
  runs[3]!.results[4] = { ...runs[3]!.results[4]!, status: 'passed', flaky: true, attempts: 2 }; // a retry pass
  runs[4]!.results.push({ ...runs[4]!.results[0]!, id: 'tests/unit/test_gone.py::renamed', status: 'error', message: 'gone', known: false });
  runs[5]!.results[9] = { ...runs[5]!.results[9]!, status: 'skipped', message: undefined, reason: 'needs --slow' };
  const unitOnly: RunRecord = { ...runs[5]!, id: 'run-unit', tiers: ['unit'], startedAt: '2026-11-20T09:00:00.000Z', finishedAt: '2026-11-20T09:01:00.000Z', results: runs[5]!.results.filter((r) => r.tier === 'unit').map((r) => ({ ...r, tier: undefined })) };
  const shard = (k: number): RunRecord => ({ ...runs[5]!, id: `run-shard-${k}`, shard: `${k}/2`, commit: 'abcdef1', tiers: ['integration'], startedAt: `2026-11-21T09:0${k}:00.000Z`, finishedAt: `2026-11-21T09:0${k}:30.000Z`, results: runs[5]!.results.filter((r, i) => r.tier === 'integration' && i % 2 === k - 1) });
  const incomplete: RunRecord = { ...runs[5]!, id: 'run-incomplete', startedAt: '2026-11-22T09:00:00.000Z', finishedAt: '2026-11-22T09:01:00.000Z', status: 'incomplete' as never, results: [] };
  return { runs: [...runs, unitOnly, shard(1), shard(2), incomplete], tests };
}

const engines = storeEngines('report-stream');

describe.each(engines)('report read from the %s store', (_name, make) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('equals the report built from the same runs in memory, at any batch size', async () => {
    const { store, cleanup } = await make();
    cleanups.push(async () => {
      await store.close();
      await cleanup();
    });
    const { runs, tests } = variedRuns();
    for (const r of runs) await store.saveRun(r);
    const stored = await Promise.all(runs.map(async (r) => (await store.getRun(r.id))!));
    const generatedAt = new Date('2026-12-01T00:00:00Z');
    const expected = buildReportData({ generatedAt, repos: [{ inventory: inventory(tests), runs: stored }] });
    const summaries = await store.listRuns({ includeIncomplete: true, limit: 100 });
    for (const batch of [1, 7, 5000]) {
      const got = await buildReportDataFrom({ generatedAt, repos: [{ inventory: inventory(tests), history: { runs: summaries, read: (id) => store.readResultColumns(id, REPORT_COLUMNS, batch) } }] });
      expect(testRows(got.tests)).toEqual(testRows(expected.tests));
      const { tests: _a, ...rest } = got;
      const { tests: _b, ...restExpected } = expected;
      expect(rest).toEqual(restExpected);
    }
    // the history is really varied: flaky tests, an unknown id, messages, both tier sets as latest runs
    const rows = testRows(expected.tests);
    expect(expected.flaky[0]!.count).toBeGreaterThan(0);
    expect(rows.filter((r) => r.flaky).length).toBe(expected.flaky[0]!.count);
    expect(rows.find((r) => r.id === 'tests/unit/test_gone.py::renamed')).toMatchObject({ known: false, status: 'error' });
    expect(rows.some((r) => r.historyMessages.length > 0)).toBe(true);
    expect(expected.latestRun.map((r) => r.id).sort()).toEqual(['run-shard-2', 'run-unit', 'run-5'].sort());
    expect(expected.missing.join('\n')).toMatch(/1 incomplete run/);
  });
});

describe('results that match no inventory test (a history ingested without the repo)', () => {
  it('count in the latest run, the trends and the status totals like the rest', () => {
    const tests = Array.from({ length: 20 }, (_, i) => makeTest(i));
    const runs = history(tests, 3, (i, r) => i === 3 && r === 2).map((r) => ({ ...r, results: r.results.map((x) => ({ ...x, known: false })) }));
    const data = buildReportData({ repos: [{ inventory: inventory([]), runs }] });
    const latest = data.latestRun[0]!;
    expect(latest.unmatched).toBe(20);
    expect(latest.unmatchedCounted).toBe(20);
    expect(latest.counts).toEqual({ passed: 19, failed: 1 });
    expect(data.trends.map((t) => [t.total, t.passed, t.failed])).toEqual([
      [20, 20, 0],
      [20, 20, 0],
      [20, 19, 1],
    ]);
    expect(testRows(data.tests).map((r) => r.status).filter((s) => s === 'failed')).toHaveLength(1);
    expect(data.failureGroups.map((g) => [g.count, g.rows.length])).toEqual([[1, 1]]);
  });

  it('are not counted where the inventory has tests of their tier (a renamed test does not make a gate pass)', () => {
    const tests = Array.from({ length: 4 }, (_, i) => makeTest(i + 1)); // unit tests
    const runs = history(tests, 1, () => false);
    runs[0]!.results.push({ ...runs[0]!.results[0]!, id: 'tests/unit/test_other.py::t', status: 'failed' });
    const data = buildReportData({ repos: [{ inventory: inventory(tests), runs }] });
    expect(data.latestRun[0]).toMatchObject({ unmatched: 1, unmatchedCounted: 0 });
    expect(data.latestRun[0]!.counts.failed).toBeUndefined();
  });
});

describe('seams report on a history ingested without the repository (CLI)', () => {
  it('counts the results in the completion report and the latest run like the rest', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const { tempRepo } = await import('../gate/helpers.js');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const root = tempRepo({ 'README.md': '# no tests here\n' });
    const cases = Array.from({ length: 12 }, (_, i) => `<testcase classname="tests.test_api" name="test_${i}" file="tests/test_api.py" time="0.01">${i === 4 ? '<failure message="boom">trace</failure>' : ''}</testcase>`).join('');
    writeFileSync(path.join(root, 'junit.xml'), `<testsuites><testsuite name="s" tests="12">${cases}</testsuite></testsuites>`);
    expect((await runCli(['ingest', path.join(root, 'junit.xml'), '--root', root, '--no-scan', '--runner', 'pytest', '--tier', 'integration'])).code).toBe(0);
    const md = path.join(root, 'r.md');
    expect((await runCli(['report', root, '--markdown', md])).code).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('counted like the rest: integration 12.');
    expect(text).toMatch(/1 test fails in the latest runs: `tests\/test_api.py::test_4`/);
    const { report } = await import('../../src/app/report.js');
    const r = await report([root]);
    expect(r.html.latestRun[0]).toMatchObject({ counts: { passed: 11, failed: 1 }, unmatched: 12, unmatchedCounted: 12 });
    expect(r.html.failureGroups.map((g) => g.count)).toEqual([1]);
  });
});
