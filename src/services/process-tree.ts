import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { sleep } from './util.js';

/**
 * Process identity and group teardown. A pid alone is not an identity (pids are reused), so
 * seams records the kernel start time of each process it starts (/proc/<pid>/stat field 22)
 * and only signals a process whose start time still matches.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces and parentheses: split after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null; // field 22 overall = index 19 after pid, comm
  } catch {
    return null;
  }
}

/** Alive and not a zombie (a zombie has exited and only waits to be reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Same process as recorded (alive, and started at the recorded time when one is known). */
export function isSameProcess(pid: number, startTime: string | null | undefined): boolean {
  if (!isAlive(pid)) return false;
  if (!startTime) return true;
  const now = processStartTime(pid);
  return now === null || now === startTime;
}

/** Live (non-zombie) members of a process group; zombies wait for a reaper and hold nothing. */
export function groupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] !== 'Z' && Number(rest[2]) === pgid) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return process.platform !== 'linux' || groupMembers(pgid).length > 0;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * SIGTERM to the process group, wait up to `graceMs`, then SIGKILL. `leader` identifies the group
 * leader we started; when it is no longer ours (start time differs) nothing is signalled.
 * Resolves once the group is gone (or after the SIGKILL wait).
 */
export async function stopGroup(
  pgid: number,
  leaderStart: string | null | undefined,
  graceMs: number,
  /** Send this first (SIGINT: a test runner writes its report of what finished), then SIGTERM after `ms`. */
  interrupt?: { signal: NodeJS.Signals; ms: number },
): Promise<'stopped' | 'killed' | 'gone' | 'not-ours'> {
  if (!groupAlive(pgid)) return 'gone';
  if (leaderStart && isAlive(pgid) && !isSameProcess(pgid, leaderStart)) return 'not-ours';
  if (interrupt) {
    signalGroup(pgid, interrupt.signal);
    const until = Date.now() + interrupt.ms;
    while (Date.now() < until) {
      if (!groupAlive(pgid)) return 'stopped';
      await sleep(50);
    }
  }
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return 'stopped';
    await sleep(50);
  }
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 40 && groupAlive(pgid); i++) await sleep(50);
  return 'killed';
}

/**
 * The marker every process seams starts carries in its environment (services, setup steps,
 * test runners): the run id and the repository root. With it a process is found even when the
 * state file that recorded it is gone.
 */
export const OWNER_VAR = 'SEAMS_SERVICE_OWNER';
export const ROOT_VAR = 'SEAMS_SERVICE_ROOT';

export function markerEnv(root: string, runId: string): Record<string, string> {
  return { [OWNER_VAR]: runId, [ROOT_VAR]: root };
}

export interface MarkedProcess {
  pid: number;
  pgid: number;
  start: string | null;
  /** The command name (comm). */
  name: string;
}

function readProc(pid: string, what: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${what}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Processes of seams runs in `root`, by run id. A process is a run's when its environment carries
 * the marker, or when its stdout/stderr is a log file of the run (`.seams/logs/<run id>/`): some
 * servers (redis-server, postgres) write their process title over their environment. Every
 * other member of such a process's group belongs to the run too (postgres' workers).
 */
export function findMarked(root: string): Map<string, MarkedProcess[]> {
  const out = new Map<string, MarkedProcess[]>();
  if (process.platform !== 'linux') return out;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  const logs = `${root}/.seams/logs/`;
  const all: (MarkedProcess & { runId?: string })[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const stat = readProc(e, 'stat');
    if (!stat) continue;
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    if (rest[0] === 'Z') continue;
    const p: MarkedProcess & { runId?: string } = { pid: Number(e), pgid: Number(rest[2]), start: rest[19] ?? null, name: stat.slice(stat.indexOf('(') + 1, close) };
    const environ = readProc(e, 'environ');
    if (environ) {
      const vars = environ.split('\0');
      const owner = vars.find((v) => v.startsWith(`${OWNER_VAR}=`));
      if (owner && vars.includes(`${ROOT_VAR}=${root}`)) p.runId = owner.slice(OWNER_VAR.length + 1);
    }
    if (!p.runId) {
      for (const fd of [1, 2]) {
        let target: string;
        try {
          target = readlinkSync(`/proc/${e}/fd/${fd}`);
        } catch {
          continue;
        }
        if (!target.startsWith(logs)) continue;
        const runId = target.slice(logs.length).split('/')[0];
        if (runId) p.runId = runId;
        break;
      }
    }
    all.push(p);
  }
  const groups = new Map<number, string>();
  for (const p of all) if (p.runId && p.pgid > 1) groups.set(p.pgid, p.runId);
  for (const p of all) {
    const runId = p.runId ?? groups.get(p.pgid);
    if (!runId) continue;
    const { runId: _, ...proc } = p;
    const list = out.get(runId) ?? [];
    list.push(proc);
    out.set(runId, list);
  }
  return out;
}

/**
 * Stops marked processes: SIGTERM to each (and to its group when it leads one), up to `graceMs`,
 * then SIGKILL. Only processes whose start time still matches are signalled.
 */
export async function stopProcesses(procs: readonly MarkedProcess[], graceMs: number): Promise<void> {
  const mine = (p: MarkedProcess) => isAlive(p.pid) && processStartTime(p.pid) === p.start;
  const signal = (sig: NodeJS.Signals) => {
    for (const p of procs) {
      if (!mine(p)) continue;
      try {
        process.kill(p.pid === p.pgid ? -p.pgid : p.pid, sig);
      } catch {
        /* gone meanwhile */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && procs.some(mine)) await sleep(50);
  if (!procs.some(mine)) return;
  signal('SIGKILL');
  for (let i = 0; i < 40 && procs.some(mine); i++) await sleep(50);
}
