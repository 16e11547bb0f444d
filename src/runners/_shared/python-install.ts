import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CollectorSetup } from '../contract.js';

/**
 * The installed Python packages of an interpreter, read from files only: the cache of
 * `scan --resolve` keys on them, and a cached resolution must start no process (not even
 * `python -c 'import pytest'`, ~250 ms).
 *
 * How the interpreter is found, as the shell would: a path as given, else the first match on
 * PATH; a pyenv shim (a bash script) is followed like `pyenv exec` does — `PYENV_VERSION`, then
 * `.python-version` from the working folder upwards, then `$PYENV_ROOT/version`, else `system`
 * (the next match on PATH) — to `$PYENV_ROOT/versions/<v>/bin/<name>`. Its site folders: a
 * virtual environment's own (`pyvenv.cfg`; the base's too with include-system-site-packages),
 * else the installation's `lib/python3.X/site-packages` (Debian: `dist-packages`) and the user
 * site.
 */

type Env = Readonly<Record<string, string | undefined>>;

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** `name` as the shell would find it: a path (relative to `cwd`), else the first match on PATH. */
export function onPath(name: string, env: Env, cwd: string, skipDir?: string): string | null {
  if (name.includes('/')) {
    const p = path.resolve(cwd, name);
    return isFile(p) ? p : null;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || (skipDir && path.resolve(dir) === path.resolve(skipDir))) continue;
    const p = path.join(dir, name);
    if (isFile(p)) return p;
  }
  return null;
}

/** PYENV_ROOT of a pyenv shim (its script exports it), or null when `file` is not a shim. */
export function pyenvRootOfShim(file: string): string | null {
  let head: string;
  try {
    head = readFileSync(file, { encoding: 'latin1' }).slice(0, 2000);
  } catch {
    return null;
  }
  if (!head.startsWith('#!') || !/pyenv"? exec /.test(head)) return null;
  const m = /export PYENV_ROOT="([^"]+)"/.exec(head);
  return m ? m[1]! : null;
}

/** The pyenv version names in effect (`3.11.7`, `system`), as `pyenv version-name` reads them. */
export function pyenvVersions(pyenvRoot: string, env: Env, cwd: string): string[] {
  const split = (text: string) =>
    text
      .split(/[\s:]+/)
      .map((v) => v.trim())
      .filter((v) => v && !v.startsWith('#'));
  if (env.PYENV_VERSION) return split(env.PYENV_VERSION);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const f = path.join(dir, '.python-version');
    if (isFile(f)) return split(readFileSync(f, 'utf8'));
    if (dir === path.dirname(dir)) break;
  }
  const global = path.join(pyenvRoot, 'version');
  if (isFile(global)) return split(readFileSync(global, 'utf8'));
  return ['system'];
}

