import { spawn } from 'node:child_process';
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { tcpOpen } from './util.js';

/** One readiness check; resolves true when the service is ready. Never throws. */
export type Probe = () => Promise<boolean>;

export function httpProbe(url: string, expectStatus?: number): Probe {
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      await res.body?.cancel().catch(() => {});
      return expectStatus !== undefined ? res.status === expectStatus : res.status >= 200 && res.status < 400;
    } catch {
      return false;
    }
  };
}

export function tcpProbe(host: string, port: number): Probe {
  return () => tcpOpen(host, port, 1000);
}

export function execProbe(argv: string[], env: NodeJS.ProcessEnv, cwd: string, ids?: { uid?: number; gid?: number }): Probe {
  return () =>
    new Promise((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          resolve(ok);
        }
      };
      const child = spawn(argv[0]!, argv.slice(1), { env, cwd, stdio: 'ignore', ...ids });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(false);
      }, 5000);
      child.on('error', () => finish(false));
      child.on('exit', (code) => finish(code === 0));
    });
}

/** Matches a substring (or `/regex/`) anywhere in a log file, reading only what is new. */
export function logProbe(file: string, pattern: string): Probe {
  const re = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  const test = re ? (s: string) => new RegExp(re[1]!, re[2]).test(s) : (s: string) => s.includes(pattern);
  let offset = 0;
  let carry = '';
  return async () => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return false;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return false;
      const buf = Buffer.alloc(Math.min(size - offset, 4 << 20));
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const text = carry + buf.subarray(0, n).toString('utf8');
      carry = text.slice(-pattern.length * 2);
      return test(text);
    } finally {
      closeSync(fd);
    }
  };
}

/** The last `n` lines of a log file (for failure messages). */
export function tailFile(file: string, n = 20): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString('utf8').split('\n').filter((l) => l.trim()).slice(-n);
  } finally {
    closeSync(fd);
  }
}
