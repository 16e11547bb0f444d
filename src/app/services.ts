import path from 'node:path';
import { selectTiers } from '../execute/plan.js';
import { newRunId, redactLogs } from '../execute/record.js';
import { loadConfig } from '../config/index.js';
import { ServiceSession, ownerAlive, readStates, reapStale, secretKeys, serviceSecrets } from '../services/index.js';
import { isAlive } from '../services/process-tree.js';
import { findKept } from '../services/state.js';
import { SeamsError } from '../util/errors.js';
import { MASK, redactSecrets, type Secret } from '../util/urls.js';
import { loadRepos } from './repos.js';

/** `seams services up | down | status`: the services of tiers, for local work. */

export interface ServicesUpOptions {
  /** Repository root (absolute). */
  root: string;
  /** Tiers whose services to start (default: every configured tier). */
  tiers?: string[];
  config?: string;
  /** false (`--no-cache`): scan without `.seams/cache`. */
  cache?: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMultiplier?: number;
  log: (line: string) => void;
  info?: (line: string) => void;
}

export type ServicesUpResult =
  /** Started: the environment to export, and optional services that are missing. */
  | { status: 'started'; env: Record<string, string>; missing: { name: string; reason: string }[] }
  /** The same set was already running (from an earlier `up`): its environment. */
  | { status: 'running'; env: Record<string, string>; services: string[]; runId: string }
  /** A required service failed (or an external one is down); `log` is its log file. */
  | { status: 'failed'; name: string; message: string; external: boolean; log: string };

export async function servicesUp(options: ServicesUpOptions): Promise<ServicesUpResult> {
  const { root } = options;
  const tiers = options.tiers ?? [];
  const env = options.env ?? process.env;
  const [{ inventory, config }] = await loadRepos([root], { config: options.config, cache: options.cache, env });
  const selected = selectTiers(inventory, config, tiers);
  const names = [...new Set(selected.flatMap((t) => config.config.tiers[t]?.services ?? []))];
  if (!names.length) throw new SeamsError('SEAMS_NO_SERVICES', `no services configured for ${selected.join(', ') || 'any tier'}`, { hint: 'list them under tiers.<tier>.services in seams.yaml' });
  await reapStale(root);
  // the export lines keep the real values (for eval); every other line masks the secrets
  const secrets = serviceSecrets(config.config.services, root);
  const mask = (line: string) => redactSecrets(line, secrets);
  const session = new ServiceSession({
    root,
    runId: newRunId(),
    services: config.config.services,
    env,
    keep: true,
    tiers: selected,
    timeoutMultiplier: options.timeoutMultiplier ?? 1,
    watchdog: false,
    log: (l) => options.log(mask(l)),
    info: options.info && ((l) => options.info!(mask(l))),
  });
  // a second `up` reports the set that is already running instead of starting another one
  const order = session.order(names);
  const kept = findKept(root, order);
  if (kept) return { status: 'running', env: kept.env, services: order, runId: kept.runId };
  const overlapping = readStates(root).filter(({ state }) => state.keep && state.services.some((s) => order.includes(s.name)));
  if (overlapping.length) {
    const running = [...new Set(overlapping.flatMap(({ state }) => state.services.map((s) => s.name)))].filter((n) => order.includes(n));
    const notRunning = order.filter((n) => !running.includes(n));
    const be = (list: string[]) => `${list.join(', ')} ${list.length === 1 ? 'is' : 'are'}`;
    throw new SeamsError('SEAMS_SERVICES_RUNNING', `${be(running)} already running (run ${overlapping.map(({ state }) => state.runId).join(', ')}, from seams services up)${notRunning.length ? `; ${be(notRunning)} not` : ''}`, {
      hint: `stop ${running.length === 1 ? 'it' : 'them'} first with seams services down, then seams services up${tiers.length ? ` ${tiers.join(' ')}` : ''} starts the whole set`,
    });
  }
  const up = await session.up(names);
  if (!up.ok) {
    const failed = up.records.find((r) => r.name === up.failure!.name);
    // seams never starts an external (url:) service: it is down, not "failed to start"
    return { status: 'failed', name: up.failure!.name, message: mask(up.failure!.message), external: failed?.kind === 'external', log: path.join(session.logDir, `${up.failure!.name}.log`) };
  }
  return { status: 'started', env: up.env, missing: up.missing.map((m) => ({ name: m.name, reason: mask(m.reason) })) };
}

/** Stops the services `up` kept (of these tiers, or all) and any a killed seams left behind. */
export async function servicesDown(root: string, tiers: readonly string[] = [], config?: string): Promise<{ runId: string; stopped: string[] }[]> {
  const runIds = readStates(root)
    .filter(({ state }) => (state.keep || !ownerAlive(state)) && (!tiers.length || state.tiers.some((t) => tiers.includes(t))))
    .map(({ state }) => state.runId);
  const stopped = await reapStale(root, { all: true, runIds });
  // the services wrote their logs until now: masked like a run's
  if (stopped.length) {
    const secrets = await configSecrets(root, config);
    for (const { runId } of stopped) redactLogs(root, runId, secrets);
  }
  return stopped;
}

/** The secrets of seams.yaml's services (none when it cannot be read: URL passwords are masked anyway). */
async function configSecrets(root: string, config?: string): Promise<Secret[]> {
  try {
    return serviceSecrets((await loadConfig(root, config)).config.services, root);
  } catch {
    return [];
  }
}

export interface ServicesStatus {
  runId: string;
  tiers: string[];
  /** `kept`, `owned` (by a running seams, `pid`), or `orphaned` (left by a seams that died). */
  owner: 'kept' | 'owned' | 'orphaned';
  pid: number;
  services: { name: string; kind: string; pgid?: number; running: boolean | null }[];
  /** The environment the services export, secrets masked (`***`): `seams services up` prints the real values. */
  env: Record<string, string>;
}

/**
 * What seams has running in this repository. The environment is shown with its secrets masked:
 * the variables of `secret: true` and `env_file:` (from seams.yaml, or `config`) are `***`, URL
 * passwords too; when seams.yaml cannot be read, only URLs, hosts, ports and the run id are shown.
 */
export async function servicesStatus(root: string, config?: string): Promise<ServicesStatus[]> {
  const states = readStates(root);
  if (!states.length) return [];
  let masked: (env: Record<string, string>) => Record<string, string>;
  try {
    const services = (await loadConfig(root, config)).config.services;
    const keys = secretKeys(services, root);
    const secrets = serviceSecrets(services, root);
    masked = (env) => maskEnv(env, (k) => keys.has(k), secrets);
  } catch {
    masked = (env) => maskEnv(env, (k) => !/_(URL|HOST|PORT)$|^SEAMS_RUN_ID$/.test(k), []);
  }
  return states.map(({ state }) => ({
    runId: state.runId,
    tiers: state.tiers,
    owner: state.keep ? 'kept' : ownerAlive(state) ? 'owned' : 'orphaned',
    pid: state.owner.pid,
    services: state.services.map((s) => ({ name: s.name, kind: s.kind, pgid: s.pgid, running: s.kind === 'process' && s.pgid ? isAlive(s.pgid) : null })),
    env: masked(state.env ?? {}),
  }));
}

/** `env` as it may be shown: secret variables `***`, every other value with its secrets and URL passwords masked. */
function maskEnv(env: Record<string, string>, secret: (key: string) => boolean, secrets: readonly Secret[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secret(k) ? MASK : redactSecrets(v, secrets)]));
}
