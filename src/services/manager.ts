import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceConfig } from '../config/schema.js';
import type { ServiceRecord } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { isAlive, processStartTime, stopGroup } from './process-tree.js';
import { execProbe, httpProbe, logProbe, tailFile, tcpProbe, type Probe } from './probes.js';
import { removeState, startWatchdog, writeState, type RunState, type ServiceState } from './state.js';
import { durationMs, envName, findExecutable, freePort, hostPortOf, sleep, splitCommand, substitute } from './util.js';

export interface ServiceSessionOptions {
  root: string;
  runId: string;
  services: Record<string, ServiceConfig>;
  /** Base environment (PATH etc.). */
  env: NodeJS.ProcessEnv;
  /** Multiplies every readiness deadline (slow machines): --timeout-multiplier / SEAMS_TIMEOUT_MULTIPLIER. */
  timeoutMultiplier?: number;
  /** Leave the services running after the session (`--keep-services`, `services up`). */
  keep?: boolean;
  tiers?: string[];
  /** Lines the user should see wherever seams runs (an optional service that is missing). */
  log?: (line: string) => void;
  /** Progress lines (a service became ready): given on a terminal only, absent in CI. */
  info?: (line: string) => void;
  /** Start the detached watchdog (default true). */
  watchdog?: boolean;
}

export interface PreflightProblem {
  name: string;
  reason: string;
  optional: boolean;
}

export interface Preflight {
  /** Services to start, dependencies first. */
  order: string[];
  /** Required services that cannot start: the run must not start. */
  errors: PreflightProblem[];
  /** Optional services that cannot start: their tests are reported not-run. */
  missing: PreflightProblem[];
}

export interface UpResult {
  ok: boolean;
  records: ServiceRecord[];
  /** Variables for the test processes. */
  env: Record<string, string>;
  /** Names of optional services that are not available (pre-flight or start-up). */
  missing: { name: string; reason: string }[];
  /** Why a required service failed (with its last log lines). */
  failure?: { name: string; message: string };
}

