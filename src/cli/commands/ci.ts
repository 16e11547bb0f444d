import path from 'node:path';
import type { Command } from 'commander';
import { Argument } from 'commander';
import type { CiInitOptions } from '../../app/ci.js';
import { displayPath, type CliIO } from '../io.js';
import { onePath } from '../../app/options.js';
import { ROOT_ALIAS_HELP, type SetExit } from '../types.js';

/** Runs the CI-workflow part of `seams init --ci` (also reachable as `seams ci init`). */
export async function ciInit(root: string, provider: string, opts: CiInitOptions, io: CliIO): Promise<number> {
  const { ciInit: init } = await import('../../app/ci.js');
  const res = await init(root, provider, opts);
  // the file as the user can open it from here (res.file is relative to the repository)
  const file = displayPath(io, path.resolve(root, res.file));
  if (res.status === 'written') io.stderr.write(`seams: wrote ${file}\n`);
  else if (res.status === 'unchanged') io.stderr.write(`seams: ${file} is up to date\n`);
  else io.stderr.write(`seams: ${file} exists and differs; left as is (use --force to overwrite)\n`);
  if (res.status === 'written') {
    if (!res.setup.rootPackage?.seams)
      io.stderr.write(`hint: seams is not on the npm registry: add it as a devDependency so the workflow's \`${res.setup.seamsExec ?? 'npx --no-install seams'}\` finds it\n`);
    if (res.todos) io.stderr.write(`hint: ${file} has ${res.todos} TODO line${res.todos === 1 ? '' : 's'} (services or dependencies seams could not install for you)\n`);
  }
  if (provider === 'gitlab' && res.status === 'written') io.stderr.write('hint: include it from .gitlab-ci.yml: include: { local: seams.gitlab-ci.yml }\n');
  return 0;
}

export function registerCi(program: Command, io: CliIO, setExit: SetExit): void {
  const ci = program.command('ci').description('CI integration');
  ci.command('init')
    .description('write a CI workflow: labelled / critical-path PRs, nightly, and a gated production promotion')
    .addArgument(new Argument('<provider>', 'CI system').choices(['github', 'gitlab']))
    .argument('[path]', 'repository folder (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .option('--label <name>', 'pull-request label that asks for the integration tiers', 'integration-tests')
    .option('--cron <expr>', 'nightly schedule (UTC cron)', '17 3 * * *')
    .option('--tiers <tier...>', 'tiers to run (default: configured tiers other than unit)')
    .option('--force', 'overwrite an existing, different workflow file')
    .option('-c, --config <file>', 'seams.yaml to use')
    .addHelpText(
      'after',
      `
The job installs seams as the repository does (a devDependency, installed and run with the
repository's npm, pnpm, yarn or bun: seams is not on the npm registry), the JS packages and
Playwright browsers of the runners found, the Python test dependencies (pip, uv or poetry), and the programs of the services in seams.yaml (moto_server, redis-server,
postgres, …); what it cannot install is a TODO line in the file.

Examples:
  seams ci init github                      .github/workflows/seams.yml
  seams ci init gitlab --label integration  seams.gitlab-ci.yml, MRs labelled "integration"
  seams ci init github --tiers integration  only the integration tier

Exit codes: 0 written, unchanged or kept, 2 bad path, provider or configuration.`,
    )
    .action(async (provider: string, p: string | undefined, opts: CiInitOptions & { root?: string }) => {
      setExit(await ciInit(path.resolve(io.cwd, onePath(p, opts.root, 'ci init')), provider, opts, io));
    });
}
