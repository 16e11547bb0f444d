import { describe, expect, it } from 'vitest';
import { buildReportData, embedJson, renderHtmlReport } from '../../src/report/html/index.js';
import { testRows } from '../../src/report/html/model.js';
import { readReport } from '../../src/report/html/decode.js';
import { failureCategory } from '../../src/report/html/data.js';
import { BREAKOUT, XSS, history, inventory, makeTest } from './fixtures.js';

describe('HTML report (static checks)', () => {
  it('embeds data so no test string can close the script element, and JSON round-trips exactly', () => {
    const nasty = { a: `${BREAKOUT} & <!-- \u2028 ${XSS}` };
    const text = embedJson(nasty);
    expect(text).not.toMatch(/<\/?script/i);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(nasty);
  });

  it('is one self-contained file: no external URLs, a strict CSP with the script hash, the test names only inside the compressed data', () => {
    const tests = [makeTest(1), makeTest(2, { id: `tests/unit/test_x.py::test_${XSS}${BREAKOUT}`, name: XSS })];
    const html = renderHtmlReport({ repos: [{ inventory: inventory(tests), runs: history(tests, 3, (i) => i === 1) }] });
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'sha256-[A-Za-z0-9+/=]+';/);
    // one executable script (the code, by hash); the rest are data blocks the browser never runs
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!.trim());
    expect(scripts.filter((a) => !/^type="application\/(json|octet-stream)"/.test(a))).toEqual(['']);
    expect(scripts.filter((a) => a.startsWith('type="application/octet-stream"'))).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(scripts.length);
    expect(html).not.toContain(XSS);
    expect(testRows(readReport(html).tests).map((t) => t.id)).toEqual(tests.map((t) => t.id));
  });

  it('lists what is missing: no history, no config, no gaps or traceability', () => {
    const data = buildReportData({ repos: [{ inventory: inventory([makeTest(1)]), runs: [], historyMissing: 'no history yet (.seams/history.db does not exist)', configMissing: true }] });
    expect(data.missing).toEqual(
      expect.arrayContaining([
        'demo: no seams.yaml — workflows, requirements, scenarios and gates are not configured',
        'demo: no history yet (.seams/history.db does not exist) — run results, history and trends are empty',
        expect.stringMatching(/^gap analysis not available/),
        expect.stringMatching(/^traceability not available/),
      ]),
    );
    expect(data.latestRun).toEqual([]);
    expect(testRows(data.tests)[0]!.status).toBe('');
  });

  it('keeps per-test history aligned with the runs, oldest first, and adds results unknown to the inventory', () => {
    const tests = [makeTest(1), makeTest(2)];
    const runs = history(tests, 4, (i, r) => i === 0 && r === 2);
    runs[3]!.results.push({ ...runs[3]!.results[0]!, id: 'tests/unit/test_gone.py::test_renamed', status: 'failed' });
    const data = buildReportData({ repos: [{ inventory: inventory(tests), runs }] });
    expect(data.historyRuns[0]!.map((r) => r.id)).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
    const rows = testRows(data.tests);
    expect(rows[0]!.history).toBe('PPFP');
    expect(rows[1]!.history).toBe('PPPP');
    const extra = rows.find((t) => t.id === 'tests/unit/test_gone.py::test_renamed')!;
    expect(extra.status).toBe('failed');
    // the unknown id's failure in run-3 does not count: results matching no inventory test never enter trends
    expect(data.trends.map((t) => t.failed)).toEqual([0, 0, 1, 0]);
  });

  it('latest run: a result from an older run of the tier set is marked with its run date; unknown ids are marked as such', () => {
    const tests = [makeTest(1), makeTest(2)];
    const runs = history(tests, 2, () => false);
    // the older run also had a JUnit-style id the scan does not know, which failed
    runs[0]!.results.push({ ...runs[0]!.results[0]!, id: 'tests.integration.test_f#test_unknown_x', status: 'failed' });
    // and a second tier set ran once, long ago: still the latest run of *that* tier set
    const unitOnly = { ...runs[0]!, id: 'run-unit', tiers: ['unit'], startedAt: '2026-10-01T09:00:00.000Z', finishedAt: '2026-10-01T09:01:00.000Z', results: [{ ...runs[0]!.results[0]!, id: 'tests/unit/test_only_unit.py::t', status: 'passed' as const }] };
    const data = buildReportData({ repos: [{ inventory: inventory(tests), runs: [...runs, unitOnly] }] });
    const row = (id: string) => testRows(data.tests).find((t) => t.id === id)!;
    // the inventory's tests: results from run-1, the newest run of their tier set
    expect([row(tests[0]!.id).stale, row(tests[0]!.id).known]).toEqual(['', true]);
    // the unknown id: failed in run-0 only, which is not the latest run of its tier set
    expect(row('tests.integration.test_f#test_unknown_x').status).toBe('failed');
    expect([row('tests.integration.test_f#test_unknown_x').stale, row('tests.integration.test_f#test_unknown_x').known]).toEqual([runs[0]!.startedAt, false]);
    // a result from the latest run of another tier set is current, however old
    expect([row('tests/unit/test_only_unit.py::t').stale, row('tests/unit/test_only_unit.py::t').known]).toEqual(['', false]);
    expect(data.latestRun.map((r) => r.id)).toEqual(['run-1', 'run-unit']);
  });

  it('the page holds what "Latest run" needs to leave stale results out: the run date of an older result, and unknown ids marked (browser.test.ts shows the view)', () => {
    const tests = [makeTest(1), makeTest(2)];
    const runs = history(tests, 2, () => false);
    runs[0]!.results[1]!.status = 'error';
    runs[1]!.results.splice(1, 1);
    runs[1]!.results.push({ ...runs[1]!.results[0]!, id: 'tests/unit/test_gone.py::t', status: 'failed' });
    const rows = testRows(readReport(renderHtmlReport({ repos: [{ inventory: inventory(tests), runs }] })).tests);
    expect(rows.map((r) => [r.id, r.status, r.stale, r.known])).toEqual([
      [tests[0]!.id, 'passed', '', true],
      [tests[1]!.id, 'error', runs[0]!.startedAt, true],
      ['tests/unit/test_gone.py::t', 'failed', '', false],
    ]);
  });
});

