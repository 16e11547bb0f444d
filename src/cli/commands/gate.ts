import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { createCoverageLoader } from '../../coverage/index.js';
import { evaluateGates, GateConfigErrors } from '../../gate/evaluate.js';
import { externalMetricsFor } from '../../gate/external.js';
import { loadHistory } from '../../gate/history.js';
import {
  renderGateJson,
  renderGateJunit,
  renderGateMarkdown,
  renderGateText,
  renderGithubAnnotations,
} from '../../gate/output.js';
import type { GateReport } from '../../gate/types.js';
import { ciRunUrl, currentBranch, notifyGateFailure } from '../../notify/index.js';
import { repoKey, scanConfigured } from '../../scan/configured.js';
import { SeamsError } from '../../util/errors.js';
import { writeOutput, type CliIO } from '../io.js';
import type { SetExit } from '../main.js';

export interface GateCommandOptions {
  format: 'text' | 'json' | 'junit' | 'markdown';
  config?: string;
  db?: string;
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
    .argument('[paths...]', 'repository folders', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'junit', 'markdown']).default('text'))
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('--db <url>', 'history database (sqlite:path or postgresql://…; default from seams.yaml or .seams/history.db)')
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

Exit codes: 0 every error-severity rule passed (warnings allowed), 1 a gate failed,
2 configuration error (unknown tier, scenario or metric, unreadable coverage report, …).`,
    )
    .action(async (paths: string[], opts: GateCommandOptions) => {
      setExit(await gateCommand(paths, opts, io));
    });
}

export async function gateCommand(paths: string[], opts: GateCommandOptions, io: CliIO): Promise<number> {
  const now = opts.now ? new Date(`${opts.now}T12:00:00Z`) : new Date();
  if (Number.isNaN(now.getTime())) throw new SeamsError('SEAMS_USAGE', `--now ${opts.now} is not a date`, { hint: 'use YYYY-MM-DD' });
  const resolved = paths.map((p) => path.resolve(io.cwd, p));
  const { repos } = await scanConfigured(resolved, { configFile: opts.config });
  const reports: GateReport[] = [];
  const configErrors: string[] = [];
  for (const { inventory, config } of repos) {
    const root = inventory.root;
    const rules = [...Object.values(config.config.gates), ...config.config.targets.map((t) => ({ metric: t.metric, runs: undefined }))];
    const runMetrics = rules.filter((g) => !/^(tests|files|coverage|workflows|requirements|components)\b/.test(g.metric));
    // flaky and determinism look at a window of runs (default 20); pass rates and duration at `runs` (default 1)
    const perTierSet = Math.max(1, ...runMetrics.map((g) => g.runs ?? (/^(flaky|nondeterministic|determinism)\b/.test(g.metric) ? 20 : 1)));
    const history = runMetrics.length
      ? await loadHistory(root, { db: opts.db, env: io.env, configured: config.user.history?.db, repoName: repoKey(inventory), runs: perTierSet })
      : { runs: [], summaries: [], location: null, missing: undefined };
    try {
      reports.push(
        await evaluateGates(
          {
            root,
            config: config.config,
            locate: config.file ? (k) => relativeLocation(config.locate(k), io.cwd) : undefined,
            configFile: config.file ? path.relative(root, config.file).split(path.sep).join('/') : undefined,
            inventory,
            runs: history.runs,
            historyMissing: history.missing,
            coverage: createCoverageLoader(root, config.config.coverage),
            external: await externalMetricsFor(inventory, config),
            now,
          },
          { only: opts.rule, targets: opts.targets, repoName: inventory.name },
        ),
      );
    } catch (e) {
      if (!(e instanceof GateConfigErrors)) throw e;
      for (const err of e.errors) {
        configErrors.push(`seams: ${err.source ? `${err.source}: ` : ''}${err.message}`);
        if (err.hint) configErrors.push(`hint: ${err.hint}`);
      }
    }
  }
  if (configErrors.length) {
    io.stderr.write(`${configErrors.join('\n')}\n`);
    return 2;
  }
  const text =
    opts.format === 'json'
      ? renderGateJson(reports)
      : opts.format === 'junit'
        ? renderGateJunit(reports)
        : opts.format === 'markdown'
          ? renderGateMarkdown(reports)
          : renderGateText(reports);
  if (opts.output) await writeOutput(io, opts.output, text);
  else io.stdout.write(text);

  if (io.env.GITHUB_ACTIONS) {
    io.stdout.write(renderGithubAnnotations(reports, (file, root) => path.relative(io.env.GITHUB_WORKSPACE || io.cwd, path.resolve(root, file)).split(path.sep).join('/')));
    if (io.env.GITHUB_STEP_SUMMARY) {
      try {
        await appendFile(io.env.GITHUB_STEP_SUMMARY, renderGateMarkdown(reports));
      } catch (e) {
        io.stderr.write(`seams: warning: could not write the job summary: ${(e as Error).message}\n`);
      }
    }
  }

  const failed = reports.some((r) => !r.passed);
  if (failed && opts.notify) {
    for (let i = 0; i < repos.length; i++) {
      const { config, inventory } = repos[i]!;
      const rep = reports[i]!;
      if (rep.passed || !config.config.notify) continue;
      const outcome = await notifyGateFailure(config.config.notify, {
        repo: inventory.name,
        branch: await currentBranch(io.env, inventory.root),
        failed: rep.results.filter((r) => r.status === 'fail').map((r) => ({ name: r.name, message: r.message })),
        url: ciRunUrl(io.env),
      });
      if (outcome.warning) io.stderr.write(`seams: warning: ${outcome.warning}\n`);
      else if (outcome.sent) io.stderr.write('seams: notified the webhook of the failed gate\n');
    }
  }
  return failed ? 1 : 0;
}

function relativeLocation(loc: string, cwd: string): string {
  const m = /^(.*?)(:\d+:\d+)?$/.exec(loc);
  if (!m) return loc;
  const file = path.isAbsolute(m[1]!) ? path.relative(cwd, m[1]!) || m[1]! : m[1]!;
  return `${file.split(path.sep).join('/')}${m[2] ?? ''}`;
}
