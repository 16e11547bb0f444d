import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { MIN_SECRET_LENGTH, type Secret } from '../util/urls.js';
import type { ServiceConfig } from '../config/schema.js';
import { execProbe, httpProbe, logProbe, tcpProbe, type Probe } from './probes.js';
import { canEnter, type UnixIds } from './users.js';
import { envName, hostPortOf, splitCommand, substitute } from './util.js';

/** What a service exposes: the `{placeholders}` of its config, the variables tests get, its readiness probe. */

/** The ports and temp folders handed out to the services of one run. */
export interface ServiceSlots {
  root: string;
  runId: string;
  /** Base environment (PATH etc.). */
  env: NodeJS.ProcessEnv;
  ports: ReadonlyMap<string, number>;
  tmps: ReadonlyMap<string, string>;
}

/** `{host}`, `{port}`, `{tmp}`, `{run_id}`, `{name}` and every service's `{<name>.port}` / `{<name>.tmp}`. */
export function serviceVars(name: string, s: ServiceSlots): Record<string, string | number> {
  const v: Record<string, string | number> = { host: '127.0.0.1', run_id: s.runId, name };
  const port = s.ports.get(name);
  if (port !== undefined) v.port = port;
  const tmp = s.tmps.get(name);
  if (tmp) v.tmp = tmp;
  for (const [n, p] of s.ports) v[`${n}.port`] = p;
  for (const [n, t] of s.tmps) v[`${n}.tmp`] = t;
  return v;
}

/** The variables the tests get for a service: `<NAME>_URL`/`_HOST`/`_PORT` and its `env:`. */
export function serviceEnv(name: string, c: ServiceConfig, s: ServiceSlots): Record<string, string> {
  const vars = serviceVars(name, s);
  const out: Record<string, string> = {};
  const N = envName(name);
  const port = s.ports.get(name);
  const entries = envEntries(c, s.root);
  const url = serviceUrl(c, entries, vars, port);
  if (url) {
    out[`${N}_URL`] = url;
    const hp = hostPortOf(url);
    if (hp) {
      out[`${N}_HOST`] = hp.host;
      out[`${N}_PORT`] = String(hp.port);
    }
  } else if (port !== undefined) {
    out[`${N}_HOST`] = '127.0.0.1';
    out[`${N}_PORT`] = String(port);
  }
  for (const e of entries) out[e.key] = substitute(e.raw, vars);
  return out;
}

/** One variable of a service's `env_file:` or `env:`, before its placeholders are substituted. */
export interface EnvEntry {
  key: string;
  raw: string;
  /** From an `env_file:`, or `{ value, secret: true }` in `env:`. */
  secret: boolean;
}

const envFilesOf = (c: ServiceConfig): string[] => (c.env_file === undefined ? [] : typeof c.env_file === 'string' ? [c.env_file] : c.env_file);

/**
 * The variables of `env_file:` (every one a secret), then `env:` (which wins on the same key).
 * Throws when an env file cannot be read (pre-flight reports that first: `envFileProblem`).
 */
