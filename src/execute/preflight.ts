import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { DiscoveredTest, RepoInventory, RunnerId } from '../core/types.js';
import { findExecutable, splitCommand } from '../services/util.js';
import { findJsBin } from './runners/index.js';

export interface RunnerProblem {
  /** `vitest is not installed in web/ (no node_modules/.bin/vitest there or above, none on PATH)` */
  reason: string;
  /** What to do: `cd web && npm install`. */
  hint: string;
}

const JS_BIN: Partial<Record<RunnerId, string>> = { vitest: 'vitest', jest: 'jest', playwright: 'playwright', mocha: 'mocha' };

const shellWord = (s: string) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Runner pre-flight: every runner a run is about to use must be installed, checked before any
 * service starts (a missing `node_modules/vitest` used to surface only as "wrote no report" after
 * the services had been started and stopped). `groups` are the (runner, runner root) pairs of the
 * selected tests, `commands` the configured tier commands with their working directories.
 */
export function checkRunners(
  root: string,
  groups: readonly { runner: RunnerId; rootDir: string }[],
  commands: readonly { tier: string; command: string | string[]; cwd: string }[],
  env: NodeJS.ProcessEnv,
): RunnerProblem[] {
  const problems: RunnerProblem[] = [];
  const seen = new Set<string>();
  const where = (rootDir: string) => (rootDir === '.' || rootDir === '' ? 'the repository root' : `${rootDir}/`);
  const cdHint = (rootDir: string, install: string) => (rootDir === '.' || rootDir === '' ? install : `cd ${shellWord(rootDir)} && ${install}`);
  for (const { runner, rootDir } of groups) {
    const key = `${runner}\u0000${rootDir}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const bin = JS_BIN[runner];
    if (bin) {
      if (!findJsBin(root, rootDir, bin, env))
        problems.push({
          reason: `${runner} is not installed in ${where(rootDir)} (no node_modules/.bin/${bin} there or in a parent folder, and none on PATH)`,
          hint: cdHint(rootDir, 'npm install'),
        });
    } else if (runner === 'pytest') {
      const python = env.SEAMS_PYTHON || 'python3';
      const cwd = path.resolve(root, rootDir);
      if (!findExecutable(python, env, cwd)) {
        problems.push({ reason: `${python} is not installed (needed for pytest)`, hint: env.SEAMS_PYTHON ? 'SEAMS_PYTHON names an interpreter that is not there' : 'install Python 3 with pytest, or point SEAMS_PYTHON at an interpreter that has it' });
        continue;
      }
      // find_spec locates pytest without importing it (~40 ms instead of ~250 ms for the import)
      const probe = spawnSync(python, ['-c', "import importlib.util, sys\nif importlib.util.find_spec('pytest') is None: sys.exit(\"ModuleNotFoundError: No module named 'pytest'\")"], {
        cwd,
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (probe.status !== 0) {
        const why = (probe.stderr ?? '').trim().split('\n').pop() || probe.error?.message || `exit ${probe.status}`;
        problems.push({ reason: `pytest is not installed for ${python} (${why})`, hint: `${python} -m pip install pytest (or the project's requirements)` });
      }
    }
  }
  for (const c of commands) {
    const argv0 = splitCommand(c.command, `tiers.${c.tier}.command`)[0];
    if (argv0 && !findExecutable(argv0, env, c.cwd))
      problems.push({
        reason: `the command of tier ${c.tier} cannot start: command not found: ${argv0}`,
        hint: `install ${path.basename(argv0)} or fix tiers.${c.tier}.command in seams.yaml`,
      });
  }
  return problems;
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
