import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunners } from '../../src/execute/preflight.js';
import { locateJsRunner } from '../../src/runners/js/installed.js';
import { jsAddDevCommand, jsInstallCommand, jsPackageManager, pythonAddCommand, pythonPackageManager } from '../../src/workspace/package-manager.js';

const base = mkdtempSync(path.join(os.tmpdir(), 'seams-pm-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function repo(files: Record<string, string>): string {
  const root = path.join(base, `r${n++}`);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

describe('jsPackageManager', () => {
  it.each([
    ['package-lock.json', 'npm'],
    ['npm-shrinkwrap.json', 'npm'],
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lockb', 'bun'],
    ['bun.lock', 'bun'],
  ] as const)('%s → %s', (lock, pm) => {
    expect(jsPackageManager(repo({ 'package.json': '{}', [lock]: '' }))).toBe(pm);
  });

  it('is npm when nothing says otherwise', () => {
    expect(jsPackageManager(repo({ 'package.json': '{}' }))).toBe('npm');
  });

  it('takes the packageManager field before a lockfile, with or without a version', () => {
    expect(jsPackageManager(repo({ 'package.json': '{"packageManager":"pnpm@9.1.0+sha512.abc"}', 'package-lock.json': '' }))).toBe('pnpm');
    expect(jsPackageManager(repo({ 'package.json': '{"packageManager":"yarn"}' }))).toBe('yarn');
    // a field it does not know, or a broken package.json, falls through to the lockfile
    expect(jsPackageManager(repo({ 'package.json': '{"packageManager":"deno@2"}', 'bun.lock': '' }))).toBe('bun');
    expect(jsPackageManager(repo({ 'package.json': '{ not json', 'yarn.lock': '' }))).toBe('yarn');
  });

  it('finds a workspace lockfile above the package, but never above stopAt', () => {
    const root = repo({ 'pnpm-lock.yaml': '', 'packages/web/package.json': '{}' });
    expect(jsPackageManager(path.join(root, 'packages/web'), root)).toBe('pnpm');
    // the nearest one wins: a package with its own lockfile
    writeFileSync(path.join(root, 'packages/web/yarn.lock'), '');
    expect(jsPackageManager(path.join(root, 'packages/web'), root)).toBe('yarn');
    // stopAt below the lockfile's folder: not seen
    const outer = repo({ 'yarn.lock': '', 'inner/package.json': '{}' });
    expect(jsPackageManager(path.join(outer, 'inner'), path.join(outer, 'inner'))).toBe('npm');
    expect(jsPackageManager(path.join(outer, 'inner'))).toBe('npm'); // no stopAt: the folder alone
  });

  it('names the commands of each manager', () => {
    expect(['npm', 'pnpm', 'yarn', 'bun'].map((pm) => jsInstallCommand(pm as 'npm'))).toEqual(['npm install', 'pnpm install', 'yarn install', 'bun install']);
    expect(jsAddDevCommand('npm', 'x.tgz')).toBe('npm install --save-dev x.tgz');
    expect(jsAddDevCommand('pnpm', 'x.tgz')).toBe('pnpm add -D x.tgz');
    expect(jsAddDevCommand('yarn', 'x.tgz')).toBe('yarn add -D x.tgz');
    expect(jsAddDevCommand('bun', 'x.tgz')).toBe('bun add -d x.tgz');
  });
});

describe('pythonPackageManager', () => {
  it('uv.lock → uv, poetry.lock or [tool.poetry] → poetry, else pip', () => {
    expect(pythonPackageManager(repo({ 'uv.lock': '', 'pyproject.toml': '[project]\nname="x"\n' }))).toBe('uv');
    expect(pythonPackageManager(repo({ 'poetry.lock': '' }))).toBe('poetry');
    expect(pythonPackageManager(repo({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n' }))).toBe('poetry');
    expect(pythonPackageManager(repo({ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.10"\n' }))).toBe('poetry');
    expect(pythonPackageManager(repo({ 'pyproject.toml': '[tool.uv]\ndev-dependencies = []\n' }))).toBe('uv');
    expect(pythonPackageManager(repo({ 'pyproject.toml': '[project]\nname = "x"\n# [tool.poetry] in a comment\n', 'requirements.txt': 'pytest\n' }))).toBe('pip');
    expect(pythonPackageManager(repo({}))).toBe('pip');
  });

  it('names the commands of each manager', () => {
    expect(pythonAddCommand('pip', 'pytest', '/usr/bin/python3')).toBe('/usr/bin/python3 -m pip install pytest');
    expect(pythonAddCommand('uv', 'pytest')).toBe('uv add --dev pytest');
    expect(pythonAddCommand('poetry', 'pytest')).toBe('poetry add --group dev pytest');
  });
});

describe('install hints name the repository\'s package manager', () => {
  const noPath = { PATH: '' };
  it('runner pre-flight: a missing vitest in a pnpm workspace package says cd web && pnpm install', () => {
    const root = repo({ 'pnpm-lock.yaml': '', 'web/package.json': '{}' });
    const [problem] = checkRunners(root, [{ runner: 'vitest', rootDir: 'web' }], [], noPath);
    expect(problem?.reason).toMatch(/vitest is not installed in web\//);
    expect(problem?.hint).toBe('cd web && pnpm install');
    const npmRoot = repo({ 'package.json': '{}' });
    expect(checkRunners(npmRoot, [{ runner: 'vitest', rootDir: '.' }], [], noPath)[0]?.hint).toBe('npm install');
  });

  it('runner pre-flight: a Python module missing in a uv or poetry project says uv add / poetry add', () => {
    // an interpreter without site-packages (-S -I): pytest and coverage are missing for certain
    const bare = path.join(base, 'bare-python');
    writeFileSync(bare, '#!/bin/sh\nexec python3 -S -I "$@"\n', { mode: 0o755 });
    const check = (root: string) => checkRunners(root, [{ runner: 'pytest', rootDir: '.' }], [], process.env, bare, { probeModules: true });
    const uv = check(repo({ 'uv.lock': '', 'tests/test_x.py': 'def test_x(): pass\n' }));
    expect(uv.find((p) => /pytest is not installed/.test(p.reason))?.hint).toBe('uv add --dev pytest');
    const poetry = check(repo({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n' }));
    expect(poetry.find((p) => /pytest is not installed/.test(p.reason))?.hint).toBe('poetry add --group dev pytest');
    // pip keeps the runner's own hint, with the interpreter in it
    const pip = check(repo({ 'requirements.txt': 'pytest\n' }));
    expect(pip.find((p) => /pytest is not installed/.test(p.reason))?.hint).toBe(`${bare} -m pip install pytest (or the project's requirements)`);
  });

  it('the JS collector says which install to run', () => {
    const root = repo({ 'yarn.lock': '', 'app/package.json': '{}' });
    expect(locateJsRunner(root, 'app', ['vitest'], 'vitest').missing).toMatch(/run yarn install\)$/);
  });
});
