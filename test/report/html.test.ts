import { describe, expect, it } from 'vitest';
import { buildReportData, embedJson, renderHtmlReport } from '../../src/report/html/index.js';
import { BREAKOUT, XSS, history, inventory, makeTest } from './fixtures.js';

describe('HTML report (static checks)', () => {
  it('embeds data so no test string can close the script element, and JSON round-trips exactly', () => {
    const nasty = { a: `${BREAKOUT} & <!-- \u2028 ${XSS}` };
    const text = embedJson(nasty);
    expect(text).not.toMatch(/<\/?script/i);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(nasty);
  });

  it('is one self-contained file: no external URLs, a strict CSP with the script hash, the test names only inside the JSON', () => {
    const tests = [makeTest(1), makeTest(2, { id: `tests/unit/test_x.py::test_${XSS}${BREAKOUT}`, name: XSS })];
    const html = renderHtmlReport({ repos: [{ inventory: inventory(tests), runs: history(tests, 3, (i) => i === 1) }] });
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'sha256-[A-Za-z0-9+/=]+'/);
    // exactly two script elements: the data and the code
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain(XSS);
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
    expect(data.tests[0]![6]).toBe('');
  });

  it('keeps per-test history aligned with the runs, oldest first, and adds results unknown to the inventory', () => {
    const tests = [makeTest(1), makeTest(2)];
    const runs = history(tests, 4, (i, r) => i === 0 && r === 2);
    runs[3]!.results.push({ ...runs[3]!.results[0]!, id: 'tests/unit/test_gone.py::test_renamed', status: 'failed' });
    const data = buildReportData({ repos: [{ inventory: inventory(tests), runs }] });
    expect(data.historyRuns[0]!.map((r) => r.id)).toEqual(['run-0', 'run-1', 'run-2', 'run-3']);
    expect(data.tests[0]![10]).toBe('PPFP');
    expect(data.tests[1]![10]).toBe('PPPP');
    const extra = data.tests.find((t) => t[1] === 'tests/unit/test_gone.py::test_renamed')!;
    expect(extra[6]).toBe('failed');
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
    const row = (id: string) => data.tests.find((t) => t[1] === id)!;
    // the inventory's tests: results from run-1, the newest run of their tier set
    expect(row(tests[0]!.id).slice(12, 14)).toEqual(['', 1]);
    // the unknown id: failed in run-0 only, which is not the latest run of its tier set
    expect(row('tests.integration.test_f#test_unknown_x').slice(6, 7)).toEqual(['failed']);
    expect(row('tests.integration.test_f#test_unknown_x').slice(12, 14)).toEqual([runs[0]!.startedAt, 0]);
    // a result from the latest run of another tier set is current, however old
    expect(row('tests/unit/test_only_unit.py::t').slice(12, 14)).toEqual(['', 0]);
    expect(data.latestRun.map((r) => r.id)).toEqual(['run-1', 'run-unit']);
  });

  it('the client leaves stale results out of "Latest run" and says how many', () => {
    const html = renderHtmlReport({ repos: [{ inventory: inventory([makeTest(1)]), runs: history([makeTest(1)], 1, () => false) }] });
    expect(html).toContain("T[i][COL.status] !== '' && !T[i][COL.stale]");
    expect(html).toContain('not in the current scan');
  });
});
