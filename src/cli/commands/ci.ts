import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Argument } from 'commander';
import { writeCiWorkflow, type CiSetup } from '../../ci/index.js';
import { loadConfig } from '../../config/index.js';
import type { ResolvedConfig } from '../../config/resolve.js';
import type { RepoInventory } from '../../core/types.js';
import { scanRepo } from '../../scan/index.js';
import type { CliIO } from '../io.js';
import type { SetExit } from '../types.js';

export interface CiInitOptions {
  label?: string;
  cron?: string;
  tiers?: string[];
  force?: boolean;
  config?: string;
}

/** Runs the CI-workflow part of `seams init --ci` (also reachable as `seams ci init`). */
export async function ciInit(root: string, provider: string, opts: CiInitOptions, io: CliIO): Promise<number> {
  const loaded = await loadConfig(root, opts.config);
  const inventory = await scanRepo(root);
  const python = inventory.runners.some((r) => r.runner === 'pytest') || ['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini', 'requirements.txt'].some((f) => existsSync(path.join(root, f)));
  const setup = ciSetupOf(root, inventory, loaded.config);
  const res = await writeCiWorkflow(root, provider, loaded.config, { label: opts.label, cron: opts.cron, tiers: opts.tiers, force: opts.force, python, setup });
  if (res.status === 'written') io.stderr.write(`seams: wrote ${res.file}\n`);
  else if (res.status === 'unchanged') io.stderr.write(`seams: ${res.file} is up to date\n`);
  else io.stderr.write(`seams: ${res.file} exists and differs; left as is (use --force to overwrite)\n`);
  if (res.status === 'written') {
    if (!setup.rootPackage?.seams)
      io.stderr.write('hint: seams is not on the npm registry: add it as a devDependency so the workflow\'s `npx --no-install seams` finds it\n');
    const todos = readTodoCount(path.join(root, res.file));
    if (todos) io.stderr.write(`hint: ${res.file} has ${todos} TODO line${todos === 1 ? '' : 's'} (services or dependencies seams could not install for you)\n`);
  }
  if (provider === 'gitlab' && res.status === 'written') io.stderr.write('hint: include it from .gitlab-ci.yml: include: { local: seams.gitlab-ci.yml }\n');
  return 0;
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

function lockOf(dir: string): 'npm' | 'pnpm' | 'yarn' | null {
  if (existsSync(path.join(dir, 'package-lock.json')) || existsSync(path.join(dir, 'npm-shrinkwrap.json'))) return 'npm';
  if (existsSync(path.join(dir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(path.join(dir, 'yarn.lock'))) return 'yarn';
  return null;
}

const PY_STDLIB = new Set(['os', 'sys', 'socket', 'subprocess', 'sqlite3', 'smtplib', 'http', 'urllib', 'json', 'asyncio', 'ssl', 'email', 'logging', 'pathlib', 'shutil', 'threading', 'multiprocessing', 'ftplib', 'imaplib', 'xmlrpc']);

const JS_RUNNERS = new Set(['vitest', 'jest', 'playwright', 'mocha', 'node-test']);

/** What the generated job has to install: seams itself, JS packages, browsers, Python requirements. */
export function ciSetupOf(root: string, inventory: RepoInventory, config: ResolvedConfig): CiSetup {
  const rootPkg = readJson(path.join(root, 'package.json'));
  const deps = (p: Record<string, unknown> | undefined) => ({ ...(p?.dependencies as object), ...(p?.devDependencies as object) }) as Record<string, string>;
  const workspaces = Array.isArray(rootPkg?.workspaces) ? (rootPkg.workspaces as string[]) : ((rootPkg?.workspaces as { packages?: string[] } | undefined)?.packages ?? []);
  const jsDirs = new Set<string>();
  const playwright = new Set<string>();
  for (const r of inventory.runners) {
    if (!JS_RUNNERS.has(r.runner)) continue;
    // the package that holds the runner: nearest package.json at or above its root folder
    let dir = r.rootDir || '.';
    while (dir !== '.' && !existsSync(path.join(root, dir, 'package.json'))) dir = path.posix.dirname(dir);
    if (dir !== '.' && !workspaces.some((w) => w.replace(/\/\*+$/, '') === dir || (w.endsWith('/*') && path.posix.dirname(dir) === w.slice(0, -2)))) jsDirs.add(dir);
    if (r.runner === 'playwright') playwright.add(dir);
  }
  const pythonRequirements = ['requirements-dev.txt', 'requirements-test.txt', 'test-requirements.txt', 'requirements.txt'].filter((f) => existsSync(path.join(root, f)));
  // Python modules the components name (imports:), without npm packages of the repo and the stdlib
  const npmNames = new Set<string>();
  for (const dir of ['.', ...jsDirs, ...workspaces.filter((w) => !w.includes('*'))]) for (const n of Object.keys(deps(readJson(path.join(root, dir, 'package.json'))))) npmNames.add(n);
  const pythonImports = inventory.runners.some((r) => r.runner === 'pytest')
    ? [...new Set(Object.values(config.components).flatMap((c) => c.imports))]
        .filter((m) => /^[a-zA-Z_][\w.]*$/.test(m) && !npmNames.has(m) && !PY_STDLIB.has(m.split('.')[0]!))
        .sort()
    : [];
  return {
    ...(rootPkg ? { rootPackage: { seams: 'seams' in deps(rootPkg), lock: lockOf(root) } } : {}),
    jsPackages: [...jsDirs].sort().map((dir) => ({ dir, lock: lockOf(path.join(root, dir)) })),
    playwright: [...playwright].sort(),
    pythonRequirements,
    pythonImports,
  };
}

export function registerCi(program: Command, io: CliIO, setExit: SetExit): void {
  const ci = program.command('ci').description('CI integration');
  ci.command('init')
    .description('write a CI workflow: labelled / critical-path PRs, nightly, and a gated production promotion')
    .addArgument(new Argument('<provider>', 'CI system').choices(['github', 'gitlab']))
    .argument('[path]', 'repository folder', '.')
    .option('--label <name>', 'pull-request label that asks for the integration tiers', 'integration-tests')
    .option('--cron <expr>', 'nightly schedule (UTC cron)', '17 3 * * *')
    .option('--tiers <tier...>', 'tiers to run (default: configured tiers other than unit)')
    .option('--force', 'overwrite an existing, different workflow file')
    .option('-c, --config <file>', 'seams.yaml to use')
    .addHelpText(
      'after',
      `
The job installs seams as the repository does (a devDependency, run with npx --no-install: seams
is not on the npm registry), the JS packages and Playwright browsers of the runners found, the
Python requirements, and the programs of the services in seams.yaml (moto_server, redis-server,
postgres, …); what it cannot install is a TODO line in the file.

Examples:
  seams ci init github                      .github/workflows/seams.yml
  seams ci init gitlab --label integration  seams.gitlab-ci.yml, MRs labelled "integration"
  seams ci init github --tiers integration  only the integration tier

Exit codes: 0 written, unchanged or kept, 2 bad path, provider or configuration.`,
    )
    .action(async (provider: string, p: string, opts: CiInitOptions) => {
      setExit(await ciInit(path.resolve(io.cwd, p), provider, opts, io));
    });
}
