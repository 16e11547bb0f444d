// Shared by the benchmarks: run a command once and measure it the same way for seams and for the
// native tools, so the two sides of a ratio are taken alike.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** GNU time (`%M` peak RSS, `%U %S` CPU) when installed; without it only wall time is known. */
export const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const MARK = '@@seams-bench-time@@';

// Each measured command runs in its own process group; stopping the benchmark stops them too.
const running = new Set();
const stopAll = () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
};
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(sig, () => {
    stopAll();
    process.exit(130);
  });

/**
 * Runs `cmd args` in `cwd` under GNU time and returns wall seconds, CPU seconds (user + system of
 * the process and every child it waited for: pytest's, vitest's and jest's workers included),
 * peak RSS in MB (the largest single process), stdout/stderr and the exit status.
 * `timeoutMs` kills the whole process group (the tool and its workers): `timedOut` is then true.
 */
export function measure(cmd, args, { cwd, env = process.env, timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolve) => {
    const argv = gnuTime ? [gnuTime, ['-f', `${MARK} %M %U %S`, cmd, ...args]] : [cmd, args];
    const start = process.hrtime.bigint();
    let child;
    try {
      child = spawn(argv[0], argv[1], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ seconds: 0, status: null, stdout: '', stderr: String(error), spawnError: error });
      return;
    }
    if (child.pid) running.add(child.pid);
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    let spawnError;
    let done = false;
    child.on('error', (e) => {
      spawnError = e;
      // a command that could not start emits no 'close'
      if (!child.pid && !done) {
        done = true;
        clearTimeout(timer);
        resolve({ seconds: 0, status: null, stdout: '', stderr: String(e), spawnError: e });
      }
    });
    child.on('close', (status, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      running.delete(child.pid);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      let stderr = Buffer.concat(err).toString('utf8');
      const m = new RegExp(`(?:Command exited with non-zero status \\d+\\n)?${MARK} (\\d+) ([\\d.]+) ([\\d.]+)\\s*$`).exec(stderr);
      if (m) stderr = stderr.slice(0, m.index);
      resolve({
        seconds,
        cpu: m ? Number(m[2]) + Number(m[3]) : undefined,
        peakMB: m ? Number(m[1]) / 1024 : undefined,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        status,
        signal,
        timedOut,
        spawnError,
      });
    });
  });
}

/** The first line of `cmd args` output, or null when it cannot run (a missing tool). */
export function probe(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...opts });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : null;
}

/** `n` decimals, or an em dash for a value that was not measured. */
export const fmt = (n, d = 2) => (n === undefined || n === null || Number.isNaN(n) ? '—' : n.toFixed(d));
export const pct = (n) => (n === undefined || n === null || Number.isNaN(n) ? '—' : `${(100 * n).toFixed(2)}%`);
