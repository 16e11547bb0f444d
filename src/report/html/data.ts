import { summarizeRepo } from '../../core/summary.js';
import { testKey } from '../../core/metrics/selectors.js';
import { compareTiers } from '../../core/tiers.js';
import { outcomeOf, type DiscoveredTest, type RepoInventory, type RunRecord, type TestResult } from '../../core/types.js';
import type { GateReport } from '../../core/metrics/types.js';
import { countsInMetrics, executed, inventoryIndex, isKnownResult } from '../../core/metrics/runs.js';
import { analyzeFlaky, FLAKY_WINDOW_RUNS, selectWindow, windowEntriesOf, type FlakyReport, type WindowEntry } from '../../core/flaky.js';
import { formatValue } from '../../core/metrics/vocabulary.js';
import type { ReachSummary, Saturation } from '../../core/gaps.js';
import { reachSummaryLine, saturationHint } from '../gaps.js';
import { ReportTestsBuilder, STATUSES, type ReportTests } from './model.js';

/**
 * The data an HTML report embeds (as JSON in a `<script type="application/json">`), built from
 * what is available: inventories, run history, gap and traceability analyses, gate results.
 * Every part is optional; what is missing is listed in `missing` and said in the page.
 * Tests are stored column-wise-compact (arrays, file paths interned) so 100,000 tests stay small.
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
  runs: RunRecord[];
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

/** Status codes in per-test history strings: one char per run, oldest first. */
export const STATUS_CODE: Record<TestResult['status'], string> = { passed: 'P', failed: 'F', error: 'E', skipped: 'S', 'not-run': 'N', xfailed: 'X', xpassed: 'U' };
/** In a history string: the run did not select the test (other tier or runner, before the test existed): not shown. */
export const NOT_SELECTED = '-';
/** In a history string: the run selected the test's tier and runner but has no result for it. */
export const ABSENT = '.';

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
    /** Results that match no inventory test (not in counts). */
    unmatched: number;
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

const HISTORY_RUNS = 200;

/**
 * A run's point of the trends. Only results of the repository's tests count (`isKnownResult`,
 * as the gates): results that match no inventory test never enter pass rates. `flaky` is filled
 * by buildReportData (null here).
 */
export function trendOf(run: RunRecord, index?: Map<string, DiscoveredTest>): TrendPoint {
  const tiers: Record<string, number> = {};
  let passed = 0;
  let failed = 0;
  let total = 0;
  for (const r of run.results) {
    if (index && !isKnownResult(r, index)) continue;
    total++;
    const t = r.tier ?? (run.tiers.length === 1 ? run.tiers[0]! : 'unknown');
    tiers[t] = (tiers[t] ?? 0) + 1;
    if (r.status === 'passed') passed++;
    else if (r.status === 'failed' || r.status === 'error' || r.status === 'not-run') failed++;
  }
  return {
    runId: run.id,
    startedAt: run.startedAt,
    commit: run.commit,
    repo: run.repo,
    tiers,
    total,
    passed,
    failed,
    flaky: null,
    durationMs: Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)) || 0,
  };
}

const key = (t: { runner: string; project: string | null; id: string }) => `${t.runner}\0${t.project ?? ''}\0${t.id}`;
const testKey3 = (t: { runner: string; project: string | null; id: string }) => testKey(t);

/**
 * `seams flaky`'s analysis (core/flaky.ts, same options and defaults) over `hist` (oldest first),
 * with one entry per result of each stored run as the store's `resultsWindow()` gives them; and,
 * per run, the count that analysis gives over the runs up to that one (the Flaky trend). Only tests
 * with a retry pass, or with both a pass and a failure in the window, can be flaky: the per-run
 * analyses look at those only.
 */
function flakyOf(hist: readonly RunRecord[], window: number): { report: FlakyReport; perRun: Map<string, number> } {
  // every logical run's entries (shards of one commit are one run), as the store's resultsWindow() builds them
  const newestFirst = [...hist].reverse();
  const entries: WindowEntry[] = selectWindow(newestFirst, Number.MAX_SAFE_INTEGER)
    .reverse()
    .flatMap((g) => windowEntriesOf(g, g.runs.flatMap((run) => run.results.map((r) => (r.tier || run.tiers.length !== 1 ? r : { ...r, tier: run.tiers[0] })))));
  // Only tests with a retry pass, or with both a pass and a failure, can be flaky; the first entry
  // of each run stays so the analysis sees every run (its count and infrastructure failures).
  const seenPass = new Set<string>();
  const seenFail = new Set<string>();
  const candidates = new Set<string>();
  for (const e of entries) {
    if (e.status !== 'passed' && e.status !== 'failed' && e.status !== 'error') continue;
    const k = key(e);
    if (e.status === 'passed') seenPass.add(k);
    else seenFail.add(k);
    if ((e.flaky && e.status === 'passed') || (seenPass.has(k) && seenFail.has(k))) candidates.add(k);
  }
  const firstOfRun = new Set<WindowEntry>();
  const seenRun = new Set<string>();
  for (const e of entries)
    if (!seenRun.has(e.runId)) {
      seenRun.add(e.runId);
      firstOfRun.add(e);
    }
  const few = entries.filter((e) => firstOfRun.has(e) || candidates.has(key(e)));
  // `seams flaky`'s window (selectWindow) over the runs up to run i: what it said just after that run
  const upTo = (i: number) => {
    const groups = new Set(selectWindow(newestFirst.slice(hist.length - 1 - i), window).map((g) => g.id));
    return few.filter((e) => groups.has(e.runId));
  };
  const report = analyzeFlaky(upTo(hist.length - 1));
  const perRun = new Map<string, number>();
  hist.forEach((run, i) => perRun.set(run.id, candidates.size ? analyzeFlaky(upTo(i)).flaky.length : 0));
  return { report, perRun };
}

