import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chownSync, closeSync, mkdirSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceConfig } from '../config/schema.js';
import type { ServiceRecord } from '../core/types.js';
import { processStartTime } from './process-tree.js';
import { tailFile, type Probe } from './probes.js';
import type { ServiceState } from './state.js';
import { canEnter, type UnixIds } from './users.js';
import { durationMs, envName, sleep, splitCommand, substitute } from './util.js';

/** Starting one service (external, native process, docker compose) until it is ready. */

export interface Running {
  name: string;
  kind: ServiceRecord['kind'];
  state: ServiceState;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

const DEFAULT_TIMEOUT = 60_000;
const DEFAULT_PERIOD = 200;
const DEFAULT_GRACE = 5_000;

/** What starting a service needs from its session. */
export interface StartHost {
  root: string;
  runId: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Multiplies every readiness deadline. */
  multiplier: number;
  tmp(name: string): string | undefined;
  /** Records a service before anything of it starts (so teardown stops it). */
  add(running: Running): void;
  /** Writes the state file now, synchronously: called right after each spawn. */
  saveState(): void;
  /** The marker every child carries in its environment (see findMarked). */
  marker: Record<string, string>;
  /** The ids of a user, resolved before anything was spawned (see users.ts). */
  user(name: string): UnixIds | null;
  vars(name: string): Record<string, string | number>;
  envFor(name: string, c: ServiceConfig): Record<string, string>;
  probe(name: string, c: ServiceConfig, logFile: string | undefined, ids?: UnixIds): Probe | null;
}

interface Timing {
  deadline: number;
  period: number;
  graceMs: number;
}

export function kindOf(s: ServiceConfig): ServiceRecord['kind'] {
  return s.compose ? 'compose' : s.command ? 'process' : 'external';
}

/** Starts a service and waits until it is ready; throws with the reason (and last log lines) when it is not. */
export async function startService(host: StartHost, name: string, c: ServiceConfig, signal: AbortSignal): Promise<ServiceRecord> {
  const timing: Timing = {
    deadline: durationMs(c.ready?.timeout, DEFAULT_TIMEOUT) * host.multiplier,
    period: durationMs(c.ready?.period, DEFAULT_PERIOD),
    graceMs: durationMs(c.stop_timeout, DEFAULT_GRACE),
  };
  const cwd = path.resolve(host.root, c.cwd ?? '.');
  if (c.url) return startExternal(host, name, c, timing, signal);
  if (c.compose) return startCompose(host, name, c, cwd, timing.deadline, timing.graceMs);
  return startProcess(host, name, c, cwd, timing, signal);
}

async function startExternal(host: StartHost, name: string, c: ServiceConfig, t: Timing, signal: AbortSignal): Promise<ServiceRecord> {
  const url = substitute(c.url!, host.vars(name));
  const probe = host.probe(name, c, undefined);
  host.add({ name, kind: 'external', state: { name, kind: 'external', graceMs: t.graceMs } });
  // an external service should already be up: a short deadline unless one is configured
  const until = Date.now() + (c.ready?.timeout !== undefined ? t.deadline : 5000 * host.multiplier);
  while (!(probe && (await probe()))) {
    if (Date.now() > until || signal.aborted) throw new Error(`not reachable at ${url}`);
    await sleep(t.period);
  }
  return { name, kind: 'external', status: 'ready', url };
}

async function startProcess(host: StartHost, name: string, c: ServiceConfig, cwd: string, t: Timing, signal: AbortSignal): Promise<ServiceRecord> {
  const vars = host.vars(name);
  const user = c.user && process.getuid?.() === 0 && c.user !== os.userInfo().username ? host.user(c.user) ?? undefined : undefined;
  const tmp = host.tmp(name)!;
  if (user) chownSync(tmp, user.uid, user.gid);
  // A process run as another user cannot start in a folder that user cannot enter (a repo in a
  // root-only 0700 temp dir): it then starts in its own {tmp}, unless a cwd was configured.
  let procCwd = cwd;
  if (user && !canEnter(cwd, user)) {
    if (c.cwd !== undefined) throw new Error(`user ${c.user} cannot enter the working directory ${c.cwd}`);
    procCwd = tmp;
  }
  mkdirSync(host.logDir, { recursive: true });
  const logFile = path.join(host.logDir, `${name}.log`);
  const childEnv: NodeJS.ProcessEnv = {
    ...host.env,
    ...host.envFor(name, c),
    SEAMS_RUN_ID: host.runId,
    ...(user && c.user ? { USER: c.user, LOGNAME: c.user, HOME: tmp } : {}),
    ...host.marker,
  };
  // recorded before anything of it runs: its {tmp} goes at teardown even if seams dies in setup
  const running: Running = { name, kind: 'process', state: { name, kind: 'process', graceMs: t.graceMs, tmp } };
  host.add(running);
  host.saveState();
  const spawnOpts = { cwd: procCwd, env: childEnv, user, logFile };
  await runSetupSteps(host, running, name, c, vars, spawnOpts, signal);
  if (signal.aborted) throw new Error('start-up aborted');
  const argv = splitCommand(c.command!, `services.${name}.command`).map((a) => substitute(a, vars));
  const fd = openSync(logFile, 'a');
  const child = spawnRecorded(host, argv, { cwd: procCwd, env: childEnv, stdio: ['ignore', fd, fd], detached: true, ...user }, (pgid, start) => {
    running.state.pgid = pgid;
    running.state.start = start;
  });
  closeSync(fd);
  const { exited } = await watchSpawn(child, running, argv[0]!);
  await waitUntilReady(host, name, running, exited, host.probe(name, c, logFile, user), logFile, t, signal);
  const url = host.envFor(name, c)[`${envName(name)}_URL`];
  return { name, kind: 'process', status: 'ready', ...(url ? { url } : {}) };
}

/**
 * spawn() and, in the same synchronous stretch, the child's pid, process group and start time
 * into the state file. spawn() returns once the child has exec'd (libuv waits for it), so its
 * pid and /proc entry are there; nothing else (no event, no other service's code) can run
 * between the two, and a seams killed right after still has the child on record.
 */
function spawnRecorded(host: StartHost, argv: string[], options: SpawnOptions, record: (pgid: number, start: string | null) => void): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), options);
  if (child.pid !== undefined) {
    // detached: the child leads its own process group (pgid = pid)
    record(child.pid, processStartTime(child.pid));
    host.saveState();
  }
  return child;
}

