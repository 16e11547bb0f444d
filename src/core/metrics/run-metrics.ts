import type { DiscoveredTest, TestResult } from '../types.js';
import { analyzeFlaky, type WindowEntry } from '../flaky.js';
import { checkScenario, checkTier, repoFilter } from './checks.js';
import { formatDuration } from './duration.js';
import { counts, durationOf, inventoryIndex, isPass, logicalRuns, runHasTier, runLabel, tierOfResult } from './runs.js';
import { compileSelectors, selectableResult, testKey } from './selectors.js';
import type { MetricInputs, MetricItem, MetricOptions, MetricValue } from './types.js';

/** Metrics over the run history: pass rates, failures, flakiness, determinism and duration. */

export const resultItem = (r: TestResult, known?: DiscoveredTest, detail?: string): MetricItem => ({
  label: r.id,
  file: known?.file ?? r.file,
  line: known?.line || undefined,
  detail: detail ?? (r.message ? r.message.split('\n')[0]!.slice(0, 200) : r.status),
});

/** Result filter for a rule: tier, scenario selectors and repo path, joined to the inventory. */
function resultFilter(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs) {
  checkTier(tier, ctx);
  const scenario = checkScenario(opts.scenario, ctx);
  const index = inventoryIndex(ctx.inventory);
  const sel = scenario ? compileSelectors(scenario.select) : null;
  const inRepo = repoFilter(opts.repo, ctx);
  const keep = (r: TestResult) => {
    const known = index.get(testKey(r));
    if (tier && tierOfResult(r, index) !== tier) return false;
    if (sel && !sel(selectableResult(r, known))) return false;
    if (inRepo && !inRepo(known?.file ?? r.file ?? r.id)) return false;
    return true;
  };
  return { index, keep, what: opts.scenario ? `scenario ${opts.scenario}` : tier ? `tier ${tier}` : 'all tiers' };
}

/**
 * The newest `n` logical runs of each tier set (a unit run, an integration run, …) that have
 * results passing `keep`, newest first. Teams run tiers separately, so "the latest run" of a
 * scenario spanning tiers, or of all tests, is the latest run of each tier.
 */
function latestRuns(n: number, keep: (r: TestResult) => boolean, tier: string | undefined, ctx: MetricInputs, index: ReturnType<typeof inventoryIndex>) {
  const runs = logicalRuns(ctx.runs).filter((run) => (tier ? runHasTier(run, tier, index) : true) && run.results.some(keep));
  const perSet = new Map<string, number>();
  return runs.filter((run) => {
    const k = [...run.tiers].sort().join('+');
    const count = perSet.get(k) ?? 0;
    perSet.set(k, count + 1);
    return count < n;
  });
}

function noRuns(ctx: MetricInputs, what: string, unit: MetricValue['unit']): MetricValue {
  return {
    value: null,
    unit,
    missing: ctx.runs.length
      ? `no runs recorded with results for ${what}`
      : (ctx.historyMissing ?? 'no runs recorded (run `seams run` or `seams ingest` first)'),
  };
}

