import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DiscoveredTest, RepoInventory, RunnerId } from '../core/types.js';
import type { Requirement } from '../runners/contract.js';
import { adoptCommand, getRunner } from '../runners/registry.js';
import { findExecutable, splitCommand } from '../services/util.js';
import { pythonSource, resolvePython } from '../util/python.js';
import { jsInstallCommand, jsPackageManager, pythonAddCommand, pythonPackageManager } from '../workspace/package-manager.js';

export interface RunnerProblem {
  /** `vitest is not installed in web/ (no node_modules/.bin/vitest there or above, none on PATH)` */
  reason: string;
  /** What to do: `cd web && npm install`. */
  hint: string;
}

const shellWord = (s: string) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Where a JS runner's CLI is installed: `node_modules/.bin/<name>` from the runner root upwards
 * (like Node's module resolution), else `<name>` on PATH (a global install); null when neither.
 */
export function findJsBin(root: string, rootDir: string, name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (let dir = path.resolve(root, rootDir); ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', '.bin', name);
    if (existsSync(bin)) return bin;
    if (dir === path.dirname(dir)) break; // up to the file-system root
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  return null;
}

/** The executable a runner's command starts, when the runner needs one found (`BuildInput.executable`). */
export function runnerExecutable(root: string, rootDir: string, runner: RunnerId, env: NodeJS.ProcessEnv, python: string): string | undefined {
  const bin = getRunner(runner)?.requirements({ rootDir, python }).find((r) => r.kind === 'js-bin');
  return bin ? (findJsBin(root, rootDir, bin.name, env) ?? undefined) : undefined;
}

/** `import importlib.util`: find_spec locates a module without importing it (~40 ms instead of ~250 ms for pytest). */
function probeModule(python: string, module: string, cwd: string, env: NodeJS.ProcessEnv): string | null {
  const probe = spawnSync(python, ['-c', `import importlib.util, sys\nif importlib.util.find_spec('${module}') is None: sys.exit("ModuleNotFoundError: No module named '${module}'")`], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.status === 0) return null;
  return (probe.stderr ?? '').trim().split('\n').pop() || probe.error?.message || `exit ${probe.status}`;
}

interface Check {
  root: string;
  runner: RunnerId;
  rootDir: string;
  env: NodeJS.ProcessEnv;
  python: string;
  pythonOption?: string;
}

/** The problems of one runner group's requirements (checked in order; a missing interpreter skips its modules). */
function checkRequirements(reqs: readonly Requirement[], c: Check, probeModules: boolean): RunnerProblem[] {
  const problems: RunnerProblem[] = [];
  const where = c.rootDir === '.' || c.rootDir === '' ? 'the repository root' : `${c.rootDir}/`;
  const cdHint = (install: string) => (c.rootDir === '.' || c.rootDir === '' ? install : `cd ${shellWord(c.rootDir)} && ${install}`);
  const cwd = path.resolve(c.root, c.rootDir);
  let noPython = false;
  for (const r of reqs) {
    if (r.kind === 'js-bin') {
      if (!findJsBin(c.root, c.rootDir, r.name, c.env))
        problems.push({
          reason: `${c.runner} is not installed in ${where} (no node_modules/.bin/${r.name} there or in a parent folder, and none on PATH)`,
          hint: cdHint(jsInstallCommand(jsPackageManager(cwd, c.root))),
        });
    } else if (r.kind === 'python') {
      if (!findExecutable(c.python, c.env, cwd)) {
        noPython = true;
        const source = pythonSource(c.pythonOption, c.env);
        problems.push({ reason: `${c.python} is not installed (needed for ${c.runner})`, hint: source === 'default' ? r.installHint : `${source} names an interpreter that is not there` });
      }
    } else if (r.kind === 'python-module') {
      if (noPython || !probeModules) continue;
      const why = probeModule(c.python, r.module, cwd, c.env);
      if (why) {
        // a uv or poetry project adds the module to its dev dependencies; pip keeps the runner's own hint
        const pm = pythonPackageManager(cwd, c.root);
        problems.push({ reason: `${r.module} is not installed for ${c.python} (${why})`, hint: pm === 'pip' ? r.installHint : pythonAddCommand(pm, r.module) });
      }
    } else if (!findExecutable(r.name, c.env, cwd)) problems.push({ reason: `${r.name} is not installed (needed for ${c.runner})`, hint: r.installHint });
  }
  return problems;
}

/**
 * Runner pre-flight: every runner a run is about to use must be installed, checked before any
 * service starts (a missing `node_modules/vitest` used to surface only as "wrote no report" after
 * the services had been started and stopped). `groups` are the (runner, runner root) pairs of the
 * selected tests, `commands` the configured tier commands with their working directories. What a
 * runner needs is its plugin's `requirements()`. `probeModules: false` leaves out the Python module
 * probes (`python -c "find_spec(…)"`, ~0.1 s through a pyenv shim): `seams run` without services
 * starts the runner at once and probes only to explain a runner that failed without a report.
 */
export function checkRunners(
  root: string,
  groups: readonly { runner: RunnerId; rootDir: string }[],
  commands: readonly { tier: string; command: string | string[]; cwd: string }[],
  env: NodeJS.ProcessEnv,
  pythonOption?: string,
  options: { probeModules?: boolean; reach?: boolean } = {},
): RunnerProblem[] {
  const problems: RunnerProblem[] = [];
  const seen = new Set<string>();
  const python = resolvePython(pythonOption, env);
  for (const { runner, rootDir } of groups) {
    const key = `${runner}\u0000${rootDir}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const plugin = getRunner(runner);
    const reqs = plugin?.requirements({ rootDir, python }) ?? [];
    // --reach: what the measurement needs (coverage.py) is probed now, whatever else is deferred
    const reachReqs = options.reach ? (plugin?.reach?.requirements({ rootDir, python }) ?? []) : [];
    problems.push(...checkRequirements([...reqs, ...reachReqs], { root, runner, rootDir, env, python, pythonOption }, options.probeModules !== false || reachReqs.length > 0));
  }
  for (const c of commands) {
    const argv = splitCommand(c.command, `tiers.${c.tier}.command`);
    const argv0 = argv[0];
    if (argv0 && !findExecutable(argv0, env, c.cwd))
      problems.push({
        reason: `the command of tier ${c.tier} cannot start: command not found: ${argv0}`,
        hint: `install ${path.basename(argv0)} or fix tiers.${c.tier}.command in seams.yaml`,
      });
    else if (argv0 && options.reach) problems.push(...commandReachProblems(root, c.tier, argv, c.cwd, env));
  }
  return problems;
}

/** `--reach` and a tier command its runner can measure: what the measurement needs, for the command's own interpreter. */
function commandReachProblems(root: string, tier: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv): RunnerProblem[] {
  const { runner, ...spec } = adoptCommand(argv, '', []);
  const plugin = runner ? getRunner(runner) : undefined;
  if (!plugin?.reach) return [];
  const rootDir = path.relative(root, cwd) || '.';
  const python = argv[0]!;
  if (!plugin.reach.wrap({ ...spec, cwd }, { root, rootDir, python, workDir: cwd, tag: tier })) return [];
  return checkRequirements(plugin.reach.requirements({ rootDir, python }), { root, runner: plugin.id as RunnerId, rootDir, env, python }, true);
}

/** The (runner, runner root) pairs that tests of an inventory use. */
export function runnerGroups(inventory: RepoInventory, tests: readonly DiscoveredTest[]): { runner: RunnerId; rootDir: string }[] {
  const out = new Map<string, { runner: RunnerId; rootDir: string }>();
  for (const t of tests) {
    const info = inventory.runners.find((r) => r.runner === t.runner && r.project === t.project) ?? inventory.runners.find((r) => r.runner === t.runner);
    const rootDir = info?.rootDir ?? '.';
    out.set(`${t.runner}\u0000${rootDir}`, { runner: t.runner, rootDir });
  }
  return [...out.values()];
}
