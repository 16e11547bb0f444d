import { summarizeRepo } from '../../core/summary.js';
import { compareTiers } from '../../core/tiers.js';
import type { RepoInventory, RunRecord } from '../../core/types.js';
import type { GateReport } from '../../core/metrics/types.js';
import { FLAKY_WINDOW_RUNS } from '../../core/flaky.js';
import { formatValue } from '../../core/metrics/vocabulary.js';
import type { ReachSummary, Saturation } from '../../core/gaps.js';
import { reachSummaryLine, saturationHint } from '../gaps.js';
import { RepoReportBuilder, reportRowOf, type ReportHistory, type ReportRunInfo, type RunTally } from './build.js';
import { ReportTestsBuilder, STATUSES, countedRow, inventoryTiersOf, type ReportTests } from './model.js';

export type { ReportHistory, ReportRunInfo } from './build.js';
import { HeapBudget } from '../../util/memory.js';

/**
 * The data an HTML report embeds (as JSON in a `<script type="application/json">`), built from
 * what is available: inventories, run history, gap and traceability analyses, gate results.
 * Every part is optional; what is missing is listed in `missing` and said in the page.
 * Tests are held column by column (model.ts) so a million tests stay small; runs are read one
 * batch at a time (build.ts), so the builder never holds every result.
 */

export interface ReportGapRow {
  repo: string;
  id: string;
  title: string;
  priority: string;
  severity: string;
  chain: string[];
  /** Tests reaching the workflow per tier. */
  tiers: Record<string, number>;
  /** Components of the chain no covering test reaches. */
  missing: string[];
}

export interface ReportTraceRow {
  repo: string;
  id: string;
  title: string;
  source: string;
  status: string;
  tiers: Record<string, number>;
  tests: string[];
}

export interface ReportRepoInput {
  inventory: RepoInventory;
  /** Runs held in memory (tests, small reports). */
  runs?: RunRecord[];
  /** Runs read from the history store one batch at a time (`buildReportDataFrom`). */
  history?: ReportHistory;
  /** Summaries of more runs than `runs` (newest first), for trends; optional. */
  trend?: TrendPoint[];
  historyMissing?: string;
  configMissing?: boolean;
}

export interface ReportInput {
  title?: string;
  generatedAt?: Date;
  repos: ReportRepoInput[];
  gaps?: ReportGapRow[] | null;
  trace?: ReportTraceRow[] | null;
  gate?: GateReport[] | null;
  /** Per repository: the reach in force and the saturated components (shown with the gaps). */
  reach?: ReportReachInput[];
  /** Notes on parts that could not be produced (e.g. "gaps analysis unavailable: …"). */
  notes?: string[];
  /** Flaky detection's window in newest runs, as `seams flaky --runs <n>` (default FLAKY_WINDOW_RUNS). */
  flakyRuns?: number;
}

export interface ReportReachInput {
  repo: string;
  summary: ReachSummary;
  saturated: Saturation[];
}

export interface TrendPoint {
  runId: string;
  startedAt: string;
  commit: string | null;
  repo: string;
  /** Results per tier in the run. */
  tiers: Record<string, number>;
  total: number;
  passed: number;
  failed: number;
  /**
   * Flaky tests by `seams flaky`'s analysis (core/flaky.ts) over the report's runs up to and
   * including this one; null for runs older than the report's window (only summaries loaded).
   */
  flaky: number | null;
  durationMs: number;
}

export { STATUS_CODE, NOT_SELECTED, ABSENT } from './build.js';

