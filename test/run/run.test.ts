import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, tierRulesOf } from '../../src/config/index.js';
import { executeRun } from '../../src/execute/run.js';
import { pytestPlugin } from '../../src/runners/pytest/plugin.js';
import { scanRepo } from '../../src/scan/index.js';
import { openStore } from '../../src/store/index.js';
import { readStates } from '../../src/services/state.js';
import { runCli } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';

/** What a run left in .seams/ besides the scan cache (a run that cannot start leaves no history, log or state). */
function leftBehind(root: string): string[] {
  return existsSync(path.join(root, '.seams')) ? readdirSync(path.join(root, '.seams')).filter((f) => f !== 'cache') : [];
}

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-run-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'init'], { cwd: root });
  return root;
}

const SEAMS_YAML = `
services:
  cache:
    command: redis-server --port {port} --save ""
    ready: { exec: "redis-cli -p {port} ping" }
    env: { REDIS_URL: "redis://127.0.0.1:{port}/0" }
  search:
    command: not-installed-search-engine --port {port}
    optional: true
tiers:
  integration:
    services: [cache, search]
    skips: { allow: ["needs GPU"] }
  unit: {}
`;

const TESTS = `
import os, socket, pytest

def test_env():
    assert os.environ["REDIS_URL"] == f"redis://127.0.0.1:{os.environ['CACHE_PORT']}/0"
    assert os.environ["SEAMS_RUN_ID"] and os.environ["SEAMS_TIER"] == "integration"

def test_ping():
    s = socket.create_connection((os.environ["CACHE_HOST"], int(os.environ["CACHE_PORT"])))
    s.sendall(b"PING\\r\\n"); assert s.recv(100) == b"+PONG\\r\\n"

@pytest.mark.parametrize("x", [1, 2])
def test_param(x):
    assert x < 2, "two is too big"

@pytest.mark.skip(reason="later")
def test_skipped():
    pass

@pytest.mark.skip(reason="needs GPU")
def test_allowed_skip():
    pass

@pytest.mark.xfail(reason="known bug")
def test_xfail():
    assert False

@pytest.mark.requires_search
def test_search():
    raise AssertionError("must not run without the search service")
`;

async function inventoryOf(root: string) {
  const config = await loadConfig(root);
  const inventory = await scanRepo(root, { plugins: [pytestPlugin], tierRules: tierRulesOf(config.config) });
  return { config, inventory };
}

