import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';
import { result, runRecord, saveRuns, tempRepo } from './helpers.js';

const CONFIG = `
scenarios:
  deployment-flow: { select: ["tests/integration/**::DeploymentFlow*"] }
gates:
  deployment-flow:   { metric: passrate, scenario: deployment-flow, min: 0.95 }
  integration-pass:  { metric: passrate.integration, min: 90% }
  no-flaky:          { metric: flaky.integration, max: 0, severity: warn }
  fast-enough:       { metric: duration.integration, max: 5m }
`;

describe('seams gate (CLI)', () => {
  it('says clearly that no runs are recorded and fails the pass-rate rules', async () => {
    const root = tempRepo({ 'seams.yaml': CONFIG });
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL deployment-flow: no history yet \(.seams\/history.db does not exist/);
    expect(r.stdout).toMatch(/WARN no-flaky/);
    expect(r.stdout).toMatch(/gate FAILED: 0 passed, 3 failed, 1 warnings/);
  });

  it('passes and fails on real runs from the SQLite history, listing the tests behind a failure', async () => {
    const root = tempRepo({ 'seams.yaml': CONFIG });
    const ok = (n: number) => result(`tests/integration/test_deploy.py::DeploymentFlowTests::test_${n}`, 'passed');
    await saveRuns(root, [
      runRecord([...Array.from({ length: 19 }, (_, i) => ok(i)), result('tests/integration/test_deploy.py::DeploymentFlowTests::test_rollback', 'failed', { message: 'AssertionError: rollback left 2 pods\nmore' })]),
    ]);
    const r = await runCli(['gate', root]);
    expect(r.stdout).toMatch(/PASS\s+deployment-flow\s+passrate \(deployment-flow\)\s+95%\s+≥ 95%/);
    expect(r.code).toBe(0);
    // a second, worse run becomes the latest
    await saveRuns(root, [
      runRecord([...Array.from({ length: 17 }, (_, i) => ok(i)), ...[17, 18, 19].map((n) => result(`tests/integration/test_deploy.py::DeploymentFlowTests::test_${n}`, 'failed', { message: `boom ${n}` })), result('tests/integration/test_other.py::test_x', 'passed')], { startedAt: '2026-11-20T10:00:00.000Z' }),
    ]);
    const r2 = await runCli(['gate', root]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/FAIL deployment-flow: 85%, expected ≥ 95%/);
    expect(r2.stdout).toMatch(/17 of 20 results passed in run 2026-11-20 10:00 abcdef1/);
    expect(r2.stdout).toMatch(/- tests\/integration\/test_deploy\.py::DeploymentFlowTests::test_17 :?.*— boom 17/);
    // the same test passed in the first run and failed in the second on one commit: flaky (a warning)
    expect(r2.stdout).toMatch(/WARN no-flaky: 2, expected ≤ 0/);
    expect(r2.stdout).toMatch(/test_17 — same-commit: 1 passed, 1 failed \(same commit abcdef1\)/);
    expect(r2.stdout).toMatch(/defined at .*seams\.yaml:5:22/);
  });

  it('writes JSON, JUnit (one testcase per rule) and GitHub summary + annotations', async () => {
    const root = tempRepo({ 'seams.yaml': CONFIG });
    await saveRuns(root, [runRecord([result('tests/integration/test_deploy.py::DeploymentFlowTests::test_a', 'failed', { message: 'bad <xml> & "quotes"' })])]);
    const json = await runCli(['gate', root, '--format', 'json']);
    const data = JSON.parse(json.stdout);
    expect(validateAgainst('gate.schema.json', data)).toBe('');
    expect(data.passed).toBe(false);
    const rule = data.repos[0].results.find((x: { name: string }) => x.name === 'deployment-flow');
    expect(rule).toMatchObject({ status: 'fail', value: 0, unit: 'ratio', min: 0.95 });
    expect(rule.items[0]).toMatchObject({ label: 'tests/integration/test_deploy.py::DeploymentFlowTests::test_a', file: 'tests/integration/test_deploy.py' });

    const junit = await runCli(['gate', root, '--format', 'junit']);
    const { SaxesParser } = await import('saxes');
    const sax = new SaxesParser();
    let xmlError: Error | null = null;
    sax.on('error', (e) => (xmlError = e));
    sax.write(junit.stdout).close();
    expect(xmlError).toBeNull();
    expect(junit.stdout.match(/<testcase /g)).toHaveLength(4);
    expect(junit.stdout).toMatch(/<testcase classname="seams.gate" name="deployment-flow"[^>]*>\s*<failure message="passrate: 0%, expected ≥ 95%"/);
    expect(junit.stdout).toContain('bad &lt;xml&gt; &amp; &quot;quotes&quot;');

    const summary = path.join(root, 'summary.md');
    const gh = await runCli(['gate', root], { cwd: root, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: root } });
    expect(gh.stdout).toMatch(/^::error file=tests\/integration\/test_deploy.py,title=seams gate deployment-flow::0%25, expected ≥ 95%25 — tests\/integration\/test_deploy.py::DeploymentFlowTests::test_a: bad <xml>/m);
    const md = readFileSync(summary, 'utf8');
    expect(md).toMatch(/## seams gate: ❌ failed/);
    expect(md).toMatch(/\| ❌ \| deployment-flow \| passrate \(deployment-flow\) \| 0% \| ≥ 95% \|/);
  });

  it('exits 2 with one line per configuration error: unknown tier, unknown scenario, unknown metric', async () => {
    const root = tempRepo({
      'seams.yaml': `
scenarios:
  deployment-flow: { select: ["tests/**"] }
gates:
  a: { metric: tests.integraton, min: 1 }
  b: { metric: passrate, tier: e3e, min: 0.9 }
  c: { metric: passrat, min: 0.9 }
  d: { metric: tests.unit }
`,
    });
    const r = await runCli(['gate', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/seams: .*seams\.yaml:5:6: gates\.a: unknown tier "integraton" \(did you mean "integration"\?\)/);
    expect(r.stderr).toMatch(/seams\.yaml:6:6: gates\.b: unknown tier "e3e" \(did you mean "e2e"\?\)/);
    expect(r.stderr).toMatch(/gates\.c: unknown metric "passrat" \(did you mean "passrate…"\?\)/);
    expect(r.stderr).toMatch(/gates\.d: a gate needs min: or max:/);
    expect(r.stdout).toBe('');
  });
});

describe('seams gate joins results to the inventory', () => {
  it('annotations point at the failing test file and line from the static scan', async () => {
    const root = tempRepo({
      'package.json': JSON.stringify({ name: 'shop', devDependencies: { vitest: '^2.0.0' } }),
      'vitest.config.ts': 'export default {}\n',
      'test/integration/checkout.test.ts': "import { describe, test } from 'vitest';\n\ndescribe('checkout', () => {\n  test('pays', () => {});\n  test('refunds', () => {});\n});\n",
      'seams.yaml': 'scenarios:\n  checkout: { select: ["test/integration/**::checkout"] }\ngates:\n  checkout: { metric: passrate, scenario: checkout, min: 1 }\n',
    });
    const r = (id: string, status: 'passed' | 'failed') => ({ ...result(id, status, { message: 'expected 200, got 500' }), runner: 'vitest' as const, file: undefined });
    await saveRuns(root, [runRecord([r('test/integration/checkout.test.ts > checkout > pays', 'passed'), r('test/integration/checkout.test.ts > checkout > refunds', 'failed')])]);
    const gh = await runCli(['gate', root], { cwd: root, env: { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: '' } });
    expect(gh.code).toBe(1);
    expect(gh.stdout).toContain('::error file=test/integration/checkout.test.ts,line=5,title=seams gate checkout::50%25, expected ≥ 100%25 — test/integration/checkout.test.ts > checkout > refunds: expected 200, got 500');
  });
});
