import { accessSync, constants, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse as shellParse } from 'shell-quote';
import { SeamsError } from '../util/errors.js';

/** `30s`, `5m`, `250ms`, `1h` or a number of seconds → milliseconds. */
export function durationMs(value: string | number | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  if (typeof value === 'number') return value * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value.trim());
  if (!m) return fallbackMs;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
}

/**
 * Splits a command string like a POSIX shell would (quotes, escapes) without running a shell.
 * Shell features (pipes, `&&`, redirections, globs) are refused: use a list or a script.
 */
export function splitCommand(command: string | readonly string[], where: string): string[] {
  if (Array.isArray(command)) return [...command];
  const parts = shellParse(command as string, (key) => `$${key}`);
  const out: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') out.push(p);
    else if ('comment' in p) break;
    else if ('pattern' in p) out.push(p.pattern);
    else
      throw new SeamsError('SEAMS_CONFIG_COMMAND', `${where}: shell operator ${JSON.stringify((p as { op: string }).op)} in ${JSON.stringify(command)}`, {
        hint: 'seams runs commands without a shell; write a list, or call a script (["sh", "-c", "…"])',
      });
  }
  if (!out.length) throw new SeamsError('SEAMS_CONFIG_COMMAND', `${where}: empty command`, { hint: 'give the program and its arguments, e.g. command: redis-server --port {port}' });
  return out;
}

/** Replaces `{port}`, `{tmp}`, `{host}`, `{run_id}`, `{name}` and `{<service>.port}` etc. */
export function substitute(text: string, vars: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{([A-Za-z0-9_.-]+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** Finds an executable the way the OS would (PATH lookup, or a path relative to cwd). */
export function findExecutable(cmd: string, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const isFile = (p: string) => {
    try {
      if (!statSync(p).isFile()) return false;
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) {
    const p = path.resolve(cwd, cmd);
    return isFile(p) ? p : null;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    if (isFile(p)) return p;
  }
  return null;
}

/** A free TCP port on 127.0.0.1, not one handed out before in this process. */
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new SeamsError('SEAMS_NO_PORT', 'could not find a free TCP port on 127.0.0.1', { hint: 'too many ports in use here; stop leftover services (seams services down) and retry' });
}

/** Whether something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `db` → `DB`, `object-store` → `OBJECT_STORE`. */
export function envName(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
  'mysql:': 3306,
  'mongodb:': 27017,
  'amqp:': 5672,
  'nats:': 4222,
  'kafka:': 9092,
  'tcp:': 0,
};

export function hostPortOf(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = u.port ? Number(u.port) : (DEFAULT_PORTS[u.protocol] ?? 0);
    if (!host || !port) return null;
    return { host, port };
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