export function envEntries(c: ServiceConfig, root: string): EnvEntry[] {
  const out = new Map<string, EnvEntry>();
  for (const f of envFilesOf(c)) {
    let text: string;
    try {
      text = readFileSync(path.resolve(root, f), 'utf8');
    } catch (error) {
      throw new Error(`cannot read env_file ${f}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    for (const [key, raw] of Object.entries(parseEnv(text))) if (raw !== undefined) out.set(key, { key, raw, secret: true });
  }
  for (const [key, v] of Object.entries(c.env ?? {})) {
    const entry = typeof v === 'object' ? { key, raw: String(v.value), secret: v.secret === true } : { key, raw: String(v), secret: false };
    out.delete(key);
    out.set(key, entry);
  }
  return [...out.values()];
}

/** Why the env files of a service cannot be read, or undefined (a pre-flight check). */
export function envFileProblem(c: ServiceConfig, root: string): string | undefined {
  for (const f of envFilesOf(c)) {
    const file = path.resolve(root, f);
    try {
      if (!statSync(file).isFile()) return `env_file ${f} is not a file`;
      accessSync(file, constants.R_OK);
    } catch {
      return `env_file ${f} not found`;
    }
  }
  return undefined;
}

/** What a `{placeholder}` can stand for in a secret's pattern. */
const PLACEHOLDER_PATTERN: Record<string, string> = { port: '\\d+', host: '[\\w.:-]+', run_id: '[\\w-]+', name: '[\\w.-]+', tmp: '\\S+?' };

/**
 * A secret value as configured, for `redactSecrets`: the literal, or a pattern when it has
 * placeholders (`{port}` matches the port it was given). Null for a value with too little of its
 * own to mask safely (an empty value, or one that is all placeholders).
 */
export function secretOf(raw: string): Secret | null {
  const parts = raw.split(/(\{[A-Za-z0-9_.-]+\})/);
  const literal = parts.filter((_, i) => i % 2 === 0).join('');
  if (literal.length < MIN_SECRET_LENGTH) return null;
  if (parts.length === 1) return raw;
  const source = parts
    .map((p, i) => {
      if (i % 2 === 0) return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const key = p.slice(1, -1);
      return PLACEHOLDER_PATTERN[key.replace(/^.*\./, '')] ?? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(source, 'g');
}

/**
 * The secrets of these services, as `redactSecrets` takes them: the values of `secret: true`
 * variables and of `env_file:` files. Env files that cannot be read are left out (pre-flight
 * reports them).
 */
export function serviceSecrets(services: Readonly<Record<string, ServiceConfig>>, root: string): Secret[] {
  const out: Secret[] = [];
  for (const c of Object.values(services)) {
    let entries: EnvEntry[];
    try {
      entries = envEntries(c, root);
    } catch {
      entries = envEntries({ ...c, env_file: undefined }, root);
    }
    for (const e of entries) {
      const secret = e.secret ? secretOf(e.raw) : null;
      if (secret) out.push(secret);
    }
  }
  return out;
}

/** The names of the secret variables of these services (`services status` prints them as ***). */
export function secretKeys(services: Readonly<Record<string, ServiceConfig>>, root: string): Set<string> {
  const keys = new Set<string>();
  for (const c of Object.values(services)) {
    for (const [k, v] of Object.entries(c.env ?? {})) if (typeof v === 'object' && v.secret) keys.add(k);
    for (const f of envFilesOf(c)) {
      try {
        for (const k of Object.keys(parseEnv(readFileSync(path.resolve(root, f), 'utf8')))) keys.add(k);
      } catch {
        /* unreadable: pre-flight says so */
      }
    }
  }
  return keys;
}

/**
 * <NAME>_URL: `url`, else a URL in `env` that points at the service's port, else the origin of
 * the http probe, else tcp://127.0.0.1:{port}
 */
function serviceUrl(c: ServiceConfig, entries: readonly EnvEntry[], vars: Record<string, string | number>, port: number | undefined): string | undefined {
  const envUrl =
    port === undefined
      ? undefined
      : Object.values(c.env ?? {})
          .map((v) => substitute(String(v), vars))
          .find((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v) && hostPortOf(v)?.port === port);
  if (c.url) return substitute(c.url, vars);
  if (envUrl) return envUrl;
  if (c.ready?.http) return new URL(substitute(c.ready.http, vars)).origin;
  if (port !== undefined && c.command) return `tcp://127.0.0.1:${port}`;
  return undefined;
}

/** How readiness is checked: `ready:` (http, tcp, exec, log), else the url, else a `{port}` in the command. */
export function readinessProbe(name: string, c: ServiceConfig, s: ServiceSlots, logFile: string | undefined, ids?: UnixIds): Probe | null {
  const vars = serviceVars(name, s);
  const r = c.ready;
  const cwd = path.resolve(s.root, c.cwd ?? '.');
  if (r?.http) return httpProbe(substitute(r.http, vars), r.status);
  if (r?.tcp) {
    const [host, port] = substitute(r.tcp, vars).split(/:(?=\d+$)/);
    return tcpProbe(host || '127.0.0.1', Number(port));
  }
  if (r?.exec) {
    const argv = splitCommand(r.exec, `services.${name}.ready.exec`).map((a) => substitute(a, vars));
    const probeCwd = ids && !canEnter(cwd, ids) ? (s.tmps.get(name) ?? cwd) : cwd;
    return execProbe(argv, { ...s.env, ...serviceEnv(name, c, s) } as NodeJS.ProcessEnv, probeCwd, ids);
  }
  if (r?.log && logFile) return logProbe(logFile, r.log);
  if (c.url) {
    const url = substitute(c.url, vars);
    if (/^https?:/i.test(url)) return httpProbe(url, r?.status);
    const hp = hostPortOf(url);
    return hp ? tcpProbe(hp.host, hp.port) : null;
  }
  const port = s.ports.get(name);
  const cmdText = JSON.stringify(c.command ?? '');
  if (port !== undefined && cmdText.includes('{port}')) return tcpProbe('127.0.0.1', port);
  return null;
}
