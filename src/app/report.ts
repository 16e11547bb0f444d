import { FLAKY_WINDOW_RUNS, logicalGroups, selectWindow } from '../core/flaky.js';
import type { RepoAnalysisCore } from '../analysis/index.js';
import { evaluateGates, GateConfigErrors, type GateReport } from '../core/gates.js';
import { compileSelectors, evaluateMetric, selectableTest, toBound, type MetricInputs, type MetricOptions, type MetricValue } from '../core/metrics/index.js';
import { summarizeRepo } from '../core/summary.js';
import type { RepoInventory } from '../core/types.js';
import {
  buildReportDataFrom,
  type ReportData,
  type ReportGapRow,
  type ReportHistory,
  type ReportReachInput,
  type ReportRepoInput,
  type ReportTraceRow,
  type TrendPoint,
} from '../report/html/data.js';
import { STATUSES, inventoryTiersOf } from '../report/html/model.js';
import { REPORT_COLUMNS } from '../report/html/build.js';
import type { CompletionCoverage, CompletionRepo, CompletionReport, CompletionScenario } from '../report/markdown-report.js';
import type { ResultStore, RunSummary } from '../store/types.js';
import { openHistory } from './history.js';
import { repoKey } from '../scan/configured.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveStoreSpec } from '../store/index.js';
import { contextOf, type RepoContext, type RepoContextOptions } from './context.js';
import { loadRepos } from './repos.js';
import { collectGarbage } from '../util/memory.js';

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
  /** The HTML report's data (report/html), built from the history one run at a time. */
  html: ReportData;
  /** Input of the Markdown completion report (report/markdown-report). */
  completion: CompletionReport;
}

export async function report(paths: readonly string[], options: ReportOptions = {}): Promise<ReportResult> {
  // one window for the report's history and its flaky detection, as `seams flaky --runs <n>`
  const historyRuns = Math.max(1, Math.min(200, Number(options.runs) || FLAKY_WINDOW_RUNS));
  const now = options.now ?? new Date();
  const repos = await loadRepos(paths, options);
  const stored: StoredHistory[] = [];
  try {
    // the runs of each repository's window (summaries only, from its store)
    for (const repo of repos) stored.push(await storedHistory(repo, options, historyRuns));
    // 1. The gates, analyses and the completion report's metrics, per repository (a function of its
    //    own: nothing it loaded is reachable once it returns).
    const { completion, gates, notes, gaps, trace, reach } = await metricsPart(repos, stored, options, now, historyRuns);
    // the runs the metrics loaded whole are garbage now: collected before every result is read
    collectGarbage();
    // 2. The tests, strips and trends, read from each store run by run (never every result at once).
    const html = await buildReportDataFrom({
      title: options.title,
      generatedAt: now,
      repos: repos.map((repo, i) => ({ inventory: repo.inventory, history: stored[i]!.history, trend: stored[i]!.trend, historyMissing: stored[i]!.missing, configMissing: !repo.config.file })),
      gaps,
      trace,
      gate: gates.length ? gates : null,
      reach,
      notes,
      flakyRuns: historyRuns,
    });
    completion.forEach((c, ri) => {
      c.latest = stored[ri]!.latestRuns.length ? latestResults(html, ri) : null;
      c.resultsOnly = resultsOnly(html, ri);
    });
    // and the batches read: the page is encoded next
    collectGarbage();
    return { html, completion: { generatedAt: now, repos: completion } };
  } finally {
    for (const s of stored) await s.store?.close();
  }
}

