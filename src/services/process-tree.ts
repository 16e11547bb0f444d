import { readdirSync, readFileSync } from 'node:fs';
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
