import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceConfig } from '../config/schema.js';
import type { ServiceRecord } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { preflightServices, type Preflight } from './preflight.js';
import { markerEnv, processStartTime } from './process-tree.js';
import { readinessProbe, serviceEnv, serviceVars, type ServiceSlots } from './service-env.js';
import { kindOf, startService, type Running, type StartHost } from './start.js';
import { removeState, startWatchdog, teardownServices, writeState, type RunState } from './state.js';
import { lookupUser, type UnixIds } from './users.js';
import { freePort } from './util.js';


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

/** The bookkeeping of one `up`. */
interface StartRun {
  records: Map<string, ServiceRecord>;
  /** Variables for the test processes. */
  env: Record<string, string>;
  /** Per service: resolves to whether it became ready. */
  ready: Map<string, Promise<boolean>>;
  /** Optional services that are not available, with the reason. */
  missing: Map<string, string>;
  failure?: UpResult['failure'];
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
    return preflightServices(this.order(names), { root: this.o.root, env: this.o.env, config: (n) => this.config(n) });
  }

  private get slots(): ServiceSlots {
    return { root: this.o.root, runId: this.o.runId, env: this.o.env, ports: this.ports, tmps: this.tmps };
  }

  private saveState(): void {
    // after down() no file comes back (a start-up still unwinding)
    if (!this.state || this.stateRemoved) return;
    const tracked = this.state.services.filter((s) => !this.running.some((r) => r.state === s) && s.name.startsWith('tests:'));
    for (const r of this.running) {
      const port = this.ports.get(r.name);
      if (port !== undefined) r.state.port = port;
    }
    this.state.services = [...this.running.map((r) => r.state), ...tracked];
    writeState(this.state);
  }

  /** The marker of this run's children (services, setup steps, test runners). */
  get marker(): Record<string, string> {
    return markerEnv(this.o.root, this.o.runId);
  }

  private envFor(name: string, c: ServiceConfig): Record<string, string> {
    return serviceEnv(name, c, this.slots);
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
    await this.allocate(toStart);

    const run: StartRun = { records: new Map(), env: { SEAMS_RUN_ID: this.o.runId }, ready: new Map(), missing };
    for (const n of toStart) run.ready.set(n, this.startOne(n, run));
    await Promise.all(run.ready.values());
    this.saveState();
    const { records, env, failure } = run;
    for (const m of pre.missing) records.set(m.name, { name: m.name, kind: kindOf(this.config(m.name)), status: 'missing', message: m.reason });
    const ordered = pre.order.map((n) => records.get(n)).filter((r): r is ServiceRecord => Boolean(r));
    if (failure) {
      // a kept session (services up) ends here; a run's session lives on (its work folder, its
      // test runner) until its own down(): stop the services now, keep the state file until then
      if (this.o.keep) await this.down({ force: true });
      else await this.stopServices();
      return { ok: false, records: ordered, env, missing: [...missing].map(([name, reason]) => ({ name, reason })), failure };
    }
    if (this.state) {
      this.state.env = env;
      this.saveState();
    }
    return { ok: true, records: ordered, env, missing: [...missing].map(([name, reason]) => ({ name, reason })) };
  }

  /**
   * A free port and an own temp folder for every native process, and the users they run as. The
   * state file is written first, naming the folders before they exist: a seams killed at any
   * point leaves nothing that no state file names. Users are looked up (`id`, blocking) here,
   * before anything is spawned.
   */
  private async allocate(toStart: string[]): Promise<void> {
    for (const n of toStart) if (kindOf(this.config(n)) === 'process') this.ports.set(n, await freePort());
    const natives = toStart.filter((n) => kindOf(this.config(n)) === 'process');
    for (const n of natives) {
      const u = this.config(n).user;
      if (u && !this.users.has(u)) this.users.set(u, lookupUser(u));
    }
    if (!natives.length) {
      this.open();
      return;
    }
    this.tmpRoot = this.newScratchPath(`seams-${this.o.runId.slice(-8)}-`);
    this.open();
    mkdirSync(this.tmpRoot, { mode: 0o700 });
    // services run as another user (postgres) enter it to reach their own folder
    chmodSync(this.tmpRoot, 0o755);
    for (const n of natives) {
      const t = path.join(this.tmpRoot, n);
      mkdirSync(t);
      this.tmps.set(n, t);
    }
  }

  private readonly users = new Map<string, UnixIds | null>();

  /** A fresh path in the system temp folder (not created). */
  private newScratchPath(prefix: string): string {
    for (;;) {
      const p = path.join(os.tmpdir(), `${prefix}${randomBytes(4).toString('hex')}`);
      if (!existsSync(p)) return p;
    }
  }

  /**
   * A scratch folder of the run (`seams-run-*`): named in the state file before it is made, so
   * the watchdog, the next run or `services down` remove it when seams dies.
   */
  scratchDir(prefix: string): string {
    this.open();
    const dir = this.newScratchPath(prefix);
    (this.state!.scratch ??= []).push(dir);
    writeState(this.state!);
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  }

  /** Removes a scratch folder now (and from the state file). */
  removeScratch(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    if (!this.state?.scratch?.includes(dir)) return;
    this.state.scratch = this.state.scratch.filter((d) => d !== dir);
    if (!this.stateRemoved) writeState(this.state);
  }

  /** Writes the run's state file (and starts the watchdog) before anything starts. Idempotent. */
  private open(): void {
    if (this.state) return;
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
      scratch: [],
    };
    const stateFile = writeState(this.state);
    if (this.o.watchdog !== false && !this.o.keep) startWatchdog(stateFile, this.o.root, this.o.runId);
  }

  /** Starts one service once its dependencies are ready; false when it did not start. */
  private async startOne(name: string, run: StartRun): Promise<boolean> {
    const c = this.config(name);
    const abort = this.startAbort;
    for (const d of c.depends_on ?? []) {
      if (!(await (run.ready.get(d) ?? Promise.resolve(!run.missing.has(d))))) {
        run.records.set(name, { name, kind: kindOf(c), status: 'skipped', message: `dependency ${d} is not ready` });
        if (c.optional) run.missing.set(name, `dependency ${d} is missing`);
        return false;
      }
    }
    if (abort.signal.aborted) {
      run.records.set(name, { name, kind: kindOf(c), status: 'skipped', message: 'start-up aborted' });
      if (this.cancelReason) run.failure ??= { name, message: this.cancelReason };
      return false;
    }
    const t0 = Date.now();
    try {
      const rec = await startService(this.host, name, c, abort.signal);
      rec.readyMs = Date.now() - t0;
      run.records.set(name, rec);
      Object.assign(run.env, this.envFor(name, c));
      this.o.info?.(`service ${name} ready in ${(rec.readyMs / 1000).toFixed(1)}s${rec.url ? ` (${rec.url})` : ''}`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (c.optional) {
        run.records.set(name, { name, kind: kindOf(c), status: 'missing', message });
        run.missing.set(name, message.split('\n')[0]!);
        this.o.log?.(`optional service ${name} is not available: ${message.split('\n')[0]}`);
        return false;
      }
      run.records.set(name, { name, kind: kindOf(c), status: 'failed', message });
      run.failure ??= { name, message: this.cancelReason ?? message };
      abort.abort();
      return false;
    }
  }

  /** What `startService` needs of this session. */
  private get host(): StartHost {
    return {
      root: this.o.root,
      runId: this.o.runId,
      env: this.o.env,
      logDir: this.logDir,
      multiplier: this.multiplier,
      tmp: (name) => this.tmps.get(name),
      add: (running) => this.running.push(running),
      saveState: () => this.saveState(),
      marker: this.marker,
      user: (name) => (this.users.has(name) ? this.users.get(name)! : lookupUser(name)),
      vars: (name) => serviceVars(name, this.slots),
      envFor: (name, c) => this.envFor(name, c),
      probe: (name, c, logFile, ids) => readinessProbe(name, c, this.slots, logFile, ids),
    };
  }

  /**
   * Records a process group that is not a service (the test runner) in the state file, so a
   * watchdog or the next run stops it too if seams dies while it runs. Called synchronously
   * right after its spawn.
   */
  track(name: string, pgid: number): void {
    this.open();
    this.state!.services.push({ name, kind: 'process', pgid, start: processStartTime(pgid), graceMs: 2000 });
    writeState(this.state!);
  }

  untrack(pgid: number): void {
    if (!this.state || this.stateRemoved) return;
    this.state.services = this.state.services.filter((s) => s.pgid !== pgid || this.running.some((r) => r.state === s));
    writeState(this.state);
  }

  private stateRemoved = false;

  /** Stops the services (and removes their folders) but keeps the session's state file and scratch folders. */
  private async stopServices(): Promise<void> {
    if (this.stopped) return;
    if (!this.startAbort.signal.aborted) {
      this.cancelReason ??= 'services were stopped while starting';
      this.startAbort.abort();
    }
    const services = [...new Set([...this.running.map((r) => r.state), ...(this.state?.services ?? []).filter((s) => !s.name.startsWith('tests:'))])];
    await teardownServices(this.o.root, this.o.runId, services, [this.tmpRoot], this.o.env);
    if (!this.state || this.stateRemoved) return;
    this.state.services = this.state.services.filter((s) => !services.includes(s));
    delete this.state.tmpRoot;
    writeState(this.state);
  }

  /**
   * Stops what this session started (unless kept): every recorded process group (a setup step
   * still running included), compose projects, then anything still carrying the run's marker;
   * only then its scratch folders and the state file. Idempotent.
   */
  async down(options: { force?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.o.keep && !options.force) return;
    // a start-up still in flight spawns nothing more
    if (!this.startAbort.signal.aborted) {
      this.cancelReason ??= 'services were stopped while starting';
      this.startAbort.abort();
    }
    const services = [...new Set([...this.running.map((r) => r.state), ...(this.state?.services ?? [])])];
    await teardownServices(this.o.root, this.o.runId, services, [this.tmpRoot, ...(this.state?.scratch ?? [])], this.o.env);
    if (this.state) {
      removeState(this.o.root, this.o.runId);
      this.stateRemoved = true;
    }
  }

  /** Whether something that seams started is still listed (for tests). */
  get started(): readonly { name: string; pgid?: number }[] {
    return this.running.map((r) => ({ name: r.name, pgid: r.state.pgid }));
  }
}
