import { FLAKY_WINDOW_RUNS } from '../core/flaky.js';
import type { RepoAnalysisCore } from '../analysis/index.js';
import { evaluateGates, GateConfigErrors, type GateReport } from '../core/gates.js';
import {
  compileSelectors,
  countsInMetrics,
  evaluateMetric,
  logicalRuns,
  runLabel,
  selectableTest,
  toBound,
  type MetricInputs,
  type MetricOptions,
  type MetricValue,
} from '../core/metrics/index.js';
import { summarizeRepo } from '../core/summary.js';
import type { RepoInventory, RunRecord } from '../core/types.js';
import {
  trendOf,
  type ReportGapRow,
  type ReportInput,
  type ReportReachInput,
  type ReportRepoInput,
  type ReportTraceRow,
  type TrendPoint,
} from '../report/html/data.js';
import type { CompletionCoverage, CompletionRepo, CompletionReport, CompletionScenario } from '../report/markdown-report.js';
import type { RunSummary } from '../store/types.js';
import { contextOf, type RepoContext, type RepoContextOptions } from './context.js';
import { loadRepos } from './repos.js';

/**
 * `seams report`: everything the HTML and Markdown reports show, measured here (history,
 * analysis, gates, scenario pass rates, coverage), so the renderers only format values.
 */

export interface ReportOptions extends Pick<RepoContextOptions, 'config' | 'cache' | 'db' | 'env' | 'reach'> {
  title?: string;
  /** Newest runs (with every result) read per tier set for per-test history and latest results (default 20, 1..200). */
  runs?: number;
  now?: Date;
}

export interface ReportResult {
  /** Input of the HTML report (report/html). */
  html: ReportInput;
  /** Input of the Markdown completion report (report/markdown-report). */
  completion: CompletionReport;
}

export async function report(paths: readonly string[], options: ReportOptions = {}): Promise<ReportResult> {
  // one window for the report's history and its flaky detection, as `seams flaky --runs <n>`
  const historyRuns = Math.max(1, Math.min(200, Number(options.runs) || FLAKY_WINDOW_RUNS));
  const now = options.now ?? new Date();
  const repos = await loadRepos(paths, options);
  const htmlRepos: ReportRepoInput[] = [];
  const completion: CompletionRepo[] = [];
  const gates: GateReport[] = [];
  const notes: string[] = [];
  let gaps: ReportGapRow[] | null = null;
  let trace: ReportTraceRow[] | null = null;
  const reach: ReportReachInput[] = [];
  for (const repo of repos) {
    const ctx = await contextOf(repo, {
      ...options,
      now,
      // `runs` per tier set (the flaky window), all sets together at most 200 full runs
      history: { runs: historyRuns, maxRuns: 200, summaries: 200 },
      historyErrors: 'note',
      coverage: 'all',
      analysis: true,
      analysisErrors: 'note',
    });
    notes.push(...ctx.notes);
    const rows = ctx.analysis ? analysisRows(repo.inventory, ctx) : {};
    if (rows.gaps) (gaps ??= []).push(...rows.gaps);
    if (rows.trace) (trace ??= []).push(...rows.trace);
    const reachOfRepo = ctx.analysis && Object.keys(repo.config.config.components).length ? { summary: ctx.analysis.workflows.reach, saturated: ctx.analysis.workflows.saturated } : undefined;
    if (reachOfRepo) reach.push({ repo: repo.inventory.name, ...reachOfRepo });
    let gate: GateReport | null = null;
    let gateErrors: string[] | undefined;
    try {
      gate = evaluateGates(ctx.inputs, { repoName: repo.inventory.name });
      if (gate.results.length) gates.push(gate);
    } catch (e) {
      if (!(e instanceof GateConfigErrors)) throw e;
      gateErrors = e.errors.map((x) => `${x.source ? `${x.source}: ` : ''}${x.message}`);
      notes.push(...gateErrors.map((m) => `${repo.inventory.name}: gate not evaluated: ${m}`));
    }
    htmlRepos.push({ inventory: repo.inventory, runs: ctx.history.runs, trend: trendPoints(ctx), historyMissing: ctx.history.missing, configMissing: !repo.config.file });
    completion.push({ ...completionOf(ctx, gate, gateErrors, rows.gaps), ...(reachOfRepo ? { reach: reachOfRepo } : {}) });
  }
  return {
    html: { title: options.title, generatedAt: now, repos: htmlRepos, gaps, trace, gate: gates.length ? gates : null, reach, notes, flakyRuns: historyRuns },
    completion: { generatedAt: now, repos: completion },
  };
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
    flaky: null, // outside the report's window: not analysed
    durationMs: s.durationMs,
  };
}

function trendPoints(ctx: RepoContext): TrendPoint[] {
  const full = new Map(ctx.history.runs.map((r) => [r.id, r]));
  return ctx.history.summaries
    .filter((s) => (s.status as string) !== 'incomplete') // incomplete runs never count in trends
    .slice(0, 100)
    .reverse()
    .map((s) => (full.has(s.id) ? trendOf(full.get(s.id)!) : fromSummary(s)));
}

