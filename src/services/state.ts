import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSameProcess, processStartTime, stopGroup } from './process-tree.js';

/**
 * What seams started, on disk, so nothing outlives it: `.seams/services/<run id>.json`.
 * Written before a service is waited on, removed after teardown. A run that dies without
 * teardown (SIGKILL, power loss) leaves the file; a detached watchdog stops the services as
 * soon as the owner dies, and the next `seams run` / `seams services down` reaps what is left.
 */
export interface ServiceState {
  name: string;
  kind: 'process' | 'compose' | 'external';
  pgid?: number;
  /** Kernel start time of the group leader, so a reused pid is never signalled. */
  start?: string | null;
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
  /** The environment the services export, for reuse by later runs. */
  env: Record<string, string>;
  tmpRoot?: string;
}

export function stateDir(root: string): string {
  return path.join(root, '.seams', 'services');
}

export function writeState(state: RunState): string {
  const dir = stateDir(state.root);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${state.runId}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
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

export function ownerAlive(state: RunState): boolean {
  return isSameProcess(state.owner.pid, state.owner.start);
}

/** Stops everything a state file records (only processes whose identity still matches). */
export async function teardownState(state: RunState): Promise<string[]> {
  const stopped: string[] = [];
  await Promise.all(
    [...state.services].reverse().map(async (s) => {
      if (s.kind === 'process' && s.pgid) {
        const r = await stopGroup(s.pgid, s.start, s.graceMs);
        if (r === 'stopped' || r === 'killed') stopped.push(s.name);
      } else if (s.kind === 'compose' && s.compose) {
        const r = spawnSync('docker', [...s.compose.args, 'down', '-v', '--remove-orphans'], {
          cwd: s.compose.cwd,
          stdio: 'ignore',
          timeout: 120_000,
        });
        if (r.status === 0) stopped.push(s.name);
      }
      if (s.tmp) rmSync(s.tmp, { recursive: true, force: true });
    }),
  );
  if (state.tmpRoot) rmSync(state.tmpRoot, { recursive: true, force: true });
  return stopped;
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
const [ownerPid, ownerStart, file] = process.argv.slice(1);
const startOf = (pid) => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]; } catch { return null; } };
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const members = (pgid) => { let n = 0; try { for (const e of fs.readdirSync('/proc')) { if (!/^\d+$/.test(e)) continue; try { const s = fs.readFileSync('/proc/' + e + '/stat', 'utf8'); const r = s.slice(s.lastIndexOf(')') + 2).split(' '); if (r[0] !== 'Z' && Number(r[2]) === pgid) n++; } catch {} } } catch { return 1; } return n; };
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const ownerGone = () => !alive(Number(ownerPid)) || (ownerStart !== 'null' && startOf(Number(ownerPid)) !== ownerStart);
function teardown(state) {
  for (const s of state.services.slice().reverse()) {
    if (s.kind === 'process' && s.pgid) {
      if (s.start && alive(s.pgid) && startOf(s.pgid) !== s.start) continue;
      try { process.kill(-s.pgid, 'SIGTERM'); } catch {}
      const end = Date.now() + s.graceMs;
      while (Date.now() < end && members(s.pgid) > 0) sleep(50);
      if (members(s.pgid) > 0) { try { process.kill(-s.pgid, 'SIGKILL'); } catch {} }
    } else if (s.kind === 'compose' && s.compose) {
      spawnSync('docker', [...s.compose.args, 'down', '-v', '--remove-orphans'], { cwd: s.compose.cwd, stdio: 'ignore', timeout: 120000 });
    }
    if (s.tmp) fs.rmSync(s.tmp, { recursive: true, force: true });
  }
  if (state.tmpRoot) fs.rmSync(state.tmpRoot, { recursive: true, force: true });
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

export function startWatchdog(stateFile: string): number | undefined {
  try {
    const child = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(processStartTime(process.pid)), stateFile], {
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
