import { repoPaths } from '../../app/options.js';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { REACH_HELP, REACH_MODES, type ReachMode } from '../../app/measured-reach.js';
import { report } from '../../app/report.js';
import { reportRenderers } from '../../report/renderers/report.js';
import { renderSplitReport } from '../../report/html/index.js';
import { describeError, SeamsError } from '../../util/errors.js';
import { checkOutputPath, displayPath, repoFolders, writeOutput, type CliIO } from '../io.js';
import { NO_CACHE_HELP, ROOT_ALIAS_HELP, type SetExit } from '../types.js';

export interface ReportCommandOptions {
  /** false with --no-cache */
  cache?: boolean;
  html?: string;
  /** --split: --html names a folder: index.html + data chunk files loaded on demand. */
  split?: boolean;
  markdown?: string | boolean;
  config?: string;
  db?: string;
  reach?: ReachMode;
  title?: string;
  runs: string;
}

const kb = (n: number) => (n >= 10 * 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(0)} KB`);

/** --split's folder: an existing folder, or a new one in an existing folder. Returns the absolute path. */
async function checkOutputFolder(io: CliIO, dir: string): Promise<string> {
  const abs = path.resolve(io.cwd, dir);
  const info = await stat(abs).catch(() => undefined);
  if (info && !info.isDirectory())
    throw new SeamsError('SEAMS_CANNOT_WRITE', `cannot write ${displayPath(io, abs)}: is a file, and --split writes a folder`, { hint: `give a folder, e.g. ${displayPath(io, abs.replace(/\.html?$/i, ''))}/` });
  if (!info) {
    const parent = path.dirname(abs);
    const p = await stat(parent).catch(() => undefined);
    if (!p?.isDirectory()) throw new SeamsError('SEAMS_CANNOT_WRITE', `cannot write ${displayPath(io, abs)}: folder ${displayPath(io, parent)} does not exist`, { hint: `create it first (mkdir -p ${displayPath(io, parent)}) or choose another path` });
  }
  return abs;
}

function cannotWrite(io: CliIO, file: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : describeError(error);
  throw new SeamsError('SEAMS_CANNOT_WRITE', `cannot write ${displayPath(io, file)}: ${why}`, { hint: 'choose a path you can write to' });
}

export function registerReport(program: Command, io: CliIO, setExit: SetExit): void {
  program
    .command('report')
    .description('write a self-contained HTML report and/or a Markdown completion report')
    .argument('[paths...]', 'repository folders (default: the current one)')
    .option('--root <dir>', ROOT_ALIAS_HELP)
    .option('--html <file>', 'write the HTML report (one file, works offline; with --split, a folder)')
    .option('--split', 'with --html <folder>: write index.html and its data chunks (seams-*.js) into the folder; open index.html, from disk or a web server')
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
  seams report --html report/ --split          a folder: index.html + data chunks, for very large reports

The report renders what it can: without history or seams.yaml it says what is missing.
Exit codes: 0 written, 2 bad path or configuration.`,
    )
    .action(async (paths: string[], opts: ReportCommandOptions & { root?: string }) => {
      setExit(await reportCommand(repoPaths(paths, opts.root), opts, io));
    });
}

export async function reportCommand(paths: string[], opts: ReportCommandOptions, io: CliIO): Promise<number> {
  if (opts.split && !opts.html)
    throw new SeamsError('SEAMS_USAGE', '--split needs --html <folder>', { hint: 'seams report --html report/ --split' });
  if (!opts.html && opts.markdown === undefined)
    throw new SeamsError('SEAMS_USAGE', 'nothing to write: give --html <file> and/or --markdown [file]', {
      hint: 'seams report --html report.html',
    });
  // a bad output path is refused before the scan, history and analysis
  if (opts.html) {
    if (opts.split) await checkOutputFolder(io, opts.html);
    else await checkOutputPath(io, opts.html);
  }
  if (typeof opts.markdown === 'string') await checkOutputPath(io, opts.markdown);
  const result = await report(
    repoFolders(io, paths),
    { config: opts.config, cache: opts.cache, db: opts.db, reach: opts.reach, env: io.env, title: opts.title, runs: Number(opts.runs) },
  );
  if (opts.html && opts.split) {
    const dir = await checkOutputFolder(io, opts.html);
    const split = renderSplitReport(result.html);
    await mkdir(dir, { recursive: true }).catch(() => undefined);
    let bytes = 0;
    for (const c of split.chunks) {
      await writeFile(path.join(dir, c.file), c.text).catch((error: unknown) => cannotWrite(io, path.join(dir, c.file), error));
      bytes += c.text.length;
    }
    // index.html last: a folder with an index.html has all its chunks
    await writeOutput(io, path.join(dir, 'index.html'), split.index, { detail: `${kb(split.index.length)} + ${split.chunks.length} data chunks, ${kb(bytes)}` });
  } else if (opts.html) {
    const html = reportRenderers.html(result.html);
    await writeOutput(io, opts.html, html, { detail: kb(html.length) });
  }
  if (opts.markdown !== undefined) {
    const md = reportRenderers.markdown(result.completion);
    if (typeof opts.markdown === 'string') await writeOutput(io, opts.markdown, md);
    else io.stdout.write(md);
  }
  return 0;
}
