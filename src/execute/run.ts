import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULTS } from '../config/resolve.js';
import type { DiscoveredTest, ResultStatus, RunRecord, ServiceRecord, TestResult } from '../core/types.js';
import type { InventoryIndex } from '../results/index.js';
import { ServiceSession, reapStale, durationMs, serviceSecrets, type Preflight } from '../services/index.js';
import { redactSecrets, type Secret } from '../util/urls.js';
import { findKept } from '../services/state.js';
import type { TaskReport } from './join.js';
import { explainRunnerFailure, extraArgsOf, planTierCommand, planTierTests, requireRunners, requireServices, selectTiers, testsNeeding, testsOfTier, type PlanOptions, type PlannedTask } from './plan.js';
import { maskSecrets, errorTextOf, redactLogs, gitInfo, incompleteInfo, incompleteReason, newRunId, notRun, pruneLogs, runRecord, runStatus, testKey } from './record.js';
import type { IncompleteInfo } from '../core/types.js';
import { applySkipPolicy } from './policy.js';
import { ReachCollector, type ReachSummary } from './reach.js';
import { runTask } from './task.js';
import { EventsTail } from './events.js';
import { TaskTimingsFile, timingsKey } from './timings.js';
import type { LiveEvent, RunProgress, TaskProgress } from '../core/progress.js';
import { toPosix } from '../util/paths.js';

/** How often a running task's events file is read (ms). */
const EVENTS_POLL_MS = 100;

export interface ExecuteOptions extends PlanOptions {
  keepServices?: boolean;
  timeoutMultiplier?: number;
  runId?: string;
  /** Lines for the user wherever seams runs (stderr): warnings, things seams did on its own. */
  log: (line: string) => void;
  /** Progress lines (a service is ready, a runner starts): given on a terminal only, absent in CI. */
  info?: (line: string) => void;
  /** Runner output goes here live when set (e.g. --verbose). */
  echo?: (chunk: string) => void;
  signal?: AbortSignal;
  watchdog?: boolean;
  /**
   * Live progress (terminals: tests done of total, failures, ETA; elsewhere one line per finished
   * tier). Runners that can report each test to an events file when `liveEvents` is set.
   */
  progress?: RunProgress;
  /** Repetition number for `--repeat` (recorded in the environment). */
  repetition?: number;
  /** `preflightRun` already checked the runners (repeat runs do not check again). */
  preflighted?: boolean;
  /** `preflightRun` left out the Python module probes: a runner that fails without a report is probed then. */
  probesDeferred?: boolean;
  /** Called once, when the first test runner has started (work that can wait until then: loading the history store). */
  onRunnerStarted?: () => void;
  /** false (`--no-cache`): under `--reach`, hash the measured files without the stat index. */
  cache?: boolean;
}

export interface ExecuteOutcome {
  run: RunRecord;
  tasks: TaskReport[];
  /** Set when services could not start: the run is an infrastructure error. */
  serviceFailure?: { name: string; message: string };
  interrupted: boolean;
  /** Under `--reach`: what was measured (stored with the run), what could not be. */
  reach?: ReachSummary;
}

type ServicesUp = Awaited<ReturnType<ServiceSession['up']>>;

