import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceConfig } from '../config/schema.js';
import { envFileProblem } from './service-env.js';
import { redactSecrets } from '../util/urls.js';
import { lookupUser } from './users.js';
import { findExecutable, hostPortOf, splitCommand } from './util.js';

export interface PreflightProblem {
  name: string;
  reason: string;
  optional: boolean;
}

export interface Preflight {
  /** Services to start, dependencies first. */
  order: string[];
  /** Required services that cannot start: the run must not start. */
  errors: PreflightProblem[];
  /** Optional services that cannot start: their tests are reported not-run. */
  missing: PreflightProblem[];
}

interface PreflightContext {
  root: string;
  env: NodeJS.ProcessEnv;
  config(name: string): ServiceConfig;
}

/** Checks, without starting anything, that every service of `order` (dependencies first) can start. */
export function preflightServices(order: string[], ctx: PreflightContext): Preflight {
  const errors: PreflightProblem[] = [];
  const missing: PreflightProblem[] = [];
  const isRoot = process.getuid?.() === 0;
  for (const name of order) {
    const c = ctx.config(name);
    const kinds = [c.command, c.url, c.compose].filter((x) => x !== undefined).length;
    if (kinds !== 1) {
      errors.push({ name, reason: 'needs exactly one of command, url or compose', optional: Boolean(c.optional) });
      continue;
    }
    const broken = (c.depends_on ?? []).find((d) => errors.some((e) => e.name === d) || missing.some((m) => m.name === d));
    const cwd = path.resolve(ctx.root, c.cwd ?? '.');
    const reason = broken
      ? `depends on ${broken}, which is missing`
      : c.command
        ? commandProblem(name, c, cwd, ctx.env, isRoot)
        : c.compose
          ? composeProblem(c, cwd, ctx.env)
          : c.url
            ? urlProblem(c)
            : undefined;
    const problem = reason ?? envFileProblem(c, ctx.root);
    if (problem) (c.optional ? missing : errors).push({ name, reason: problem, optional: Boolean(c.optional) });
  }
  return { order, errors, missing };
}

/** A native process: its folder, every executable of its setup and command, and its user. */
function commandProblem(name: string, c: ServiceConfig, cwd: string, env: NodeJS.ProcessEnv, isRoot: boolean): string | undefined {
  if (!existsSync(cwd)) return `working directory ${c.cwd} does not exist`;
  const steps = [c.command!, ...(c.setup === undefined ? [] : typeof c.setup === 'string' ? [c.setup] : c.setup)];
  for (const step of steps) {
    const argv = splitCommand(step, `services.${name}`);
    if (!findExecutable(argv[0]!, env, cwd)) return `command not found: ${argv[0]}`;
  }
  // `user:` applies when seams runs as root (initdb/postgres refuse root); any other user
  // already is an unprivileged one, and the service runs as that user
  if (c.user && isRoot && c.user !== os.userInfo().username && !lookupUser(c.user)) return `user ${c.user} does not exist`;
  return undefined;
}

/** A docker compose service: docker, the compose plugin, and the compose files. */
function composeProblem(c: ServiceConfig, cwd: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!findExecutable('docker', env, cwd)) return 'docker is not installed (needed for docker compose)';
  const v = spawnSync('docker', ['compose', 'version'], { cwd, env, encoding: 'utf8', timeout: 20_000 });
  if (v.status !== 0) return `docker compose is not available: ${(v.stderr || v.stdout || String(v.error ?? '')).trim().split('\n')[0]}`;
  const files = typeof c.compose!.file === 'string' ? [c.compose!.file] : c.compose!.file;
  const absent = files.find((f) => !existsSync(path.resolve(cwd, f)));
  return absent ? `compose file ${absent} not found` : undefined;
}

/** An external service: a URL seams can probe. */
function urlProblem(c: ServiceConfig): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(c.url!) || (!hostPortOf(c.url!) && !c.ready)) return `url ${redactSecrets(c.url!)} has no host and port seams can probe`;
  return undefined;
}