/** The gates, analyses and the completion report's metrics of each repository. */
async function metricsPart(repos: Awaited<ReturnType<typeof loadRepos>>, stored: readonly StoredHistory[], options: ReportOptions, now: Date, historyRuns: number) {
  const completion: CompletionRepo[] = [];
  const gates: GateReport[] = [];
  const notes: string[] = [];
  let gaps: ReportGapRow[] | null = null;
  let trace: ReportTraceRow[] | null = null;
  const reach: ReportReachInput[] = [];
  for (const [ri, repo] of repos.entries()) {
    const ctx = await contextOf(repo, {
      ...options,
      now,
      // what the gates read, and the completion report's metrics: the newest runs of each tier set
      // whole (pass rates; all runs of the newest commit for determinism) and a reduced flaky
      // window as wide as the report's; never the whole window of every result
      history: 'rules',
      historyMinRuns: stored[ri]!.determinismRuns,
      flakyWindows: [{ runs: historyRuns }],
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
    completion.push({ ...completionOf(ctx, gate, gateErrors, rows.gaps, stored[ri]!.latestRuns, historyRuns), ...(reachOfRepo ? { reach: reachOfRepo } : {}) });
  }
  return { completion, gates, notes, gaps, trace, reach };
}

interface StoredHistory {
  history: ReportHistory;
  trend: TrendPoint[];
  missing?: string;
  store?: ResultStore;
  /** The newest logical run of each tier set, as the completion report names them. */
  latestRuns: CompletionRepo['latestRuns'];
  /** Runs of each tier set determinism compares (those of its newest commit or repetition, at most 20; 1 without runs). */
  determinismRuns: number;
}

/**
 * A repository's runs for the report: the newest `window` logical runs of each tier set (at most
 * 200 stored runs), read from the store one batch at a time while the report is built, and up to
 * 100 run summaries for the trends. A SQLite history that does not exist is missing, not created.
 */
async function storedHistory(repo: Awaited<ReturnType<typeof loadRepos>>[number], options: ReportOptions, window: number): Promise<StoredHistory> {
  const empty = (missing: string): StoredHistory => ({ history: { runs: [], read: () => [] }, trend: [], missing, latestRuns: [], determinismRuns: 1 });
  const root = repo.inventory.root;
  const configured = repo.config.user.history?.db;
  let store: ResultStore;
  try {
    const spec = resolveStoreSpec({ db: options.db, env: options.env ?? process.env, configured });
    if (!/^postgres(ql)?:\/\//i.test(spec)) {
      const file = spec.replace(/^sqlite:(\/\/)?/i, '');
      if (file !== ':memory:' && !existsSync(path.resolve(root, file))) return empty(`no history yet (${file} does not exist; run \`seams run\` or \`seams ingest\`)`);
    }
    store = await openHistory(root, { db: options.db, env: options.env ?? process.env, configured, readOnly: true });
  } catch (e) {
    return empty(`history unavailable: ${(e as Error).message}`);
  }
  try {
    const all = Number.MAX_SAFE_INTEGER;
    let summaries = await store.listRuns({ repo: repoKey(repo.inventory), limit: all, includeIncomplete: true });
    // a per-repo SQLite file whose runs carry another name (or none): all its runs are the repo's
    if (!summaries.length && store.kind === 'sqlite') summaries = await store.listRuns({ limit: all, includeIncomplete: true });
    const counted = summaries.filter((s) => (s.status as string) !== 'incomplete');
    const chosen = selectWindow(counted, window)
      .flatMap((g) => g.runs)
      .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id.localeCompare(a.id))
      .slice(0, 200);
    const oldest = chosen.length ? Date.parse(chosen[chosen.length - 1]!.startedAt) : Infinity;
    const incomplete = summaries.filter((s) => (s.status as string) === 'incomplete' && Date.parse(s.startedAt) >= oldest);
    const perSet = new Map<string, CompletionRepo['latestRuns'][number]>();
    const groupsPerSet = new Map<string, ReturnType<typeof logicalGroups<RunSummary>>>();
    for (const g of logicalGroups(counted)) {
      const k = [...g.tiers].sort().join(' + ') || '(no tier)';
      if (!perSet.has(k)) perSet.set(k, { tiers: k, label: `${g.startedAt.slice(0, 16).replace('T', ' ')}${g.commit ? ` ${g.commit.slice(0, 7)}` : ''}${g.runs.length > 1 ? ` (${g.runs.length} shards)` : ''}`, branch: g.branch });
      let list = groupsPerSet.get(k);
      if (!list) groupsPerSet.set(k, (list = []));
      list.push(g);
    }
    // determinism (core/metrics) compares the runs of the newest commit, or of the newest `seams run --repeat`
    const base = (id: string) => id.replace(/\.\d+$/, '');
    let determinismRuns = 1;
    for (const groups of groupsPerSet.values()) {
      const first = groups[0]!;
      const repeated = first.runs[0]!.environment?.repetition !== undefined;
      const same = groups.filter((g) => (repeated ? base(g.id) === base(first.id) : first.commit ? g.commit === first.commit : g === first));
      determinismRuns = Math.max(determinismRuns, Math.min(20, same.length));
    }
    return {
      store,
      history: { runs: [...chosen, ...incomplete], read: (id) => store.readResultColumns(id, REPORT_COLUMNS, 5000) },
      trend: counted.slice(0, 100).reverse().map(fromSummary),
      missing: counted.length ? undefined : `no runs recorded in ${store.location}`,
      latestRuns: [...perSet.values()],
      determinismRuns,
    };
  } catch (e) {
    await store.close();
    return empty(`history unavailable: ${(e as Error).message}`);
  }
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

function completionOf(ctx: RepoContext, gate: GateReport | null, gateErrors: string[] | undefined, gaps: ReportGapRow[] | undefined, latestRuns: CompletionRepo['latestRuns'], flakyRuns: number): CompletionRepo {
  const { inputs, inventory } = ctx;
  const config = ctx.config.config;
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
    latestRuns,
    historyMissing: ctx.history.missing,
    scenarios,
    nondeterministic: safeMetric('nondeterministic', {}, inputs),
    flaky: safeMetric('flaky', { runs: flakyRuns }, inputs),
    coverage,
    gaps,
    gate,
    gateErrors,
    latest: null, // from the built report data (latestResults)
  };
}

/** The newest result of each test from the latest run of its tier set (rows that are not stale): failing ids and what did not run. */
function latestResults(data: ReportData, repo: number): NonNullable<CompletionRepo['latest']> {
  const t = data.tests;
  const failed = STATUSES.indexOf('failed');
  const error = STATUSES.indexOf('error');
  const notRun = STATUSES.indexOf('not-run');
  const failing: string[] = [];
  const reasons = new Set<string>();
  let notRunCount = 0;
  for (let i = 0; i < t.count; i++) {
    if (t.repo[i] !== repo || t.stale[i] !== 0) continue;
    const s = t.status[i];
    if (s === failed || s === error) failing.push(t.id[i]!);
    else if (s === notRun) {
      notRunCount++;
      if (reasons.size < 3) reasons.add(t.messages[t.message[i]!] || '?');
    }
  }
  return { failing, notRun: notRunCount, notRunReasons: [...reasons] };
}

/** Per tier: rows of the latest runs that match no inventory test where the inventory has no test of their tier (they count like the rest). */
function resultsOnly(data: ReportData, repo: number): NonNullable<CompletionRepo['resultsOnly']> {
  const t = data.tests;
  const tiers = inventoryTiersOf(data.repos)[repo]!;
  const per = new Map<string, number>();
  for (let i = 0; i < t.count; i++) {
    if (t.repo[i] !== repo || t.known[i] === 1 || t.status[i] === 0 || t.stale[i] !== 0) continue;
    const tier = t.strings[t.tier[i]!]!;
    if (tiers.has(tier)) continue;
    per.set(tier || '(no tier)', (per.get(tier || '(no tier)') ?? 0) + 1);
  }
  return [...per].map(([tier, results]) => ({ tier, results }));
}
