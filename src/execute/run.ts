import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../config/resolve.js';
import type { LoadedConfig } from '../config/index.js';
import type { DiscoveredTest, RepoInventory, RunnerId, RunRecord, ServiceRecord, TestResult } from '../core/types.js';
import { InventoryIndex, readResults, type JoinContext } from '../results/index.js';
import { ServiceSession, reapStale, durationMs, splitCommand, type Preflight } from '../services/index.js';
import { findKept } from '../services/state.js';
import { stopGroup } from '../services/process-tree.js';
import { tailFile } from '../services/probes.js';
import { SeamsError, describeError } from '../util/errors.js';
import { execCommand } from '../util/exec.js';
import { COMMAND_BUILDERS, configuredCommand, type CommandSpec } from './runners/index.js';
import { shardTests, type ShardSpec } from './shard.js';
import { extraArgsByRunner } from './extra-args.js';
import { applySkipPolicy } from './policy.js';
import { checkRunners, runnerGroups } from './preflight.js';

export interface ExecuteOptions {
  root: string;
  inventory: RepoInventory;
  config: LoadedConfig;
  /** Tiers to run; empty = every configured tier (or every tier with tests when none is configured). */
  tiers: readonly string[];
  extraArgs?: readonly string[];
  keepServices?: boolean;
  timeoutMultiplier?: number;
  shard?: ShardSpec;
  /** Mean durations per test key (`runner|project|id`) for sharding. */
  durations?: ReadonlyMap<string, number>;
  runId?: string;
  env: NodeJS.ProcessEnv;
  /** Lines for the user wherever seams runs (stderr): warnings, things seams did on its own. */
  log: (line: string) => void;
  /** Progress lines (a service is ready, a runner starts): given on a terminal only, absent in CI. */
  info?: (line: string) => void;
  /** Runner output goes here live when set (e.g. --verbose). */
  echo?: (chunk: string) => void;
  signal?: AbortSignal;
  watchdog?: boolean;
  /** A live status line while a test command runs (terminals only). */
  progress?: { start(label: string): void; stop(): void };
  /** Repetition number for `--repeat` (recorded in the environment). */
  repetition?: number;
  /** `preflightRun` already checked the runners (repeat runs do not check again). */
  preflighted?: boolean;
}

export interface TaskReport {
  tier: string;
  runner: string;
  project: string | null;
  argv: string[];
  cwd: string;
  exitCode: number | null;
  log: string;
  error?: string;
  /** The last lines of the runner's log when it failed without a report. */
  logTail?: string[];
  durationMs: number;
  /** Selected tests the runner did not report although it ran to the end: deselected by the extra arguments after `--`. */
  deselected?: { count: number; args: string[] };
}

export interface ExecuteOutcome {
  run: RunRecord;
  tasks: TaskReport[];
  /** Set when services could not start: the run is an infrastructure error. */
  serviceFailure?: { name: string; message: string };
  interrupted: boolean;
}

export function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `${d}-${randomBytes(3).toString('hex')}`;
}

