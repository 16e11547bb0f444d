import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { executeRun } from '../../src/execute/run.js';
import { findInvocations, parseUnittestArgs } from '../../src/runners/unittest/invocations.js';
import { unittestPlugin } from '../../src/runners/unittest/index.js';
import { scanRepo } from '../../src/scan/index.js';
import { writeRepo } from '../helpers/repo.js';

const PYTHON = '/usr/bin/python3';
const FIXTURE = path.resolve('test/fixtures/unittest/calc');

function copy(fixture: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-unittest-'));
  cpSync(fixture, root, { recursive: true });
  return root;
}

const repo = (files: Record<string, string>): string => writeRepo(files, 'seams-unittest-');

/** The ids `python -m unittest discover … -v` runs, from its own output. */
function realIds(cwd: string, args: string[]): string[] {
  const r = spawnSync(PYTHON, ['-m', 'unittest', 'discover', ...args, '-v'], { cwd, encoding: 'utf8' });
  const ids = new Set<string>();
  for (const line of `${r.stderr}`.split('\n')) {
    const m = /^(\w+) \(([\w.]+)\) \.\.\. /.exec(line);
    if (m) ids.add(m[2]!);
  }
  return [...ids].sort();
}

const EXPECTED = [
  'tests.check_ops.AddTests.test_add',
  'tests.check_ops.AddTests.test_add_wrong',
  'tests.check_ops.AddTests.test_common',
  'tests.check_ops.AddTests.test_platform',
  'tests.check_ops.DivTests.test_div_float',
  'tests.check_ops.DivTests.test_div_zero',
  'tests.unit.check_more.More.testCamel',
  'tests.unit.check_more.More.test_more',
  'tests.unit.check_more.Pending.test_later',
];

describe('unittest runner: how the repo runs its tests', () => {
  it('reads -s/-p/-t in their long, short and positional forms', () => {
    expect(parseUnittestArgs(' discover -s tests -p "check_*.py" -t . {posargs}')).toEqual({ start: 'tests', pattern: 'check_*.py', top: '.', names: [] });
    expect(parseUnittestArgs(' discover --start-directory=src/tests --pattern=*_test.py')).toEqual({ start: 'src/tests', pattern: '*_test.py', top: null, names: [] });
    expect(parseUnittestArgs(' discover tests "t_*.py" .')).toEqual({ start: 'tests', pattern: 't_*.py', top: '.', names: [] });
    expect(parseUnittestArgs(' -v')).toEqual({ start: '.', pattern: 'test*.py', top: null, names: [] });
    expect(parseUnittestArgs(' tests.test_a tests.test_b')!.names).toEqual(['tests.test_a', 'tests.test_b']);
  });

  it('finds invocations in tox.ini, Makefile, workflows (working-directory), package.json and pyproject.toml', () => {
    const root = repo({
      'tox.ini': '[testenv]\ncommands =\n    {envpython} -m unittest discover -s tests -v\n',
      'Makefile': 'test:\n\tcd lib && python3 -m unittest discover \\\n\t  -s lib_tests -p "*_test.py"\n',
      '.github/workflows/ci.yml': 'jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: |\n          pip install .\n          python -m unittest discover -s suite\n        working-directory: tools\n',
      'web/package.json': JSON.stringify({ scripts: { pytest: 'echo', py: 'python -m unittest discover -s pyt' } }),
      'pyproject.toml': '[tool.hatch.envs.default.scripts]\ntest = "python -m unittest discover -s hatch_tests"\n',
    });
    const found = findInvocations(root, ['tox.ini', 'Makefile', '.github/workflows/ci.yml', 'web/package.json', 'pyproject.toml']).map((i) => [i.source, i.cwd, i.start, i.pattern]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['tox.ini', '', 'tests', 'test*.py'],
        ['Makefile', '', 'lib_tests', '*_test.py'],
        ['.github/workflows/ci.yml', 'tools', 'suite', 'test*.py'],
        ['web/package.json', 'web', 'pyt', 'test*.py'],
        ['pyproject.toml', '', 'hatch_tests', 'test*.py'],
      ]),
    );
  });
});

