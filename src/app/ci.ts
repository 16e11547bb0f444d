import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeCiWorkflow, type CiJsPackage, type CiSetup } from '../ci/index.js';
import { loadConfig, type ResolvedConfig } from '../config/index.js';
import type { RepoInventory } from '../core/types.js';
import { ciNeedsOf, getRunner } from '../runners/registry.js';
import { scanRepo } from '../scan/index.js';
import { hasLockfile, jsAddDevCommand, jsCiInstallCommand, jsExecCommand, jsPackageManager, pythonCiInstall, pythonPackageManager, yarnFlavour } from '../workspace/package-manager.js';

/** `seams ci init` (and `seams init --ci`): write a CI workflow for the repository. */

export interface CiInitOptions {
  label?: string;
  cron?: string;
  tiers?: string[];
  force?: boolean;
  config?: string;
}

export interface CiInitResult {
  /** The workflow file, repo-relative. */
  file: string;
  /** `exists`: a different file is there and was left as is (no force). */
  status: 'written' | 'unchanged' | 'exists';
  setup: CiSetup;
  /** TODO lines in a written file (what seams could not install for you). */
  todos: number;
}

/** Writes the workflow of `provider` (github, gitlab) unless an existing different one is kept. */
export async function ciInit(root: string, provider: string, opts: CiInitOptions = {}): Promise<CiInitResult> {
  const loaded = await loadConfig(root, opts.config);
  const inventory = await scanRepo(root);
  const python = ciNeedsOf(inventory.runners).python || ['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini', 'requirements.txt'].some((f) => existsSync(path.join(root, f)));
  const setup = ciSetupOf(root, inventory, loaded.config);
  const res = await writeCiWorkflow(root, provider, loaded.config, { label: opts.label, cron: opts.cron, tiers: opts.tiers, force: opts.force, python, setup });
  return { file: res.file, status: res.status, setup, todos: res.status === 'written' ? readTodoCount(path.join(root, res.file)) : 0 };
}

function readTodoCount(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => /^\s*#\s*TODO\b/.test(l)).length;
  } catch {
    return 0;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * The manager of the JS package in `dir` (package.json's packageManager, else its lockfile, searched
 * up to the repository root) and the job's install line for it: from the lockfile when `dir` has
 * one, else a plain install.
 */
function jsPackageOf(root: string, dir: string): CiJsPackage {
  const abs = path.join(root, dir);
  const manager = jsPackageManager(abs, root);
  const install = jsCiInstallCommand(manager, { locked: hasLockfile(abs, manager), yarn: manager === 'yarn' ? yarnFlavour(abs, root) : undefined });
  const field = readJson(path.join(abs, 'package.json'))?.packageManager;
  return { manager, install, ...(manager === 'pnpm' && typeof field === 'string' && field.startsWith('pnpm@') ? { pinned: true } : {}) };
}

const PY_STDLIB = new Set(['os', 'sys', 'socket', 'subprocess', 'sqlite3', 'smtplib', 'http', 'urllib', 'json', 'asyncio', 'ssl', 'email', 'logging', 'pathlib', 'shutil', 'threading', 'multiprocessing', 'ftplib', 'imaplib', 'xmlrpc']);

/** What the generated job has to install: seams itself, JS packages, browsers, Python requirements. */
export function ciSetupOf(root: string, inventory: RepoInventory, config: ResolvedConfig): CiSetup {
  const rootPkg = readJson(path.join(root, 'package.json'));
  const deps = (p: Record<string, unknown> | undefined) => ({ ...(p?.dependencies as object), ...(p?.devDependencies as object) }) as Record<string, string>;
  const workspaces = Array.isArray(rootPkg?.workspaces) ? (rootPkg.workspaces as string[]) : ((rootPkg?.workspaces as { packages?: string[] } | undefined)?.packages ?? []);
  const jsDirs = new Set<string>();
  const playwright = new Set<string>();
  for (const r of inventory.runners) {
    if (!getRunner(r.runner)?.ci.jsPackages) continue;
    // the package that holds the runner: nearest package.json at or above its root folder
    let dir = r.rootDir || '.';
    while (dir !== '.' && !existsSync(path.join(root, dir, 'package.json'))) dir = path.posix.dirname(dir);
    if (dir !== '.' && !workspaces.some((w) => w.replace(/\/\*+$/, '') === dir || (w.endsWith('/*') && path.posix.dirname(dir) === w.slice(0, -2)))) jsDirs.add(dir);
    if (getRunner(r.runner)?.ci.browsers) playwright.add(dir);
  }
  const pythonRequirements = ['requirements-dev.txt', 'requirements-test.txt', 'test-requirements.txt', 'requirements.txt'].filter((f) => existsSync(path.join(root, f)));
  // Python modules the components name (imports:), without npm packages of the repo and the stdlib
  const npmNames = new Set<string>();
  for (const dir of ['.', ...jsDirs, ...workspaces.filter((w) => !w.includes('*'))]) for (const n of Object.keys(deps(readJson(path.join(root, dir, 'package.json'))))) npmNames.add(n);
  const pythonImports = ciNeedsOf(inventory.runners).python
    ? [...new Set(Object.values(config.components).flatMap((c) => c.imports))]
        .filter((m) => /^[a-zA-Z_][\w.]*$/.test(m) && !npmNames.has(m) && !PY_STDLIB.has(m.split('.')[0]!))
        .sort()
    : [];
  const rootPackage = rootPkg ? { seams: 'seams' in deps(rootPkg), ...jsPackageOf(root, '.') } : undefined;
  const py = pythonPackageManager(root, root);
  return {
    ...(rootPackage
      ? { rootPackage, seamsExec: jsExecCommand(rootPackage.manager, 'seams'), seamsAdd: jsAddDevCommand(rootPackage.manager, '<git URL or tarball of seams>') }
      : {}),
    jsPackages: [...jsDirs].sort().map((dir) => ({ dir, ...jsPackageOf(root, dir) })),
    python: { manager: py, install: py === 'pip' ? [] : pythonCiInstall(py, root, pythonRequirements) },
    playwright: [...playwright].sort(),
    pythonRequirements,
    pythonImports,
  };
}

