import { repoPaths } from '../../app/options.js';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { gate, notifyFailedGates } from '../../app/gate.js';
import { REACH_HELP, REACH_MODES, type ReachMode } from '../../app/measured-reach.js';
import { gateRenderers, githubRenderers } from '../../report/renderers/gate.js';
import { SeamsError } from '../../util/errors.js';
import { repoFolders, writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, ROOT_ALIAS_HELP, type SetExit } from '../types.js';
import { relativePosix } from '../../util/paths.js';

export interface GateCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  format: 'text' | 'json' | 'junit' | 'markdown';
  config?: string;
  db?: string;
  reach?: ReachMode;
  output?: string;
  rule?: string[];
  targets: boolean;
  notify: boolean;
  now?: string;
}

export function registerGate(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('gate')
    .description('check the gates and targets in seams.yaml (counts, workflows, pass rates, flakiness, duration, coverage)')
    .argument('[paths...]', 'repository folders (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'junit', 'markdown']).default('text'))
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('--no-cache', NO_CACHE_HELP)
    .option('--db <url>', 'history database (sqlite:path or postgresql://…; default from seams.yaml or .seams/history.db)')
    .addOption(new Option('--reach <mode>', REACH_HELP).choices([...REACH_MODES]).default('auto'))
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .option('-r, --rule <name...>', 'check only these gates (targets are skipped)')
    .option('--no-targets', 'skip targets: (success criteria with due dates)')
    .option('--no-notify', 'do not call the notify: webhook')
    .option('--now <date>', 'evaluate target due dates as of this date (YYYY-MM-DD), for tests and back-filling')
    .addHelpText(
      'after',
      `
Examples:
  seams gate                                   every gate and target of the repo here
  seams gate --format junit -o gate.xml        one JUnit testcase per rule, for CI test tabs
  seams gate --rule p1-workflows no-flaky      just these gates

In GitHub Actions (GITHUB_ACTIONS set) seams also writes a job summary to
$GITHUB_STEP_SUMMARY and prints ::error annotations that point at the failing tests.

Run metrics (passrate, failed, flaky, determinism, duration) count only results of the repo's
own tests of the rule's tier; a rule with no such result, or whose tests did not run, fails
(warns with severity: warn) with the reason. Bounds are in the metric's unit: counts a whole
number, shares 0.95 or "95%", durations 5m (docs/gate-report.md).

Exit codes: 0 every error-severity rule passed (warnings allowed), 1 a gate failed,
2 configuration error (unknown tier, scenario or metric, unreadable coverage report, a bound in
the wrong unit, …).`,
    )
    .action(async (paths: string[], opts: GateCommandOptions & { root?: string }) => {
      setExit(await gateCommand(repoPaths(paths, opts.root), opts, io));
    });
}

export async function gateCommand(paths: string[], opts: GateCommandOptions, io: CliIO): Promise<number> {
  const now = opts.now ? new Date(`${opts.now}T12:00:00Z`) : new Date();
  if (Number.isNaN(now.getTime())) throw new SeamsError('SEAMS_USAGE', `--now ${opts.now} is not a date`, { hint: 'use YYYY-MM-DD' });
  const result = await gate(
    repoFolders(io, paths),
    { config: opts.config, cache: opts.cache, db: opts.db, reach: opts.reach, env: io.env, cwd: io.cwd, only: opts.rule, targets: opts.targets, now },
  );
  if (result.configErrors.length) {
    const lines = result.configErrors.flatMap((err) => [`seams: ${err.source ? `${err.source}: ` : ''}${err.message}`, ...(err.hint ? [`hint: ${err.hint}`] : [])]);
    io.stderr.write(`${lines.join('\n')}\n`);
    return 2;
  }
  const { reports } = result;
  const text = gateRenderers[opts.format](reports);
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);

  if (io.env.GITHUB_ACTIONS) {
    io.stdout.write(githubRenderers.annotations(reports, (file, root) => relativePosix(io.env.GITHUB_WORKSPACE || io.cwd, path.resolve(root, file))));
    if (io.env.GITHUB_STEP_SUMMARY) {
      try {
        await appendFile(io.env.GITHUB_STEP_SUMMARY, githubRenderers.summary(reports));
      } catch (e) {
        io.stderr.write(`seams: warning: could not write the job summary: ${(e as Error).message}\n`);
      }
    }
  }

  if (!result.passed && opts.notify) {
    for (const n of await notifyFailedGates(result, io.env)) {
      if (n.warning) io.stderr.write(`seams: warning: ${n.warning}\n`);
      else if (n.sent) io.stderr.write('seams: notified the webhook of the failed gate\n');
    }
  }
  return result.passed ? 0 : 1;
}
