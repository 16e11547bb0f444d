import { rmSync } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/index.js';
import type { DiscoveredTest, RepoInventory, RunnerId } from '../core/types.js';
import type { JoinContext } from '../results/index.js';
import type { CommandSpec, ReachCommand, ReachInput, ReachMeasurer } from '../runners/contract.js';
import { adoptCommand, getRunner, isRunnerId } from '../runners/registry.js';
import { ServiceSession, splitCommand, type Preflight } from '../services/index.js';
import { SeamsError } from '../util/errors.js';
import { unknownTier } from '../core/tiers.js';
import { resolvePython } from '../util/python.js';
import { extraArgsByRunner, tierArgsByRunner } from './extra-args.js';
import { checkRunners, runnerExecutable, runnerGroups, type RunnerProblem } from './preflight.js';
import { shardTests, type ShardSpec } from './shard.js';

/** Tier planning: which tiers run, what is checked before, and the commands of one tier. */

export interface PlanOptions {
  root: string;
  inventory: RepoInventory;
  config: LoadedConfig;
  tiers: readonly string[];
  extraArgs?: readonly string[];
  shard?: ShardSpec;
  /** Mean durations per test key (`runner|project|id`) for sharding. */
  durations?: ReadonlyMap<string, number>;
  env: NodeJS.ProcessEnv;
  /** The `--python` option (else SEAMS_PYTHON, else python3). */
  python?: string;
  /** `--reach`: measure which files each test executes where the runner can (`RunnerPlugin.reach`). */
  reach?: boolean;
  /** Live progress is shown: runners that can (`RunnerPlugin.liveEvents`) report each test to an events file. */
  liveEvents?: boolean;
}

/** The tiers a run covers. */
export function selectTiers(inventory: RepoInventory, config: LoadedConfig, requested: readonly string[]): string[] {
  const configured = Object.keys(config.config.tiers);
  const present = [...new Set(inventory.tests.map((t) => t.tier))];
  if (!requested.length) return configured.length ? configured : present.sort();
  for (const t of requested)
    if (!configured.includes(t) && !present.includes(t)) {
      const { message, hint } = unknownTier(t, [...new Set([...configured, ...present])]);
      throw new SeamsError('SEAMS_UNKNOWN_TIER', message, { hint });
    }
  return [...new Set(requested)];
}

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '_');

/** Tests that need a missing service: marker `requires_<service>`, or the tier when nothing is marked. */
export function testsNeeding(service: string, tier: string, tierServices: readonly string[], tests: readonly DiscoveredTest[], all: readonly DiscoveredTest[]): DiscoveredTest[] {
  const marker = `requires_${normalise(service)}`;
  const marked = (t: DiscoveredTest) => t.markers.some((m) => normalise(m) === marker);
  const anyMarked = all.some(marked);
  if (anyMarked || !tierServices.includes(service)) return tests.filter(marked);
  void tier;
  return [...tests];
}

/** The inventory tests of a tier (of this shard). */
export function testsOfTier(o: Pick<PlanOptions, 'inventory' | 'shard' | 'durations'>, tier: string): DiscoveredTest[] {
  const tests = o.inventory.tests.filter((t) => t.tier === tier);
  return o.shard ? shardTests(tests, o.shard, o.durations ?? new Map()) : tests;
}

/** A runner of the selected tests (or a tier command) that is not installed: a pre-flight error. */
export function requireRunners(
  o: Pick<PlanOptions, 'root' | 'inventory' | 'config' | 'shard' | 'durations' | 'env' | 'python' | 'reach'>,
  tiers: readonly string[],
  options: { probeModules?: boolean } = {},
): void {
  const cfg = o.config.config;
  const problems = checkRunners(
    o.root,
    runnerGroups(
      o.inventory,
      tiers.filter((t) => !cfg.tiers[t]?.command).flatMap((tier) => testsOfTier(o, tier)),
    ),
    tiers.flatMap((tier) => {
      const c = cfg.tiers[tier];
      return c?.command ? [{ tier, command: c.command, cwd: path.resolve(o.root, c.cwd ?? '.') }] : [];
    }),
    o.env,
    o.python,
    { ...options, reach: o.reach },
  );
  throwRunnerProblems(problems);
}

/** The pre-flight error (exit 2) for runners that are not installed; nothing when there is no problem. */
export function throwRunnerProblems(problems: readonly RunnerProblem[]): void {
  if (problems.length)
    throw new SeamsError('SEAMS_RUNNER_MISSING', problems.map((p) => p.reason).join('; '), {
      hint: [...new Set(problems.map((p) => p.hint))].join('; '),
    });
}

/**
 * Why a runner failed without writing a report, when the reason is a missing module pre-flight did
 * not probe (see `preflightRun`): the same pre-flight error, thrown after the fact.
 */