export function passRate(head: 'passrate' | 'failed', tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const { index, keep, what } = resultFilter(tier, opts, ctx);
  const runs = latestRuns(opts.runs ?? 1, keep, tier, ctx, index);
  const unit = head === 'passrate' ? 'ratio' : 'count';
  if (!runs.length) return noRuns(ctx, what, unit);
  let results = runs.flatMap((r) => r.results.filter(keep));
  if ((opts.runs ?? 1) === 1) {
    // the latest run of each tier set: a test counts once, with its newest result
    const seen = new Set<string>();
    results = results.filter((r) => {
      const k = testKey(r);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  const counted = results.filter(counts);
  const passed = counted.filter(isPass).length;
  const notPassed = counted.filter((r) => !isPass(r));
  const items = notPassed.map((r) => resultItem(r, index.get(testKey(r)), r.status === 'not-run' ? `not run: ${r.reason ?? 'missing service'}` : undefined));
  const sets = [...new Set(runs.map((r) => r.tiers.join('+') || 'run'))];
  const runsText =
    runs.length === 1
      ? `run ${runLabel(runs[0]!)}`
      : (opts.runs ?? 1) === 1
        ? `the latest ${sets.join(', ')} runs`
        : `the latest ${runs.length} runs`;
  if (head === 'failed')
    return { value: notPassed.length, unit, detail: `${notPassed.length} of ${counted.length} results not passed in ${runsText}`, items };
  if (!counted.length) return { value: null, unit, missing: `every result for ${what} was skipped in ${runsText}` };
  return {
    value: passed / counted.length,
    unit,
    detail: `${passed} of ${counted.length} results passed in ${runsText}${results.length > counted.length ? ` (${results.length - counted.length} skipped, not counted)` : ''}`,
    items,
  };
}

/**
 * Flaky tests over the latest `runs` runs (default 20) of the tier / scenario, by the history
 * store's own analysis (same commit pass+fail, pass on retry, flip rate; infrastructure-failure
 * runs excluded) so `seams gate` and `seams flaky` agree.
 */
export function flaky(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const { index, keep, what } = resultFilter(tier, opts, ctx);
  const runs = latestRuns(opts.runs ?? 20, keep, tier, ctx, index);
  if (!runs.length) return noRuns(ctx, what, 'count');
  const entries: WindowEntry[] = [];
  for (const run of runs) {
    const executed = run.results.filter((r) => r.status === 'passed' || r.status === 'failed' || r.status === 'error');
    const failedRatio = executed.length ? executed.filter((r) => r.status !== 'passed').length / executed.length : 0;
    for (const r of run.results) {
      if (!keep(r)) continue;
      entries.push({
        runId: run.ids[0]!,
        commit: run.commit,
        branch: run.branch,
        startedAt: run.startedAt,
        runFailureRatio: failedRatio,
        runExecuted: executed.length,
        runner: r.runner,
        project: r.project,
        id: r.id,
        file: r.file,
        tier: tierOfResult(r, index),
        status: r.status,
        attempts: r.attempts,
        flaky: r.flaky,
        durationMs: r.durationMs,
      });
    }
  }
  const report = analyzeFlaky(entries);
  const items = report.flaky.map((f) => {
    const known = index.get(testKey(f));
    return {
      label: f.id,
      file: known?.file ?? f.file,
      line: known?.line || undefined,
      detail: `${f.reasons.join(', ')}: ${f.passes} passed, ${f.failures} failed${f.commits.length ? ` (same commit ${f.commits[0]!.slice(0, 7)})` : ''}`,
    };
  });
  const infra = report.infraFailureRuns.length ? `; ${report.infraFailureRuns.length} infrastructure-failure runs ignored` : '';
  return {
    value: report.flaky.length,
    unit: 'count',
    detail: `${report.flaky.length} flaky tests in ${runs.length === 1 ? `run ${runLabel(runs[0]!)}` : `the latest ${runs.length} runs`}${infra}`,
    items,
  };
}

/**
 * Determinism from repeated runs (`seams run --repeat N` stores N runs of one commit): the runs
 * of the latest commit (up to `runs`, default 20) are compared test by test.
 */
export function determinism(head: 'nondeterministic' | 'determinism', tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const { index, keep, what } = resultFilter(tier, opts, ctx);
  const all = latestRuns(Number.MAX_SAFE_INTEGER, keep, tier, ctx, index);
  const unit = head === 'determinism' ? 'ratio' : 'count';
  if (!all.length) return noRuns(ctx, what, unit);
  const commit = all[0]!.commit;
  // `seams run --repeat N` stores runs `<id>.1` … `<id>.N` with environment.repetition; those are
  // compared. Otherwise runs of the same (known) commit are.
  const repeated = ctx.runs.find((r) => r.id === all[0]!.ids[0])?.environment?.repetition !== undefined;
  const base = (id: string) => id.replace(/\.\d+$/, '');
  const runs = (
    repeated
      ? all.filter((r) => base(r.ids[0]!) === base(all[0]!.ids[0]!))
      : commit
        ? all.filter((r) => r.commit === commit)
        : all.slice(0, 1)
  ).slice(0, opts.runs ?? 20);
  if (runs.length < 2)
    return { value: null, unit, missing: `only one run of ${commit ? `commit ${commit.slice(0, 7)}` : 'the latest selection'} for ${what}; determinism needs repeated runs (seams run --repeat N)` };
  const seen = new Map<string, { statuses: Set<string>; r: TestResult }>();
  for (const run of runs)
    for (const r of run.results) {
      if (!keep(r)) continue;
      const key = testKey(r);
      let e = seen.get(key);
      if (!e) seen.set(key, (e = { statuses: new Set(), r }));
      e.statuses.add(r.status === 'error' ? 'failed' : r.status);
    }
  const differing = [...seen.entries()].filter(([, e]) => e.statuses.size > 1);
  const items = differing.map(([key, e]) => resultItem(e.r, index.get(key), [...e.statuses].sort().join(' / ')));
  const detail = `${differing.length} of ${seen.size} tests changed outcome across ${runs.length} runs of ${commit?.slice(0, 7) ?? 'the latest commit'}`;
  if (head === 'nondeterministic') return { value: differing.length, unit, detail, items };
  return { value: seen.size ? 1 - differing.length / seen.size : null, unit, detail, items };
}

export function duration(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const { index, keep, what } = resultFilter(tier, opts, ctx);
  const [run] = latestRuns(1, keep, tier, ctx, index);
  if (!run) return noRuns(ctx, what, 'ms');
  const results = run.results.filter(keep);
  const slowest = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
  const items = slowest.map((r) => resultItem(r, index.get(testKey(r)), formatDuration(r.durationMs)));
  // A run of just this tier (and no scenario/repo filter): its wall-clock time. Otherwise the
  // sum of the selected tests' durations.
  if (!opts.scenario && !opts.repo && (!tier || (run.tiers.length === 1 && run.tiers[0] === tier)) && run.ids.length === 1) {
    const ms = durationOf(run);
    return { value: ms, unit: 'ms', detail: `run ${runLabel(run)} took ${formatDuration(ms)}`, items };
  }
  const ms = results.reduce((s, r) => s + r.durationMs, 0);
  return { value: ms, unit: 'ms', detail: `${results.length} tests of ${what} took ${formatDuration(ms)} in run ${runLabel(run)} (sum of test durations)`, items };
}