export function buildReportData(input: ReportInput): ReportData {
  const missing: string[] = [...(input.notes ?? [])];
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const intern = (f: string) => {
    let i = fileIndex.get(f);
    if (i === undefined) {
      i = files.length;
      files.push(f);
      fileIndex.set(f, i);
    }
    return i;
  };
  const tests = new ReportTestsBuilder();
  const historyRuns: ReportData['historyRuns'] = [];
  const latestRun: ReportData['latestRun'] = [];
  const trends: TrendPoint[] = [];
  const repos: ReportData['repos'] = [];
  const flaky: ReportData['flaky'] = [];

  input.repos.forEach((repo, ri) => {
    const inv = repo.inventory;
    const s = summarizeRepo(inv);
    repos.push({
      name: inv.name,
      root: inv.root,
      tiers: s.tiers.map((t) => ({ tier: t.tier, tests: t.tests, files: t.files, skipped: t.skipped })),
      total: { tests: s.total.tests, files: s.total.files },
      runners: s.runners.map((r) => r.runner),
    });
    if (!inv.tests.length) missing.push(`${inv.name}: no tests found by scan`);
    if (repo.configMissing) missing.push(`${inv.name}: no seams.yaml — workflows, requirements, scenarios and gates are not configured`);
    const index = inventoryIndex(inv);
    // incomplete runs (the runner wrote no report) never count: not in results, trends or flaky
    const all = [...repo.runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id.localeCompare(a.id));
    const runs = all.filter(countsInMetrics);
    const incomplete = all.length - runs.length;
    if (incomplete) missing.push(`${inv.name}: ${incomplete} incomplete run${incomplete === 1 ? '' : 's'} (no report from the runner) left out of results, trends and flaky detection`);
    if (!runs.length) missing.push(`${inv.name}: ${repo.historyMissing ?? 'no runs recorded'} — run results, history and trends are empty`);
    const hist = runs.slice(0, HISTORY_RUNS).reverse(); // oldest first
    historyRuns.push(hist.map((r) => ({ id: r.id, startedAt: r.startedAt, finishedAt: r.finishedAt, commit: r.commit, tiers: r.tiers, shard: r.shard })));

    // ---- flaky: core/flaky.ts over the same window, as `seams flaky --runs <n>` reads it
    const { report: flakyReport, perRun: flakyPerRun } = flakyOf(hist, input.flakyRuns ?? FLAKY_WINDOW_RUNS);
    const flakyReasons = new Map(flakyReport.flaky.map((f) => [key(f), f.reasons.join(',')]));
    flaky.push({ repo: inv.name, count: flakyReport.flaky.length, runs: flakyReport.runs, infraFailureRuns: flakyReport.infraFailureRuns.length });

    // ---- per test: history only over runs that selected it (its tier and runner, from its first result on)
    const runTiers = hist.map((run) => {
      const t = new Set<string>(run.tiers);
      const rn = new Set<string>();
      for (const r of run.results) {
        t.add(r.tier ?? (run.tiers.length === 1 ? run.tiers[0]! : ''));
        rn.add(r.runner);
      }
      return { tiers: t, runners: rn };
    });
    const perTest = new Map<string, { res: (TestResult | undefined)[]; first: number; tier: string; runner: string }>();
    hist.forEach((run, i) => {
      for (const r of run.results) {
        const k = key(r);
        let e = perTest.get(k);
        if (!e) perTest.set(k, (e = { res: [], first: i, tier: r.tier ?? index.get(testKey3(r))?.tier ?? (run.tiers.length === 1 ? run.tiers[0]! : ''), runner: r.runner }));
        e.res[i] = r;
      }
    });
    const histOf = (k: string): { h: string; d: number[]; m: [number, string][] } => {
      const e = perTest.get(k);
      if (!e) return { h: '', d: [], m: [] };
      let h = '';
      const d: number[] = [];
      const m: [number, string][] = [];
      for (let i = 0; i < hist.length; i++) {
        const r = e.res[i];
        if (r) {
          h += STATUS_CODE[r.status] ?? '?';
          d.push(Math.round(r.durationMs));
          const text = r.message ?? r.reason;
          if (text && r.status !== 'passed') m.push([i, text.slice(0, 300)]);
        } else if (i > e.first && !hist[i]!.shard && runTiers[i]!.tiers.has(e.tier) && (runTiers[i]!.runners.has(e.runner) || !runTiers[i]!.runners.size)) h += ABSENT;
        else h += NOT_SELECTED;
      }
      return { h, d, m };
    };

    // The newest run of each tier set (unit, integration, …): teams run tiers separately, so
    // "the latest run" is the latest of each; a test's status is its newest result in the history.
    const latestPerTierSet = new Map<string, RunRecord>();
    for (const run of runs) {
      const k = [...run.tiers].sort().join('+');
      if (!latestPerTierSet.has(k)) latestPerTierSet.set(k, run);
    }
    const latestRunIds = new Set([...latestPerTierSet.values()].map((r) => r.id));
    for (const run of [...latestPerTierSet.values()].slice(0, 6)) {
      // counts of the repository's tests (as the gates count); results matching none apart
      const counts: Record<string, number> = {};
      let unmatched = 0;
      for (const r of run.results) {
        if (!isKnownResult(r, index)) {
          unmatched++;
          continue;
        }
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (outcomeOf(r) === 'flaky') counts.retried = (counts.retried ?? 0) + 1; // passed on a retry, among the passed
      }
      latestRun.push({
        id: run.id,
        repo: inv.name,
        startedAt: run.startedAt,
        commit: run.commit,
        branch: run.branch,
        tiers: run.tiers,
        durationMs: Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)) || 0,
        counts,
        unmatched,
      });
    }
    const latestByKey = new Map<string, TestResult>();
    const runOfLatest = new Map<string, RunRecord>();
    for (const run of runs.slice(0, HISTORY_RUNS))
      for (const r of run.results) {
        const k = key(r);
        if (!latestByKey.has(k)) {
          latestByKey.set(k, r);
          runOfLatest.set(k, run);
        }
      }
    const seen = new Set<string>();
    const row = (t: DiscoveredTest | null, r: TestResult | undefined, k: string) => {
      const id = t?.id ?? r!.id;
      const file = t?.file ?? r?.file ?? '';
      const h = histOf(k);
      tests.add(
        {
          repo: ri,
          id,
          file: intern(file),
          line: t?.line ?? 0,
          tier: t?.tier ?? r?.tier ?? '',
          runner: t?.runner ?? r?.runner ?? '',
          status: r?.status ?? '',
          duration: r ? r.durationMs : 0,
          message: r?.message ? r.message.slice(0, 2000) : r?.reason ? r.reason.slice(0, 500) : '',
          markers: t?.markers.join(' ') ?? '',
          history: h.h,
          flaky: flakyReasons.get(k) ?? '',
          stale: r && !latestRunIds.has(runOfLatest.get(k)!.id) ? runOfLatest.get(k)!.startedAt : '',
          known: !!t,
        },
        h.d,
        h.m,
      );
    };
    // the Tests list: the latest inventory joined with each test's latest result …
    for (const t of inv.tests) {
      const k = key(t);
      seen.add(k);
      row(t, latestByKey.get(k), k);
    }
    // … then results of tests the inventory does not know (renamed, dynamic, other runner), apart
    for (const [k, r] of latestByKey) if (!seen.has(k)) row(null, r, k);
    const loaded = new Map(hist.map((r) => [r.id, r]));
    const points = repo.trend ?? [...runs].slice(0, 100).reverse().map((r) => trendOf(r));
    for (const p of points) {
      const run = loaded.get(p.runId);
      if (run) trends.push({ ...trendOf(run, index), repo: inv.name, flaky: flakyPerRun.get(run.id) ?? 0 });
      else if (!all.some((r) => r.id === p.runId && !countsInMetrics(r))) trends.push({ ...p, repo: inv.name, flaky: null });
    }
  });
  const built = tests.finish();
  if (input.gaps === undefined || input.gaps === null) missing.push('gap analysis not available (no workflows configured or analysis not run)');
  if (input.trace === undefined || input.trace === null) missing.push('traceability not available (no requirements found or analysis not run)');
  trends.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return {
    version: 2,
    title: input.title ?? `seams report: ${repos.map((r) => r.name).join(', ')}`,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    missing,
    repos,
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
    latestRun,
    files,
    tests: built,
    historyRuns,
    trends,
    flaky,
    failureGroups: failureGroupsOf(built),
  };
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

function failureGroupsOf(tests: ReportTests): ReportData['failureGroups'] {
  const groups = new Map<string, { category: string; count: number; rows: number[] }>();
  const failed = STATUSES.indexOf('failed');
  const error = STATUSES.indexOf('error');
  // one category per distinct message: a million failures share a few thousand messages
  const categories = new Map<number, string>();
  for (let i = 0; i < tests.count; i++) {
    if (tests.known[i] !== 1 || tests.stale[i] !== 0 || (tests.status[i] !== failed && tests.status[i] !== error)) continue;
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
