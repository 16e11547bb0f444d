import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findMarked, isAlive, isSameProcess, OWNER_VAR, processStartTime, ROOT_VAR, stopGroup, stopProcesses } from './process-tree.js';

/**
 * What seams started, on disk, so nothing outlives it: `.seams/services/<run id>.json` (0600, in a
 * 0700 folder). Written before anything starts and again right after each spawn (synchronously,
 * before any other code runs), removed after teardown. It holds only what teardown needs:
 * process groups with their leaders' start times, ports, compose projects and scratch folders.
 * A run that dies without teardown (SIGKILL, power loss) leaves the file; a detached watchdog
 * stops everything as soon as the owner dies, and the next `seams run` / `seams services down`
 * reaps what is left, including processes that carry the run's marker but no file records.
 */
export interface ServiceState {
  name: string;
  kind: 'process' | 'compose' | 'external';
  pgid?: number;
  /** Kernel start time of the group leader, so a reused pid is never signalled. */
  start?: string | null;
  /** A `setup:` step running now (initdb): stopped before its folder is removed. */
  setup?: { pgid: number; start: string | null };
  port?: number;
  graceMs: number;
  compose?: { project: string; args: string[]; cwd: string };
  /** Per-service scratch directory ({tmp}), removed at teardown. */
  tmp?: string;
}

export interface RunState {
  runId: string;
  root: string;
  owner: { pid: number; start: string | null };
  /** Started by `services up` or `--keep-services`: stays until `services down`. */
  keep: boolean;
  createdAt: string;
  tiers: string[];
  services: ServiceState[];
  /** The environment the services export, for reuse by later runs (never needed by teardown). */
  env: Record<string, string>;
  /** Parent of the services' scratch directories. */
  tmpRoot?: string;
  /** Other scratch folders of the run (its `seams-run-*` work folder), removed at teardown. */
  scratch?: string[];
}

export function stateDir(root: string): string {
  return path.join(root, '.seams', 'services');
}

