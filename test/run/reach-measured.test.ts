import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMeasuredReach } from '../../src/app/reach.js';
import { openStore, type LatestReach } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

/**
 * `seams run --reach` with the real coverage.py (Debian's /usr/bin/python3: pytest 7.2,
 * coverage.py 6.5, pytest-cov 4.0) on test/fixtures/reach-measured, where static reach says every
 * test reaches every module (the package re-exports its API) and measured reach says what ran.
 */

const FIXTURE = path.resolve(__dirname, '../fixtures/reach-measured');
const PYTHON = '/usr/bin/python3';
const hasCoverage = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import coverage, pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** pyenv's python3 has pytest and no coverage.py on this machine (checked, not assumed). */
const python3HasCoverage = (() => {
  try {
    execFileSync('python3', ['-c', 'import coverage'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A copy of the fixture as a git repository (seams writes .seams/ into it). */
function copy(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-reach-'));
  roots.push(root);
  cpSync(FIXTURE, root, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'fixture'], { cwd: root });
  return root;
}

const run = (root: string, ...args: string[]) => runCli(['run', '--root', root, '--db', 'sqlite:h.db', ...args]);

/** test id → sorted files, from the newest measurement of each test. */
function files(l: LatestReach): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const t of l.tests) out[t.id] = t.files.map((i) => l.runs.get(t.run)!.files[i]!.path).sort();
  return out;
}

async function latest(root: string): Promise<LatestReach> {
  const store = await openStore('sqlite:h.db', root);
  try {
    return await store.latestReach({ repo: path.basename(root) });
  } finally {
    await store.close();
  }
}

/** What each test of the fixture executes (setup, call, teardown), by reading the fixture. */
const EXPECTED: Record<string, string[]> = {
  'tests/test_completion.py::test_complete': ['app/completion.py', 'tests/test_completion.py'],
  'tests/test_completion.py::test_completer_repr': ['app/completion.py', 'tests/test_completion.py'],
  'tests/test_core.py::test_double': ['app/core.py', 'tests/test_core.py'],
  'tests/test_core.py::test_double_param[1]': ['app/core.py', 'tests/test_core.py'],
  'tests/test_core.py::test_double_param[3]': ['app/core.py', 'tests/test_core.py'],
  // the fixture in conftest.py calls app/config.py
  'tests/test_core.py::test_mode': ['app/config.py', 'tests/conftest.py', 'tests/test_core.py'],
  // app/client.py is imported by the service and patched by the test: never executed
  'tests/test_service.py::test_sync': ['app/service.py', 'tests/test_service.py'],
  'tests/test_service.py::test_sync_fails_loudly': ['app/service.py', 'tests/test_service.py'],
};

describe.skipIf(!hasCoverage)('seams run --reach (coverage.py of /usr/bin/python3)', () => {
  it('stores per test exactly the repository files it executed, with the commit', async () => {
    const root = copy();
    const r = await run(root, '--reach', '--python', PYTHON);
    expect(r.stderr).toMatch(/^tier unit: 8 tests, \d+ passed[^\n]* in \d+s\n$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Reach: measured 8 tests (8 repository files), stored with the run');
    const l = await latest(root);
    expect(files(l)).toEqual(EXPECTED);
    // nothing executed the re-exporting __init__.py, the TYPE_CHECKING-only import or the mocked client within a test
    const all = new Set(Object.values(files(l)).flat());
    expect(all.has('app/__init__.py')).toBe(false);
    expect(all.has('app/client.py')).toBe(false);
    const [runInfo] = [...l.runs.values()];
    expect(runInfo!.commit).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim());

    // read back as core's value: nothing changed, nothing stale
    const store = await openStore('sqlite:h.db', root);
    try {
      const inventory = { name: path.basename(root), tests: [] };
      let m = await loadMeasuredReach(root, store, inventory);
      expect(m.tests.get('pytest||tests/test_service.py::test_sync')).toEqual({ run: runInfo!.id, files: EXPECTED['tests/test_service.py::test_sync'], stale: false });
      expect([...m.tests.values()].some((t) => t.stale)).toBe(false);
      // an executed file changes: the tests that executed it are stale, the others are not
      writeFileSync(path.join(root, 'app/service.py'), 'from app import client\n\n\ndef sync(url):\n    return client.fetch_remote(url).lower()\n');
      m = await loadMeasuredReach(root, store, inventory);
      const stale = [...m.tests].filter(([, t]) => t.stale).map(([k]) => k).sort();
      expect(stale).toEqual(['pytest||tests/test_service.py::test_sync', 'pytest||tests/test_service.py::test_sync_fails_loudly']);
      // the client is not among their files: changing it marks nothing (it was never executed)
      execFileSync('git', ['checkout', '-q', 'app/service.py'], { cwd: root });
      writeFileSync(path.join(root, 'app/client.py'), '# changed\n');
      m = await loadMeasuredReach(root, store, inventory);
      expect([...m.tests.values()].some((t) => t.stale)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('stores the same in PostgreSQL', async () => {
    const root = copy();
    const schema = `seams_reach_e2e_${process.pid}`;
    const url = `${process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test'}?schema=${schema}`;
    try {
      const r = await runCli(['run', '--root', root, '--db', url, '--reach', '--python', PYTHON]);
      expect(r.code).toBe(0);
      const store = await openStore(url, root);
      try {
        expect(files(await store.latestReach({ repo: path.basename(root) }))).toEqual(EXPECTED);
      } finally {
        await store.close();
      }
    } finally {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: process.env.SEAMS_TEST_PG ?? 'postgresql://root@127.0.0.1:5432/test' });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  });

  it('a rerun replaces the latest measurement of the tests it ran; an incomplete run stores none', async () => {
    const root = copy();
    expect((await run(root, '--reach', '--python', PYTHON)).code).toBe(0);
    const first = await latest(root);
    const firstRun = first.tests[0]!.run;
    // seams.yaml turns reach on; only test_core's tests run this time
    writeFileSync(path.join(root, 'seams.yaml'), `run:\n  reach: measured\n${readFileSync(path.join(FIXTURE, 'seams.yaml'), 'utf8')}`);
    const again = await run(root, '--python', PYTHON, '--', '-k', 'double');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Reach: measured 3 tests');
    const second = await latest(root);
    const runOf = Object.fromEntries(second.tests.map((t) => [t.id, t.run]));
    const secondRun = runOf['tests/test_core.py::test_double']!;
    expect(secondRun).not.toBe(firstRun);
    expect(Object.entries(runOf).filter(([, r]) => r === secondRun).map(([id]) => id).sort()).toEqual([
      'tests/test_core.py::test_double',
      'tests/test_core.py::test_double_param[1]',
      'tests/test_core.py::test_double_param[3]',
    ]);
    expect(runOf['tests/test_core.py::test_mode']).toBe(firstRun);
    expect(files(second)).toEqual(EXPECTED);

    // --no-reach overrides seams.yaml: the run is stored, no reach with it
    const off = await run(root, '--no-reach', '--python', PYTHON);
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('Reach:');
    // pytest stops on a usage error and writes no report: the run is stored (as incomplete), its reach is not
    const broken = await run(root, '--python', PYTHON, '--', '--no-such-option');
    expect(broken.stdout).toContain('Reach: nothing measured, nothing stored');
    expect(broken.stdout).toContain('Reach: unit · pytest not measured: it wrote no report');
    const after = await latest(root);
    expect(Object.fromEntries(after.tests.map((t) => [t.id, t.run]))).toEqual(runOf);
    const store = await openStore('sqlite:h.db', root);
    try {
      expect((await store.listRuns({ includeIncomplete: true })).map((r) => r.status)).toEqual(['incomplete', 'passed', 'passed', 'passed']);
      expect((await store.listRuns()).length).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('says which tests keep static reach (a tier command here; Vitest and Jest alike)', async () => {
    const root = copy();
    writeFileSync(path.join(root, 'seams.yaml'), `${readFileSync(path.join(FIXTURE, 'seams.yaml'), 'utf8').replace('tiers:\n', 'tiers:\n  smoke:\n    command: "true"\n')}`);
    const r = await run(root, '--reach', '--python', PYTHON);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Reach: measured 8 tests');
    expect(r.stdout).toContain('Reach: 1 command test keeps static reach (the command of tier smoke is not one seams can measure)');
  });

  it('measures a tier command that runs <python> -m pytest; one that starts the pytest script keeps static reach', async () => {
    const root = copy();
    const yaml = readFileSync(path.join(FIXTURE, 'seams.yaml'), 'utf8');
    writeFileSync(path.join(root, 'seams.yaml'), yaml.replace('    paths: [tests/**]\n', `    paths: [tests/**]\n    command: "${PYTHON} -m pytest -q"\n`));
    const r = await run(root, '--reach');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Reach: measured 8 tests');
    expect(files(await latest(root))).toEqual(EXPECTED);
    // the same command through pyenv's python3, which has pytest but no coverage.py: pre-flight says so
    writeFileSync(path.join(root, 'seams.yaml'), yaml.replace('    paths: [tests/**]\n', '    paths: [tests/**]\n    command: "python3 -m pytest -q"\n'));
    const missing = await run(root, '--reach');
    expect(missing.code).toBe(python3HasCoverage ? 0 : 2);
    if (!python3HasCoverage) expect(missing.stderr).toMatch(/^seams: coverage is not installed for python3 \(.*\)\nhint: .*pip install coverage/);
    // a command that starts the pytest script: not measured, said so
    writeFileSync(path.join(root, 'seams.yaml'), yaml.replace('    paths: [tests/**]\n', '    paths: [tests/**]\n    command: "pytest -q"\n'));
    const script = await run(root, '--reach');
    expect(script.stdout).toContain('Reach: 8 pytest tests keep static reach (the command of tier unit is not one seams can measure)');
  });

  it('goes on past a file that fails to collect, and names it', async () => {
    const root = copy();
    writeFileSync(path.join(root, 'tests/test_broken.py'), 'import not_a_module_anywhere\n\n\ndef test_never():\n    pass\n');
    const r = await run(root, '--reach', '--python', PYTHON);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Reach: 1 file failed to collect (the run went on without it): tests/test_broken.py');
    expect(r.stdout).toContain('Reach: measured 8 tests');
    expect(files(await latest(root))).toEqual(EXPECTED);
  });

  it("keeps the repository's pytest-cov and coverage settings out of the measurement", async () => {
    const root = copy();
    // pytest-cov turned on by addopts, and a .coveragerc that would measure nothing of app/
    writeFileSync(path.join(root, 'pytest.ini'), '[pytest]\ntestpaths = tests\naddopts = --cov=app --cov-report=term\n');
    writeFileSync(path.join(root, '.coveragerc'), '[run]\nomit = app/*\nbranch = True\n[report]\nfail_under = 100\n');
    const r = await run(root, '--reach', '--python', PYTHON);
    expect(r.code).toBe(0);
    expect(files(await latest(root))).toEqual(EXPECTED);
  });

  it('a missing coverage.py is a pre-flight error with an install hint (exit 2), and nothing is stored', async () => {
    const root = copy();
    // pyenv's python3 has pytest, not coverage.py
    expect(python3HasCoverage).toBe(false);
    const r = await run(root, '--reach', '--python', 'python3');
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^seams: coverage is not installed for python3 \(.*No module named 'coverage'\)$/);
    expect(lines[1]).toMatch(/^hint: .*apt-get install python3-coverage.*pip install coverage.*--python or SEAMS_PYTHON/);
    expect(existsSync(path.join(root, 'h.db'))).toBe(false);
  });
});