interface StepOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  user: UnixIds | undefined;
  logFile: string;
}

/**
 * The `setup:` commands, one after the other, each to completion; throws on the first that fails.
 * Each is recorded like a service process while it runs: a teardown stops it before removing the
 * folder it writes (initdb would otherwise write it again).
 */
async function runSetupSteps(host: StartHost, running: Running, name: string, c: ServiceConfig, vars: Record<string, string | number>, o: StepOptions, signal: AbortSignal): Promise<void> {
  const steps = c.setup === undefined ? [] : typeof c.setup === 'string' ? [c.setup] : c.setup;
  for (const step of steps) {
    if (signal.aborted) throw new Error('start-up aborted');
    const argv = splitCommand(step, `services.${name}.setup`).map((a) => substitute(a, vars));
    const fd = openSync(o.logFile, 'a');
    let spawnError: string | undefined;
    let child: ChildProcess;
    try {
      child = spawnRecorded(host, argv, { cwd: o.cwd, env: o.env, stdio: ['ignore', fd, fd], detached: true, ...o.user }, (pgid, start) => {
        running.state.setup = { pgid, start };
      });
    } finally {
      closeSync(fd);
    }
    const code = await new Promise<number | null>((resolve) => {
      child.on('error', (e) => {
        spawnError = e.message;
        resolve(-1);
      });
      child.on('exit', (code) => resolve(code));
    });
    delete running.state.setup;
    host.saveState();
    if (code !== 0)
      throw new Error(
        `setup step failed (${spawnError ?? `exit ${code}`}): ${argv.join(' ')}${o.user ? ` (as ${c.user})` : ''}\n${tailFile(o.logFile).join('\n')}`,
      );
  }
}