describe('HTML report data: one truth (issue 12)', () => {
  it('history strips cover only runs that selected the test: its tier and runner, from its first result on; each entry has duration and message', () => {
    const unit = makeTest(1); // unit
    const integ = makeTest(4); // integration
    const late = makeTest(3); // unit, added in the third unit run
    const runs = history([unit, integ, late], 4, () => false);
    // runs 0 and 2: unit only; runs 1 and 3: integration only
    const only = (r: (typeof runs)[number], tier: string, drop: string[] = []) => ({ ...r, tiers: [tier], results: r.results.filter((x) => x.tier === tier && !drop.includes(x.id)) });
    runs[0] = only(runs[0]!, 'unit', [late.id]);
    runs[1] = only(runs[1]!, 'integration');
    runs[2] = only(runs[2]!, 'unit');
    runs[2]!.results[0] = { ...runs[2]!.results[0]!, status: 'failed', message: 'boom 1', durationMs: 77 };
    runs[3] = only(runs[3]!, 'integration', [integ.id]); // the integration run that did not report it
    runs.push({ ...runs[2]!, id: 'run-4', startedAt: '2026-11-09T09:00:00.000Z', finishedAt: '2026-11-09T09:01:00.000Z', status: 'incomplete' as never, results: runs[2]!.results.map((r) => ({ ...r, status: 'not-run' as const })) });
    const data = buildReportData({ repos: [{ inventory: inventory([unit, integ, late]), runs }] });
    expect(data.historyRuns[0]!.map((r) => r.id)).toEqual(['run-0', 'run-1', 'run-2', 'run-3']); // the incomplete run is left out
    expect(data.missing.join('\n')).toMatch(/1 incomplete run \(no report from the runner\) left out/);
    const row = (id: string) => testRows(data.tests).find((t) => t.id === id)!;
    expect(row(unit.id).history).toBe('P-F-');
    expect(row(unit.id).historyDurations).toEqual([5, 77]);
    expect(row(unit.id).historyMessages).toEqual([[2, 'boom 1']]);
    expect(row(integ.id).history).toBe('-P-.'); // absent from the integration run 3
    expect(row(late.id).history).toBe('--P-'); // nothing before it existed
    expect(row(unit.id).status).toBe('failed'); // latest counted result, not the incomplete run's not-run
  });

  it('counts in the overview and trends are of the inventory\'s tests only; unmatched results are counted apart', () => {
    const tests = [makeTest(1), makeTest(2)];
    const runs = history(tests, 2, (i, r) => i === 1 && r === 1);
    runs[1]!.results.push({ ...runs[1]!.results[0]!, id: 'tests/unit/test_other.py::t', status: 'error', known: false });
    const data = buildReportData({ repos: [{ inventory: inventory(tests), runs }] });
    expect(data.latestRun[0]!.counts).toEqual({ passed: 1, failed: 1 });
    expect(data.latestRun[0]!.unmatched).toBe(1);
    expect(data.trends.map((t) => [t.total, t.passed, t.failed])).toEqual([[2, 2, 0], [2, 1, 1]]);
    // the rows: the inventory's two tests, then the unmatched one (known = 0)
    expect(testRows(data.tests).map((t) => [t.id, t.known])).toEqual([[tests[0]!.id, true], [tests[1]!.id, true], ['tests/unit/test_other.py::t', false]]);
  });
});