async function gitInfo(root: string, env: NodeJS.ProcessEnv): Promise<{ commit: string | null; branch: string | null }> {
  const c = await execCommand('git', ['rev-parse', 'HEAD'], { cwd: root, timeoutMs: 5000 });
  const b = await execCommand('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: root, timeoutMs: 5000 });
  const commit = c.code === 0 ? c.stdout.trim() : (env.GITHUB_SHA ?? env.CI_COMMIT_SHA ?? null);
  let branch = b.code === 0 ? b.stdout.trim() : null;
  if (!branch || branch === 'HEAD') branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || branch || null;
  return { commit, branch };
}

/** The tiers a run covers. */
export function selectTiers(inventory: RepoInventory, config: LoadedConfig, requested: readonly string[]): string[] {
  const configured = Object.keys(config.config.tiers);
  const present = [...new Set(inventory.tests.map((t) => t.tier))];
  if (!requested.length) return configured.length ? configured : present.sort();
  for (const t of requested)
    if (!configured.includes(t) && !present.includes(t))
      throw new SeamsError('SEAMS_UNKNOWN_TIER', `unknown tier "${t}"`, {
        hint: `tiers here: ${[...new Set([...configured, ...present])].join(', ') || '(none)'}`,
      });
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

function notRun(t: DiscoveredTest, reason: string, services?: string[]): TestResult {
  return {
    runner: t.runner,
    project: t.project,
    id: t.id,
    file: t.file,
    name: t.name,
    tier: t.tier,
    status: 'not-run',
    durationMs: 0,
    attempts: 0,
    flaky: false,
    reason,
    known: true,
    ...(services?.length ? { services } : {}),
  };
}

function environmentOf(env: NodeJS.ProcessEnv, repetition?: number): Record<string, string> {
  const out: Record<string, string> = {
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    host: os.hostname(),
  };
  if (env.CI) out.ci = env.GITHUB_ACTIONS ? 'github' : env.GITLAB_CI ? 'gitlab' : 'ci';
  if (repetition !== undefined) out.repetition = String(repetition);
  return out;
}

/** A runner of the selected tests (or a tier command) that is not installed: a pre-flight error. */
function requireRunners(o: Pick<ExecuteOptions, 'root' | 'inventory' | 'config' | 'shard' | 'durations' | 'env'>, tiers: readonly string[]): void {
  const cfg = o.config.config;
  const problems = checkRunners(
    o.root,
    runnerGroups(
      o.inventory,
      tiers
        .filter((t) => !cfg.tiers[t]?.command)
        .flatMap((tier) => {
          const tests = o.inventory.tests.filter((t) => t.tier === tier);
          return o.shard ? shardTests(tests, o.shard, o.durations ?? new Map()) : tests;
        }),
    ),
    tiers.flatMap((tier) => {
      const c = cfg.tiers[tier];
      return c?.command ? [{ tier, command: c.command, cwd: path.resolve(o.root, c.cwd ?? '.') }] : [];
    }),
    o.env,
  );
  if (problems.length)
    throw new SeamsError('SEAMS_RUNNER_MISSING', problems.map((p) => p.reason).join('; '), {
      hint: [...new Set(problems.map((p) => p.hint))].join('; '),
    });
}

const RUNNER_IDS = new Set(['pytest', 'vitest', 'jest', 'playwright', 'mocha', 'node-test', 'django', 'unittest']);

/** The runner a tier command is (pytest, vitest, … by its command line), else `command`. */
function commandRunner(command: Parameters<typeof splitCommand>[0], tier: string): string {
  const r = configuredCommand(splitCommand(command, `tiers.${tier}.command`), '', []).runner;
  return r && RUNNER_IDS.has(r) ? r : 'command';
}

/**
 * Which runner gets which extra arguments (see `src/execute/extra-args.ts`), judged on the whole
 * tiers (not one shard, so every shard of a CI run agrees). Throws a usage error when ambiguous.
 */
function extraArgsOf(o: Pick<ExecuteOptions, 'inventory' | 'config' | 'extraArgs'>, tiers: readonly string[]): (runner: string) => string[] {
  const cfg = o.config.config;
  const runners = tiers.flatMap((tier) => {
    const c = cfg.tiers[tier];
    if (c?.command) return [commandRunner(c.command, tier)];
    return o.inventory.tests.filter((t) => t.tier === tier).map((t) => t.runner as string);
  });
  return extraArgsByRunner(o.extraArgs ?? [], runners, tiers);
}

function requireServices(pre: Preflight): void {
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
 */
export function preflightRun(o: Pick<ExecuteOptions, 'root' | 'inventory' | 'config' | 'tiers' | 'shard' | 'durations' | 'env' | 'extraArgs'>): void {
  const cfg = o.config.config;
  const tiers = selectTiers(o.inventory, o.config, o.tiers);
  extraArgsOf(o, tiers);
  requireRunners(o, tiers);
  const serviceNames = [...new Set(tiers.flatMap((t) => cfg.tiers[t]?.services ?? []))];
  if (serviceNames.length) requireServices(new ServiceSession({ root: o.root, runId: 'preflight', services: cfg.services, env: o.env }).preflight(serviceNames));
}

/** Runs the tiers with their services. Never leaves a process behind. */
export async function executeRun(o: ExecuteOptions): Promise<ExecuteOutcome> {
  const startedAt = new Date().toISOString();
  const runId = o.runId ?? newRunId();
  const cfg = o.config.config;
  const tiers = selectTiers(o.inventory, o.config, o.tiers);
  const git = await gitInfo(o.root, o.env);

  const argsFor = extraArgsOf(o, tiers);
  // runners first: a runner that is not installed fails the run before any service starts
  if (!o.preflighted) requireRunners(o, tiers);

  pruneLogs(path.join(o.root, '.seams', 'logs'), 20);
  // the next run cleans up after a seams that was killed
  const reaped = await reapStale(o.root);
  for (const r of reaped) o.log(`cleaned up services left by run ${r.runId}${r.stopped.length ? `: ${r.stopped.join(', ')}` : ''}`);

  const serviceNames = [...new Set(tiers.flatMap((t) => cfg.tiers[t]?.services ?? []))];
  const session = new ServiceSession({
    root: o.root,
    runId,
    services: cfg.services,
    env: o.env,
    timeoutMultiplier: o.timeoutMultiplier,
    keep: o.keepServices,
    tiers,
    log: o.log,
    info: o.info,
    // SEAMS_NO_WATCHDOG=1: rely on the state file alone (the next run reaps)
    watchdog: o.watchdog ?? !o.env.SEAMS_NO_WATCHDOG,
  });
  const pre = session.preflight(serviceNames); // throws for unknown services / cycles
  requireServices(pre);

  const tasks: TaskReport[] = [];
  const results: TestResult[] = [];
  let services: ServiceRecord[] = [];
  let serviceFailure: ExecuteOutcome['serviceFailure'];
  let interrupted = false;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'seams-run-'));
  const logDir = path.join(o.root, '.seams', 'logs', runId);
  try {
    // also without services: the state file + watchdog cover the test runner's process group
    const onAbort = () => session.cancel('interrupted while services were starting');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    // services kept by `seams services up` are reused for local work (never in CI)
    const kept = serviceNames.length && !o.env.CI ? findKept(o.root, pre.order) : null;
    let up = await session
      .up(kept ? [] : serviceNames, kept ? session.preflight([]) : pre)
      .finally(() => o.signal?.removeEventListener('abort', onAbort));
    if (kept) {
      o.log(`reusing ${pre.order.join(', ')} from seams services up (run ${kept.runId})`);
      up = {
        ...up,
        env: { ...kept.env, SEAMS_RUN_ID: runId },
        records: pre.order.map((name) => ({
          name,
          kind: kept.services.find((s) => s.name === name)!.kind,
          status: 'ready' as const,
          message: `reused from run ${kept.runId}`,
        })),
      };
    }
    if (o.signal?.aborted) interrupted = true;
    services = up.records;
    if (!up.ok) serviceFailure = up.failure;
    const missing = new Map(up.missing.map((m) => [m.name, m.reason]));
    const ready = new Set(up.records.filter((r) => r.status === 'ready').map((r) => r.name));
    const index = new InventoryIndex(o.inventory.tests);

    for (const tier of tiers) {
      if (o.signal?.aborted) {
        interrupted = true;
        break;
      }
      const tcfg = cfg.tiers[tier];
      const tierServices = tcfg?.services ?? [];
      let tests = o.inventory.tests.filter((t) => t.tier === tier);
      if (o.shard) tests = shardTests(tests, o.shard, o.durations ?? new Map());
      const svcOfTier = tierServices.filter((s) => ready.has(s));

      if (serviceFailure) {
        // seams never starts an external (url:) service: it is unreachable, not "failed to start"
        const failed = up.records.find((r) => r.name === serviceFailure!.name);
        const why = failed?.kind === 'external' && /^not reachable/.test(serviceFailure.message)
          ? `service ${serviceFailure.name} is ${serviceFailure.message.split('\n')[0]}`
          : `service ${serviceFailure.name} failed to start`;
        for (const t of tests) results.push(notRun(t, why));
        continue;
      }
      // tests that need a missing optional service are reported, never run, never passed
      const excluded = new Map<string, string>();
      for (const [svc, reason] of missing) {
        for (const t of testsNeeding(svc, tier, tierServices, tests, o.inventory.tests))
          excluded.set(`${t.runner}|${t.project ?? ''}|${t.id}`, /^not reachable at /.test(reason) ? `${svc} is ${reason}` : `${svc} is missing: ${reason}`);
      }
      const keyOf = (t: { runner: string; project: string | null; id: string }) => `${t.runner}|${t.project ?? ''}|${t.id}`;
      for (const t of tests) {
        const why = excluded.get(keyOf(t));
        if (why) results.push(notRun(t, why));
      }
      const runnable = tests.filter((t) => !excluded.has(keyOf(t)));
      const env: NodeJS.ProcessEnv = { ...o.env, ...up.env, SEAMS_RUN_ID: runId, SEAMS_TIER: tier };
      const timeoutMs = tcfg?.timeout !== undefined ? durationMs(tcfg.timeout, 0) * (o.timeoutMultiplier ?? 1) : undefined;

      if (!tests.length && !tcfg?.command) o.log(`tier ${tier}: no tests${o.shard ? ' in this shard' : ''}`);
      const specs: { spec: CommandSpec; ctx: JoinContext; tests: DiscoveredTest[]; runner: string; project: string | null }[] = [];
      if (tcfg?.command) {
        if (!runnable.length && tests.length) continue; // everything in the tier is not-run
        const cwd = path.resolve(o.root, tcfg.cwd ?? '.');
        const resultFile = path.join(workDir, `${tier}-command.report`);
        const base = configuredCommand(splitCommand(tcfg.command, `tiers.${tier}.command`), resultFile, argsFor(commandRunner(tcfg.command, tier)));
        const configured = tcfg.results === undefined ? [] : typeof tcfg.results === 'string' ? [tcfg.results] : tcfg.results;
        const spec: CommandSpec = { ...base, cwd, resultFile: configured.length ? path.resolve(cwd, configured[0]!) : resultFile };
        if (configured.length) rmSync(spec.resultFile, { force: true });
        const runner = (base.runner && base.runner !== 'go' ? base.runner : undefined) as RunnerId | undefined;
        const info = o.inventory.runners.find((r) => r.runner === runner);
        specs.push({
          spec,
          ctx: { root: o.root, tests: o.inventory.tests, runner, runnerRoot: info?.rootDir ?? path.relative(o.root, cwd), services: svcOfTier },
          tests: runnable,
          runner: base.runner ?? 'command',
          project: null,
        });
      } else {
        const groups = new Map<string, DiscoveredTest[]>();
        for (const t of runnable) {
          const k = `${t.runner}\u0000${t.project ?? ''}`;
          const list = groups.get(k) ?? [];
          list.push(t);
          groups.set(k, list);
        }
        for (const list of groups.values()) {
          const { runner, project } = list[0]!;
          const info =
            o.inventory.runners.find((r) => r.runner === runner && r.project === project) ??
            o.inventory.runners.find((r) => r.runner === runner);
          const rootDir = info?.rootDir ?? '.';
          const allTests = o.inventory.tests.filter((t) => t.runner === runner && t.project === project);
          const resultFile = path.join(workDir, `${tier}-${runner}-${specs.length}.report`);
          const spec = COMMAND_BUILDERS[runner]({
            root: o.root,
            runner,
            project,
            rootDir,
            tests: list,
            allTests,
            exclude: new Set(),
            resultFile,
            workDir,
            extraArgs: argsFor(runner),
            retries: tcfg?.retries,
            env,
          });
          specs.push({ spec, ctx: { root: o.root, tests: o.inventory.tests, runner, runnerRoot: rootDir, project, services: svcOfTier }, tests: list, runner, project });
        }
      }

      for (const s of specs) {
        if (o.signal?.aborted) {
          interrupted = true;
          break;
        }
        mkdirSync(logDir, { recursive: true });
        const log = path.join(logDir, `${tier}-${s.runner}${s.project ? `-${s.project}` : ''}.log`);
        // a tier command seams knows no tests of: no count to give
        const count = tcfg?.command && !s.tests.length ? '' : `: ${s.tests.length} test${s.tests.length === 1 ? '' : 's'}`;
        o.info?.(`running ${tier} · ${s.runner}${s.project ? ` (${s.project})` : ''}${count}`);
        const t0 = Date.now();
        o.progress?.start(`${tier} · ${s.runner}${s.project ? ` (${s.project})` : ''}`);
        const exec = await runTask(s.spec, { ...env, ...s.spec.env }, log, timeoutMs, o.signal, o.echo, (pgid) => session.track(`tests:${tier}`, pgid));
        o.progress?.stop();
        if (exec.pgid) session.untrack(exec.pgid);
        const report: TaskReport = {
          tier,
          runner: s.runner,
          project: s.project,
          argv: s.spec.argv,
          cwd: s.spec.cwd,
          exitCode: exec.code,
          log: path.relative(o.root, log),
          durationMs: Date.now() - t0,
        };
        if (exec.aborted) interrupted = true;
        const got: TestResult[] = [];
        const reportFile = s.spec.resultFromStdout ? log : s.spec.resultFile;
        const exitCodeOnly = s.runner === 'command' && !tcfg?.results && !existsSync(reportFile);
        if (exec.spawnError) report.error = `could not start ${s.spec.argv[0]}: ${exec.spawnError}`;
        else if (exitCodeOnly) {
          // a command seams knows no report for, that wrote none to $SEAMS_JUNIT_XML: its exit code is the result
          got.push({
            runner: 'junit',
            project: null,
            id: `${tier}::command`,
            name: `${tier} command`,
            tier,
            status: exec.timedOut ? 'error' : exec.code === 0 ? 'passed' : 'failed',
            durationMs: Date.now() - t0,
            attempts: 1,
            flaky: false,
            known: false,
            ...(exec.code !== 0 ? { message: `${s.spec.argv.join(' ')} exited with ${exec.code ?? exec.signal} (log: ${report.log})` } : {}),
          });
        } else if (!existsSync(reportFile)) {
          // interrupted before it wrote a report: its tests are not run ("interrupted"), not a runner problem
          if (!exec.aborted || exec.timedOut) report.error = exec.timedOut
            ? `timed out after ${Math.round((timeoutMs ?? 0) / 1000)}s before writing a report`
            : `${s.runner} exited with ${exec.code ?? exec.signal} and wrote no report (see ${report.log})`;
          // the runner's own words say why (a config error, a missing package): show them
          if (report.error) report.logTail = tailFile(log, 12).map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
        } else {
          try {
            for await (const batch of readResults(reportFile, s.ctx, s.spec.format, index)) got.push(...batch);
          } catch (error) {
            report.error = describeError(error);
          }
        }
        if (exec.timedOut && !report.error) report.error = `timed out after ${Math.round((timeoutMs ?? 0) / 1000)}s`;
        for (const r of got) {
          r.tier ??= tier;
          if (!r.known) r.tier = tier;
        }
        results.push(...got);
        // selected tests the runner did not report: say so instead of dropping them
        const seen = new Set(got.map(keyOf));
        const reason = exec.aborted && !exec.timedOut ? 'interrupted' : report.error ? `no result: ${report.error}` : 'no result: the runner did not report this test';
        // (only for commands seams built without extra arguments: those may deselect on purpose)
        const complete = !tcfg?.command && !argsFor(s.runner).length;
        if (complete || report.error || exec.aborted) {
          for (const t of s.tests) if (!t.dynamic && !seen.has(keyOf(t))) results.push(notRun(t, reason, svcOfTier));
        } else if (!tcfg?.command) {
          const count = s.tests.filter((t) => !t.dynamic && !seen.has(keyOf(t))).length;
          if (count) report.deselected = { count, args: argsFor(s.runner) };
        }
        if (report.error && !got.length && !s.tests.some((t) => !t.dynamic))
          results.push({ runner: 'junit', project: null, id: `${tier}::command`, name: `${tier} command`, tier, status: 'error', durationMs: report.durationMs, attempts: 1, flaky: false, message: report.error });
        if (report.error) o.log(`${tier} · ${s.runner}: ${report.error}`);
        tasks.push(report);
      }
      applySkipPolicy(results, tier, tcfg?.skips, DEFAULTS.strictSkipTiers);
    }
  } finally {
    await session.down();
    rmSync(workDir, { recursive: true, force: true });
  }

  if (interrupted) {
    // keep what finished; every selected test without a result was not run because of the interrupt
    const key = (t: { runner: string; project: string | null; id: string }) => `${t.runner}|${t.project ?? ''}|${t.id}`;
    const have = new Set(results.map(key));
    for (const tier of tiers) {
      let tests = o.inventory.tests.filter((t) => t.tier === tier);
      if (o.shard) tests = shardTests(tests, o.shard, o.durations ?? new Map());
      for (const t of tests) if (!t.dynamic && !have.has(key(t))) results.push(notRun(t, 'interrupted'));
    }
  }
  const counts = { failed: 0, notRun: 0 };
  for (const r of results) {
    if (r.status === 'failed' || r.status === 'error') counts.failed++;
    if (r.status === 'not-run') counts.notRun++;
  }
  const status: RunRecord['status'] =
    serviceFailure || interrupted || tasks.some((t) => t.error) ? 'error' : counts.failed || counts.notRun ? 'failed' : 'passed';
  const run: RunRecord = {
    id: runId,
    repo: o.inventory.name,
    commit: git.commit,
    branch: git.branch,
    tiers,
    environment: { ...environmentOf(o.env, o.repetition), ...(interrupted ? { interrupted: 'true' } : {}) },
    shard: o.shard ? `${o.shard.index}/${o.shard.total}` : null,
    startedAt,
    finishedAt: new Date().toISOString(),
    status,
    services,
    results,
  };
  return { run, tasks, serviceFailure, interrupted };
}

/** How long a runner may take to write its report after SIGINT before it gets SIGTERM. */
const INTERRUPT_GRACE_MS = 5000;

interface TaskExec {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
  timedOut: boolean;
  aborted: boolean;
  pgid?: number;
}

/** Runs one test command in its own process group, output to a log file (and live with echo). */
function runTask(
  spec: CommandSpec,
  env: NodeJS.ProcessEnv,
  logFile: string,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  echo: ((chunk: string) => void) | undefined,
  onStart: (pgid: number) => void,
): Promise<TaskExec> {
  return new Promise((resolve) => {
    const out = createWriteStream(logFile);
    let timedOut = false;
    let aborted = false;
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.once('spawn', () => child.pid && onStart(child.pid));
    const onData = (d: Buffer) => {
      out.write(d);
      echo?.(d.toString('utf8'));
    };
    child.stdout?.on('data', onData);
    // go test -json: stdout is the report; keep stderr out of it
    child.stderr?.on('data', spec.resultFromStdout ? (d: Buffer) => echo?.(d.toString('utf8')) : onData);
    const stop = () => {
      if (child.pid) void stopGroup(child.pid, null, 5000);
    };
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      // like a terminal's Ctrl-C: SIGINT first, so pytest writes its JUnit XML and Vitest/Playwright
      // their JSON with the tests that finished; SIGTERM, then SIGKILL, only after a grace period
      if (child.pid) void stopGroup(child.pid, null, 5000, { signal: 'SIGINT', ms: INTERRUPT_GRACE_MS });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (r: Omit<TaskExec, 'timedOut' | 'aborted'>) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      out.end(() => resolve({ ...r, timedOut, aborted, pgid: child.pid }));
    };
    child.on('error', (e) => finish({ code: null, signal: null, spawnError: e.message }));
    child.on('close', (code, sig) => {
      // the runner is done; anything it left in its group goes too
      if (child.pid) void stopGroup(child.pid, null, 2000);
      finish({ code, signal: sig });
    });
  });
}

/** Keeps the logs of the newest `keep` runs (run ids sort by time). */
function pruneLogs(dir: string, keep: number): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const n of names.slice(0, Math.max(0, names.length - keep))) rmSync(path.join(dir, n), { recursive: true, force: true });
}