/** Starts the services of the run, or reuses those `seams services up` keeps (local work only). */
async function startServices(o: ExecuteOptions, session: ServiceSession, pre: Preflight, serviceNames: string[], runId: string): Promise<ServicesUp> {
  // also without services: the state file + watchdog cover the test runner's process group
  const onAbort = () => session.cancel('interrupted while services were starting');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const kept = serviceNames.length && !o.env.CI ? findKept(o.root, pre.order) : null;
  const up = await session.up(kept ? [] : serviceNames, kept ? session.preflight([]) : pre).finally(() => o.signal?.removeEventListener('abort', onAbort));
  if (!kept) return up;
  o.log(`reusing ${pre.order.join(', ')} from seams services up (run ${kept.runId})`);
  return {
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

interface RunState {
  runId: string;
  session: ServiceSession;
  up: ServicesUp;
  workDir: string;
  logDir: string;
  argsFor: (runner: string) => string[];
  /** The inventory indexed for the join: built while the first runner runs. */
  index?: Promise<InventoryIndex>;
  /** What waits for the first runner to start (git, `onRunnerStarted`). */
  runnerStarted: () => void;
  tasks: TaskReport[];
  results: TestResult[];
  interrupted: boolean;
  reach?: ReachCollector;
  /** Tasks that could not run their tests (no report, stopped at collection): the run is incomplete. */
  incomplete: (IncompleteInfo & { tier: string; runner: string })[];
  /** Tests of those tasks: they get no "not run" row, not even after an interrupt. */
  unreported: Set<string>;
  /** The services' secrets (`secret: true`, `env_file:`): masked in every line, log and record. */
  secrets: Secret[];
  /** Writes what the live runner output holds back (a partial line). */
  flushEcho?: () => void;
  /** How each task went last time on this machine (for the live ETA), read on first use. */
  timings: TaskTimingsFile;
}

/**
 * Live runner output (`--verbose`) with its secrets masked. A secret must not be cut between two
 * chunks, so whole lines go out at once and a partial line (pytest's progress dots) after 100 ms
 * without output, or when the runner ends.
 */
export function maskedEcho(echo: (chunk: string) => void, mask: (text: string) => string): { write: (chunk: string) => void; flush: () => void } {
  let carry = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (carry) echo(mask(carry));
    carry = '';
  };
  const write = (chunk: string) => {
    const text = carry + chunk;
    const nl = text.lastIndexOf('\n');
    if (nl !== -1) echo(mask(text.slice(0, nl + 1)));
    carry = text.slice(nl + 1);
    clearTimeout(timer);
    timer = undefined;
    if (carry.length > 65_536) flush();
    else if (carry) timer = setTimeout(flush, 100);
  };
  return { write, flush };
}

/** Why the tests of a tier are not run when a required service failed to start. */
function serviceFailureReason(up: ServicesUp): string {
  const failure = up.failure!;
  // seams never starts an external (url:) service: it is unreachable, not "failed to start"
  const failed = up.records.find((r) => r.name === failure.name);
  return failed?.kind === 'external' && /^not reachable/.test(failure.message)
    ? `service ${failure.name} is ${failure.message.split('\n')[0]}`
    : `service ${failure.name} failed to start`;
}

/** Tests of a tier that need a missing optional service, with why: reported, never run, never passed. */
function excludedTests(o: ExecuteOptions, up: ServicesUp, tier: string, tests: DiscoveredTest[]): Map<string, string> {
  const tierServices = o.config.config.tiers[tier]?.services ?? [];
  const excluded = new Map<string, string>();
  for (const { name: svc, reason } of up.missing)
    for (const t of testsNeeding(svc, tier, tierServices, tests, o.inventory.tests))
      excluded.set(testKey(t), /^not reachable at /.test(reason) ? `${svc} is ${reason}` : `${svc} is missing: ${reason}`);
  return excluded;
}

/** Runs one planned task and stores its report and results in the state. */
async function executeTask(o: ExecuteOptions, s: RunState, tier: string, task: PlannedTask, env: NodeJS.ProcessEnv, timeoutMs: number | undefined, services: string[], at: TierAt): Promise<void> {
  const tcfg = o.config.config.tiers[tier];
  mkdirSync(s.logDir, { recursive: true });
  for (const f of task.spec.files ?? []) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content);
  }
  const log = path.join(s.logDir, `${tier}-${task.runner}${task.project ? `-${task.project}` : ''}.log`);
  // a tier command seams knows no tests of: no count to give
  const count = tcfg?.command && !task.tests.length ? '' : `: ${task.tests.length} test${task.tests.length === 1 ? '' : 's'}`;
  const label = `${tier} · ${task.runner}${task.project ? ` (${task.project})` : ''}`;
  o.info?.(`running ${label}${count}`);
  const t0 = Date.now();
  const live = o.progress && followTask(o, s, task, tier, label, tcfg?.command && !task.tests.length ? 0 : task.tests.length, at);
  // the runner carries the run's marker (so do its tests' processes) and is recorded right at spawn
  const running = runTask(task.spec, { ...env, ...task.spec.env, ...s.session.marker }, log, timeoutMs, o.signal, o.echo, (pgid) => s.session.track(`tests:${tier}`, pgid));
  // the runner has started: what reads and joins its report is loaded and the inventory indexed
  // meanwhile, not before it
  const joining = import('./join.js');
  if (!s.index) {
    s.index = import('../results/index.js').then(({ InventoryIndex }) => new InventoryIndex(o.inventory.tests));
    s.runnerStarted();
  }
  const exec = await running;
  s.flushEcho?.();
  const { joinTask } = await joining;
  live?.stop();
  if (exec.pgid) s.session.untrack(exec.pgid);
  const report: TaskReport = {
    tier,
    runner: task.runner,
    project: task.project,
    argv: task.spec.argv,
    cwd: task.spec.cwd,
    exitCode: exec.code,
    log: path.relative(o.root, log),
    durationMs: Date.now() - t0,
  };
  if (exec.aborted) s.interrupted = true;
  const results = await joinTask({
    tier,
    task,
    exec,
    report,
    logFile: log,
    tierCommand: !!tcfg?.command,
    tierResults: !!tcfg?.results,
    timeoutMs,
    extraArgs: task.extraArgs ?? s.argsFor(task.runner),
    services,
    index: await s.index,
    startedAt: t0,
  });
  // the module probe pre-flight left out: a runner that is not installed is a pre-flight error still
  if (report.error && o.probesDeferred && !exec.timedOut && !exec.aborted) explainRunnerFailure(o, task.runner, task.ctx.runnerRoot ?? '.');
  // its coverage data is read now: the scratch folder goes at the end of the run
  if (s.reach) await s.reach.addTask(tier, task, exec, report, results, !!tcfg?.command);
  // the runner's last lines are shown and stored: never with a secret of the environment in them
  if (report.logTail) report.logTail = report.logTail.map((l) => maskSecrets(l, { ...env, ...task.spec.env }, s.secrets));
  const incomplete = incompleteReason({ runner: task.runner, exitCode: exec.code, error: report.error, aborted: !!exec.aborted, timedOut: !!exec.timedOut, results });
  if (incomplete) {
    // its tests did not run: no "not run" row for each (they would read as a run of the whole
    // selection that ran nothing); what the runner did report (collection errors) is kept
    s.incomplete.push({ tier, runner: task.runner, reason: incomplete, errorText: errorTextOf(log, { ...env, ...task.spec.env }, s.secrets), log: report.log });
    for (const t of task.tests) s.unreported.add(testKey(t));
    s.results.push(...results.filter((r) => r.status !== 'not-run'));
  } else s.results.push(...results);
  if (report.error) o.log(`${tier} · ${task.runner}: ${report.error}`);
  s.tasks.push(report);
}