/** Waits for the spawn (already recorded) and gives a promise that settles when the process exits. */
async function watchSpawn(child: ChildProcess, running: Running, command: string): Promise<{ exited: Promise<false> }> {
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (e) => resolve(e));
  });
  if (spawnError || child.pid === undefined) throw new Error(`could not start ${command}: ${spawnError?.message ?? 'no pid'}`);
  const exited = new Promise<false>((resolve) =>
    child.on('exit', (code, sig) => {
      running.exited = { code, signal: sig };
      resolve(false);
    }),
  );
  child.unref();
  return { exited };
}

/** Probes until ready; throws when the process exits first, start-up is aborted, or the deadline passes. */
async function waitUntilReady(
  host: StartHost,
  name: string,
  running: Running,
  exited: Promise<false>,
  probe: Probe | null,
  logFile: string,
  t: Timing,
  signal: AbortSignal,
): Promise<void> {
  const until = Date.now() + t.deadline;
  const minUp = probe ? 0 : 500;
  const t0 = Date.now();
  const lastLines = () => `last log lines (${path.relative(host.root, logFile)}):\n${tailFile(logFile).join('\n')}`;
  for (;;) {
    if (running.exited) throw new Error(`${name} exited before it was ready (${running.exited.signal ?? `exit code ${running.exited.code}`}); ${lastLines()}`);
    if (signal.aborted) throw new Error('start-up aborted because another service failed');
    // a probe that hangs must not hide an exit: race them
    if (probe ? await Promise.race([probe(), exited]) : Date.now() - t0 >= minUp) {
      if (!running.exited) break;
      continue;
    }
    if (Date.now() > until) throw new Error(`${name} was not ready after ${(t.deadline / 1000).toFixed(0)}s; ${lastLines()}`);
    await sleep(t.period);
  }
}

async function startCompose(host: StartHost, name: string, c: ServiceConfig, cwd: string, deadline: number, graceMs: number): Promise<ServiceRecord> {
  const compose = c.compose!;
  const project = `seams-${host.runId}-${name}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  const files = typeof compose.file === 'string' ? [compose.file] : compose.file;
  const profiles = compose.profile === undefined ? [] : typeof compose.profile === 'string' ? [compose.profile] : compose.profile;
  const args = ['compose', '-p', project, ...files.flatMap((f) => ['-f', f]), ...profiles.flatMap((p) => ['--profile', p])];
  host.add({ name, kind: 'compose', state: { name, kind: 'compose', graceMs, compose: { project, args, cwd } } });
  host.saveState(); // before `up`: a crash mid-start still gets `down`
  const upArgs = [...args, 'up', '--wait', '--wait-timeout', String(Math.ceil(deadline / 1000)), '-d', ...(compose.services ?? [])];
  const r = await runDocker(upArgs, cwd, { ...host.env, SEAMS_RUN_ID: host.runId, ...host.marker }, deadline + 30_000);
  if (r.code !== 0)
    throw new Error(`docker ${upArgs.join(' ')} failed (exit ${r.code}):\n${r.out.trim().split('\n').slice(-20).join('\n')}`);
  return { name, kind: 'compose', status: 'ready', url: `compose:${project}` };
}

/** Runs docker to completion (killed after `timeoutMs`), keeping the last 16 KiB of its output. */
function runDocker(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn('docker', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const add = (d: Buffer) => {
      out = (out + d.toString('utf8')).slice(-16_384);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, out: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
