import path from 'node:path';
import type { Command } from 'commander';
import { Argument } from 'commander';
import { writeCiWorkflow } from '../../ci/index.js';
import { loadConfig } from '../../config/index.js';
import type { CliIO } from '../io.js';
import type { SetExit } from '../main.js';

export interface CiInitOptions {
  label?: string;
  cron?: string;
  tiers?: string[];
  force?: boolean;
  config?: string;
}

/** Runs the CI-workflow part of `seams init --ci` (also reachable as `seams ci init`). */
export async function ciInit(root: string, provider: string, opts: CiInitOptions, io: CliIO): Promise<number> {
  const loaded = await loadConfig(root, opts.config);
  const { existsSync } = await import('node:fs');
  const python = ['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini', 'requirements.txt'].some((f) => existsSync(path.join(root, f)));
  const res = await writeCiWorkflow(root, provider, loaded.config, { label: opts.label, cron: opts.cron, tiers: opts.tiers, force: opts.force, python });
  if (res.status === 'written') io.stderr.write(`seams: wrote ${res.file}\n`);
  else if (res.status === 'unchanged') io.stderr.write(`seams: ${res.file} is up to date\n`);
  else io.stderr.write(`seams: ${res.file} exists and differs; left as is (use --force to overwrite)\n`);
  if (provider === 'gitlab' && res.status === 'written') io.stderr.write('hint: include it from .gitlab-ci.yml: include: { local: seams.gitlab-ci.yml }\n');
  return 0;
}

export function registerCi(program: Command, io: CliIO, setExit: SetExit): void {
  const ci = program.command('ci').description('CI integration');
  ci.command('init')
    .description('write a CI workflow: labelled / critical-path PRs, nightly, and a gated production promotion')
    .addArgument(new Argument('<provider>', 'CI system').choices(['github', 'gitlab']))
    .argument('[path]', 'repository folder', '.')
    .option('--label <name>', 'pull-request label that asks for the integration tiers', 'integration-tests')
    .option('--cron <expr>', 'nightly schedule (UTC cron)', '17 3 * * *')
    .option('--tiers <tier...>', 'tiers to run (default: configured tiers other than unit)')
    .option('--force', 'overwrite an existing, different workflow file')
    .option('-c, --config <file>', 'seams.yaml to use')
    .action(async (provider: string, p: string, opts: CiInitOptions) => {
      setExit(await ciInit(path.resolve(io.cwd, p), provider, opts, io));
    });
}