describe('executeRun with pytest and a real redis', () => {
  it('runs the tier, joins results to inventory ids, applies the skip policy, reports not-run tests', async () => {
    const root = repo({ 'seams.yaml': SEAMS_YAML, 'tests/integration/test_cache.py': TESTS, 'pytest.ini': '[pytest]\nmarkers =\n  requires_search\n' });
    const { config, inventory } = await inventoryOf(root);
    const lines: string[] = [];
    const o = await executeRun({ root, inventory, config, tiers: ['integration'], env: process.env, log: (l) => lines.push(l) });
    const by = Object.fromEntries(o.run.results.map((r) => [r.id, r]));
    const f = 'tests/integration/test_cache.py::';
    expect(validateAgainst('results.schema.json', o.run)).toBe('');
    expect(by[`${f}test_env`]).toMatchObject({ status: 'passed', known: true, tier: 'integration', services: ['cache'] });
    expect(by[`${f}test_ping`]!.status).toBe('passed');
    expect(by[`${f}test_param[1]`]!.status).toBe('passed');
    expect(by[`${f}test_param[2]`]).toMatchObject({ status: 'failed', message: expect.stringContaining('two is too big') });
    expect(by[`${f}test_skipped`]).toMatchObject({ status: 'failed', reason: 'later', message: expect.stringContaining('skips count as failures') });
    expect(by[`${f}test_allowed_skip`]).toMatchObject({ status: 'skipped', reason: 'needs GPU' });
    expect(by[`${f}test_xfail`]).toMatchObject({ status: 'xfailed', reason: 'xfail: known bug' });
    expect(by[`${f}test_search`]).toMatchObject({ status: 'not-run', reason: expect.stringMatching(/^search is missing: command not found: not-installed-search-engine/) });
    expect(o.run.results).toHaveLength(8);
    expect(o.run.status).toBe('failed');
    expect(o.run.services.map((s) => [s.name, s.status])).toEqual([
      ['cache', 'ready'],
      ['search', 'missing'],
    ]);
    expect(o.tasks[0]!.argv).toContain('-o');
    // nothing left behind
    expect(readStates(root)).toEqual([]);
    const store = await openStore('sqlite:.seams/history.db', root);
    await store.saveRun(o.run);
    expect((await store.getRun(o.run.id))!.results).toEqual(o.run.results);
    await store.close();
  });

  it('selects single node ids when a file mixes tiers (marker-based tier)', async () => {
    const root = repo({
      'tests/test_mixed.py': 'import pytest\n\n@pytest.mark.integration\n@pytest.mark.parametrize("v", ["a b", "c[d"])\ndef test_i(v):\n    pass\n\ndef test_u():\n    raise AssertionError("unit test must not run")\n',
      'pytest.ini': '[pytest]\nmarkers =\n  integration\n',
    });
    const { config, inventory } = await inventoryOf(root);
    const o = await executeRun({ root, inventory, config, tiers: ['integration'], env: process.env, log: () => {} });
    expect(o.tasks[0]!.argv.slice(-2)).toEqual(['tests/test_mixed.py::test_i[a b]', 'tests/test_mixed.py::test_i[c[d]']);
    expect(o.run.results.map((r) => [r.id, r.status, r.known])).toEqual([
      ['tests/test_mixed.py::test_i[a b]', 'passed', true],
      ['tests/test_mixed.py::test_i[c[d]', 'passed', true],
    ]);
    expect(o.run.status).toBe('passed');
  });

  it('a required service that is missing stops the run before anything starts (exit 2 from the CLI)', async () => {
    const root = repo({
      'seams.yaml': 'services:\n  db:\n    command: no-such-postgres -p {port}\ntiers:\n  integration:\n    services: [db]\n    command: python3 -m pytest tests\n',
      'tests/integration/test_x.py': 'def test_x():\n    pass\n',
    });
    const r = await runCli(['run', 'integration', '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('required service db cannot start: command not found: no-such-postgres');
    expect(readStates(root)).toEqual([]);
    expect(leftBehind(root)).toEqual([]); // not even an empty history
  });

  it('seams run --shard i/n --run-id into one history: every shard is stored in the one run (#29)', async () => {
    const root = repo({
      'seams.yaml': 'tiers:\n  integration: {}\n',
      'tests/integration/test_a.py': 'def test_a():\n    pass\n',
      'tests/integration/test_b.py': 'def test_b():\n    pass\n',
    });
    for (const i of [1, 2]) expect((await runCli(['run', 'integration', '--root', root, '--shard', `${i}/2`, '--run-id', 'CI42'])).code).toBe(0);
    const again = await runCli(['run', 'integration', '--root', root, '--shard', '2/2', '--run-id', 'CI42']);
    expect(again.stderr).toContain('shard 2/2 of run CI42 is already stored in history: this result was NOT stored again');
    const store = await openStore('sqlite:.seams/history.db', root);
    try {
      const runs = await store.listRuns();
      expect(runs.map((r) => [r.id, r.counts.total, r.environment.shards])).toEqual([['CI42', 2, '1/2,2/2']]);
    } finally {
      await store.close();
    }
  });

  it('extra args in a runner section reach that runner; tests they deselect are said, not silently dropped (#30)', async () => {
    const root = repo({
      'seams.yaml': 'tiers:\n  integration: {}\n',
      'tests/integration/test_a.py': 'def test_a():\n    pass\n\ndef test_b():\n    pass\n',
    });
    const r = await runCli(['run', 'integration', '--root', root, '--no-history', '--', 'pytest:', '-k', 'test_b']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('integration · pytest: 1 selected test deselected by -k test_b (not counted)');
    expect(r.stdout).toMatch(/PASSED: 1 passed, 0 failed, 0 not run/);
  });

  it('an unreachable external url service is "not reachable at <url>", never "failed to start" (#35)', async () => {
    const yaml = (optional: boolean) =>
      `services:\n  cache:\n    url: redis://127.0.0.1:1\n    optional: ${optional}\n    ready: { timeout: 300ms }\ntiers:\n  integration:\n    services: [cache]\n`;
    const tests = 'import pytest\n\n@pytest.mark.requires_cache\ndef test_x():\n    pass\n';
    for (const optional of [false, true]) {
      const root = repo({ 'seams.yaml': yaml(optional), 'tests/integration/test_x.py': tests, 'pytest.ini': '[pytest]\nmarkers =\n  requires_cache\n' });
      const { config, inventory } = await inventoryOf(root);
      const o = await executeRun({ root, inventory, config, tiers: ['integration'], env: process.env, log: () => {} });
      expect(o.run.results.map((r) => [r.status, r.reason])).toEqual([
        ['not-run', optional ? 'cache is not reachable at redis://127.0.0.1:1' : 'service cache is not reachable at redis://127.0.0.1:1'],
      ]);
    }
  });

  it('extra args after -- in a polyglot tier: ambiguous without a runner section, a usage error before anything starts (#30)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'seams-args-'));
    cpSync(path.resolve('examples/platform'), root, { recursive: true, filter: (src) => !/[/\\](\.seams|node_modules|__pycache__|\.pytest_cache)$/.test(src) });
    const r = await runCli(['run', 'integration', '--root', root, '--', '-k', 'ecr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('extra arguments after -- (-k ecr) are ambiguous: integration runs pytest and vitest');
    expect(r.stderr).toContain('seams run integration -- pytest: -k ecr');
    const unknown = await runCli(['run', 'integration', '--root', root, '--', 'jest:', '-t', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('extra arguments for jest: but integration runs pytest and vitest');
    expect(existsSync(path.join(root, '.seams/history.db'))).toBe(false);
  });

  it('a configured tier command gets a JUnit report added; extra args after -- reach the runner; history is stored', async () => {
    const root = repo({
      'seams.yaml': 'tiers:\n  smoke:\n    command: python3 -m pytest tests/smoke -p no:cacheprovider\n',
      'tests/smoke/test_s.py': 'def test_a():\n    pass\n\ndef test_b():\n    assert 0, "b broke"\n',
    });
    const r1 = await runCli(['run', 'smoke', '--root', root, '--format', 'json', '--', '-k', 'test_a']);
    expect(r1.code).toBe(0);
    const run = JSON.parse(r1.stdout);
    expect(validateAgainst('results.schema.json', run)).toBe('');
    expect(run.results.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([['tests/smoke/test_s.py::test_a', 'passed']]);
    const out = path.join(root, 'results.json');
    const r2 = await runCli(['run', 'smoke', '--root', root, '-o', out]);
    expect(validateAgainst('results.schema.json', JSON.parse(readFileSync(out, 'utf8')))).toBe('');
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain('✗ tests/smoke/test_s.py::test_b');
    expect(r2.stdout).toContain('b broke');
    expect(r2.stdout).toMatch(/FAILED: 1 passed, 1 failed/);
    const store = await openStore('sqlite:.seams/history.db', root);
    expect((await store.listRuns()).map((x) => x.status)).toEqual(['failed', 'passed']);
    await store.close();
  });

  it('--repeat reports tests whose outcome differs', async () => {
    const root = repo({
      'seams.yaml': 'tiers:\n  smoke:\n    command: python3 -m pytest tests/smoke -p no:cacheprovider\n',
      'tests/smoke/test_s.py': `import os, pathlib
def test_stable():
    pass
def test_alternating():
    p = pathlib.Path(os.environ["COUNTER"])
    n = int(p.read_text()) if p.exists() else 0
    p.write_text(str(n + 1))
    assert n % 2 == 0
`,
    });
    const r = await runCli(['run', 'smoke', '--root', root, '--repeat', '4'], { env: { COUNTER: path.join(root, 'counter') } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Determinism over 4 runs: 1 test(s) changed outcome');
    expect(r.stdout).toContain('≠ tests/smoke/test_s.py::test_alternating: passed failed passed failed');
    const flaky = await runCli(['flaky', '--root', root, '--format', 'json']);
    const report = JSON.parse(flaky.stdout);
    expect(report.flaky.map((x: { id: string; reasons: string[] }) => [x.id, x.reasons])).toEqual([['tests/smoke/test_s.py::test_alternating', ['same-commit', 'flip-rate']]]);
  });

  it('a tier command that is not installed fails the run before anything starts (exit 2)', async () => {
    const root = repo({ 'seams.yaml': 'tiers:\n  smoke:\n    command: definitely-missing-runner --all\n' });
    const r = await runCli(['run', 'smoke', '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seams: the command of tier smoke cannot start: command not found: definitely-missing-runner\nhint: install definitely-missing-runner or fix tiers.smoke.command in seams.yaml\n');
    expect(leftBehind(root)).toEqual([]);
  });

  it('pre-flight: vitest not installed in web/ and a Python without pytest stop the run before any service starts, with hints', async () => {
    // outside the seams checkout: no node_modules/.bin/vitest from web/ upwards
    const root = repo({
      'seams.yaml': 'services:\n  cache:\n    command: redis-server --port {port} --save ""\ntiers:\n  integration:\n    paths: ["web/test/**", "tests/**"]\n    services: [cache]\n',
      'package.json': '{ "private": true, "workspaces": ["web"] }',
      'web/package.json': '{ "name": "web", "private": true, "devDependencies": { "vitest": "^3.0.0" } }',
      'web/vitest.config.ts': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n",
      'web/test/a.test.ts': "import { test } from 'vitest';\ntest('a', () => {});\n",
      'tests/test_x.py': 'def test_x():\n    pass\n',
    });
    const python = path.join(root, 'fake-python');
    writeFileSync(python, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'pytest\'" >&2\nexit 1\n', { mode: 0o755 });
    const r = await runCli(['run', 'integration', '--root', root], { env: { SEAMS_PYTHON: python, PATH: '/usr/bin:/bin' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('seams: pytest is not installed for');
    expect(r.stderr).toContain("(ModuleNotFoundError: No module named 'pytest')");
    expect(r.stderr).toContain('vitest is not installed in web/ (no node_modules/.bin/vitest there or in a parent folder, and none on PATH)');
    expect(r.stderr).toMatch(/\nhint: .*-m pip install pytest.*; cd web && npm install\n$/);
    expect(r.stderr).not.toMatch(/service cache|redis/);
    expect(leftBehind(root)).toEqual([]);
  });

  it('without services the runner starts at once; a Python without pytest is the same pre-flight error after the attempt, and no history is written', async () => {
    const root = repo({ 'tests/test_x.py': 'def test_x():\n    pass\n' });
    const bin = mkdtempSync(path.join(tmpdir(), 'seams-py-'));
    const python = path.join(bin, 'python-without-pytest');
    const calls = path.join(bin, 'calls');
    writeFileSync(python, `#!/bin/sh\necho "$*" >> ${calls}\necho "ModuleNotFoundError: No module named 'pytest'" >&2\nexit 1\n`, { mode: 0o755 });
    const r = await runCli(['run', 'unit', '--root', root], { env: { SEAMS_PYTHON: python } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`seams: pytest is not installed for ${python} (ModuleNotFoundError: No module named 'pytest')\nhint: ${python} -m pip install pytest (or the project's requirements)\n`);
    // the runner first, the probe only to explain its failure
    const started = readFileSync(calls, 'utf8').trim().split('\n');
    expect(started[0]).toMatch(/^-m pytest /);
    expect(started.slice(1).join('\n')).toMatch(/^-c import importlib.util.*\n.*find_spec\('pytest'\)/);
    // it ran (its log is kept) but nothing is stored and no process or state is left
    expect(existsSync(path.join(root, '.seams/history.db'))).toBe(false);
    expect(readStates(root)).toEqual([]);
  });

  it('one interpreter rule: --python, then SEAMS_PYTHON, then python3', async () => {
    const root = repo({ 'tests/test_x.py': 'def test_x():\n    pass\n' });
    const viaOption = await runCli(['run', 'unit', '--root', root, '--python', '/no/such/python-opt'], { env: { SEAMS_PYTHON: '/no/such/python-env' } });
    expect(viaOption.code).toBe(2);
    expect(viaOption.stderr).toBe('seams: /no/such/python-opt is not installed (needed for pytest)\nhint: --python names an interpreter that is not there\n');
    const viaEnv = await runCli(['run', 'unit', '--root', root], { env: { SEAMS_PYTHON: '/no/such/python-env' } });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toBe('seams: /no/such/python-env is not installed (needed for pytest)\nhint: SEAMS_PYTHON names an interpreter that is not there\n');
    expect(leftBehind(root)).toEqual([]);
  });

  it('extra arguments that replace the report seams reads are refused before anything starts (exit 2)', async () => {
    const root = repo({ 'tests/test_x.py': 'def test_x():\n    pass\n' });
    const r = await runCli(['run', 'unit', '--root', root, '--', '--junitxml=mine.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('seams: extra argument --junitxml=mine.xml for pytest: seams sets --junitxml itself to read the results');
    expect(r.stderr).toContain('hint: leave the report options to seams');
    expect(leftBehind(root)).toEqual([]);
  });

  it('a runner that exits without a report: the summary shows the last lines of its log', async () => {
    const root = repo({
      'seams.yaml': `tiers:\n  smoke:\n    command: ${JSON.stringify(['sh', '-c', 'echo starting; echo \'Error: Project(s) "x" not found\' >&2; exit 3'])}\n    results: out.xml\n`,
    });
    const r = await runCli(['run', 'smoke', '--root', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/! smoke · command: command exited with 3 and wrote no report \(see \.seams\/logs\/[^)]+\/smoke-command\.log\)/);
    expect(r.stdout).toContain('      last lines of the log:\n        | starting\n        | Error: Project(s) "x" not found\n');
  });

  it('unknown tiers and bad options are usage errors', async () => {
    const root = repo({ 'seams.yaml': 'tiers:\n  smoke:\n    command: "true"\n' });
    expect((await runCli(['run', 'nope', '--root', root])).stderr).toContain('unknown tier "nope"');
    expect((await runCli(['run', '--shard', '3/2', '--root', root])).code).toBe(2);
    expect((await runCli(['run', '--repeat', '0', '--root', root])).code).toBe(2);
    void readFileSync;
  });
});