/** Where a tier stands in the run (1-based), for the progress display. */
interface TierAt {
  index: number;
  count: number;
}

/** The ids a planned test's live events may carry: its inventory id, and that id below the runner's root (pytest's node id). */
function eventKeys(rootDir: string): (t: { id: string }) => string[] {
  const prefix = rootDir && rootDir !== '.' ? `${toPosix(rootDir).replace(/\/$/, '')}/` : '';
  return (t) => (prefix && t.id.startsWith(prefix) ? [t.id, t.id.slice(prefix.length)] : [t.id]);
}

/**
 * The live progress of one task: its events file read every 100 ms while the runner runs (the
 * runner reports each test as it finishes), the rest read when it ends.
 */
function followTask(o: ExecuteOptions, s: RunState, task: PlannedTask, tier: string, label: string, planned: number, at: TierAt): { stop(): void } {
  const progress = o.progress!;
  const rootDir = task.ctx.runnerRoot ?? '.';
  const key = timingsKey(tier, task.runner, task.project);
  const previous = task.events ? s.timings.get(key) : undefined;
  const state: TaskProgress = progress.taskStarted(
    { tier, runner: task.runner, project: task.project, label, planned, live: !!task.events, tierIndex: at.index, tierCount: at.count, ...(previous ? { previous } : {}) },
    task.tests,
    eventKeys(rootDir),
  );
  if (!task.events) return { stop: () => progress.taskFinished(state) };
  const cwd = task.spec.cwd;
  // a test named by file and titles (the JS reporters) gets the id seams scan gives it
  const keyOf = (e: Extract<LiveEvent, { event: 'test' }>) =>
    e.id ?? `${repoFile(e.file!)} > ${e.titlePath!.join(' > ')}`;
  // a file that failed to load is named as seams names files: from the repository root
  const repoFile = (f: string) => toPosix(path.relative(o.root, path.resolve(cwd, f)));
  const tail = new EventsTail(task.events, (e) => state.apply(e.event === 'error' && e.file ? { ...e, file: repoFile(e.file) } : e, Date.now(), keyOf));
  const timer = setInterval(() => tail.poll(), EVENTS_POLL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      tail.close();
      state.finish(Date.now());
      progress.taskFinished(state);
      // the next run's ETA: how this one went, when it ran to its end
      const timings = o.signal?.aborted ? undefined : state.timings();
      if (timings) s.timings.set(key, timings, new Date());
    },
  };
}

