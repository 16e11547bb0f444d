/**
 * The interpreter and its installed packages, read from files only (the identity in the cache key
 * of `scan --resolve`): pyenv shims followed as `pyenv exec` does, virtual environments, and the
 * real installation of this machine compared with what Python itself says.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findInterpreter, locatePython, pythonIdentity, siteFolders } from '../../src/runners/_shared/python-install.js';
import { writeRepo } from '../helpers/repo.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fake pyenv: a shim like pyenv's own, versions with an interpreter file and site-packages. */
function fakePyenv() {
  const root = writeRepo({}, 'seams-pyenv-');
  made.push(root);
  const pyenvRoot = path.join(root, '.pyenv');
  mkdirSync(path.join(pyenvRoot, 'shims'), { recursive: true });
  writeFileSync(
    path.join(pyenvRoot, 'shims', 'python3'),
    `#!/usr/bin/env bash\nset -e\nprogram="\${0##*/}"\n\nexport PYENV_ROOT="${pyenvRoot}"\nexec "${pyenvRoot}/libexec/pyenv" exec "$program" "$@"\n`,
  );
  chmodSync(path.join(pyenvRoot, 'shims', 'python3'), 0o755);
  for (const [v, pytest] of [
    ['3.11.7', '8.3.1'],
    ['3.12.1', '9.0.3'],
    ['3.12.10', '9.1.0'],
  ]) {
    const bin = path.join(pyenvRoot, 'versions', v!, 'bin');
    mkdirSync(bin, { recursive: true });
    const minor = v!.split('.').slice(0, 2).join('.');
    writeFileSync(path.join(bin, `python${minor}`), '');
    symlinkSync(`python${minor}`, path.join(bin, 'python3'));
    mkdirSync(path.join(pyenvRoot, 'versions', v!, 'lib', `python${minor}`, 'site-packages', `pytest-${pytest}.dist-info`), { recursive: true });
  }
  writeFileSync(path.join(pyenvRoot, 'version'), '3.11.7\n');
  const system = path.join(root, 'usr', 'bin');
  mkdirSync(system, { recursive: true });
  writeFileSync(path.join(system, 'python3'), '');
  const env = { PATH: `${path.join(pyenvRoot, 'shims')}:${system}`, HOME: root };
  return { root, pyenvRoot, env, system };
}

describe('a pyenv shim is followed as pyenv exec would', () => {
  it('PYENV_VERSION, then .python-version from the folder upwards, then $PYENV_ROOT/version, else system', () => {
    const p = fakePyenv();
    const project = path.join(p.root, 'project', 'sub');
    mkdirSync(project, { recursive: true });
    const file = (env: Record<string, string>, cwd = p.root) => findInterpreter('python3', { ...p.env, ...env }, cwd)?.file;
    expect(file({})).toBe(path.join(p.pyenvRoot, 'versions/3.11.7/bin/python3'));
    writeFileSync(path.join(p.root, 'project', '.python-version'), '3.12.1\n');
    expect(file({}, project)).toBe(path.join(p.pyenvRoot, 'versions/3.12.1/bin/python3'));
    expect(file({ PYENV_VERSION: '3.11.7' }, project)).toBe(path.join(p.pyenvRoot, 'versions/3.11.7/bin/python3'));
    // a prefix picks the newest installed match, numerically (3.12.10 after 3.12.1)
    expect(file({ PYENV_VERSION: '3.12' })).toBe(path.join(p.pyenvRoot, 'versions/3.12.10/bin/python3'));
    // the first of several versions that has the program
    expect(file({ PYENV_VERSION: '3.99.0:3.12.1' })).toBe(path.join(p.pyenvRoot, 'versions/3.12.1/bin/python3'));
    // system: the next python3 on PATH after the shims
    expect(file({ PYENV_VERSION: 'system' })).toBe(path.join(p.system, 'python3'));
    expect(file({ PYENV_VERSION: '3.99.0' })).toBeUndefined();
  });

  it("the identity names the version's packages; the command starts the version's interpreter with its folder first on PATH", () => {
    const p = fakePyenv();
    const id311 = pythonIdentity('python3', p.env, p.root, 'pytest');
    const id312 = pythonIdentity('python3', { ...p.env, PYENV_VERSION: '3.12.1' }, p.root, 'pytest');
    expect(id311).toContain('pytest-8.3.1.dist-info');
    expect(id312).toContain('pytest-9.0.3.dist-info');
    expect(id311).not.toBe(id312);
    // a package other than pytest installed or upgraded changes it too (a plugin can change ids)
    mkdirSync(path.join(p.pyenvRoot, 'versions/3.11.7/lib/python3.11/site-packages/pytest_xdist-3.6.1.dist-info'));
    expect(pythonIdentity('python3', p.env, p.root, 'pytest')).not.toBe(id311);
    expect(pythonIdentity('python3', p.env, p.root, 'django')).toBeNull();
    const setup = locatePython('python3', p.env, p.root, 'pytest');
    const bin = path.join(p.pyenvRoot, 'versions/3.11.7/bin');
    expect(setup.python).toEqual({ file: path.join(bin, 'python3'), env: { PATH: `${bin}:${p.env.PATH}` } });
    // no shim, nothing to replace
    expect(locatePython(path.join(bin, 'python3'), p.env, p.root, 'pytest').python).toBeUndefined();
  });
});

describe('site folders', () => {
  it("a virtual environment's own packages (and the base's with include-system-site-packages)", () => {
    const p = fakePyenv();
    const base = path.join(p.pyenvRoot, 'versions/3.12.1/bin/python3');
    const venv = path.join(p.root, 'venv');
    mkdirSync(path.join(venv, 'bin'), { recursive: true });
    mkdirSync(path.join(venv, 'lib/python3.12/site-packages/pytest-7.4.0.dist-info'), { recursive: true });
    symlinkSync(base, path.join(venv, 'bin/python3'));
    writeFileSync(path.join(venv, 'pyvenv.cfg'), `home = ${path.dirname(base)}\ninclude-system-site-packages = false\n`);
    const py = path.join(venv, 'bin/python3');
    expect(siteFolders(py, p.env)).toEqual([path.join(venv, 'lib/python3.12/site-packages')]);
    expect(pythonIdentity(py, p.env, p.root, 'pytest')).toContain('pytest-7.4.0.dist-info');
    writeFileSync(path.join(venv, 'pyvenv.cfg'), `home = ${path.dirname(base)}\ninclude-system-site-packages = true\n`);
    expect(siteFolders(py, p.env)).toEqual([path.join(venv, 'lib/python3.12/site-packages'), path.join(p.pyenvRoot, 'versions/3.12.1/lib/python3.12/site-packages')]);
  });

  it('on this machine: the site-packages Python reports, and the installed pytest', () => {
    const exe = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const sitePackages = JSON.parse(
      execFileSync('python3', ['-c', 'import json, site, sys; print(json.dumps([p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]))'], { encoding: 'utf8' }),
    ) as string[];
    const found = siteFolders(findInterpreter('python3', process.env, process.cwd())!.file, process.env).map((d) => realpathSync(d));
    for (const d of sitePackages) expect(found).toContain(realpathSync(d));
    const version = execFileSync('python3', ['-c', 'import pytest; print(pytest.__version__)'], { encoding: 'utf8' }).trim();
    expect(pythonIdentity('python3', process.env, process.cwd(), 'pytest')).toContain(`pytest-${version}.dist-info`);
    expect(realpathSync(findInterpreter('python3', process.env, process.cwd())!.file)).toBe(realpathSync(exe));
  });
});
