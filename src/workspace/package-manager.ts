import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Which package manager a repository uses, so that install hints name it (`pnpm install` in a
 * pnpm repository, `uv add --dev pytest` in a uv project) instead of always npm and pip.
 *
 * JS: the `packageManager` field of the nearest package.json (`pnpm@9.1.0`, Corepack's field)
 * wins; else the nearest lockfile: package-lock.json / npm-shrinkwrap.json, pnpm-lock.yaml,
 * yarn.lock, bun.lockb / bun.lock. Python: uv.lock → uv; poetry.lock or `[tool.poetry]` in
 * pyproject.toml → poetry; else pip. Both search from the given folder up to `stopAt` (the
 * repository root; workspaces keep one lockfile at the top), never above it.
 */
export type JsPackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
export type PythonPackageManager = 'pip' | 'uv' | 'poetry';

const JS_LOCKS: readonly [string, JsPackageManager][] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lockb', 'bun'],
  ['bun.lock', 'bun'],
];

/** The folders from `dir` up to `stopAt` (included; only `dir` when `stopAt` is not above it). */
function upwards(dir: string, stopAt: string = dir): string[] {
  const out: string[] = [];
  const top = path.resolve(stopAt);
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    out.push(d);
    const rel = path.relative(top, d);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel) || d === path.dirname(d)) break;
  }
  return out;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The `packageManager` field of package.json (`pnpm@9.1.0+sha…` → pnpm), when it names one seams knows. */
function packageManagerField(dir: string): JsPackageManager | undefined {
  const text = readText(path.join(dir, 'package.json'));
  if (text === undefined) return undefined;
  try {
    const field = (JSON.parse(text) as { packageManager?: unknown }).packageManager;
    const name = typeof field === 'string' ? field.split('@')[0]?.trim() : undefined;
    return name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The JS package manager of `dir` (searched up to `stopAt`); npm when nothing says otherwise. */
export function jsPackageManager(dir: string, stopAt?: string): JsPackageManager {
  for (const d of upwards(dir, stopAt)) {
    const field = packageManagerField(d);
    if (field) return field;
    for (const [file, pm] of JS_LOCKS) if (existsSync(path.join(d, file))) return pm;
  }
  return 'npm';
}

/** The Python package manager of `dir` (searched up to `stopAt`); pip when nothing says otherwise. */
export function pythonPackageManager(dir: string, stopAt?: string): PythonPackageManager {
  for (const d of upwards(dir, stopAt)) {
    if (existsSync(path.join(d, 'uv.lock'))) return 'uv';
    if (existsSync(path.join(d, 'poetry.lock'))) return 'poetry';
    const pyproject = readText(path.join(d, 'pyproject.toml'));
    if (pyproject !== undefined && /^\s*\[tool\.poetry[\].]/m.test(pyproject)) return 'poetry';
    if (pyproject !== undefined && /^\s*\[tool\.uv[\].]/m.test(pyproject)) return 'uv';
  }
  return 'pip';
}

/** Installs a JS package's dependencies: `npm install`, `pnpm install`, `yarn install`, `bun install`. */
export const jsInstallCommand = (pm: JsPackageManager): string => `${pm} install`;

/** Adds a dev dependency: `npm install --save-dev x`, `pnpm add -D x`, `yarn add -D x`, `bun add -d x`. */
export function jsAddDevCommand(pm: JsPackageManager, spec: string): string {
  return pm === 'npm' ? `npm install --save-dev ${spec}` : pm === 'bun' ? `bun add -d ${spec}` : `${pm} add -D ${spec}`;
}

/** Installs Python modules for the project: `<python> -m pip install x`, `uv add --dev x`, `poetry add --group dev x`. */
export function pythonAddCommand(pm: PythonPackageManager, modules: string, python = 'python3'): string {
  return pm === 'uv' ? `uv add --dev ${modules}` : pm === 'poetry' ? `poetry add --group dev ${modules}` : `${python} -m pip install ${modules}`;
}

// ---------------------------------------------------------------------------------------------
// CI: a clean install from the lockfile, and running an installed bin

/** Whether `dir` itself holds the lockfile of `pm` (a clean CI install needs one). */
export function hasLockfile(dir: string, pm: JsPackageManager): boolean {
  return JS_LOCKS.some(([file, p]) => p === pm && existsSync(path.join(dir, file)));
}

/** Yarn 2+ ("berry") or 1 ("classic"): the packageManager field, a .yarnrc.yml, or the lockfile's format. */
export function yarnFlavour(dir: string, stopAt?: string): 'berry' | 'classic' {
  for (const d of upwards(dir, stopAt)) {
    const field = readText(path.join(d, 'package.json'));
    const m = field && /"packageManager"\s*:\s*"yarn@(\d+)/.exec(field);
    if (m) return Number(m[1]) >= 2 ? 'berry' : 'classic';
    if (existsSync(path.join(d, '.yarnrc.yml'))) return 'berry';
    const lock = readText(path.join(d, 'yarn.lock'));
    if (lock !== undefined) return /^__metadata:/m.test(lock) ? 'berry' : 'classic';
  }
  return 'classic';
}

/**
 * The install of a CI job: exactly the lockfile, failing when package.json and the lockfile
 * disagree — `npm ci`, `pnpm install --frozen-lockfile`, `yarn install --immutable` (yarn 2+) or
 * `--frozen-lockfile` (yarn 1), `bun install --frozen-lockfile`. Without a lockfile: a plain install.
 */
export function jsCiInstallCommand(pm: JsPackageManager, options: { locked: boolean; yarn?: 'berry' | 'classic' }): string {
  if (!options.locked) return jsInstallCommand(pm);
  if (pm === 'npm') return 'npm ci';
  if (pm === 'yarn') return options.yarn === 'berry' ? 'yarn install --immutable' : 'yarn install --frozen-lockfile';
  return `${pm} install --frozen-lockfile`;
}

/**
 * Runs the bin of an installed (dev)dependency, never one fetched from the registry:
 * `npx --no-install x`, `pnpm exec x`, `yarn run x` (also under Plug'n'Play), `bun run x`.
 */
export function jsExecCommand(pm: JsPackageManager, bin: string): string {
  return pm === 'npm' ? `npx --no-install ${bin}` : pm === 'pnpm' ? `pnpm exec ${bin}` : `${pm} run ${bin}`;
}

/**
 * The Python test dependencies of a CI job: pip from the requirement files (else pytest);
 * `uv sync` (`--frozen` with a uv.lock); `poetry install`. uv and poetry install into the
 * project's .venv, which the job puts first on PATH.
 */
export function pythonCiInstall(pm: PythonPackageManager, dir: string, requirements: readonly string[]): string[] {
  if (pm === 'uv') return [existsSync(path.join(dir, 'uv.lock')) ? 'uv sync --frozen' : 'uv sync'];
  if (pm === 'poetry') return ['poetry config virtualenvs.in-project true', 'poetry install --no-interaction --no-root'];
  return [requirements.length ? `python -m pip install ${requirements.map((r) => `-r ${r}`).join(' ')}` : 'python -m pip install pytest'];
}