describe('unittest runner: static discovery', () => {
  it('lists what python -m unittest discover -s tests -p check_*.py -t . runs (packages only, pattern, inheritance across modules)', async () => {
    const inv = await scanRepo(FIXTURE);
    expect(inv.tests.filter((t) => t.runner === 'unittest').map((t) => t.id).sort()).toEqual(EXPECTED);
    expect(realIds(FIXTURE, ['-s', 'tests', '-p', 'check_*.py', '-t', '.'])).toEqual(EXPECTED);
    expect(inv.runners).toEqual([{ runner: 'unittest', project: null, rootDir: '.', configFile: 'Makefile' }]);
    // the files pytest would collect by default are not claimed twice
    expect(inv.tests.filter((t) => t.runner !== 'unittest')).toEqual([]);
    const by = Object.fromEntries(inv.tests.map((t) => [t.id, t]));
    expect(by['tests.check_ops.AddTests.test_platform']!.status).toBe('skip');
    expect(by['tests.check_ops.DivTests.test_div_float']!.status).toBe('xfail');
    expect(by['tests.unit.check_more.Pending.test_later']!.status).toBe('skip');
    expect(by['tests.check_ops.AddTests.test_common']!.refs.requirements).toEqual(['REQ-201']);
  });

  it('without -t, module names start below the start folder (the implicit top level)', async () => {
    const root = repo({
      'Makefile': 'test:\n\tpython3 -m unittest discover -s tests\n',
      'tests/test_a.py': 'import unittest\nclass A(unittest.TestCase):\n    def test_a(self):\n        pass\n',
      'tests/sub/__init__.py': '',
      'tests/sub/test_b.py': 'from unittest import TestCase\nclass B(TestCase):\n    def test_b(self):\n        pass\n',
      'tests/ns/test_c.py': 'from unittest import TestCase\nclass C(TestCase):\n    def test_c(self):\n        pass\n',
    });
    const inv = await scanRepo(root);
    const ids = inv.tests.map((t) => t.id).sort();
    expect(ids).toEqual(['sub.test_b.B.test_b', 'test_a.A.test_a']);
    expect(realIds(root, ['-s', 'tests'])).toEqual(ids);
  });

  it('a repo that does not run unittest is left to pytest; seams.yaml runners: chooses unittest for a folder', async () => {
    const files = {
      'tools/tests/__init__.py': '',
      'tools/tests/test_t.py': 'import unittest\nclass T(unittest.TestCase):\n    def test_t(self):\n        pass\n',
      'app/test_app.py': 'def test_app():\n    pass\n',
    };
    const plain = await scanRepo(repo(files));
    expect(new Set(plain.tests.map((t) => t.runner))).toEqual(new Set(['pytest']));
    const chosen = await scanRepo(repo(files), { runners: { 'tools/': ['unittest'] } });
    expect(chosen.tests.map((t) => [t.runner, t.id]).sort()).toEqual([
      ['pytest', 'app/test_app.py::test_app'],
      ['unittest', 'tests.test_t.T.test_t'],
    ]);
  });
});

describe('unittest runner with the real interpreter', () => {
  it('--verify: the native listing matches the inventory', async () => {
    const inv = await scanRepo(FIXTURE);
    const [report] = await unittestPlugin.verify(FIXTURE, inv, { python: PYTHON });
    expect(report!.error).toBeUndefined();
    expect(report).toMatchObject({ runner: 'unittest', nativeCount: EXPECTED.length, matched: EXPECTED.length, missing: [], extra: [], matchRate: 1 });
  }, 60_000);

  it('seams run stores per-test results with the outcomes mapped', async () => {
    const root = copy(FIXTURE);
    execFileSync('git', ['init', '-q'], { cwd: root });
    const config = await loadConfig(root);
    const inventory = await scanRepo(root);
    const o = await executeRun({ root, inventory, config, tiers: ['unit'], env: { ...process.env, SEAMS_PYTHON: PYTHON }, log: () => {} });
    const by = Object.fromEntries(o.run.results.map((r) => [r.id, r]));
    expect(by['tests.check_ops.AddTests.test_add']).toMatchObject({ status: 'passed', known: true, runner: 'unittest', file: 'tests/check_ops.py' });
    expect(by['tests.check_ops.AddTests.test_common']!.status).toBe('passed');
    expect(by['tests.check_ops.AddTests.test_add_wrong']).toMatchObject({ status: 'failed', message: expect.stringContaining('3 != 4') });
    expect(by['tests.check_ops.DivTests.test_div_zero']).toMatchObject({ status: 'error', message: expect.stringContaining('ZeroDivisionError') });
    expect(by['tests.check_ops.AddTests.test_platform']).toMatchObject({ status: 'skipped', reason: 'never on this platform' });
    expect(by['tests.check_ops.DivTests.test_div_float']).toMatchObject({ status: 'xfailed', reason: expect.stringMatching(/^xfail: /) });
    expect(by['tests.unit.check_more.Pending.test_later']).toMatchObject({ status: 'skipped', reason: 'not ready' });
    expect(o.run.results.every((r) => r.known)).toBe(true);
    expect(o.run.results).toHaveLength(EXPECTED.length);
  }, 120_000);
});