interface Running {
  name: string;
  kind: ServiceRecord['kind'];
  state: ServiceState;
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

const DEFAULT_TIMEOUT = 60_000;
const DEFAULT_PERIOD = 200;
const DEFAULT_GRACE = 5_000;

/** Whether a process with these ids may enter `dir` (execute permission on it and every parent). */
export function canEnter(dir: string, ids: { uid: number; gid: number }): boolean {
  let current = path.resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(current);
    } catch {
      return false;
    }
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

function lookupUser(user: string): { uid: number; gid: number } | null {
  const u = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function kindOf(s: ServiceConfig): ServiceRecord['kind'] {
  return s.compose ? 'compose' : s.command ? 'process' : 'external';
}

/**
 * The services of one run: pre-flight, start in dependency order (in parallel where possible),
 * readiness, environment for the tests, and teardown of exactly what was started.
 */
export class ServiceSession {
  private readonly running: Running[] = [];
  private readonly ports = new Map<string, number>();
  private readonly tmps = new Map<string, string>();
  private tmpRoot?: string;
  private state?: RunState;
  private stopped = false;
  private readonly startAbort = new AbortController();
  readonly logDir: string;

  /** Stops waiting for services (Ctrl-C during start-up); `up` then resolves with a failure. */
  cancel(reason = 'interrupted'): void {
    this.cancelReason = reason;
    this.startAbort.abort();
  }
  private cancelReason?: string;

  constructor(private readonly o: ServiceSessionOptions) {
    this.logDir = path.join(o.root, '.seams', 'logs', o.runId);
  }

  private get multiplier(): number {
    const m = this.o.timeoutMultiplier ?? 1;
    return Number.isFinite(m) && m > 0 ? m : 1;
  }

  private config(name: string): ServiceConfig {
    const c = this.o.services[name];
    if (!c)
      throw new SeamsError('SEAMS_UNKNOWN_SERVICE', `unknown service "${name}"`, {
        hint: `services defined in seams.yaml: ${Object.keys(this.o.services).join(', ') || '(none)'}`,
      });
    return c;
  }

  /** Dependencies first; unknown names and cycles are configuration errors. */
  order(names: readonly string[]): string[] {
    const out: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (n: string, via: string[]) => {
      const c = this.config(n);
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'visiting')
        throw new SeamsError('SEAMS_SERVICE_CYCLE', `services depend on each other in a cycle: ${[...via, n].join(' → ')}`, { hint: 'remove one of the depends_on entries in seams.yaml' });
      state.set(n, 'visiting');
      for (const d of c.depends_on ?? []) visit(d, [...via, n]);
      state.set(n, 'done');
      out.push(n);
    };
    for (const n of names) visit(n, []);
    return out;
  }

  /** Checks, without starting anything, that every service can start. */
  preflight(names: readonly string[]): Preflight {
    const order = this.order(names);
    const errors: PreflightProblem[] = [];
    const missing: PreflightProblem[] = [];
    const isRoot = process.getuid?.() === 0;
    for (const name of order) {
      const c = this.config(name);
      const problem = (reason: string) => (c.optional ? missing : errors).push({ name, reason, optional: Boolean(c.optional) });
      const cwd = path.resolve(this.o.root, c.cwd ?? '.');
      const kinds = [c.command, c.url, c.compose].filter((x) => x !== undefined).length;
      if (kinds !== 1) {
        errors.push({ name, reason: 'needs exactly one of command, url or compose', optional: Boolean(c.optional) });
        continue;
      }
      const broken = (c.depends_on ?? []).find((d) => errors.some((e) => e.name === d) || missing.some((m) => m.name === d));
      if (broken) {
        problem(`depends on ${broken}, which is missing`);
        continue;
      }
      if (c.command) {
        if (!existsSync(cwd)) {
          problem(`working directory ${c.cwd} does not exist`);
          continue;
        }
        const steps = [c.command, ...(c.setup === undefined ? [] : typeof c.setup === 'string' ? [c.setup] : c.setup)];
        let bad: string | undefined;
        for (const step of steps) {
          const argv = splitCommand(step, `services.${name}`);
          if (!findExecutable(argv[0]!, this.o.env, cwd)) {
            bad = `command not found: ${argv[0]}`;
            break;
          }
        }
        if (bad) {
          problem(bad);
          continue;
        }
        // `user:` applies when seams runs as root (initdb/postgres refuse root); any other user
        // already is an unprivileged one, and the service runs as that user
        if (c.user && isRoot && c.user !== os.userInfo().username && !lookupUser(c.user)) problem(`user ${c.user} does not exist`);
      } else if (c.compose) {
        if (!findExecutable('docker', this.o.env, cwd)) {
          problem('docker is not installed (needed for docker compose)');
          continue;
        }
        const v = spawnSync('docker', ['compose', 'version'], { cwd, env: this.o.env, encoding: 'utf8', timeout: 20_000 });
        if (v.status !== 0) {
          problem(`docker compose is not available: ${(v.stderr || v.stdout || String(v.error ?? '')).trim().split('\n')[0]}`);
          continue;
        }
        const files = typeof c.compose.file === 'string' ? [c.compose.file] : c.compose.file;
        const absent = files.find((f) => !existsSync(path.resolve(cwd, f)));
        if (absent) problem(`compose file ${absent} not found`);
      } else if (c.url) {
        if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(c.url) || (!hostPortOf(c.url) && !c.ready))
          problem(`url ${c.url} has no host and port seams can probe`);
      }
    }
    return { order, errors, missing };
  }

  private vars(name: string): Record<string, string | number> {
    const v: Record<string, string | number> = { host: '127.0.0.1', run_id: this.o.runId, name };
    const port = this.ports.get(name);
    if (port !== undefined) v.port = port;
    const tmp = this.tmps.get(name);
    if (tmp) v.tmp = tmp;
    for (const [n, p] of this.ports) v[`${n}.port`] = p;
    for (const [n, t] of this.tmps) v[`${n}.tmp`] = t;
    return v;
  }

  private saveState(): void {
    if (!this.state) return;
    const tracked = this.state.services.filter((s) => !this.running.some((r) => r.state === s) && s.name.startsWith('tests:'));
    this.state.services = [...this.running.map((r) => r.state), ...tracked];
    writeState(this.state);
  }