/** Gap rows (when workflows are declared) and the traceability matrix (when there are requirements). */
function analysisRows(inventory: RepoInventory, ctx: RepoContext): { gaps?: ReportGapRow[]; trace?: ReportTraceRow[] } {
  const a: RepoAnalysisCore = ctx.analysis!;
  const gaps: ReportGapRow[] = a.workflows.workflows.map((w) => ({
    repo: inventory.name,
    id: w.id,
    title: w.title,
    priority: w.priority,
    severity: w.severity ? w.severity.toUpperCase() : 'covered',
    chain: w.chain,
    tiers: Object.fromEntries(w.tiers.map((t) => [t.tier, t.tests])),
    missing: w.missing,
  }));
  const trace: ReportTraceRow[] = a.trace.rows.map((r) => ({
    repo: inventory.name,
    id: r.id,
    title: r.title,
    source: `${r.file}:${r.line}`,
    status: r.status,
    tiers: Object.fromEntries(r.tiers.map((t) => [t.tier, t.tests.length])),
    tests: r.tiers.flatMap((t) => t.tests.map((x) => x.id)).slice(0, 50),
  }));
  return {
    gaps: Object.keys(ctx.config.config.workflows).length ? gaps : undefined,
    trace: a.trace.rows.length || a.trace.orphans.length ? trace : undefined,
  };
}

/** A metric for a report section: a configuration problem is shown as missing data, not thrown. */
function safeMetric(metric: string, opts: MetricOptions, inputs: MetricInputs): MetricValue {
  try {
    return evaluateMetric(metric, opts, inputs);
  } catch (e) {
    return { value: null, unit: 'count', missing: (e as Error).message };
  }
}

/** A share as written in seams.yaml (0..1, a number over 1 as percent, or `95%`) → 0..1. */
function share(raw: number | string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  try {
    return toBound(raw, 'passrate');
  } catch {
    return undefined;
  }
}

function completionOf(ctx: RepoContext, gate: GateReport | null, gateErrors: string[] | undefined, gaps: ReportGapRow[] | undefined): CompletionRepo {
  const { inputs, inventory } = ctx;
  const config = ctx.config.config;
  // incomplete runs (no report from the runner) never count: not the "latest run" of their tiers
  const runs = logicalRuns(ctx.history.runs.filter(countsInMetrics));
  const perTiers = new Map<string, (typeof runs)[number]>();
  for (const r of runs) {
    const k = [...r.tiers].sort().join(' + ') || '(no tier)';
    if (!perTiers.has(k)) perTiers.set(k, r);
  }
  const scenarios: CompletionScenario[] = Object.entries(config.scenarios).map(([name, sc]) => {
    const sel = compileSelectors(sc.select);
    const scenarioGate = Object.values(config.gates).find((g) => g.metric === 'passrate' && g.scenario === name && g.min !== undefined);
    return {
      name,
      ...(sc.title ? { title: sc.title } : {}),
      tests: inventory.tests.filter((t) => sel(selectableTest(t))).length,
      passrate: safeMetric('passrate', { scenario: name }, inputs),
      expected: share(scenarioGate?.min ?? sc.expect),
    };
  });
  const coverage: CompletionCoverage[] = Object.keys(config.coverage).map((name) => {
    const g = Object.values(config.gates).find((x) => x.metric === `coverage.${name}` || (x.metric === 'coverage' && x.tier === name));
    return {
      name,
      file: config.coverage[name]!.file,
      lines: safeMetric(`coverage.${name}`, {}, inputs),
      branches: safeMetric(`coverage.${name}.branches`, {}, inputs),
      min: share(g?.min),
    };
  });
  return {
    name: inventory.name,
    summary: summarizeRepo(inventory),
    latestRuns: [...perTiers].map(([tiers, r]) => ({ tiers, label: runLabel(r), branch: r.branch })),
    historyMissing: ctx.history.missing,
    scenarios,
    nondeterministic: safeMetric('nondeterministic', {}, inputs),
    flaky: safeMetric('flaky', {}, inputs),
    coverage,
    gaps,
    gate,
    gateErrors,
    latest: runs.length ? latestResults(runs) : null,
  };
}

/** The newest result of each test over the newest run of each tier set. */
function latestResults(runs: ReturnType<typeof logicalRuns>): NonNullable<CompletionRepo['latest']> {
  const newest = new Map<string, RunRecord['results'][number]>();
  const seenTiers = new Set<string>();
  for (const run of runs) {
    const k = [...run.tiers].sort().join('+');
    if (seenTiers.has(k)) continue;
    seenTiers.add(k);
    for (const r of run.results) {
      const key = `${r.runner}\0${r.project ?? ''}\0${r.id}`;
      if (!newest.has(key)) newest.set(key, r);
    }
  }
  const failing = [...newest.values()].filter((r) => r.status === 'failed' || r.status === 'error').map((r) => r.id);
  const notRun = [...newest.values()].filter((r) => r.status === 'not-run');
  return { failing, notRun: notRun.length, notRunReasons: [...new Set(notRun.map((r) => r.reason ?? '?'))].slice(0, 3) };
}
