import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
  /** The command was killed because it ran longer than `timeoutMs`. */
  timedOut?: boolean;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Upper bound for captured output per stream; the rest is dropped. */
  maxBuffer?: number;
  input?: string;
  /**
   * Start the command in its own process group and, on timeout, kill the whole group (a
   * collector's subprocesses too); whatever the group left running is killed when it exits, and
   * when seams exits first.
   */
  processGroup?: boolean;
}

/** Process groups started with `processGroup` that are still running: killed if seams exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** Runs a command without a shell and captures its output. Never throws. */
export function execCommand(command: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const maxBuffer = options.maxBuffer ?? 256 * 1024 * 1024;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: options.processGroup === true,
    });
    const group = options.processGroup === true;
    if (group && child.pid) {
      liveGroups.add(child.pid);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', () => liveGroups.forEach(killGroup));
      }
    }
    let timedOut = false;
    const stop = () => {
      timedOut = true;
      if (group) killGroup(child.pid);
      else child.kill('SIGKILL');
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(stop, options.timeoutMs);
    // a process the command left behind would keep its output open: the group ends with it
    if (group) child.on('exit', () => killGroup(child.pid));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < maxBuffer) stdout += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < maxBuffer) stderr += d;
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr, spawnError: error });
    });
    child.on('close', (code, signal) => {
      if (group && child.pid) {
        killGroup(child.pid);
        liveGroups.delete(child.pid);
      }
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ...(timedOut ? { timedOut } : {}) });
    });
  });
}