  private envFor(name: string, c: ServiceConfig): Record<string, string> {
    const vars = this.vars(name);
    const out: Record<string, string> = {};
    const N = envName(name);
    const port = this.ports.get(name);
    let url: string | undefined;
    // <NAME>_URL: `url`, else a URL in `env` that points at the service's port, else the
    // origin of the http probe, else tcp://127.0.0.1:{port}
    const envUrl =
      port === undefined
        ? undefined
        : Object.values(c.env ?? {})
            .map((v) => substitute(String(v), vars))
            .find((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) && hostPortOf(v)?.port === port);
    if (c.url) url = substitute(c.url, vars);
    else if (envUrl) url = envUrl;
    else if (c.ready?.http) url = new URL(substitute(c.ready.http, vars)).origin;
    else if (port !== undefined && c.command) url = `tcp://127.0.0.1:${port}`;
    if (url) {
      out[`${N}_URL`] = url;
      const hp = hostPortOf(url);
      if (hp) {
        out[`${N}_HOST`] = hp.host;
        out[`${N}_PORT`] = String(hp.port);
      }
    } else if (port !== undefined) {
      out[`${N}_HOST`] = '127.0.0.1';
      out[`${N}_PORT`] = String(port);
    }
    for (const [k, v] of Object.entries(c.env ?? {})) out[k] = substitute(String(v), vars);
    return out;
  }

  private readinessProbe(name: string, c: ServiceConfig, logFile: string | undefined, ids?: { uid: number; gid: number }): Probe | null {
    const vars = this.vars(name);
    const r = c.ready;
    const cwd = path.resolve(this.o.root, c.cwd ?? '.');
    if (r?.http) return httpProbe(substitute(r.http, vars), r.status);
    if (r?.tcp) {
      const [host, port] = substitute(r.tcp, vars).split(/:(?=\d+$)/);
      return tcpProbe(host || '127.0.0.1', Number(port));
    }
    if (r?.exec) {
      const argv = splitCommand(r.exec, `services.${name}.ready.exec`).map((a) => substitute(a, vars));
      const probeCwd = ids && !canEnter(cwd, ids) ? (this.tmps.get(name) ?? cwd) : cwd;
      return execProbe(argv, { ...this.o.env, ...this.envFor(name, c) } as NodeJS.ProcessEnv, probeCwd, ids);
    }
    if (r?.log && logFile) return logProbe(logFile, r.log);
    if (c.url) {
      const url = substitute(c.url, vars);
      if (/^https?:/i.test(url)) return httpProbe(url, r?.status);
      const hp = hostPortOf(url);
      return hp ? tcpProbe(hp.host, hp.port) : null;
    }
    const port = this.ports.get(name);
    const cmdText = JSON.stringify(c.command ?? '');
    if (port !== undefined && cmdText.includes('{port}')) return tcpProbe('127.0.0.1', port);
    return null;
  }

