import path from 'node:path';
import { Option, type Command } from 'commander';
import { init, initSummary } from '../../app/init.js';
import { SeamsError } from '../../util/errors.js';
import { displayPath, type CliIO } from '../io.js';
import { onePath } from '../../app/options.js';
import { ciInit } from './ci.js';
import { ROOT_ALIAS_HELP, type SetExit } from '../types.js';

export interface InitCommandOptions {
  force?: boolean;
  print?: boolean;
  /** Also write a CI workflow (src/ci): github or gitlab. */
  ci?: string;
  /** Keep a hand-edited seams.yaml with a note instead of refusing (--ci writes the workflow anyway). */
  keepEdited?: boolean;
}

export function registerInit(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('init')
    .description('inspect a repository and write a commented seams.yaml that describes it')
    .argument('[path]', 'repository folder (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .option('--force', 'overwrite a seams.yaml that was edited by hand')
    .option('--print', 'print the proposal instead of writing it')
    .addOption(new Option('--ci <provider>', 'also write a CI workflow: labelled / critical-path PRs, nightly, gated promotion').choices(['github', 'gitlab']))
    .addHelpText(
      'after',
      `
init looks at the runners, test folders, markers in use, source packages, the external systems
the code imports (AWS, Postgres, Redis, …) and spec files with requirement ids. Components come
from Python packages and modules or JS/TS workspace packages and src/ folders (never examples,
docs, fixtures or assets); workflows are proposed only in comments, where imports link two
components; requirement sources only where ids were found. Running it again
on an unchanged repo changes nothing; a file edited by hand is never overwritten without --force
(with --ci it is kept and the CI workflow is still written).

Examples:
  seams init                      write seams.yaml for the repository in the current folder
  seams init services/api --print show the proposal without writing it
  seams init --ci github          also write .github/workflows/seams.yml (see seams ci init --help)

Exit codes: 0 written or unchanged, 2 bad path or an edited seams.yaml (use --force or --print).`,
    )
    .action(async (arg: string | undefined, opts: InitCommandOptions & { root?: string }) => {
      const p = onePath(arg, opts.root, 'init');
      // With --ci, a hand-edited seams.yaml is kept and the workflow is still written.
      setExit(await initCommand(path.resolve(io.cwd, p), { ...opts, keepEdited: Boolean(opts.ci) }, io));
      if (opts.ci && !opts.print) setExit(await ciInit(path.resolve(io.cwd, p), opts.ci, {}, io));
    });
}

export async function initCommand(rootArg: string, opts: InitCommandOptions, io: CliIO): Promise<number> {
  const result = await init(rootArg, opts);
  const shown = displayPath(io, result.target);
  switch (result.action) {
    case 'printed':
      io.stdout.write(result.text);
      return 0;
    case 'unchanged':
      io.stderr.write(`seams: ${shown} is up to date (unchanged)\n`);
      return 0;
    case 'kept':
      io.stderr.write(`seams: ${shown} was edited by hand; kept it as is\nhint: seams init --print shows the proposal; --force replaces the file\n`);
      return 0;
    case 'refused':
      throw new SeamsError('SEAMS_INIT_EDITED', `${shown} exists and was edited by hand; not overwriting it`, {
        hint: 'seams init --print shows the proposal; --force replaces the file',
      });
    default:
      io.stderr.write(`seams: ${result.action === 'updated' ? 'updated' : 'wrote'} ${shown} (${initSummary(result.facts)})\n`);
      return 0;
  }
}
