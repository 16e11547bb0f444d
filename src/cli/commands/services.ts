import path from 'node:path';
import type { Command } from 'commander';
import { ServiceSession, ownerAlive, readStates, reapStale } from '../../services/index.js';
import { isAlive } from '../../services/process-tree.js';
import { findKept } from '../../services/state.js';
import { SeamsError } from '../../util/errors.js';
import { isInteractive } from '../../util/progress.js';
import { repoRoot } from '../../execute/root.js';
import type { CliIO } from '../io.js';
import type { SetExit } from '../types.js';

interface ServicesOptions {
  root: string;
  config?: string;
  timeoutMultiplier?: string;
}

const shellQuote = (v: string) => (/^[A-Za-z0-9_./:@%+=,-]*$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

export function registerServices(program: Command, io: CliIO, setExit: SetExit): void {
  const services = program
    .command('services')
    .description('start, stop or show the services of tiers for local work')
    .addHelpText(
      'after',
      `
Examples:
  eval "$(seams services up integration)"   start the integration tier's services, export their URLs
  seams services status                     what seams has running here
  seams services down                       stop them (and anything a killed seams left behind)

A second "up" prints the environment of the set already running instead of starting another.
seams run (outside CI) reuses services that "up" started.
Exit codes: 0 ok, 2 configuration error or a required service failed to start, 3 internal error.`,
    );
  const common = (c: Command) =>
    c.option('--root <dir>', 'repository root', '.').option('-c, --config <file>', 'seams.yaml to use');
  common(
    services
      .command('up')
      .description('start the services of the tiers (default: all configured) and print their environment')
      .argument('[tiers...]')
      .option('--timeout-multiplier <n>', 'multiply readiness deadlines'),
  ).action(async (tiers: string[], opts: ServicesOptions) => setExit(await servicesUp(tiers, opts, io)));
  common(services.command('down').description('stop services started by seams services up, and any left by a killed run').argument('[tiers...]')).action(
    async (tiers: string[], opts: ServicesOptions) => setExit(await servicesDown(tiers, opts, io)),
  );
  common(services.command('status').description('what seams has running here')).action(async (opts: ServicesOptions) => setExit(await servicesStatus(opts, io)));
}

async function servicesUp(tiers: string[], opts: ServicesOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  const mult = Number(opts.timeoutMultiplier ?? io.env.SEAMS_TIMEOUT_MULTIPLIER ?? 1);
  if (!(mult > 0))
    throw new SeamsError('SEAMS_USAGE', `the timeout multiplier must be a positive number, got ${opts.timeoutMultiplier ?? io.env.SEAMS_TIMEOUT_MULTIPLIER}`, {
      hint: `${opts.timeoutMultiplier === undefined ? 'SEAMS_TIMEOUT_MULTIPLIER' : '--timeout-multiplier'} 2 doubles every readiness deadline`,
    });
  const [{ scanConfigured }, { newRunId, selectTiers }] = await Promise.all([import('../../scan/configured.js'), import('../../execute/run.js')]);
  const { repos } = await scanConfigured([root], { configFile: opts.config });
  const { inventory, config } = repos[0]!;
  const selected = selectTiers(inventory, config, tiers);
  const names = [...new Set(selected.flatMap((t) => config.config.tiers[t]?.services ?? []))];
  if (!names.length) throw new SeamsError('SEAMS_NO_SERVICES', `no services configured for ${selected.join(', ') || 'any tier'}`, { hint: 'list them under tiers.<tier>.services in seams.yaml' });
  await reapStale(root);
  const session = new ServiceSession({ root, runId: newRunId(), services: config.config.services, env: io.env, keep: true, tiers: selected, timeoutMultiplier: mult, watchdog: false, log: (l) => io.stderr.write(`${l}\n`), info: isInteractive(io.stderr, io.env) ? (l) => io.stderr.write(`${l}\n`) : undefined });
  // a second `up` reports the set that is already running instead of starting another one
  const order = session.order(names);
  const kept = findKept(root, order);
  if (kept) {
    for (const [k, v] of Object.entries(kept.env)) io.stdout.write(`export ${k}=${shellQuote(v)}\n`);
    io.stderr.write(`${order.join(', ')} ${order.length === 1 ? 'is' : 'are'} already running (run ${kept.runId}); not starting ${order.length === 1 ? 'it' : 'them'} again. Stop with: seams services down\n`);
    return 0;
  }
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
    if (failed?.kind === 'external') {
      // seams never starts an external (url:) service: it is down, not "failed to start"
      io.stderr.write(`seams: service ${up.failure!.name} is ${up.failure!.message.split('\n')[0]}\n`);
      io.stderr.write(`hint: start it, or fix services.${up.failure!.name}.url in seams.yaml (optional: true runs without it)\n`);
      return 2;
    }
    io.stderr.write(`seams: service ${up.failure!.name} failed to start: ${up.failure!.message}\n`);
    io.stderr.write(`hint: its log is ${path.relative(io.cwd, path.join(session.logDir, `${up.failure!.name}.log`))}; fix services.${up.failure!.name} in seams.yaml, or give a slow machine --timeout-multiplier 3\n`);
    return 2;
  }
  for (const m of up.missing) io.stderr.write(`optional service ${m.name} is missing: ${m.reason}\n`);
  for (const [k, v] of Object.entries(up.env)) io.stdout.write(`export ${k}=${shellQuote(v)}\n`);
  io.stderr.write('services are running; stop them with: seams services down\n');
  return 0;
}

async function servicesDown(tiers: string[], opts: ServicesOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  const runIds = readStates(root)
    .filter(({ state }) => (state.keep || !ownerAlive(state)) && (!tiers.length || state.tiers.some((t) => tiers.includes(t))))
    .map(({ state }) => state.runId);
  const done = await reapStale(root, { all: true, runIds });
  if (!done.length) io.stdout.write('nothing to stop\n');
  for (const d of done) io.stdout.write(`stopped ${d.stopped.join(', ') || 'nothing still running'} (run ${d.runId})\n`);
  return 0;
}

async function servicesStatus(opts: ServicesOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  const states = readStates(root);
  if (!states.length) {
    io.stdout.write('no services started by seams are running here\n');
    return 0;
  }
  for (const { state } of states) {
    const owner = state.keep ? 'kept (seams services down stops them)' : ownerAlive(state) ? `owned by running seams (pid ${state.owner.pid})` : 'left by a seams that died (the next run cleans up)';
    io.stdout.write(`run ${state.runId} · ${state.tiers.join(', ') || '-'} · ${owner}\n`);
    for (const s of state.services) {
      const alive = s.kind === 'process' && s.pgid ? (isAlive(s.pgid) ? `running, pid ${s.pgid}` : 'not running') : s.kind;
      io.stdout.write(`  ${s.name}: ${alive}\n`);
    }
    for (const [k, v] of Object.entries(state.env)) if (k.endsWith('_URL')) io.stdout.write(`  ${k}=${v}\n`);
  }
  return 0;
}