export function writeState(state: RunState): string {
  const dir = stateDir(state.root);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // a folder made by an older seams (0755): no other user lists what runs here
  if ((statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  const file = path.join(dir, `${state.runId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

export function removeState(root: string, runId: string): void {
  rmSync(path.join(stateDir(root), `${runId}.json`), { force: true });
}

export function readStates(root: string): { file: string; state: RunState }[] {
  let names: string[];
  try {
    names = readdirSync(stateDir(root));
  } catch {
    return [];
  }
  const out: { file: string; state: RunState }[] = [];
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    const file = path.join(stateDir(root), n);
    try {
      const state = JSON.parse(readFileSync(file, 'utf8')) as RunState;
      if (state && typeof state.runId === 'string' && Array.isArray(state.services)) out.push({ file, state });
    } catch {
      /* half-written or foreign file: ignore */
    }
  }
  return out;
}

/** Half-written state files (`<id>.json.<pid>.tmp`) of writers that are gone. */
function removeDeadTempFiles(root: string): void {
  let names: string[];
  try {
    names = readdirSync(stateDir(root));
  } catch {
    return;
  }
  for (const n of names) {
    const m = /\.json\.(\d+)\.tmp$/.exec(n);
    if (m && !isAlive(Number(m[1]))) rmSync(path.join(stateDir(root), n), { force: true });
  }
}

export function ownerAlive(state: RunState): boolean {
  return isSameProcess(state.owner.pid, state.owner.start);
}

function composeDown(s: ServiceState, env?: NodeJS.ProcessEnv): boolean {
  if (!s.compose) return false;
  const r = spawnSync('docker', [...s.compose.args, 'down', '-v', '--remove-orphans'], { cwd: s.compose.cwd, env, stdio: 'ignore', timeout: 120_000 });
  return r.status === 0;
}

/**
 * Stops what a run recorded, then whatever still carries its marker, and only then removes its
 * scratch folders: a setup step (initdb) still running would otherwise write its folder again.
 * Returns the names of services that were running.
 */
export async function teardownServices(root: string, runId: string, services: readonly ServiceState[], dirs: readonly (string | undefined)[], env?: NodeJS.ProcessEnv): Promise<string[]> {
  const stopped: string[] = [];
  await Promise.all(
    [...services].reverse().map(async (s) => {
      if (s.setup) await stopGroup(s.setup.pgid, s.setup.start, 1000);
      if (s.kind === 'process' && s.pgid) {
        const r = await stopGroup(s.pgid, s.start, s.graceMs);
        if (r === 'stopped' || r === 'killed') stopped.push(s.name);
      } else if (s.kind === 'compose' && composeDown(s, env)) stopped.push(s.name);
    }),
  );
  const stray = findMarked(root).get(runId);
  if (stray?.length) await stopProcesses(stray, Math.max(1000, ...services.map((s) => s.graceMs)));
  for (const d of new Set([...services.map((s) => s.tmp), ...dirs])) if (d) rmSync(d, { recursive: true, force: true });
  return stopped;
}

/** Stops everything a state file records (only processes whose identity still matches). */
export async function teardownState(state: RunState): Promise<string[]> {
  return teardownServices(state.root, state.runId, state.services, [state.tmpRoot, ...(state.scratch ?? [])]);
}

/**
 * Reaps services of runs whose owner is gone (crashed or SIGKILLed seams). With `all`, also
 * services of live or kept runs (`seams services down`). Returns the run ids cleaned up.
 */
export async function reapStale(root: string, options: { all?: boolean; runIds?: string[] } = {}): Promise<{ runId: string; stopped: string[] }[]> {
  const out: { runId: string; stopped: string[] }[] = [];
  for (const { file, state } of readStates(root)) {
    if (options.runIds && !options.runIds.includes(state.runId)) continue;
    if (!options.all && (state.keep || ownerAlive(state))) continue;
    const stopped = await teardownState(state);
    rmSync(file, { force: true });
    out.push({ runId: state.runId, stopped });
  }
  // processes of runs no state file records any more (deleted, or written by a seams that died
  // before it could record them): nothing else can find them, so they are stopped here
  const recorded = new Set(readStates(root).map(({ state }) => state.runId));
  for (const [runId, procs] of findMarked(root)) {
    if (recorded.has(runId)) continue;
    await stopProcesses(procs, 5000);
    out.push({ runId, stopped: [...new Set(procs.map((p) => p.name))] });
  }
  removeDeadTempFiles(root);
  return out;
}

/**
 * The watchdog: a detached node process that polls the owner and, if it dies while the state
 * file still exists (no teardown happened), stops the recorded services. Plain JS in a string
 * so it runs the same from sources and from the build.
 */
const WATCHDOG = String.raw`
const fs = require('fs');
const { spawnSync } = require('child_process');
const [ownerPid, ownerStart, file, root, runId] = process.argv.slice(1);
const stat = (pid) => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' '); } catch { return null; } };
const startOf = (pid) => { const r = stat(pid); return r ? r[19] : null; };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const pids = () => { try { return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)); } catch { return []; } };
const members = (pgid) => pids().filter((e) => { const r = stat(e); return r && r[0] !== 'Z' && Number(r[2]) === pgid; }).length;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const ownerGone = () => !alive(Number(ownerPid)) || (ownerStart !== 'null' && startOf(Number(ownerPid)) !== ownerStart);
const logs = root + '/.seams/logs/' + runId + '/';
function marked() {
  const all = [];
  for (const e of pids()) {
    const r = stat(e); if (!r || r[0] === 'Z' || Number(e) === process.pid) continue;
    let mine = false;
    try { const v = fs.readFileSync('/proc/' + e + '/environ', 'utf8').split('\0'); mine = v.includes('${OWNER_VAR}=' + runId) && v.includes('${ROOT_VAR}=' + root); } catch {}
    for (const fd of [1, 2]) { try { if (fs.readlinkSync('/proc/' + e + '/fd/' + fd).startsWith(logs)) mine = true; } catch {} }
    all.push({ pid: Number(e), pgid: Number(r[2]), start: r[19], mine });
  }
  const groups = new Set(all.filter((p) => p.mine && p.pgid > 1).map((p) => p.pgid));
  return all.filter((p) => p.mine || groups.has(p.pgid));
}
function stopAll(groups, procs, graceMs) {
  const live = () => groups.filter((g) => members(g.pgid) > 0).length + procs.filter((p) => alive(p.pid) && startOf(p.pid) === p.start).length;
  const send = (sig) => {
    for (const g of groups) try { process.kill(-g.pgid, sig); } catch {}
    for (const p of procs) if (startOf(p.pid) === p.start) try { process.kill(p.pid, sig); } catch {}
  };
  send('SIGTERM');
  const end = Date.now() + graceMs;
  while (Date.now() < end && live() > 0) sleep(50);
  if (live() > 0) send('SIGKILL');
  for (let i = 0; i < 40 && live() > 0; i++) sleep(50);
}
function teardown(state) {
  const groups = [];
  let grace = 1000;
  for (const s of state.services) {
    grace = Math.max(grace, s.graceMs || 0);
    for (const g of [s.setup, s.kind === 'process' && s.pgid ? { pgid: s.pgid, start: s.start } : null]) {
      if (!g || !g.pgid) continue;
      // a reused pid is never signalled: the leader, when alive, must be the one seams started
      if (g.start && alive(g.pgid) && startOf(g.pgid) !== g.start) continue;
      groups.push(g);
    }
    if (s.kind === 'compose' && s.compose) spawnSync('docker', [...s.compose.args, 'down', '-v', '--remove-orphans'], { cwd: s.compose.cwd, stdio: 'ignore', timeout: 120000 });
  }
  stopAll(groups, [], grace);
  // what no entry records (spawned just before the owner died), found by its marker
  for (let i = 0; i < 2; i++) { const m = marked(); if (m.length) stopAll([], m, grace); sleep(100); }
  for (const d of [...state.services.map((s) => s.tmp), state.tmpRoot, ...(state.scratch || [])]) if (d) fs.rmSync(d, { recursive: true, force: true });
}
for (;;) {
  if (!fs.existsSync(file)) process.exit(0);
  if (ownerGone()) {
    let state; try { state = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { process.exit(0); }
    if (!state.keep) { teardown(state); fs.rmSync(file, { force: true }); }
    process.exit(0);
  }
  sleep(250);
}
`;

export function startWatchdog(stateFile: string, root: string, runId: string): number | undefined {
  try {
    const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(processStartTime(process.pid)), stateFile, root, runId], {
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '' },
    });
    child.on('error', () => {});
    child.unref();
    return child.pid;
  } catch {
    return undefined;
  }
}

/**
 * Services kept by `seams services up` (or `--keep-services`) that cover every name and are
 * still running: a later run reuses them instead of starting its own.
 */
export function findKept(root: string, names: readonly string[]): RunState | null {
  for (const { state } of readStates(root)) {
    if (!state.keep) continue;
    const ok = names.every((n) => {
      const s = state.services.find((x) => x.name === n);
      if (!s) return false;
      return s.kind !== 'process' || (s.pgid !== undefined && isSameProcess(s.pgid, s.start));
    });
    if (ok) return state;
  }
  return null;
}
