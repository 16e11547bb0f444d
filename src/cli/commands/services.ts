import path from 'node:path';
import { Option, type Command } from 'commander';
import { SeamsError } from '../../util/errors.js';
import { isInteractive } from '../../util/progress.js';
import { repoRoot } from '../../app/options.js';
import type { CliIO } from '../io.js';
import { NO_CACHE_HELP, type SetExit } from '../types.js';

interface ServicesOptions {
  /** false with --no-cache */
  cache?: boolean;
  root: string;
  config?: string;
  timeoutMultiplier?: string;
  format?: 'text' | 'json';
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
  seams services status                     what seams has running here (secrets shown as ***)
  seams services status --format json       the same for scripts: { runs: [{ runId, services, env }] }
  seams services down                       stop them (and anything a killed seams left behind)

A second "up" prints the environment of the set already running instead of starting another.
seams run (outside CI) reuses services that "up" started.
Exit codes: 0 ok, 2 configuration error or a required service failed to start, 3 internal error.`,
    );
  const common = (c: Command) =>
    c.option('--root <dir>', 'repository root', '.').option('-c, --config <file>', 'seams.yaml to use').option('--no-cache', NO_CACHE_HELP);
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
  common(
    services
      .command('status')
      .description('what seams has running here')
      .addOption(new Option('-f, --format <format>', 'output').choices(['text', 'json']).default('text')),
  ).action(async (opts: ServicesOptions) => setExit(await servicesStatus(opts, io)));
}

async function servicesUp(tiers: string[], opts: ServicesOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  const mult = Number(opts.timeoutMultiplier ?? io.env.SEAMS_TIMEOUT_MULTIPLIER ?? 1);
  if (!(mult > 0))
    throw new SeamsError('SEAMS_USAGE', `the timeout multiplier must be a positive number, got ${opts.timeoutMultiplier ?? io.env.SEAMS_TIMEOUT_MULTIPLIER}`, {
      hint: `${opts.timeoutMultiplier === undefined ? 'SEAMS_TIMEOUT_MULTIPLIER' : '--timeout-multiplier'} 2 doubles every readiness deadline`,
    });
  const { servicesUp: up } = await import('../../app/services.js');
  const result = await up({
    root,
    tiers,
    config: opts.config,
    cache: opts.cache,
    env: io.env,
    timeoutMultiplier: mult,
    log: (l) => io.stderr.write(`${l}\n`),
    info: isInteractive(io.stderr, io.env) ? (l) => io.stderr.write(`${l}\n`) : undefined,
  });
  const exports = (env: Record<string, string>) => {
    for (const [k, v] of Object.entries(env)) io.stdout.write(`export ${k}=${shellQuote(v)}\n`);
  };
  switch (result.status) {
    case 'running': {
      const order = result.services;
      exports(result.env);
      io.stderr.write(`${order.join(', ')} ${order.length === 1 ? 'is' : 'are'} already running (run ${result.runId}); not starting ${order.length === 1 ? 'it' : 'them'} again. Stop with: seams services down\n`);
      return 0;
    }
    case 'failed':
      if (result.external) {
        io.stderr.write(`seams: service ${result.name} is ${result.message.split('\n')[0]}\n`);
        io.stderr.write(`hint: start it, or fix services.${result.name}.url in seams.yaml (optional: true runs without it)\n`);
        return 2;
      }
      io.stderr.write(`seams: service ${result.name} failed to start: ${result.message}\n`);
      io.stderr.write(`hint: its log is ${path.relative(io.cwd, result.log)}; fix services.${result.name} in seams.yaml, or give a slow machine --timeout-multiplier 3\n`);
      return 2;
    default:
      for (const m of result.missing) io.stderr.write(`optional service ${m.name} is missing: ${m.reason}\n`);
      exports(result.env);
      io.stderr.write('services are running; stop them with: seams services down\n');
      return 0;
  }
}

async function servicesDown(tiers: string[], opts: ServicesOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  const { servicesDown: down } = await import('../../app/services.js');
  const done = await down(root, tiers, opts.config);
  if (!done.length) io.stdout.write('nothing to stop\n');
  for (const d of done) io.stdout.write(`stopped ${d.stopped.join(', ') || 'nothing still running'} (run ${d.runId})\n`);
  return 0;
}

async function servicesStatus(opts: ServicesOptions, io: CliIO): Promise<number> {
  const root = repoRoot(io, opts.root);
  const { servicesStatus: status } = await import('../../app/services.js');
  const states = await status(root, opts.config);
  if (opts.format === 'json') {
    io.stdout.write(`${JSON.stringify({ runs: states }, null, 2)}\n`);
    return 0;
  }
  if (!states.length) {
    io.stdout.write('no services started by seams are running here\n');
    return 0;
  }
  for (const state of states) {
    const owner = state.owner === 'kept' ? 'kept (seams services down stops them)' : state.owner === 'owned' ? `owned by running seams (pid ${state.pid})` : 'left by a seams that died (the next run cleans up)';
    io.stdout.write(`run ${state.runId} · ${state.tiers.join(', ') || '-'} · ${owner}\n`);
    for (const s of state.services) {
      const alive = s.running === null ? s.kind : s.running ? `running, pid ${s.pgid}` : 'not running';
      io.stdout.write(`  ${s.name}: ${alive}\n`);
    }
    for (const [k, v] of Object.entries(state.env)) if (k.endsWith('_URL')) io.stdout.write(`  ${k}=${v}\n`);
  }
  return 0;
}
