import type { Command } from 'commander';
import { Option } from 'commander';
import { flakyRenderers } from '../../report/renderers/history.js';
import { SeamsError } from '../../util/errors.js';
import { FLAKY_WINDOW_RUNS } from '../../core/flaky.js';
import { repoAndTiers } from '../../app/options.js';
import { CONVENTIONAL_TIERS } from '../../core/types.js';
import type { CliIO } from '../io.js';
import type { SetExit } from '../types.js';

interface FlakyCommandOptions {
  root?: string;
  config?: string;
  db?: string;
  tier?: string;
  branch?: string;
  repo?: string;
  runs?: string;
  minFlipRate?: string;
  format: 'text' | 'json';
}

export function registerFlaky(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('flaky')
    .description('flaky tests from history: pass and fail on one commit, pass on retry, frequent flips')
    .argument('[tier-and-path...]', 'a tier (as --tier) and the repository folder (default: the current one), in any order')
    .option('--root <dir>', 'repository folder: an alias of the folder argument')
    .option('-c, --config <file>', 'seams.yaml to use')
    .option('--db <url>', 'history database (default: SEAMS_DATABASE_URL, history.db in seams.yaml, sqlite:.seams/history.db)')
    .option('--tier <tier>', 'only runs of this tier')
    .option('--branch <name>', 'only runs on this branch')
    .option('--repo <name>', 'only runs of this repository (shared databases)')
    .option('--runs <n>', 'newest runs of each tier set to look at (default 20, as the gate and the report)')
    .option('--min-flip-rate <rate>', 'flip rate (0..1) from which a test is flaky (default 0.3)')
    .addOption(new Option('-f, --format <format>', 'output').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  seams flaky                               flaky tests over the newest 20 runs of each tier set
  seams flaky --tier integration --branch main --runs 100
  seams flaky integration examples/platform    one tier of another repository
  seams flaky --format json                 for scripts (schema: tests with reasons and flip rates)

A test is flaky when it passed and failed on the same commit, passed on a retry, or flips
outcome at --min-flip-rate or more over at least 4 runs. Runs where most tests failed are
infrastructure failures and are not counted as evidence. An argument that is an existing folder
is the repository, any other one a tier (write ./e2e for a folder named like a tier). Reading history never creates it.
Exit codes: 0 report printed (also with flaky tests or no history), 2 usage error, 3 internal error.`,
    )
    .action(async (args: string[], opts: FlakyCommandOptions) => {
      setExit(await flakyCommand(opts, io, args));
    });
}

export async function flakyCommand(opts: FlakyCommandOptions, io: CliIO, args: string[] = []): Promise<number> {
  const { root, tiers } = repoAndTiers(io, args, opts.root, CONVENTIONAL_TIERS, 'flaky');
  const named = [...new Set([...(opts.tier !== undefined ? [opts.tier] : []), ...tiers])];
  if (named.length > 1)
    throw new SeamsError('SEAMS_USAGE', `seams flaky looks at one tier at a time, got ${named.join(', ')}`, { hint: 'seams flaky integration (or --tier integration); without a tier: every tier' });
  const tier = named[0];
  const runs = Number(opts.runs ?? FLAKY_WINDOW_RUNS);
  const minFlipRate = Number(opts.minFlipRate ?? 0.3);
  if (!Number.isInteger(runs) || runs < 1)
    throw new SeamsError('SEAMS_USAGE', `--runs must be a positive whole number, got ${opts.runs}`, { hint: 'seams flaky --runs 100 looks at the newest 100 runs of each tier set (default 20)' });
  if (!(minFlipRate > 0 && minFlipRate <= 1))
    throw new SeamsError('SEAMS_USAGE', `--min-flip-rate must be a number above 0 and at most 1, got ${opts.minFlipRate}`, {
      hint: 'seams flaky --min-flip-rate 0.2 calls a test flaky when at least 20% of its consecutive runs change outcome (default 0.3)',
    });
  const { flaky } = await import('../../app/flaky.js');
  const { report, location } = await flaky({ root, config: opts.config, db: opts.db, env: io.env, tier, branch: opts.branch, repo: opts.repo, runs, minFlipRate });
  io.stdout.write(opts.format === 'json' ? flakyRenderers.json(report) : flakyRenderers.text(report, location));
  return 0;
}
