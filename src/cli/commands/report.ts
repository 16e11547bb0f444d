import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { REACH_HELP, REACH_MODES, type ReachMode } from '../../app/measured-reach.js';
import { report } from '../../app/report.js';
import { reportRenderers } from '../../report/renderers/report.js';
import { SeamsError } from '../../util/errors.js';
import { checkOutputPath, writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, type SetExit } from '../types.js';

export interface ReportCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  html?: string;
  markdown?: string | boolean;
  config?: string;
  db?: string;
  reach?: ReachMode;
  title?: string;
  runs: string;
}

export function registerReport(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('report')
    .description('write a self-contained HTML report and/or a Markdown completion report')
    .argument('[paths...]', 'repository folders', ['.'])
    .option('--html <file>', 'write the HTML report (one file, works offline)')
    .option('--markdown [file]', 'write the Markdown completion report (stdout without a file)')
    .option('-c, --config <file>', 'seams.yaml to use (single repository only)')
    .option('--no-cache', NO_CACHE_HELP)
    .option('--db <url>', 'history database (sqlite:path or postgresql://…)')
    .addOption(new Option('--reach <mode>', REACH_HELP).choices([...REACH_MODES]).default('auto'))
    .option('--title <text>', 'report title')
    .option('--runs <n>', 'newest runs (with every result) read per tier set for per-test history and latest results; also the flaky window, as seams flaky --runs <n>', '20')
    .addHelpText(
      'after',
      `
Examples:
  seams report --html report.html              pyramid, gaps, traceability, latest run, trends, per-test history
  seams report --markdown COMPLETION.md        scenarios, pass rates vs expectation, determinism, coverage, what is open
  seams report services/api web --html r.html several repositories in one report

The report renders what it can: without history or seams.yaml it says what is missing.
Exit codes: 0 written, 2 bad path or configuration.`,
    )
    .action(async (paths: string[], opts: ReportCommandOptions) => {
      setExit(await reportCommand(paths, opts, io));
    });
}

export async function reportCommand(paths: string[], opts: ReportCommandOptions, io: CliIO): Promise<number> {
  if (!opts.html && opts.markdown === undefined)
    throw new SeamsError('SEAMS_USAGE', 'nothing to write: give --html <file> and/or --markdown [file]', {
      hint: 'seams report --html report.html',
    });
  // a bad output path is refused before the scan, history and analysis
  if (opts.html) await checkOutputPath(io, opts.html);
  if (typeof opts.markdown === 'string') await checkOutputPath(io, opts.markdown);
  const result = await report(
    paths.map((p) => path.resolve(io.cwd, p)),
    { config: opts.config, cache: opts.cache, db: opts.db, reach: opts.reach, env: io.env, title: opts.title, runs: Number(opts.runs) },
  );
  if (opts.html) {
    const html = reportRenderers.html(result.html);
    await writeOutput(io, opts.html, html, { detail: `${(html.length / 1024).toFixed(0)} KB` });
  }
  if (opts.markdown !== undefined) {
    const md = reportRenderers.markdown(result.completion);
    if (typeof opts.markdown === 'string') await writeOutput(io, opts.markdown, md);
    else io.stdout.write(md);
  }
  return 0;
}
