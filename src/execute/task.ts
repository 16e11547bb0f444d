import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync } from 'node:fs';
import type { CommandSpec } from '../runners/contract.js';
import { stopGroup } from '../services/process-tree.js';

/** How long a runner may take to write its report after SIGINT before it gets SIGTERM. */
const INTERRUPT_GRACE_MS = 5000;

export interface TaskExec {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
  timedOut: boolean;
  aborted: boolean;
  pgid?: number;
}

/** Runs one test command in its own process group, output to a log file (and live with echo). */
export function runTask(
  spec: CommandSpec,
  env: NodeJS.ProcessEnv,
  logFile: string,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  echo: ((chunk: string) => void) | undefined,
  onStart: (pgid: number) => void,
): Promise<TaskExec> {
  return new Promise((resolve) => {
    // Without live output the runner writes its log itself (the file as its stdout and stderr):
    // no pipe, no chunk passes through seams (a test runner flushing once per test makes
    // thousands of them).
    const logFd = echo ? undefined : openSync(logFile, 'w');
    const out = logFd === undefined ? createWriteStream(logFile) : undefined;
    let timedOut = false;
    let aborted = false;
    let child;
    try {
      child = spawn(spec.argv[0]!, spec.argv.slice(1), {
        cwd: spec.cwd,
        env,
        stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, spec.resultFromStdout ? 'ignore' : logFd],
        detached: true,
      });
    } finally {
      // the child has its own copy (spawn forks before it returns)
      if (logFd !== undefined) closeSync(logFd);
    }
    // recorded now, before any event can run: a seams killed right after still has it on record
    if (child.pid) onStart(child.pid);
    if (out) {
      const onData = (d: Buffer) => {
        out.write(d);
        echo?.(d.toString('utf8'));
      };
      child.stdout?.on('data', onData);
      // go test -json: stdout is the report; keep stderr out of it
      child.stderr?.on('data', spec.resultFromStdout ? (d: Buffer) => echo?.(d.toString('utf8')) : onData);
    }
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
      if (out) out.end(() => resolve({ ...r, timedOut, aborted, pgid: child.pid }));
      else resolve({ ...r, timedOut, aborted, pgid: child.pid });
    };
    child.on('error', (e) => finish({ code: null, signal: null, spawnError: e.message }));
    child.on('close', (code, sig) => {
      // the runner is done; anything it left in its group goes too
      if (child.pid) void stopGroup(child.pid, null, 2000);
      finish({ code, signal: sig });
    });
  });
}
