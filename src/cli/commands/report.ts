import path from 'node:path';
import type { Command } from 'commander';
import { createCoverageLoader } from '../../coverage/index.js';
import { evaluateGates, GateConfigErrors } from '../../gate/evaluate.js';
import { analysisFor } from '../../gate/external.js';
import { loadHistory } from '../../gate/history.js';
import type { GateContext, GateReport } from '../../gate/types.js';
import { renderHtmlReport, trendOf, type ReportGapRow, type ReportRepoInput, type ReportTraceRow, type TrendPoint } from '../../report/html/index.js';
import { renderCompletionMarkdown, type CompletionInput } from '../../report/markdown-report.js';
import { repoKey, scanConfigured } from '../../scan/configured.js';
import type { RunSummary } from '../../store/types.js';
import { SeamsError } from '../../util/errors.js';
import { checkOutputPath, writeOutput, type CliIO } from '../io.js';
import type { SetExit } from '../main.js';

export interface ReportCommandOptions {
  html?: string;
  markdown?: string | boolean;
  config?: string;
  db?: string;
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
    .option('--db <url>', 'history database (sqlite:path or postgresql://…)')
    .option('--title <text>', 'report title')
    .option('--runs <n>', 'newest runs (with every result) read for per-test history and latest results', '20')
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

function fromSummary(s: RunSummary): TrendPoint {
  return {
    runId: s.id,
    startedAt: s.startedAt,
    commit: s.commit,
    repo: s.repo,
    tiers: s.tiers.length === 1 ? { [s.tiers[0]!]: s.counts.total } : {},
    total: s.counts.total,
    passed: s.counts.passed,
    failed: s.counts.failed + s.counts.error + s.counts.notRun,
    flaky: s.counts.flaky,
    durationMs: s.durationMs,
  };
}

export async function reportCommand(paths: string[], opts: ReportCommandOptions, io: CliIO): Promise<number> {
  if (!opts.html && opts.markdown === undefined)
    throw new SeamsError('SEAMS_USAGE', 'nothing to write: give --html <file> and/or --markdown [file]', {
      hint: 'seams report --html report.html',
    });
  // a bad output path is refused before the scan, history and analysis
  if (opts.html) await checkOutputPath(io, opts.html);
  if (typeof opts.markdown === 'string') await checkOutputPath(io, opts.markdown);
  const historyRuns = Math.max(1, Math.min(200, Number(opts.runs) || 20));
  const now = new Date();
  const { repos } = await scanConfigured(
    paths.map((p) => path.resolve(io.cwd, p)),
    { configFile: opts.config },
  );
  const htmlRepos: ReportRepoInput[] = [];
  const completion: CompletionInput[] = [];
  const gates: GateReport[] = [];
  const notes: string[] = [];
  let gaps: ReportGapRow[] | null = null;
  let trace: ReportTraceRow[] | null = null;
  for (const { inventory, config } of repos) {
    const root = inventory.root;
    let history: Awaited<ReturnType<typeof loadHistory>>;
    try {
      history = await loadHistory(root, { db: opts.db, env: io.env, configured: config.user.history?.db, repoName: repoKey(inventory), runs: historyRuns, maxRuns: historyRuns, summaries: 200 });
    } catch (e) {
      // an unreachable database must not stop the report
      history = { runs: [], summaries: [], location: null, missing: `history unavailable: ${(e as Error).message}` };
    }
    const full = new Map(history.runs.map((r) => [r.id, r]));
    const trend = history.summaries
      .slice(0, 100)
      .reverse()
      .map((s) => (full.has(s.id) ? trendOf(full.get(s.id)!) : fromSummary(s)));
    const analysis = await analysisFor(inventory, config, now).catch((e: Error) => {
      notes.push(`${inventory.name}: gaps/traceability analysis failed: ${e.message}`);
      return undefined;
    });
    if (analysis?.gaps) (gaps ??= []).push(...analysis.gaps);
    if (analysis?.trace) (trace ??= []).push(...analysis.trace);
    const ctx: GateContext = {
      root,
      config: config.config,
      locate: config.file ? config.locate : undefined,
      inventory,
      runs: history.runs,
      historyMissing: history.missing,
      coverage: createCoverageLoader(root, config.config.coverage),
      external: analysis?.metrics,
      now,
    };
    let gate: GateReport | null = null;
    let gateErrors: string[] | undefined;
    try {
      gate = await evaluateGates(ctx, { repoName: inventory.name });
      if (gate.results.length) gates.push(gate);
    } catch (e) {
      if (!(e instanceof GateConfigErrors)) throw e;
      gateErrors = e.errors.map((x) => `${x.source ? `${x.source}: ` : ''}${x.message}`);
      notes.push(...gateErrors.map((m) => `${inventory.name}: gate not evaluated: ${m}`));
    }
    htmlRepos.push({ inventory, runs: history.runs, trend, historyMissing: history.missing, configMissing: !config.file });
    completion.push({ inventory, config: config.config, runs: history.runs, historyMissing: history.missing, gate, gateErrors, gaps: analysis?.gaps, ctx, now });
  }
  if (opts.html) {
    const html = renderHtmlReport({ title: opts.title, generatedAt: now, repos: htmlRepos, gaps, trace, gate: gates.length ? gates : null, notes });
    await writeOutput(io, opts.html, html, { detail: `${(html.length / 1024).toFixed(0)} KB` });
  }
  if (opts.markdown !== undefined) {
    const md = await renderCompletionMarkdown(completion);
    if (typeof opts.markdown === 'string') {
      await writeOutput(io, opts.markdown, md);
    } else io.stdout.write(md);
  }
  return 0;
}