export interface ReportData {
  version: 2;
  title: string;
  generatedAt: string;
  missing: string[];
  repos: {
    name: string;
    root: string;
    tiers: { tier: string; tests: number; files: number; skipped: number }[];
    total: { tests: number; files: number };
    runners: string[];
  }[];
  gaps: ReportGapRow[] | null;
  /** Lines about reach per repository: measured reach in force, saturated components (the hint text). */
  reach: { repo: string; line: string; saturated: boolean }[];
  trace: ReportTraceRow[] | null;
  gate: { repo: string; passed: boolean; rules: { name: string; status: string; metric: string; value: string; threshold: string; message: string }[] }[] | null;
  latestRun: {
    id: string;
    repo: string;
    startedAt: string;
    commit: string | null;
    branch: string | null;
    tiers: string[];
    durationMs: number;
    /** Results of the repository's tests per status (`retried`: passed on a retry). */
    counts: Record<string, number>;
    /** Results that match no inventory test. */
    unmatched: number;
    /**
     * Those of `unmatched` that are in `counts`: results of tiers the inventory has no test of (a
     * history ingested without the repository counts whole); the rest are listed apart.
     */
    unmatchedCounted: number;
  }[];
  /** Interned file paths. */
  files: string[];
  /** One row per test, column by column (model.ts): the inventory's tests, then results that match none. */
  tests: ReportTests;
  /**
   * Current failures (failed/error results of the inventory's tests in the latest run of their
   * tier set) grouped by normalized message, largest first; `rows` index `tests` (at most 500).
   */
  failureGroups: { category: string; count: number; rows: number[] }[];
  /** Per repository: `seams flaky`'s analysis over the runs of the report (count and window). */
  flaky: { repo: string; count: number; runs: number; infraFailureRuns: number }[];
  /** Runs the history strings refer to, per repo (oldest first). */
  historyRuns: { id: string; startedAt: string; finishedAt: string; commit: string | null; tiers: string[]; shard: string | null }[][];
  trends: TrendPoint[];
}

/** Runs the history strips cover at most (newest first), whatever the window asked for. */
const HISTORY_RUNS = 200;

/** A run's point of the trends, from the run's tally (RepoReportBuilder) and the flaky count up to it. */
function trendPoint(run: ReportRunInfo, tally: RunTally, flaky: number | null): TrendPoint {
  return {
    runId: run.id,
    startedAt: run.startedAt,
    commit: run.commit,
    repo: run.repo,
    tiers: tally.tiers,
    total: tally.total,
    passed: tally.passed,
    failed: tally.failed,
    flaky,
    durationMs: Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)) || 0,
  };
}

/** The report's state while its repositories are added one by one. */
class ReportAssembly {
  readonly missing: string[];
  readonly files: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  readonly tests = new ReportTestsBuilder();
  readonly historyRuns: ReportData['historyRuns'] = [];
  readonly latestRun: ReportData['latestRun'] = [];
  readonly trends: TrendPoint[] = [];
  readonly repos: ReportData['repos'] = [];
  readonly flaky: ReportData['flaky'] = [];

  constructor(private readonly input: ReportInput) {
    this.missing = [...(input.notes ?? [])];
  }

  readonly intern = (f: string): number => {
    let i = this.fileIndex.get(f);
    if (i === undefined) {
      i = this.files.length;
      this.files.push(f);
      this.fileIndex.set(f, i);
    }
    return i;
  };

  /** Starts a repository: its summary, and the builder its runs are fed to (oldest first). */
  begin(repo: ReportRepoInput, runs: readonly ReportRunInfo[]): RepoReportBuilder {
    const inv = repo.inventory;
    const s = summarizeRepo(inv);
    this.repos.push({
      name: inv.name,
      root: inv.root,
      tiers: s.tiers.map((t) => ({ tier: t.tier, tests: t.tests, files: t.files, skipped: t.skipped })),
      total: { tests: s.total.tests, files: s.total.files },
      runners: s.runners.map((r) => r.runner),
    });
    if (!inv.tests.length) this.missing.push(`${inv.name}: no tests found by scan`);
    if (repo.configMissing) this.missing.push(`${inv.name}: no seams.yaml — workflows, requirements, scenarios and gates are not configured`);
    const incomplete = runs.filter((r) => (r.status as string) === 'incomplete').length;
    if (incomplete) this.missing.push(`${inv.name}: ${incomplete} incomplete run${incomplete === 1 ? '' : 's'} (no report from the runner) left out of results, trends and flaky detection`);
    if (runs.length === incomplete) this.missing.push(`${inv.name}: ${repo.historyMissing ?? 'no runs recorded'} — run results, history and trends are empty`);
    return new RepoReportBuilder(inv, runs, this.tests, HISTORY_RUNS);
  }

