import { describe, expect, it } from 'vitest';
import { pytestPlugin } from '../../src/runners/pytest/plugin.js';
import { REACH_PLUGIN_MODULE, reachRcFile } from '../../src/runners/pytest/reach.js';
import { SEAMS_PYTHON_DIR } from '../../src/runners/pytest/command.js';

/** The pure side of pytest's measured reach: the wrapped command, seams' rc file, context names → ids. */

const reach = pytestPlugin.reach;
const input = { root: '/repo', rootDir: '.', python: '/usr/bin/python3', workDir: '/tmp/w', tag: 'unit-pytest-0', pythonPath: '/extra:/more' };

describe('pytest reach', () => {
  it('runs the built command under coverage.py with seams rc file and plugin, keeping every argument', () => {
    const spec = pytestPlugin.buildCommand({
      root: '/repo',
      project: null,
      rootDir: '.',
      tests: [],
      allTests: [],
      exclude: new Set(),
      resultFile: '/tmp/w/unit-pytest-0.report',
      workDir: '/tmp/w',
      extraArgs: ['-k', 'db'],
      python: '/usr/bin/python3',
      pythonPath: input.pythonPath,
    });
    const w = reach.wrap(spec, input);
    expect(w.spec.argv.slice(0, 10)).toEqual(['/usr/bin/python3', '-m', 'coverage', 'run', '--rcfile=/tmp/w/unit-pytest-0.coveragerc', '-m', 'pytest', '-p', REACH_PLUGIN_MODULE, '--continue-on-collection-errors']);
    expect(w.spec.argv.slice(10)).toEqual(spec.argv.slice(3));
    expect(w.spec.argv).toContain('--junitxml=/tmp/w/unit-pytest-0.report');
    // the reach plugin, then seams' own plugin of the built command, then the run's PYTHONPATH
    expect(w.spec.argv).toContain('seams_pytest');
    expect(w.spec.env).toMatchObject({ PYTHONPATH: `/tmp/w/seams-reach-plugin:${SEAMS_PYTHON_DIR}:/extra:/more`, COVERAGE_RCFILE: '/tmp/w/unit-pytest-0.coveragerc', COVERAGE_FILE: '/tmp/w/unit-pytest-0.coverage' });
    expect(w.dataFile).toBe('/tmp/w/unit-pytest-0.coverage');
    expect(w.spec.files!.map((f) => f.path).sort()).toEqual(['/tmp/w/seams-reach-plugin/seams_reach.py', '/tmp/w/unit-pytest-0.coveragerc']);
    expect(w.completeExitCodes).toEqual([0, 1, 5]);
    expect(reach.requirements({ rootDir: '.', python: 'python3' })).toEqual([expect.objectContaining({ kind: 'python-module', module: 'coverage' })]);
  });

  it("writes an rc file that measures the repository and nothing of the repository's own settings", () => {
    const rc = reachRcFile({ ...input, root: '/home/a$b/repo' }, '/tmp/w/x.coverage');
    expect(rc).toContain('source = /home/a$$b/repo\n'); // coverage.py expands $VAR; $$ is a dollar
    expect(rc).toContain('data_file = /tmp/w/x.coverage\n');
    expect(rc).toMatch(/parallel = False\nbranch = False\n/);
  });

  it('maps context names to ids relative to seams runner root, whatever rootdir pytest reports', () => {
    expect(reach.testOf('', '/repo', input)).toBeNull();
    expect(reach.testOf('tests/test_a.py::T::test_x[1-a::b]', '/repo', input)).toBe('tests/test_a.py::T::test_x[1-a::b]');
    expect(reach.testOf('tests/test_a.py::test_x', null, input)).toBe('tests/test_a.py::test_x');
    // pytest chose a rootdir below the runner root
    expect(reach.testOf('test_a.py::test_x', '/repo/tests', input)).toBe('tests/test_a.py::test_x');
    // … and above it
    expect(reach.testOf('py/tests/test_a.py::test_x', '/repo', { ...input, rootDir: 'py' })).toBe('tests/test_a.py::test_x');
    expect(reach.collectErrorFile('test_bad.py', '/repo/tests', input)).toBe('tests/test_bad.py');
    expect(reach.collectErrorFile('tests/test_bad.py', null, { ...input, rootDir: 'py' })).toBe('py/tests/test_bad.py');
  });
});