/** A pyenv version name to its folder; a prefix (`3.11`) picks the newest installed match. */
function pyenvVersionDir(pyenvRoot: string, v: string): string | null {
  const dir = path.join(pyenvRoot, 'versions', v);
  if (existsSync(dir)) return dir;
  let names: string[];
  try {
    names = readdirSync(path.join(pyenvRoot, 'versions'));
  } catch {
    return null;
  }
  const num = (s: string) => s.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const match = names.filter((n) => n.startsWith(`${v}.`) && /^[\d.]+$/.test(n)).sort((a, b) => {
    const [x, y] = [num(a), num(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  });
  return match.length ? path.join(pyenvRoot, 'versions', match[match.length - 1]!) : null;
}

/** The interpreter file `python` starts (pyenv shims followed), not resolved through symlinks; null when not found. */
export function interpreterFile(python: string, env: Env, cwd: string): string | null {
  return findInterpreter(python, env, cwd)?.file ?? null;
}

/** The interpreter file, and whether a pyenv shim led to it (then `pyenv exec` would put its folder first on PATH). */
export function findInterpreter(python: string, env: Env, cwd: string): { file: string; viaPyenv: boolean } | null {
  let file = onPath(python, env, cwd);
  for (let hops = 0; file && hops < 3; hops++) {
    const pyenvRoot = pyenvRootOfShim(file);
    if (!pyenvRoot) return { file, viaPyenv: hops > 0 };
    const program = path.basename(file);
    let next: string | null = null;
    for (const v of pyenvVersions(pyenvRoot, env, cwd)) {
      if (v === 'system') {
        next = onPath(program, env, cwd, path.dirname(file));
      } else {
        const dir = pyenvVersionDir(pyenvRoot, v);
        const candidate = dir && path.join(dir, 'bin', program);
        next = candidate && isFile(candidate) ? candidate : null;
      }
      if (next) break;
    }
    file = next;
  }
  return null;
}

/** The folders Python would import installed packages from. */
export function siteFolders(exe: string, env: Env): string[] {
  let real: string;
  try {
    real = realpathSync(exe);
  } catch {
    return [];
  }
  const version = /python(\d+\.\d+)/.exec(path.basename(real))?.[1] ?? /python(\d+\.\d+)/.exec(path.basename(exe))?.[1];
  const libDirs = (prefix: string): string[] => {
    const lib = path.join(prefix, 'lib');
    if (version) return [path.join(lib, `python${version}`)];
    try {
      return readdirSync(lib)
        .filter((n) => /^python3\.\d+$/.test(n))
        .map((n) => path.join(lib, n));
    } catch {
      return [];
    }
  };
  const installSites = (prefix: string): string[] => [
    ...libDirs(prefix).flatMap((d) => [path.join(d, 'site-packages'), path.join(d, 'dist-packages')]),
    // Debian: /usr/lib/python3/dist-packages and /usr/local/lib/python3.X/dist-packages
    path.join(prefix, 'lib', 'python3', 'dist-packages'),
    ...libDirs(path.join(prefix, 'local')).map((d) => path.join(d, 'dist-packages')),
  ];
  const base = path.dirname(path.dirname(real));
  const venv = path.dirname(path.dirname(exe));
  const cfgFile = path.join(venv, 'pyvenv.cfg');
  const out: string[] = [];
  if (isFile(cfgFile)) {
    out.push(...installSites(venv));
    if (/^\s*include-system-site-packages\s*=\s*true\s*$/im.test(readFileSync(cfgFile, 'utf8'))) out.push(...installSites(base));
  } else {
    if (version && env.HOME && !env.PYTHONNOUSERSITE) out.push(path.join(env.HOME, '.local', 'lib', `python${version}`, 'site-packages'));
    out.push(...installSites(base));
  }
  return [...new Set(out)].filter((d) => existsSync(d));
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '_');

/**
 * The identity of an interpreter and what is installed for it, read from files: its real path
 * and, per site folder, the names of the installed distributions (`pytest-9.0.3.dist-info`
 * carries the version; an upgraded plugin changes it too). Null when the interpreter or
 * `required` (e.g. `pytest`) cannot be found that way: the caller then does not cache.
 */
export function pythonIdentity(python: string, env: Env, cwd: string, required: string): string | null {
  const exe = interpreterFile(python, env, cwd);
  if (!exe) return null;
  return identityOf(exe, env, required);
}

/**
 * `NativeCollector.locate` of a Python runner: the identity of the interpreter and its packages,
 * and, when `python` is a pyenv shim, the version's interpreter to start directly with its folder
 * first on PATH (what `pyenv exec` does, without its bash).
 */
export function locatePython(python: string, env: Env, cwd: string, required: string): CollectorSetup {
  const found = findInterpreter(python, env, cwd);
  if (!found) return { identity: null };
  return {
    identity: identityOf(found.file, env, required),
    ...(found.viaPyenv ? { python: { file: found.file, env: { PATH: [path.dirname(found.file), env.PATH].filter(Boolean).join(path.delimiter) } } } : {}),
  };
}

function identityOf(exe: string, env: Env, required: string): string | null {
  const sites = siteFolders(exe, env);
  const want = normalize(required);
  let found = false;
  const parts = [`python ${realpathSync(exe)} (${exe})`];
  for (const dir of sites) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const dists = names.filter((n) => /\.(dist-info|egg-info|egg-link|pth)$/.test(n)).sort();
    if (dists.some((n) => /\.(dist-info|egg-info)$/.test(n) && normalize(n.replace(/-\d.*$/, '')) === want)) found = true;
    parts.push(`${dir}\n${dists.join('\n')}`);
  }
  return found ? parts.join('\n') : null;
}