  /** Ends a repository once every run was fed: flaky detection, the rows, the latest runs and the trends. */
  end(repo: ReportRepoInput, runs: readonly ReportRunInfo[], b: RepoReportBuilder): void {
    const ri = this.repos.length - 1;
    const name = repo.inventory.name;
    this.historyRuns.push(b.hist.map((r) => ({ id: r.id, startedAt: r.startedAt, finishedAt: r.finishedAt, commit: r.commit, tiers: r.tiers, shard: r.shard })));
    const flaky = b.flaky(this.input.flakyRuns ?? FLAKY_WINDOW_RUNS);
    this.flaky.push({ repo: name, count: flaky.report.flaky.length, runs: flaky.report.runs, infraFailureRuns: flaky.report.infraFailureRuns.length });
    b.rows(ri, this.intern, flaky.reasons);
    const hist = new Map(b.hist.map((r, i) => [r.id, i]));
    for (const run of b.latestPerTierSet().slice(0, 6)) {
      const tally = b.tally(hist.get(run.id)!);
      this.latestRun.push({
        id: run.id,
        repo: name,
        startedAt: run.startedAt,
        commit: run.commit,
        branch: run.branch,
        tiers: run.tiers,
        durationMs: Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)) || 0,
        counts: tally.byStatus,
        unmatched: tally.unmatched,
        unmatchedCounted: tally.unmatchedCounted,
      });
    }
    const incomplete = new Set(runs.filter((r) => (r.status as string) === 'incomplete').map((r) => r.id));
    const points = repo.trend ?? b.hist.slice(-100).map((r) => ({ runId: r.id }) as TrendPoint);
    for (const p of points) {
      const i = hist.get(p.runId);
      if (i !== undefined) this.trends.push({ ...trendPoint(b.hist[i]!, b.tally(i), flaky.perRun.get(p.runId) ?? 0), repo: name });
      else if (!incomplete.has(p.runId)) this.trends.push({ ...p, repo: name, flaky: null });
    }
  }

  finish(): ReportData {
    const input = this.input;
    const tests = this.tests.finish();
    this.trends.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const analyses = analysesPart(input);
    return {
      version: 2,
      title: input.title ?? `seams report: ${this.repos.map((r) => r.name).join(', ')}`,
      generatedAt: (input.generatedAt ?? new Date()).toISOString(),
      missing: [...this.missing, ...analyses.missing],
      repos: this.repos,
      gaps: analyses.gaps,
      reach: analyses.reach,
      trace: analyses.trace,
      gate: analyses.gate,
      latestRun: this.latestRun,
      files: this.files,
      tests,
      historyRuns: this.historyRuns,
      trends: this.trends,
      flaky: this.flaky,
      failureGroups: failureGroupsOf(tests, inventoryTiersOf(this.repos)),
    };
  }
}

/**
 * The parts of the report the analyses and gates give (gap rows, traceability, reach lines, gate
 * results) and what is missing of them. `seams report` adds them after the tests are built
 * (`withAnalyses`), so the history read for the gates is not held while the report reads every run.
 */
export function analysesPart(input: Pick<ReportInput, 'gaps' | 'trace' | 'gate' | 'reach'>): Pick<ReportData, 'gaps' | 'trace' | 'gate' | 'reach' | 'missing'> {
  const missing: string[] = [];
  if (input.gaps === undefined || input.gaps === null) missing.push('gap analysis not available (no workflows configured or analysis not run)');
  if (input.trace === undefined || input.trace === null) missing.push('traceability not available (no requirements found or analysis not run)');
  return {
    missing,
    gaps: input.gaps ?? null,
    reach: (input.reach ?? []).flatMap((r) => {
      const summary = reachSummaryLine(r.summary);
      return [
        ...(summary ? [{ repo: r.repo, line: summary, saturated: false }] : []),
        ...r.saturated.map((s) => ({ repo: r.repo, line: saturationHint(s, r.summary), saturated: true })),
      ];
    }),
    trace: input.trace ?? null,
    gate: input.gate
      ? input.gate.map((g) => ({
          repo: g.repo,
          passed: g.passed,
          rules: g.results.map((r) => ({
            name: r.name,
            status: r.status,
            metric: r.metric + (r.scenario ? ` (${r.scenario})` : ''),
            value: formatValue(r.value, r.unit),
            threshold: r.threshold,
            message: r.message,
          })),
        }))
      : null,
  };
}

/**
 * A report built without analyses (`buildReportDataFrom` with no gaps, trace, gate or notes), with
 * them added: the same data as building with them.
 */