  /**
   * Starts the services (and their dependencies). On failure of a required service, everything
   * already started is stopped again before this resolves.
   */
  async up(names: readonly string[], pre = this.preflight(names)): Promise<UpResult> {
    if (pre.errors.length) {
      const e = pre.errors[0]!;
      throw new SeamsError('SEAMS_SERVICE_PREFLIGHT', `service ${e.name} cannot start: ${e.reason}`, {
        hint: pre.errors.length > 1 ? `also: ${pre.errors.slice(1).map((x) => `${x.name} (${x.reason})`).join('; ')}` : 'install it, fix services in seams.yaml, or mark the service optional: true',
      });
    }
    const missing = new Map(pre.missing.map((m) => [m.name, m.reason]));
    const toStart = pre.order.filter((n) => !missing.has(n));
    for (const n of toStart) if (kindOf(this.config(n)) === 'process') this.ports.set(n, await freePort());
    if (toStart.some((n) => kindOf(this.config(n)) === 'process')) {
      this.tmpRoot = mkdtempSync(path.join(os.tmpdir(), `seams-${this.o.runId.slice(-8)}-`));
      chmodSync(this.tmpRoot, 0o755);
      for (const n of toStart) {
        if (kindOf(this.config(n)) !== 'process') continue;
        const t = path.join(this.tmpRoot, n);
        mkdirSync(t);
        this.tmps.set(n, t);
      }
    }
    this.state = {
      runId: this.o.runId,
      root: this.o.root,
      owner: { pid: process.pid, start: processStartTime(process.pid) },
      keep: Boolean(this.o.keep),
      createdAt: new Date().toISOString(),
      tiers: this.o.tiers ?? [],
      services: [],
      env: {},
      tmpRoot: this.tmpRoot,
    };
    const stateFile = writeState(this.state);
    if (this.o.watchdog !== false && !this.o.keep) startWatchdog(stateFile);

    const records = new Map<string, ServiceRecord>();
    const env: Record<string, string> = { SEAMS_RUN_ID: this.o.runId };
    const ready = new Map<string, Promise<boolean>>();
    let failure: UpResult['failure'];
    const abort = this.startAbort;

    const startOne = async (name: string): Promise<boolean> => {
      const c = this.config(name);
      for (const d of c.depends_on ?? []) {
        if (!(await (ready.get(d) ?? Promise.resolve(!missing.has(d))))) {
          records.set(name, { name, kind: kindOf(c), status: 'skipped', message: `dependency ${d} is not ready` });
          if (c.optional) missing.set(name, `dependency ${d} is missing`);
          return false;
        }
      }
      if (abort.signal.aborted) {
        records.set(name, { name, kind: kindOf(c), status: 'skipped', message: 'start-up aborted' });
        if (this.cancelReason) failure ??= { name, message: this.cancelReason };
        return false;
      }
      const t0 = Date.now();
      try {
        const rec = await this.startService(name, c, abort.signal);
        rec.readyMs = Date.now() - t0;
        records.set(name, rec);
        Object.assign(env, this.envFor(name, c));
        this.o.info?.(`service ${name} ready in ${(rec.readyMs / 1000).toFixed(1)}s${rec.url ? ` (${rec.url})` : ''}`);
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (c.optional) {
          records.set(name, { name, kind: kindOf(c), status: 'missing', message });
          missing.set(name, message.split('\n')[0]!);
          this.o.log?.(`optional service ${name} is not available: ${message.split('\n')[0]}`);
          return false;
        }
        records.set(name, { name, kind: kindOf(c), status: 'failed', message });
        failure ??= { name, message: this.cancelReason ?? message };
        abort.abort();
        return false;
      }
    };
    for (const n of toStart) ready.set(n, startOne(n));
    await Promise.all(ready.values());
    this.saveState();
    for (const m of pre.missing) records.set(m.name, { name: m.name, kind: kindOf(this.config(m.name)), status: 'missing', message: m.reason });
    const ordered = pre.order.map((n) => records.get(n)).filter((r): r is ServiceRecord => Boolean(r));
    if (failure) {
      await this.down({ force: true });
      return { ok: false, records: ordered, env, missing: [...missing].map(([name, reason]) => ({ name, reason })), failure };
    }
    if (this.state) {
      this.state.env = env;
      this.saveState();
    }
    return { ok: true, records: ordered, env, missing: [...missing].map(([name, reason]) => ({ name, reason })) };
  }