describe('failure categories', () => {
  it('normalizes numbers, hex, paths and quoted text so one cause is one category', () => {
    expect(failureCategory('AssertionError: expected 3 pods, got 2\n  at foo')).toBe('AssertionError: expected <n> pods, got <n>');
    expect(failureCategory('KeyError: \'user_42\' at /srv/app/models/user.py:120')).toBe('KeyError: <str> at <path>:<n>');
    expect(failureCategory('object at 0x7f3a2b1c deadbeefcafe freed')).toBe('object at <hex> <hex> freed');
    expect(failureCategory('\n\n')).toBe('(no message)');
    expect(failureCategory('connection refused')).not.toBe(failureCategory('timeout'));
  });
});

describe('report flaky = core/flaky.ts on every entry', () => {
  it('the report (which analyses only tests that can be flaky) finds exactly what analyzeFlaky finds over all results', async () => {
    const { analyzeFlaky } = await import('../../src/core/flaky.js');
    const tests = Array.from({ length: 300 }, (_, i) => makeTest(i));
    // a deterministic mix: regressions, same-commit flips, retries, frequent flips, one infra-failure run
    const runs = history(tests, 8, (i, r) => (r === 5 ? i % 3 !== 0 : (i * 7 + r * 13) % 17 === 0 || (i % 29 === 0 && r > 4)));
    runs.forEach((run, r) => {
      if (r % 2) run.commit = runs[r - 1]!.commit;
      run.results.forEach((x, i) => {
        if (i % 41 === 0 && r === 3 && x.status === 'passed') Object.assign(x, { flaky: true, attempts: 2 });
      });
    });
    const data = buildReportData({ repos: [{ inventory: inventory(tests), runs }] });
    const entries = runs.flatMap((run) => {
      const ran = run.results.filter((x) => x.status === 'passed' || x.status === 'failed' || x.status === 'error');
      const bad = ran.filter((x) => x.status !== 'passed').length;
      return run.results.map((x) => ({ runId: run.id, commit: run.commit, branch: run.branch, startedAt: run.startedAt, runFailureRatio: ran.length ? bad / ran.length : 0, runExecuted: ran.length, runner: x.runner, project: x.project, id: x.id, file: x.file, tier: x.tier, status: x.status, attempts: x.attempts, flaky: x.flaky, durationMs: x.durationMs }));
    });
    const full = analyzeFlaky(entries);
    expect(full.flaky.length).toBeGreaterThan(5);
    expect(full.infraFailureRuns).toEqual(['run-5']);
    expect(testRows(data.tests).filter((t) => t.flaky).map((t) => `${t.id} ${t.flaky}`).sort()).toEqual(full.flaky.map((f) => `${f.id} ${f.reasons.join(',')}`).sort());
    expect(data.flaky[0]).toMatchObject({ count: full.flaky.length, runs: 8, infraFailureRuns: 1 });
    expect(data.trends.at(-1)!.flaky).toBe(full.flaky.length);
  });
});
