import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { result, runRecord, saveRuns, tempRepo } from './helpers.js';

/**
 * Issue 12, defect 7: gates that cannot pass on nothing. A run metric counts only results of the
 * repo's own tests (matched to the inventory) of its tier; bounds are checked against the unit.
 */

const REPO = {
  'tests/integration/test_api.py': 'def test_create():\n    pass\n\n\ndef test_delete():\n    pass\n',
  'tests/unit/test_model.py': 'def test_model():\n    pass\n',
};

const GATES = `gates:
  integration-pass: { metric: passrate.integration, min: 95% }
`;

/** Results of tests that are not the repo's (another checkout, renamed JUnit classnames…). */
const foreign = (n: number, status: 'passed' | 'failed' = 'passed') =>
  Array.from({ length: n }, (_, i) => result(`elsewhere/test_other.py::test_${i}`, status, { tier: 'integration', known: false }));

describe('gates count only results of the repo\'s tests', () => {
  it('fails (exit 1) when the results match none of the repo\'s tests, with the reason and the stray ids', async () => {
    const root = tempRepo({ ...REPO, 'seams.yaml': GATES });
    await saveRuns(root, [runRecord(foreign(12))]);
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL integration-pass: no result of the repo's integration tests in run 2026-\S+ \S+ abcdef1 \(12 results matched no inventory test\)/);
    expect(r.stdout).toMatch(/- elsewhere\/test_other\.py::test_0 .*matched no inventory test/);

    const json = JSON.parse((await runCli(['gate', root, '--format', 'json'])).stdout);
    expect(json.repos[0].results[0]).toMatchObject({ status: 'fail', value: null });
  });

  it('does not let an older run speak for a newer one whose results match no test', async () => {
    const root = tempRepo({ ...REPO, 'seams.yaml': GATES });
    const own = [result('tests/integration/test_api.py::test_create', 'passed'), result('tests/integration/test_api.py::test_delete', 'passed')];
    await saveRuns(root, [runRecord(own, { startedAt: '2026-11-01T10:00:00Z' })]);
    expect((await runCli(['gate', root])).code).toBe(0);
    await saveRuns(root, [runRecord(foreign(3), { startedAt: '2026-11-02T10:00:00Z' })]);
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no result of the repo's integration tests in run 2026-11-02 10:00 abcdef1 \(3 results matched no inventory test\)/);
  });

  it('counts the repo\'s tests only: stray failures neither fail nor pass the gate, and the detail says they were left out', async () => {
    const root = tempRepo({ ...REPO, 'seams.yaml': GATES });
    await saveRuns(root, [runRecord([result('tests/integration/test_api.py::test_create', 'passed'), result('tests/integration/test_api.py::test_delete', 'passed'), ...foreign(2, 'failed')])]);
    const json = JSON.parse((await runCli(['gate', root, '--format', 'json'])).stdout);
    expect(json.repos[0].results[0]).toMatchObject({ status: 'pass', value: 1, detail: expect.stringMatching(/2 of 2 results passed .*; 2 results that matched no inventory test not counted/) });
  });

  it('fails when the tier\'s selected tests did not run (all not run), and warns with severity: warn', async () => {
    const root = tempRepo({
      ...REPO,
      'seams.yaml': `gates:\n  integration-pass: { metric: passrate.integration, min: 95% }\n  failures: { metric: failed.integration, max: 5 }\n  no-flaky: { metric: flaky.integration, max: 0, severity: warn }\n  fast: { metric: duration.integration, max: 5m }\n`,
    });
    const notRun = (id: string) => result(id, 'not-run', { reason: 'postgres' });
    await saveRuns(root, [runRecord([notRun('tests/integration/test_api.py::test_create'), notRun('tests/integration/test_api.py::test_delete')])]);
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(1);
    for (const rule of ['integration-pass', 'failures', 'fast'])
      expect(r.stdout).toMatch(new RegExp(`FAIL ${rule}: the repo's integration tests did not run in run \\S+ \\S+ abcdef1 \\(2 not run\\)`));
    expect(r.stdout).toMatch(/WARN no-flaky: the repo's integration tests did not run/);
    expect(r.stdout).toMatch(/not run: postgres/);
  });

  it('fails on a tier without a run of its own tests even when another tier ran', async () => {
    const root = tempRepo({ ...REPO, 'seams.yaml': GATES });
    await saveRuns(root, [runRecord([result('tests/unit/test_model.py::test_model', 'passed')], { tiers: ['unit'] })]);
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL integration-pass: no runs recorded with results for tier integration/);
  });

  it('a history without an inventory (no tests found): results are counted unmatched, and the detail says so', async () => {
    const root = tempRepo({ 'seams.yaml': GATES, 'README.md': 'results only\n' });
    await saveRuns(root, [runRecord(foreign(4))]);
    const r = await runCli(['gate', root, '--format', 'json']);
    expect(r.code).toBe(0);
    const rule = JSON.parse(r.stdout).repos[0].results[0];
    expect(rule).toMatchObject({ status: 'pass', value: 1 });
    expect(rule.detail).toMatch(/4 of 4 results passed .*\(no inventory \(seams found no tests in the repository\): results are counted without matching them to its tests\)/);
  });
});

describe('bounds are checked against the metric\'s unit (exit 2, at the line)', () => {
  const cases: [string, string, RegExp, RegExp][] = [
    [
      'a percentage on a count',
      'gates:\n  enough: { metric: tests.integration, min: "95%" }\n',
      /^seams: .*seams\.yaml:2:45: gate "enough": min: "95%" is a percentage, but tests\.integration is a count$/m,
      /^hint: write a number \(min: 25\); for a share use a rate metric, e\.g\. passrate\.integration with min: "95%"$/m,
    ],
    [
      'a count on a share',
      'gates:\n  unit-pass:\n    metric: passrate.unit\n    min: 3\n',
      /^seams: .*seams\.yaml:4:10: gate "unit-pass": min: 3 is a count, but passrate\.unit is a share \(0\.\.1\)$/m,
      /^hint: write a share: min: 0\.03 or min: "3%"$/m,
    ],
    ['a fraction on a count', 'gates:\n  few: { metric: flaky.integration, max: 0.5 }\n', /seams\.yaml:2:42: gate "few": max: 0\.5 is not a whole number, but flaky\.integration is a count/, /^hint: write a whole number/m],
    ['a percentage on a duration', 'gates:\n  fast: { metric: duration.unit, max: 50% }\n', /seams\.yaml:2:39: gate "fast": max: "50%" is a percentage, but duration\.unit is a duration/, /^hint: write a duration/m],
    [
      'a target in the wrong unit',
      'targets:\n  - { metric: requirements.covered, target: 90, due: 2027-01-01 }\n',
      /seams\.yaml:2:45: target requirements\.covered: target: 90 is a count, but requirements\.covered is a share/,
      /^hint: write a share: target: 0\.9$/m,
    ],
  ];
  for (const [what, yaml, message, hint] of cases)
    it(what, async () => {
      const root = tempRepo({ ...REPO, 'seams.yaml': yaml });
      const r = await runCli(['gate', root]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(hint);
    });

  it('accepts every bound in its unit', async () => {
    const root = tempRepo({
      ...REPO,
      'seams.yaml': 'gates:\n  a: { metric: tests.integration, min: 2 }\n  b: { metric: passrate.unit, min: 0.9, severity: warn }\n  c: { metric: tests, max: 100 }\n  d: { metric: determinism.unit, min: 100%, severity: warn }\n  e: { metric: duration.unit, max: 90, severity: warn }\n',
    });
    const r = await runCli(['gate', root]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
