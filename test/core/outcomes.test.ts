import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTCOMES, RESULT_STATUSES, outcomeOf, type ResultStatus, type TestResult } from '../../src/core/types.js';
import { isPass, counts } from '../../src/core/metrics/runs.js';
import { readJUnit } from '../../src/results/junit.js';
import { parseGoTestJson } from '../../src/results/go.js';
import { parsePlaywrightJson } from '../../src/results/json.js';
import { goOutcomes } from '../../src/runners/_shared/go.js';
import { jestJsonOutcomes, junitOutcomes, junitStatusOf } from '../../src/runners/_shared/junit.js';
import { UNITTEST_OUTCOMES } from '../../src/runners/_shared/unittest/native.js';
import { getRunner, runners } from '../../src/runners/registry.js';
import { renderRunText, runSummaryExtras } from '../../src/report/run.js';
import type { RunRecord } from '../../src/core/types.js';
import { countResults } from '../../src/store/rows.js';

/** The code tables the one outcome table of docs/results.md is checked against. */
const TABLES: Record<string, Readonly<Record<string, ResultStatus>>> = {
  junitOutcomes,
  UNITTEST_OUTCOMES,
  jestJsonOutcomes,
  'playwright outcomes': getRunner('playwright')!.outcomes,
  goOutcomes,
};

