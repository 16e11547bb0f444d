import { summarizeRepo } from '../../core/summary.js';
import { compareTiers } from '../../core/tiers.js';
import { outcomeOf, type DiscoveredTest, type RepoInventory, type RunRecord, type TestResult } from '../../core/types.js';
import type { GateReport } from '../../core/metrics/types.js';
import { formatValue } from '../../core/metrics/vocabulary.js';
import type { ReachSummary, Saturation } from '../../core/gaps.js';
import { reachSummaryLine, saturationHint } from '../gaps.js';

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
  flaky: number;
  durationMs: number;
}

/** Status codes in per-test history strings: one char per run, oldest first. */
export const STATUS_CODE: Record<TestResult['status'], string> = { passed: 'P', failed: 'F', error: 'E', skipped: 'S', 'not-run': 'N', xfailed: 'X', xpassed: 'U' };

export interface ReportData {
  version: 1;
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
    counts: Record<string, number>;
  }[];
  /** Interned file paths. */
  files: string[];
  /**
   * One row per test: [repo index, id, file index, line, tier, runner, newest result's status
   * ('' if never run in the history loaded), duration ms, message, markers, history string, flaky (0/1),
   * stale: '' when that result is from the latest run of its tier set, else the start of the older
   * run it comes from (the test was not in the latest run), in the inventory (1) or only in the
   * recorded results (0: renamed, removed, a JUnit `classname#name` id the scan does not know)].
   */
  tests: [number, string, number, number, string, string, string, number, string, string, string, number, string, number][];
  /** Runs the history strings refer to, per repo (oldest first). */
  historyRuns: { id: string; startedAt: string; commit: string | null }[][];
  trends: TrendPoint[];
}

const HISTORY_RUNS = 200;

export function trendOf(run: RunRecord): TrendPoint {
  const tiers: Record<string, number> = {};
  let passed = 0;
  let failed = 0;
  let flaky = 0;
  for (const r of run.results) {
    const t = r.tier ?? (run.tiers.length === 1 ? run.tiers[0]! : 'unknown');
    tiers[t] = (tiers[t] ?? 0) + 1;
    if (r.status === 'passed') passed++;
    else if (r.status === 'failed' || r.status === 'error' || r.status === 'not-run') failed++;
    if (r.flaky) flaky++;
  }
  return {
    runId: run.id,
    startedAt: run.startedAt,
    commit: run.commit,
    repo: run.repo,
    tiers,
    total: run.results.length,
    passed,
    failed,
    flaky,
    durationMs: Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)) || 0,
  };
}

const key = (t: { runner: string; project: string | null; id: string }) => `${t.runner}\0${t.project ?? ''}\0${t.id}`;

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
  const tests: ReportData['tests'] = [];
  const historyRuns: ReportData['historyRuns'] = [];
  const latestRun: ReportData['latestRun'] = [];
  const trends: TrendPoint[] = [];
  const repos: ReportData['repos'] = [];

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
    const runs = [...repo.runs].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
    if (!runs.length) missing.push(`${inv.name}: ${repo.historyMissing ?? 'no runs recorded'} — run results, history and trends are empty`);
    const hist = runs.slice(0, HISTORY_RUNS).reverse(); // oldest first
    historyRuns.push(hist.map((r) => ({ id: r.id, startedAt: r.startedAt, commit: r.commit })));
    // per test: history chars, latest result
    const perTest = new Map<string, { h: string[]; last?: TestResult; flaky: boolean }>();
    hist.forEach((run, i) => {
      for (const r of run.results) {
        const k = key(r);
        let e = perTest.get(k);
        if (!e) perTest.set(k, (e = { h: [], flaky: false }));
        e.h[i] = STATUS_CODE[r.status] ?? '?';
        if (r.flaky) e.flaky = true;
      }
    });
    // The newest run of each tier set (unit, integration, …): teams run tiers separately, so
    // "the latest run" is the latest of each; a test's status is its newest result in the history.
    const latestPerTierSet = new Map<string, RunRecord>();
    for (const run of runs) {
      const k = [...run.tiers].sort().join('+');
      if (!latestPerTierSet.has(k)) latestPerTierSet.set(k, run);
    }
    const latestRunIds = new Set([...latestPerTierSet.values()].map((r) => r.id));
    for (const run of [...latestPerTierSet.values()].slice(0, 6)) {
      const counts: Record<string, number> = {};
      for (const r of run.results) {
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (outcomeOf(r) === 'flaky') counts.flaky = (counts.flaky ?? 0) + 1; // among the passed
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
    const histString = (k: string) => {
      const e = perTest.get(k);
      if (!e) return '';
      let out = '';
      for (let i = 0; i < hist.length; i++) out += e.h[i] ?? '-';
      return out;
    };
    const seen = new Set<string>();
    const row = (t: DiscoveredTest | null, r: TestResult | undefined, k: string) => {
      const id = t?.id ?? r!.id;
      const file = t?.file ?? r?.file ?? '';
      tests.push([
        ri,
        id,
        intern(file),
        t?.line ?? 0,
        t?.tier ?? r?.tier ?? '',
        t?.runner ?? r?.runner ?? '',
        r?.status ?? '',
        r ? Math.round(r.durationMs) : 0,
        r?.message ? r.message.slice(0, 2000) : r?.reason ? r.reason.slice(0, 500) : '',
        t?.markers.join(' ') ?? '',
        histString(k),
        perTest.get(k)?.flaky || r?.flaky ? 1 : 0,
        r && !latestRunIds.has(runOfLatest.get(k)!.id) ? runOfLatest.get(k)!.startedAt : '',
        t ? 1 : 0,
      ]);
    };
    for (const t of inv.tests) {
      const k = key(t);
      seen.add(k);
      row(t, latestByKey.get(k), k);
    }
    // results of tests the inventory does not know (renamed, dynamic, other runner)
    for (const [k, r] of latestByKey) if (!seen.has(k)) row(null, r, k);
    for (const p of repo.trend ?? runs.slice(0, 100).map(trendOf)) trends.push({ ...p, repo: inv.name });
  });
  if (input.gaps === undefined || input.gaps === null) missing.push('gap analysis not available (no workflows configured or analysis not run)');
  if (input.trace === undefined || input.trace === null) missing.push('traceability not available (no requirements found or analysis not run)');
  trends.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return {
    version: 1,
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
    tests,
    historyRuns,
    trends,
  };
}

/** Tier order used by the pyramid (bottom = unit). */
export const sortTiers = (tiers: string[]) => [...tiers].sort(compareTiers);
