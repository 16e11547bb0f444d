import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEAMS_PYTEST_PLUGIN, SEAMS_PYTHON_DIR, adoptPytestCommand, buildPytestCommand } from '../../src/runners/pytest/command.js';

/** seams' own pytest plugin (python/seams_pytest/): shipped in the package, loaded into every pytest command seams builds. */

const REPO = path.join(import.meta.dirname, '../..');
const input = (pythonPath?: string) => ({
  root: '/repo',
  project: null,
  rootDir: '.',
  tests: [],
  allTests: [],
  exclude: new Set<string>(),
  resultFile: '/tmp/w/unit-pytest-0.report',
  workDir: '/tmp/w',
  extraArgs: ['-k', 'db'],
  python: 'python3',
  ...(pythonPath ? { pythonPath } : {}),
});

describe('seams_pytest', () => {
  it('is found in the package python/ folder from src/ and from the built dist/ alike', async () => {
    expect(SEAMS_PYTHON_DIR).toBe(path.join(REPO, 'python'));
    expect(existsSync(path.join(SEAMS_PYTHON_DIR!, SEAMS_PYTEST_PLUGIN, '__init__.py'))).toBe(true);
    const dist = (await import(path.join(REPO, 'dist/runners/pytest/command.js'))) as { SEAMS_PYTHON_DIR: string | null };
    expect(dist.SEAMS_PYTHON_DIR).toBe(path.join(REPO, 'python'));
  });

  it('the built command loads it with -p, its folder before the run PYTHONPATH; the user arguments still come last', () => {
    const spec = buildPytestCommand(input(`/extra${path.delimiter}/more`));
    expect(spec.argv.slice(0, 7)).toEqual(['python3', '-m', 'pytest', '-p', 'no:cacheprovider', '-p', 'seams_pytest']);
    expect(spec.argv.slice(-2)).toEqual(['-k', 'db']);
    expect(spec.env).toEqual({ PYTHONPATH: [SEAMS_PYTHON_DIR, '/extra', '/more'].join(path.delimiter) });
    expect(buildPytestCommand(input()).env).toEqual({ PYTHONPATH: SEAMS_PYTHON_DIR });
  });

  it('a tier command is adopted without it (its pytest may not see seams PYTHONPATH)', () => {
    const spec = adoptPytestCommand(['tox', '-e', 'py', '--', 'pytest'], '/tmp/r.xml', [])!;
    expect(spec.argv).not.toContain('seams_pytest');
    expect(spec.env).toEqual({});
  });

  it('is in the npm package (package.json "files")', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of ['python/seams_pytest/__init__.py', 'python/seams_pytest/outcomes.py', 'python/seams_pytest/live.py', 'python/seams_events.py']) expect(files).toContain(f);
  }, 60_000);
});