export function withAnalyses(data: ReportData, input: Pick<ReportInput, 'gaps' | 'trace' | 'gate' | 'reach' | 'notes'>): ReportData {
  const none = analysesPart({});
  const analyses = analysesPart(input);
  const own = data.missing.filter((m) => !none.missing.includes(m));
  return { ...data, ...analyses, missing: [...(input.notes ?? []), ...own, ...analyses.missing] };
}

const infoOf = (r: RunRecord): ReportRunInfo => ({ id: r.id, repo: r.repo, startedAt: r.startedAt, finishedAt: r.finishedAt, commit: r.commit, branch: r.branch, tiers: r.tiers, shard: r.shard, status: r.status });

/**
 * The report's data from runs held in memory (`repos[].runs`). Reports over a stored history
 * use `buildReportDataFrom`, which reads each run in batches; both feed the same builder.
 */
export function buildReportData(input: ReportInput): ReportData {
  const report = new ReportAssembly(input);
  for (const repo of input.repos) {
    if (repo.history) throw new Error('buildReportData: a repository with a stored history is built with buildReportDataFrom');
    const runs = repo.runs ?? [];
    const infos = runs.map(infoOf);
    const b = report.begin(repo, infos);
    const byId = new Map(runs.map((r) => [r.id, r]));
    for (const run of b.hist) if (b.beginRun(run.id)) b.add(byId.get(run.id)!.results.map(reportRowOf));
    report.end(repo, infos, b);
  }
  return report.finish();
}

/** The report's data, reading each repository's runs from its `history` (or `runs`) one batch at a time. */
export async function buildReportDataFrom(input: ReportInput): Promise<ReportData> {
  const report = new ReportAssembly(input);
  // the batches read are garbage at once: bounded, so a million results stay under the memory budget
  const budget = new HeapBudget();
  for (const repo of input.repos) {
    const history: ReportHistory = repo.history ?? memoryHistory(repo.runs ?? []);
    const b = report.begin(repo, history.runs);
    for (const run of b.hist) {
      if (!b.beginRun(run.id)) continue;
      for await (const batch of history.read(run.id)) {
        b.add(batch);
        budget.check();
      }
    }
    report.end(repo, history.runs, b);
  }
  return report.finish();
}

/** Runs held in memory as a ReportHistory. */
export function memoryHistory(runs: readonly RunRecord[]): ReportHistory {
  const byId = new Map(runs.map((r) => [r.id, r]));
  return { runs: runs.map(infoOf), read: (id) => [(byId.get(id)?.results ?? []).map(reportRowOf)] };
}

/**
 * A failure message's category, as Allure groups them: the first non-empty line with quoted
 * strings, paths, hex and numbers replaced, so `expected 3 got 4` and `expected 5 got 9` are one.
 */
export function failureCategory(message: string): string {
  const line = message.split('\n').map((l) => l.trim()).find((l) => l) ?? '';
  if (!line) return '(no message)';
  return line
    .replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '<str>')
    .replace(/(?:[A-Za-z]:)?(?:[\w.-]*[\\/])+[\w.-]+/g, '<path>')
    .replace(/\b0x[0-9a-fA-F]+\b|\b[0-9a-fA-F]{8,}\b/g, '<hex>')
    .replace(/[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, '<n>')
    .replace(/\s+/g, ' ')
    .slice(0, 200);
}

function failureGroupsOf(tests: ReportTests, inventoryTiers: Set<string>[]): ReportData['failureGroups'] {
  const groups = new Map<string, { category: string; count: number; rows: number[] }>();
  const failed = STATUSES.indexOf('failed');
  const error = STATUSES.indexOf('error');
  // one category per distinct message: a million failures share a few thousand messages
  const categories = new Map<number, string>();
  for (let i = 0; i < tests.count; i++) {
    if (tests.stale[i] !== 0 || (tests.status[i] !== failed && tests.status[i] !== error) || !countedRow(tests, i, inventoryTiers)) continue;
    const m = tests.message[i]!;
    let category = categories.get(m);
    if (category === undefined) categories.set(m, (category = failureCategory(tests.messages[m]!)));
    let g = groups.get(category);
    if (!g) groups.set(category, (g = { category, count: 0, rows: [] }));
    g.count++;
    if (g.rows.length < 500) g.rows.push(i);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
}

/** Tier order used by the pyramid (bottom = unit). */
export const sortTiers = (tiers: string[]) => [...tiers].sort(compareTiers);