/** Runs the tests of one tier. */
async function executeTier(o: ExecuteOptions, s: RunState, tier: string, at: TierAt): Promise<void> {
  const first = s.results.length;
  const t0 = Date.now();
  await runTier(o, s, tier, at);
  if (!o.progress) return;
  const counts: Partial<Record<ResultStatus, number>> = {};
  const results = s.results.slice(first);
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  o.progress.tierFinished({ tier, tierIndex: at.index, tierCount: at.count, tests: results.length, counts, ms: Date.now() - t0 });
}

async function runTier(o: ExecuteOptions, s: RunState, tier: string, at: TierAt): Promise<void> {
  const tcfg = o.config.config.tiers[tier];
  const tests = testsOfTier(o, tier);
  if (s.up.failure) {
    const why = serviceFailureReason(s.up);
    for (const t of tests) s.results.push(notRun(t, why));
    return;
  }
  const ready = new Set(s.up.records.filter((r) => r.status === 'ready').map((r) => r.name));
  const services = (tcfg?.services ?? []).filter((svc) => ready.has(svc));
  const excluded = excludedTests(o, s.up, tier, tests);
  for (const t of tests) {
    const why = excluded.get(testKey(t));
    if (why) s.results.push(notRun(t, why));
  }
  const runnable = tests.filter((t) => !excluded.has(testKey(t)));
  const env: NodeJS.ProcessEnv = { ...o.env, ...s.up.env, SEAMS_RUN_ID: s.runId, SEAMS_TIER: tier };
  const timeoutMs = tcfg?.timeout !== undefined ? durationMs(tcfg.timeout, 0) * (o.timeoutMultiplier ?? 1) : undefined;

  if (!tests.length && !tcfg?.command) o.log(`tier ${tier}: no tests${o.shard ? ' in this shard' : ''}`);
  if (tcfg?.command && !runnable.length && tests.length) return; // everything in the tier is not-run
  const plan = { tier, runnable, workDir: s.workDir, argsFor: s.argsFor, services };
  const tasks = tcfg?.command ? [planTierCommand({ ...o, env }, plan)] : planTierTests({ ...o, env }, plan);
  for (const task of tasks) {
    if (o.signal?.aborted) {
      s.interrupted = true;
      break;
    }
    await executeTask(o, s, tier, task, env, timeoutMs, services, at);
  }
  applySkipPolicy(s.results, tier, tcfg?.skips, DEFAULTS.strictSkipTiers);
}