export function explainRunnerFailure(o: Pick<PlanOptions, 'root' | 'env' | 'python'>, runner: string, rootDir: string): void {
  if (!isRunnerId(runner)) return;
  throwRunnerProblems(checkRunners(o.root, [{ runner: runner as RunnerId, rootDir }], [], o.env, o.python));
}

/** The runner a tier command is (a registered runner, by its command line), else `command`. */
export function commandRunner(command: Parameters<typeof splitCommand>[0], tier: string): string {
  const r = adoptCommand(splitCommand(command, `tiers.${tier}.command`), '', []).runner;
  return r && isRunnerId(r) ? r : 'command';
}

/**
 * Which runner gets which extra arguments (see `src/execute/extra-args.ts`), judged on the whole
 * tiers (not one shard, so every shard of a CI run agrees). Throws a usage error when ambiguous
 * or when an argument collides with the report options seams sets.
 */
export function extraArgsOf(o: Pick<PlanOptions, 'inventory' | 'config' | 'extraArgs'>, tiers: readonly string[]): (runner: string) => string[] {
  const cfg = o.config.config;
  const runners = tiers.flatMap((tier) => {
    const c = cfg.tiers[tier];
    if (c?.command) return [commandRunner(c.command, tier)];
    return o.inventory.tests.filter((t) => t.tier === tier).map((t) => t.runner as string);
  });
  for (const tier of tiers) tierArgsOf(o, tier);
  return extraArgsByRunner(o.extraArgs ?? [], runners, tiers);
}

/**
 * The arguments of a tier (`tiers.<t>.args`) for each runner of its tests, checked (see
 * `tierArgsByRunner`: a config error, exit 2, at the key in seams.yaml). A tier `command:` takes
 * none (config validation refuses `args` next to it).
 */
export function tierArgsOf(o: Pick<PlanOptions, 'inventory' | 'config'>, tier: string): (runner: string) => string[] {
  const c = o.config.config.tiers[tier];
  if (!c?.args?.length || c.command) return () => [];
  const runners = o.inventory.tests.filter((t) => t.tier === tier).map((t) => t.runner as string);
  return tierArgsByRunner(tier, c.args, runners, o.config.locate(['tiers', tier, 'args']));
}

export function requireServices(pre: Preflight): void {
  if (!pre.errors.length) return;
  const e = pre.errors[0]!;
  throw new SeamsError('SEAMS_SERVICE_PREFLIGHT', `required service ${e.name} cannot start: ${e.reason}`, {
    hint:
      pre.errors.length > 1
        ? `also: ${pre.errors.slice(1).map((x) => `${x.name} (${x.reason})`).join('; ')}`
        : 'install it, fix services in seams.yaml, or mark the service optional: true',
  });
}

/**
 * Everything a run checks before it starts anything (and before `seams run` opens history, so a
 * run that cannot start leaves no trace): the tiers exist, every runner is installed, every
 * required service can start. Throws the first problem as a usage error (exit 2).
 *
 * Without services the runner starts at once: the Python module probes (a process each) are left
 * out and made only when a runner fails without a report (`explainRunnerFailure`), which then ends
 * the run with the same error. With services they run first, before any service starts. Returns
 * whether the probes were left out.
 */
export function preflightRun(o: PlanOptions): { probesDeferred: boolean } {
  const cfg = o.config.config;
  const tiers = selectTiers(o.inventory, o.config, o.tiers);
  extraArgsOf(o, tiers);
  const serviceNames = [...new Set(tiers.flatMap((t) => cfg.tiers[t]?.services ?? []))];
  const probesDeferred = serviceNames.length === 0;
  requireRunners(o, tiers, { probeModules: !probesDeferred });
  if (serviceNames.length) requireServices(new ServiceSession({ root: o.root, runId: 'preflight', services: cfg.services, env: o.env }).preflight(serviceNames));
  return { probesDeferred };
}

/** One command of a tier: what to run, how its results join the inventory, which tests it covers. */
export interface PlannedTask {
  spec: CommandSpec;
  ctx: JoinContext;
  tests: DiscoveredTest[];
  /** A registered runner id, `go`, or `command` (a tier command seams does not recognise). */
  runner: string;
  project: string | null;
  /** The arguments added to the built command (`tiers.<t>.args`, then `-- …`), when there are tier arguments. */
  extraArgs?: string[];
  /** Under `--reach`, for a runner that measures: how, and what the command leaves to read. */
  reach?: { measurer: ReachMeasurer; input: ReachInput; command: ReachCommand };
  /** The live events file the command writes (docs/events.md), when asked for and the runner can. */
  events?: string;
}

export interface TierPlanInput {
  tier: string;
  /** The tier's tests that may run (not excluded for a missing service). */
  runnable: DiscoveredTest[];
  workDir: string;
  argsFor: (runner: string) => string[];
  /** Services of the tier that are ready (recorded on its results). */
  services: string[];
}