  private async startService(name: string, c: ServiceConfig, signal: AbortSignal): Promise<ServiceRecord> {
    const vars = this.vars(name);
    const deadline = durationMs(c.ready?.timeout, DEFAULT_TIMEOUT) * this.multiplier;
    const period = durationMs(c.ready?.period, DEFAULT_PERIOD);
    const graceMs = durationMs(c.stop_timeout, DEFAULT_GRACE);
    const cwd = path.resolve(this.o.root, c.cwd ?? '.');
    if (c.url) {
      const url = substitute(c.url, vars);
      const probe = this.readinessProbe(name, c, undefined);
      const running: Running = { name, kind: 'external', state: { name, kind: 'external', graceMs } };
      this.running.push(running);
      // an external service should already be up: a short deadline unless one is configured
      const until = Date.now() + (c.ready?.timeout !== undefined ? deadline : 5000 * this.multiplier);
      while (!(probe && (await probe()))) {
        if (Date.now() > until || signal.aborted) throw new Error(`not reachable at ${url}`);
        await sleep(period);
      }
      return { name, kind: 'external', status: 'ready', url };
    }
    if (c.compose) return this.startCompose(name, c, cwd, deadline, graceMs);

    // a native process
    const user = c.user && process.getuid?.() === 0 && c.user !== os.userInfo().username ? lookupUser(c.user) ?? undefined : undefined;
    const tmp = this.tmps.get(name)!;
    if (user) chownSync(tmp, user.uid, user.gid);
    // A process run as another user cannot start in a folder that user cannot enter (a repo in a
    // root-only 0700 temp dir): it then starts in its own {tmp}, unless a cwd was configured.
    let procCwd = cwd;
    if (user && !canEnter(cwd, user)) {
      if (c.cwd !== undefined) throw new Error(`user ${c.user} cannot enter the working directory ${c.cwd}`);
      procCwd = tmp;
    }
    mkdirSync(this.logDir, { recursive: true });
    const logFile = path.join(this.logDir, `${name}.log`);
    const childEnv: NodeJS.ProcessEnv = {
      ...this.o.env,
      ...this.envFor(name, c),
      SEAMS_RUN_ID: this.o.runId,
      ...(user && c.user ? { USER: c.user, LOGNAME: c.user, HOME: tmp } : {}),
    };
    const steps = c.setup === undefined ? [] : typeof c.setup === 'string' ? [c.setup] : c.setup;
    for (const step of steps) {
      const argv = splitCommand(step, `services.${name}.setup`).map((a) => substitute(a, vars));
      const fd = openSync(logFile, 'a');
      let spawnError: string | undefined;
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(argv[0]!, argv.slice(1), { cwd: procCwd, env: childEnv, stdio: ['ignore', fd, fd], detached: true, ...user });
        child.on('error', (e) => {
          spawnError = e.message;
          resolve(-1);
        });
        child.on('exit', (code) => resolve(code));
      });
      closeSync(fd);
      if (code !== 0)
        throw new Error(
          `setup step failed (${spawnError ?? `exit ${code}`}): ${argv.join(' ')}${user ? ` (as ${c.user})` : ''}\n${tailFile(logFile).join('\n')}`,
        );
    }
    const argv = splitCommand(c.command!, `services.${name}.command`).map((a) => substitute(a, vars));
    const fd = openSync(logFile, 'a');
    const child = spawn(argv[0]!, argv.slice(1), { cwd: procCwd, env: childEnv, stdio: ['ignore', fd, fd], detached: true, ...user });
    closeSync(fd);
    const running: Running = { name, kind: 'process', state: { name, kind: 'process', graceMs, tmp } };
    this.running.push(running);
    const spawnError = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (e) => resolve(e));
    });
    if (spawnError || child.pid === undefined) throw new Error(`could not start ${argv[0]}: ${spawnError?.message ?? 'no pid'}`);
    running.state.pgid = child.pid;
    running.state.start = processStartTime(child.pid);
    const exited = new Promise<false>((resolve) =>
      child.on('exit', (code, sig) => {
        running.exited = { code, signal: sig };
        resolve(false);
      }),
    );
    child.unref();
    this.saveState();
    const probe = this.readinessProbe(name, c, logFile, user);
    const until = Date.now() + deadline;
    const minUp = probe ? 0 : 500;
    const t0 = Date.now();
    for (;;) {
      if (running.exited)
        throw new Error(
          `${name} exited before it was ready (${running.exited.signal ?? `exit code ${running.exited.code}`}); last log lines (${path.relative(this.o.root, logFile)}):\n${tailFile(logFile).join('\n')}`,
        );
      if (signal.aborted) throw new Error('start-up aborted because another service failed');
      // a probe that hangs must not hide an exit: race them
      if (probe ? await Promise.race([probe(), exited]) : Date.now() - t0 >= minUp) {
        if (!running.exited) break;
        continue;
      }
      if (Date.now() > until)
        throw new Error(
          `${name} was not ready after ${(deadline / 1000).toFixed(0)}s; last log lines (${path.relative(this.o.root, logFile)}):\n${tailFile(logFile).join('\n')}`,
        );
      await sleep(period);
    }
    const url = this.envFor(name, c)[`${envName(name)}_URL`];
    return { name, kind: 'process', status: 'ready', ...(url ? { url } : {}) };
  }

  private async startCompose(name: string, c: ServiceConfig, cwd: string, deadline: number, graceMs: number): Promise<ServiceRecord> {
    const compose = c.compose!;
    const project = `seams-${this.o.runId}-${name}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
    const files = typeof compose.file === 'string' ? [compose.file] : compose.file;
    const profiles = compose.profile === undefined ? [] : typeof compose.profile === 'string' ? [compose.profile] : compose.profile;
    const args = ['compose', '-p', project, ...files.flatMap((f) => ['-f', f]), ...profiles.flatMap((p) => ['--profile', p])];
    const running: Running = { name, kind: 'compose', state: { name, kind: 'compose', graceMs, compose: { project, args, cwd } } };
    this.running.push(running);
    this.saveState(); // before `up`: a crash mid-start still gets `down`
    const upArgs = [...args, 'up', '--wait', '--wait-timeout', String(Math.ceil(deadline / 1000)), '-d', ...(compose.services ?? [])];
    const env = { ...this.o.env, SEAMS_RUN_ID: this.o.runId };
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      let out = '';
      const child = spawn('docker', upArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const add = (d: Buffer) => {
        out = (out + d.toString('utf8')).slice(-16_384);
      };
      child.stdout.on('data', add);
      child.stderr.on('data', add);
      const timer = setTimeout(() => child.kill('SIGKILL'), deadline + 30_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ code: -1, out: e.message });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out });
      });
    });
    if (r.code !== 0)
      throw new Error(`docker ${upArgs.join(' ')} failed (exit ${r.code}):\n${r.out.trim().split('\n').slice(-20).join('\n')}`);
    return { name, kind: 'compose', status: 'ready', url: `compose:${project}` };
  }

  /**
   * Records a process group that is not a service (the test runner) in the state file, so a
   * watchdog or the next run stops it too if seams dies while it runs.
   */
  track(name: string, pgid: number): void {
    if (!this.state) return;
    this.state.services.push({ name, kind: 'process', pgid, start: processStartTime(pgid), graceMs: 2000 });
    writeState(this.state);
  }

  untrack(pgid: number): void {
    if (!this.state) return;
    this.state.services = this.state.services.filter((s) => s.pgid !== pgid || this.running.some((r) => r.state === s));
    writeState(this.state);
  }

  /** Stops what this session started (unless kept), in reverse start order. Idempotent. */
  async down(options: { force?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    if (this.o.keep && !options.force) {
      this.stopped = true;
      return;
    }
    this.stopped = true;
    const byName = [...this.running].reverse();
    // stop dependents before their dependencies: reverse order, one dependency level at a time is
    // overkill here; stopping all in parallel after dependents were signalled first is enough
    for (const r of byName) {
      if (r.kind === 'process' && r.state.pgid) {
        if (!r.exited || isAlive(r.state.pgid)) await stopGroup(r.state.pgid, r.state.start, r.state.graceMs);
      } else if (r.kind === 'compose' && r.state.compose) {
        spawnSync('docker', [...r.state.compose.args, 'down', '-v', '--remove-orphans'], {
          cwd: r.state.compose.cwd,
          env: this.o.env,
          stdio: 'ignore',
          timeout: 120_000,
        });
      }
    }
    if (this.tmpRoot) {
      const { rmSync } = await import('node:fs');
      rmSync(this.tmpRoot, { recursive: true, force: true });
    }
    if (this.state) removeState(this.o.root, this.o.runId);
  }

  /** Whether something that seams started is still listed (for tests). */
  get started(): readonly { name: string; pgid?: number }[] {
    return this.running.map((r) => ({ name: r.name, pgid: r.state.pgid }));
  }
}

/** True when a path is an existing directory. */
export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