/** The rows between the outcome-table markers of docs/results.md: code table → word → status. */
function documentedTables(): Record<string, Record<string, string>> {
  const doc = readFileSync(path.join(import.meta.dirname, '../../docs/results.md'), 'utf8');
  const body = doc.slice(doc.indexOf('<!-- outcome-table:start -->'), doc.indexOf('<!-- outcome-table:end -->'));
  const out: Record<string, Record<string, string>> = {};
  for (const line of body.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| report') && !l.startsWith('|---'))) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    expect(cells, line).toHaveLength(4);
    const unquote = (c: string) => /^`([^`]+)`/.exec(c)?.[1] ?? c;
    const table = unquote(cells[1]!);
    (out[table] ??= {})[unquote(cells[2]!)] = unquote(cells[3]!);
  }
  return out;
}

describe('the outcome table of docs/results.md', () => {
  it('is exactly the code tables, word for word', () => {
    const documented = documentedTables();
    expect(Object.keys(documented).sort()).toEqual(Object.keys(TABLES).sort());
    for (const [name, table] of Object.entries(TABLES)) expect(documented[name], name).toEqual({ ...table });
  });

  it('covers every registered runner: each plugin uses one of the documented tables', () => {
    const known = Object.values(TABLES).map((t) => JSON.stringify(Object.entries(t).sort()));
    for (const r of runners) expect(known, `runner ${r.id} has an outcome table docs/results.md does not list`).toContain(JSON.stringify(Object.entries(r.outcomes).sort()));
  });

  it('maps only to stored statuses, and every status but not-run comes from some report word', () => {
    const produced = new Set(Object.values(TABLES).flatMap((t) => Object.values(t)));
    for (const s of produced) expect(RESULT_STATUSES).toContain(s);
    expect([...produced].sort()).toEqual(['error', 'failed', 'passed', 'skipped', 'xfailed', 'xpassed']);
  });
});

describe('outcomes', () => {
  const r = (status: ResultStatus, flaky = false) => ({ status, flaky });
  it('flaky is a pass that needed a retry; every other outcome is the status', () => {
    expect(outcomeOf(r('passed', true))).toBe('flaky');
    expect(outcomeOf(r('passed'))).toBe('passed');
    for (const s of RESULT_STATUSES) if (s !== 'passed') expect(outcomeOf(r(s, true))).toBe(s);
    expect(new Set(OUTCOMES)).toEqual(new Set([...RESULT_STATUSES, 'flaky']));
  });

  it('pass rate: xpassed passes, xfailed and skipped are not counted, not-run and error count as not passed', () => {
    const res = (status: ResultStatus) => ({ status }) as TestResult;
    expect(RESULT_STATUSES.filter((s) => counts(res(s)))).toEqual(['passed', 'failed', 'error', 'xpassed', 'not-run']);
    expect(RESULT_STATUSES.filter((s) => isPass(res(s)))).toEqual(['passed', 'xpassed']);
  });

  it('JUnit: the typed <skipped> is looked up first; error over failure over skipped', () => {
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: true, skipType: 'pytest.xfail' })).toBe('xfailed');
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: true, skipType: 'pytest.skip' })).toBe('skipped');
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: true })).toBe('skipped');
    expect(junitStatusOf({ errors: 1, failures: 1, skipped: true, skipType: 'pytest.xfail' })).toBe('error');
    expect(junitStatusOf({ errors: 0, failures: 1, skipped: false })).toBe('failed');
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: false })).toBe('passed');
  });

  it('JUnit: the seams.outcome property (seams_pytest) names the outcome of a case that passed; the elements win, an unknown value is ignored', () => {
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: false, outcome: 'xpassed' })).toBe('xpassed');
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: false, outcome: 'bogus' })).toBe('passed');
    expect(junitStatusOf({ errors: 0, failures: 1, skipped: false, outcome: 'xpassed' })).toBe('failed');
    expect(junitStatusOf({ errors: 1, failures: 0, skipped: false, outcome: 'xpassed' })).toBe('error');
    expect(junitStatusOf({ errors: 0, failures: 0, skipped: true, outcome: 'xpassed' })).toBe('skipped');
  });

  it('JUnit reader: only a <testcase> property counts, not a suite-level one; other properties are no outcome', async () => {
    const prop = (name: string, value: string) => `<properties><property name="${name}" value="${value}"/></properties>`;
    const xml = `<testsuites><testsuite name="pytest">${prop('seams.outcome', 'xpassed')}<testcase classname="m" name="plain" time="0"/><testcase classname="m" name="xp" time="0">${prop('seams.outcome', 'xpassed')}</testcase><testcase classname="m" name="mine" time="0">${prop('mine', 'xpassed')}</testcase><testcase classname="m" name="xp_teardown_error" time="0">${prop('seams.outcome', 'xpassed')}<error message="teardown">tb</error></testcase></testsuite></testsuites>`;
    const cases = [];
    for await (const b of readJUnit([xml])) cases.push(...b);
    expect(cases.map((c) => [c.name, c.status])).toEqual([
      ['plain', 'passed'],
      ['xp', 'xpassed'],
      ['mine', 'passed'],
      ['xp_teardown_error', 'error'],
    ]);
  });

  it('JUnit reader: unittest expected failures written by the shipped result class are xfailed', async () => {
    const xml = `<testsuites><testsuite name="unittest"><testcase classname="m.C" name="t" time="0.1"><skipped type="unittest.expectedFailure" message="xfail: AssertionError: 1 != 2">tb</skipped></testcase><testcase classname="m.C" name="s"><skipped type="unittest.skip" message="later"/></testcase></testsuite></testsuites>`;
    const cases = [];
    for await (const b of readJUnit([xml])) cases.push(...b);
    expect(cases.map((c) => [c.name, c.status, c.reason])).toEqual([
      ['t', 'xfailed', 'xfail: AssertionError: 1 != 2'],
      ['s', 'skipped', 'later'],
    ]);
  });

  it('go test -json: pass, fail, skip; other actions are no results', () => {
    const ev = (Action: string, Test: string) => JSON.stringify({ Action, Package: 'p', Test, Elapsed: 0.01 });
    const res = parseGoTestJson([ev('run', 'A'), ev('pass', 'A'), ev('run', 'B'), ev('fail', 'B'), ev('skip', 'C'), ev('pause', 'D')].join('\n'), { root: '/', tests: [] });
    expect(res.map((x) => [x.name, x.status])).toEqual([
      ['A', 'passed'],
      ['B', 'failed'],
      ['C', 'skipped'],
    ]);
  });

  it('Playwright test.fail(): failing as expected is xfailed, passing is failed with a message saying why', () => {
    const test = (status: string, expectedStatus: string, results: string[], annotations: unknown[] = []) => ({ projectName: '', status, expectedStatus, annotations, results: results.map((s) => ({ status: s, duration: 5 })) });
    const data = {
      config: { rootDir: '/r' },
      suites: [
        {
          title: 'a.spec.ts',
          file: 'a.spec.ts',
          specs: [
            { title: 'known bug', file: 'a.spec.ts', tests: [test('expected', 'failed', ['failed'], [{ type: 'fail', description: 'bug 7' }])] },
            { title: 'fixed now', file: 'a.spec.ts', tests: [test('unexpected', 'failed', ['passed'])] },
            { title: 'plain', file: 'a.spec.ts', tests: [test('expected', 'passed', ['passed'])] },
            { title: 'retried', file: 'a.spec.ts', tests: [test('flaky', 'passed', ['failed', 'passed'])] },
            { title: 'skip', file: 'a.spec.ts', tests: [test('skipped', 'skipped', ['skipped'])] },
          ],
        },
      ],
    };
    const res = parsePlaywrightJson(data, { root: '/r', tests: [] });
    expect(res.map((x) => [x.name, x.status, x.flaky, outcomeOf(x)])).toEqual([
      ['known bug', 'xfailed', false, 'xfailed'],
      ['fixed now', 'failed', false, 'failed'],
      ['plain', 'passed', false, 'passed'],
      ['retried', 'passed', true, 'flaky'],
      ['skip', 'skipped', false, 'skipped'],
    ]);
    expect(res[0]!.reason).toBe('bug 7');
    expect(res[1]!.message).toBe('passed, but test.fail() expects it to fail');
  });

  it('run counts put each result in exactly one status; flaky are among the passed', () => {
    const res = (status: ResultStatus, flaky = false) => ({ runner: 'pytest', project: null, id: `${status}${flaky}`, name: 'x', status, durationMs: 1, attempts: flaky ? 2 : 1, flaky }) as TestResult;
    const c = countResults([res('passed'), res('passed', true), res('failed'), res('error'), res('skipped'), res('xfailed'), res('xfailed'), res('xpassed'), res('not-run')]);
    expect(c).toEqual({ total: 9, passed: 2, failed: 1, error: 1, skipped: 1, xfailed: 2, xpassed: 1, notRun: 1, flaky: 1 });
  });

  it('the run summary keeps its form and appends xfailed, xpassed and flaky counts after skipped when not zero (defect 4)', () => {
    const res = (id: string, status: ResultStatus, flaky = false) => ({ runner: 'pytest', project: null, id, name: id, tier: 'unit', status, durationMs: 1, attempts: flaky ? 2 : 1, flaky }) as TestResult;
    const run = (results: TestResult[]): RunRecord => ({ id: 'r1', repo: 'demo', commit: null, branch: null, tiers: ['unit'], environment: {}, shard: null, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', status: 'passed', services: [], results });
    const skips = Array.from({ length: 24 }, (_, i) => res(`s${i}`, 'skipped'));
    const text = renderRunText(run([res('a', 'passed'), ...skips, res('x', 'xfailed')]), []);
    expect(text).toContain('PASSED: 1 passed, 0 failed, 0 not run, 24 skipped, 1 xfailed in 1.0s');
    expect(text).toMatch(/tier +tests +passed +failed +skipped +not run +flaky +xfailed +time/);
    const plain = renderRunText(run([res('a', 'passed'), res('b', 'skipped')]), []);
    expect(plain).toContain('PASSED: 1 passed, 0 failed, 0 not run, 1 skipped in 1.0s');
    expect(plain).not.toMatch(/xfailed|xpassed/);
    expect(runSummaryExtras([res('a', 'passed', true), res('b', 'xpassed'), res('c', 'xfailed')])).toBe(', 1 xfailed, 1 xpassed, 1 flaky');
  });
});