/** The configured command of a tier (`tiers.<t>.command`), with the report options of the runner it is. */
export function planTierCommand(o: Pick<PlanOptions, 'root' | 'inventory' | 'config' | 'env' | 'reach'>, p: TierPlanInput): PlannedTask {
  const tcfg = o.config.config.tiers[p.tier]!;
  const cwd = path.resolve(o.root, tcfg.cwd ?? '.');
  const resultFile = path.join(p.workDir, `${p.tier}-command.report`);
  const base = adoptCommand(splitCommand(tcfg.command!, `tiers.${p.tier}.command`), resultFile, p.argsFor(commandRunner(tcfg.command!, p.tier)));
  const configured = tcfg.results === undefined ? [] : typeof tcfg.results === 'string' ? [tcfg.results] : tcfg.results;
  const { runner: adopted, ...rest } = base;
  const spec: CommandSpec = { ...rest, cwd, resultFile: configured.length ? path.resolve(cwd, configured[0]!) : resultFile };
  if (configured.length) rmSync(spec.resultFile, { force: true });
  const runner = adopted && isRunnerId(adopted) ? adopted : undefined;
  const info = o.inventory.runners.find((r) => r.runner === runner);
  const runnerRoot = info?.rootDir ?? path.relative(o.root, cwd);
  const task: PlannedTask = {
    spec,
    ctx: { root: o.root, tests: o.inventory.tests, runner, runnerRoot, services: p.services },
    tests: p.runnable,
    runner: adopted ?? 'command',
    project: null,
  };
  const measurer = o.reach && runner ? getRunner(runner)?.reach : undefined;
  if (measurer) withReach(task, measurer, { root: o.root, rootDir: runnerRoot || '.', python: spec.argv[0]!, workDir: p.workDir, tag: `${p.tier}-command`, pythonPath: o.env.PYTHONPATH || undefined });
  return task;
}

/** Under `--reach`: the task's command wrapped by its runner's measurement, when the runner can wrap it. */
function withReach(task: PlannedTask, measurer: ReachMeasurer, input: ReachInput): void {
  const command = measurer.wrap(task.spec, input);
  if (!command) return;
  task.spec = command.spec;
  task.reach = { measurer, input, command };
}

/** One command per (runner, project) group of the tier's tests, built by the runner's plugin. */
export function planTierTests(o: Pick<PlanOptions, 'root' | 'inventory' | 'config' | 'env' | 'python' | 'reach' | 'liveEvents'>, p: TierPlanInput): PlannedTask[] {
  const tcfg = o.config.config.tiers[p.tier];
  const python = resolvePython(o.python, o.env);
  const groups = new Map<string, DiscoveredTest[]>();
  for (const t of p.runnable) {
    const k = `${t.runner}\u0000${t.project ?? ''}`;
    const list = groups.get(k) ?? [];
    list.push(t);
    groups.set(k, list);
  }
  const tierArgs = tierArgsOf(o, p.tier);
  const tasks: PlannedTask[] = [];
  for (const list of groups.values()) {
    const { runner, project } = list[0]!;
    const plugin = getRunner(runner);
    if (!plugin) throw new SeamsError('SEAMS_UNKNOWN_RUNNER', `tests of an unknown runner: ${runner}`, { hint: 'rescan the repository' });
    const info = o.inventory.runners.find((r) => r.runner === runner && r.project === project) ?? o.inventory.runners.find((r) => r.runner === runner);
    const rootDir = info?.rootDir ?? '.';
    const resultFile = path.join(p.workDir, `${p.tier}-${runner}-${tasks.length}.report`);
    const events = o.liveEvents && plugin.liveEvents ? resultFile.replace(/\.report$/, '.events') : undefined;
    const spec = plugin.buildCommand({
      root: o.root,
      project,
      rootDir,
      tests: list,
      allTests: o.inventory.tests.filter((t) => t.runner === runner && t.project === project),
      exclude: new Set(),
      resultFile,
      workDir: p.workDir,
      // the tier's own arguments (seams.yaml), then those after `--` on the command line
      extraArgs: [...tierArgs(runner), ...p.argsFor(runner)],
      retries: tcfg?.retries,
      python,
      ...(o.env.PYTHONPATH ? { pythonPath: o.env.PYTHONPATH } : {}),
      executable: runnerExecutable(o.root, rootDir, runner, o.env, python),
      ...(events ? { events } : {}),
    });
    const task: PlannedTask = {
      spec,
      ctx: { root: o.root, tests: o.inventory.tests, runner, runnerRoot: rootDir, project, services: p.services },
      tests: list,
      runner,
      project,
      ...(tierArgs(runner).length ? { extraArgs: [...tierArgs(runner), ...p.argsFor(runner)] } : {}),
      ...(events ? { events } : {}),
    };
    if (o.reach && plugin.reach)
      withReach(task, plugin.reach, { root: o.root, rootDir, python, workDir: p.workDir, tag: path.basename(resultFile, '.report'), pythonPath: o.env.PYTHONPATH || undefined });
    tasks.push(task);
  }
  return tasks;
}