/** Runs the tiers with their services. Never leaves a process behind. */
export async function executeRun(options: ExecuteOptions): Promise<ExecuteOutcome> {
  const startedAt = new Date().toISOString();
  // every line seams prints masks the services' secrets and URL passwords (runner output too)
  const secrets = serviceSecrets(options.config.config.services, options.root);
  const mask = (line: string) => redactSecrets(line, secrets);
  const o: ExecuteOptions = {
    ...options,
    log: (l) => options.log(mask(l)),
    ...(options.info ? { info: (l: string) => options.info!(mask(l)) } : {}),
  };
  const echo = options.echo && maskedEcho(options.echo, mask);
  if (echo) o.echo = echo.write;
  const runId = o.runId ?? newRunId();
  const cfg = o.config.config;
  const tiers = selectTiers(o.inventory, o.config, o.tiers);
  // asked once the tests run (two git processes, not in the runner's way), recorded with the run
  let gitAsked: ReturnType<typeof gitInfo> | undefined;
  const askGit = () => (gitAsked ??= gitInfo(o.root, o.env));
  const runnerStarted = () => {
    void askGit();
    o.onRunnerStarted?.();
  };

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

  let services: ServiceRecord[] = [];
  let state: RunState | undefined;
  let workDir: string | undefined;
  const results: TestResult[] = [];
  const tasks: TaskReport[] = [];
  let interrupted = false;
  let serviceFailure: ExecuteOutcome['serviceFailure'];
  try {
    const up = await startServices(o, session, pre, serviceNames, runId);
    // named in the run's state file before it exists: a killed seams leaves no seams-run-* folder
    workDir = session.scratchDir('seams-run-');
    if (o.signal?.aborted) interrupted = true;
    services = up.records;
    if (!up.ok) serviceFailure = up.failure;
    state = {
      runId,
      session,
      up,
      workDir,
      logDir: path.join(o.root, '.seams', 'logs', runId),
      argsFor,
      tasks,
      results,
      interrupted,
      incomplete: [],
      unreported: new Set(),
      secrets,
      ...(echo ? { flushEcho: echo.flush } : {}),
      runnerStarted,
      timings: new TaskTimingsFile(o.root),
      ...(o.reach ? { reach: new ReachCollector(o.root, { cache: o.cache }) } : {}),
    };
    for (const [i, tier] of tiers.entries()) {
      if (o.signal?.aborted) {
        state.interrupted = true;
        break;
      }
      await executeTier(o, state, tier, { index: i + 1, count: tiers.length });
    }
  } finally {
    await session.down();
    if (workDir) session.removeScratch(workDir);
    // the logs kept in .seams/logs/<run id> (runners and services): secrets masked once all is
    // stopped; kept services still write theirs (seams services down masks them)
    redactLogs(o.root, runId, secrets, o.keepServices ? pre.order.map((n) => `${n}.log`) : []);
  }
  interrupted = state?.interrupted ?? interrupted;

  if (interrupted) {
    // keep what finished; every selected test without a result was not run because of the interrupt
    const have = new Set([...results.map(testKey), ...(state?.unreported ?? [])]);
    for (const tier of tiers) for (const t of testsOfTier(o, tier)) if (!t.dynamic && !have.has(testKey(t))) results.push(notRun(t, 'interrupted'));
  }
  const git = await askGit();
  const status = runStatus(results, !!serviceFailure || interrupted || tasks.some((t) => t.error));
  const incomplete = incompleteInfo(state?.incomplete ?? []);
  const run = runRecord({ id: runId, repo: o.inventory.name, git, tiers, env: o.env, repetition: o.repetition, interrupted, shard: o.shard, startedAt, status, services, results, secrets, ...(incomplete ? { incomplete } : {}) });
  // an incomplete run measured nothing worth keeping (its reach is not stored)
  const reach = state?.reach?.finish(interrupted || !!incomplete);
  return { run, tasks, serviceFailure, interrupted, ...(reach ? { reach } : {}) };
}
