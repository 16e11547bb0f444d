import path from 'node:path';
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
  const url = serviceUrl(c, vars, port);
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
  for (const [k, v] of Object.entries(c.env ?? {})) out[k] = substitute(String(v), vars);
  return out;
}

/**
 * <NAME>_URL: `url`, else a URL in `env` that points at the service's port, else the origin of
 * the http probe, else tcp://127.0.0.1:{port}
 */
function serviceUrl(c: ServiceConfig, vars: Record<string, string | number>, port: number | undefined): string | undefined {
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
