import type { DiscoveredTest, TestResult } from '../types.js';
import { analyzeFlaky, FLAKY_WINDOW_RUNS, newestPerTierSet, windowEntriesOf, type WindowEntry } from '../flaky.js';
import { checkScenario, checkTier, repoFilter } from './checks.js';
import { flakyWindowKey } from './types.js';
import { formatDuration } from './duration.js';
import { counts, countsInMetrics, durationOf, executed, inventoryIndex, isKnownResult, isPass, logicalRuns, runHasTier, runLabel, tierOfResult, type LogicalRun } from './runs.js';
import { compileSelectors, selectableResult, selectableTest, testKey } from './selectors.js';
import type { GateRule, MetricInputs, MetricItem, MetricOptions, MetricValue } from './types.js';

/** Metrics over the run history: pass rates, failures, flakiness, determinism and duration. */

export const resultItem = (r: TestResult, known?: DiscoveredTest, detail?: string): MetricItem => ({
  label: r.id,
  file: known?.file ?? r.file,
  line: known?.line || undefined,
  detail: detail ?? (r.message ? r.message.split('\n')[0]!.slice(0, 200) : r.status),
});

/** Items shown at most for a metric (the tests behind a failure). */
const MAX_ITEMS = 50;

/** What a run metric of one rule reads: which runs, which of their results it counts, and how to say so. */
interface RuleFilter {
  index: ReturnType<typeof inventoryIndex>;
  /** The rule's selection (tier, scenario, repo) whatever the result matched: it picks the runs. */
  select: (r: TestResult) => boolean;
  /** What the metric counts: selected results of the repo's own tests (see `matched`). */
  keep: (r: TestResult) => boolean;
  /** `tier integration`, `scenario s`, `all tiers` (for "no runs" messages). */
  what: string;
  /** `the repo's integration tests`, `the repo's tests of scenario s`. */
  tests: string;
  /**
   * Set when the inventory has no test of the selection (a history ingested without the repo's
   * sources, a command tier, a runner seams does not scan): results are then counted as they are,
   * and this note says so in the detail.
   */
  unmatched?: string;
}

/**
 * Result filter for a rule: tier, scenario selectors and repo path, joined to the inventory.
 * A run metric counts only results of the repo's own tests (`known`): results that match no
 * inventory test never make a gate pass. Only when the inventory has no test of the selection at
 * all are results counted unmatched (and the detail says so).
 */
function resultFilter(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): RuleFilter {
  checkTier(tier, ctx);
  const scenario = checkScenario(opts.scenario, ctx);
  const index = inventoryIndex(ctx.inventory);
  const sel = scenario ? compileSelectors(scenario.select) : null;
  const inRepo = repoFilter(opts.repo, ctx);
  const select = (r: TestResult) => {
    // no key to build when the inventory is empty (a history ingested without the repo's sources)
    const known = index.size ? index.get(testKey(r)) : undefined;
    if (tier && tierOfResult(r, index) !== tier) return false;
    if (sel && !sel(selectableResult(r, known))) return false;
    if (inRepo && !inRepo(known?.file ?? r.file ?? r.id)) return false;
    return true;
  };
  const inventoryHas = (ctx.inventory?.tests ?? []).some(
    (t) => (!tier || t.tier === tier) && (!inRepo || inRepo(t.file)) && (!sel || sel(selectableTest(t))),
  );
  const what = opts.scenario ? `scenario ${opts.scenario}` : tier ? `tier ${tier}` : 'all tiers';
  const tests = opts.scenario ? `the repo's tests of scenario ${opts.scenario}` : tier ? `the repo's ${tier} tests` : "the repo's tests";
  if (!inventoryHas) {
    const unmatched = !ctx.inventory?.tests.length
      ? 'no inventory (seams found no tests in the repository): results are counted without matching them to its tests'
      : `the inventory has no test of ${opts.scenario ? `scenario ${opts.scenario}` : tier ? `tier ${tier}` : 'the selection'}: results are counted without matching them to the repo's tests`;
    return { index, select, keep: select, what, tests, unmatched };
  }
  return { index, select, keep: (r) => select(r) && isKnownResult(r, index), what, tests };
}

const runsText = (runs: readonly LogicalRun[], perSet = false) =>
  runs.length === 1 ? `run ${runLabel(runs[0]!)}` : perSet ? `the latest ${[...new Set(runs.map((r) => r.tiers.join('+') || 'run'))].join(', ')} runs` : `the last ${runs.length} runs`;

/**
 * Why a run metric cannot be measured over these results, or undefined when it can: none of the
 * selected results is of the repo's tests (they matched no inventory test), or none of those ran
 * (all not run or skipped). Either way a gate fails (warns) instead of passing on nothing.
 */
function nothingToCount(selected: readonly TestResult[], counted: readonly TestResult[], f: RuleFilter, unit: MetricValue['unit'], where: string): MetricValue | undefined {
  if (!counted.length) {
    const foreign = selected.filter((r) => !f.keep(r));
    return {
      value: null,
      unit,
      missing: `no result of ${f.tests} in ${where}${foreign.length ? ` (${foreign.length} result${foreign.length === 1 ? '' : 's'} matched no inventory test)` : ''}`,
      items: foreign.slice(0, MAX_ITEMS).map((r) => resultItem(r, undefined, 'matched no inventory test')),
    };
  }
  if (!counted.some(executed)) {
    const notRun = counted.filter((r) => r.status === 'not-run');
    const skipped = counted.length - notRun.length;
    const parts = [notRun.length ? `${notRun.length} not run` : '', skipped ? `${skipped} skipped` : ''].filter(Boolean).join(', ');
    return {
      value: null,
      unit,
      missing: `${f.tests} did not run in ${where} (${parts})`,
      items: counted.slice(0, MAX_ITEMS).map((r) => resultItem(r, f.index.get(testKey(r)), r.status === 'not-run' ? `not run: ${r.reason ?? 'missing service'}` : `skipped${r.reason ? `: ${r.reason}` : ''}`)),
    };
  }
  return undefined;
}

/** The detail of a measured value, with the note when results were not matched to the inventory. */
const withNote = (detail: string, f: RuleFilter) => (f.unmatched ? `${detail} (${f.unmatched})` : detail);

/**
 * The newest `n` logical runs of each tier set (a unit run, an integration run, …) that have
 * results of the rule's selection, newest first. Teams run tiers separately, so "the latest run" of a
 * scenario spanning tiers, or of all tests, is the latest run of each tier. Runs are picked by the
 * selection alone: a newer run whose results match no inventory test is the latest run (and
 * counts nothing), it does not let an older run speak for it.
 */
function latestRuns(n: number, select: (r: TestResult) => boolean, tier: string | undefined, ctx: MetricInputs, index: ReturnType<typeof inventoryIndex>) {
  const runs = logicalRuns(ctx.runs.filter(countsInMetrics)).filter((run) => (tier ? runHasTier(run, tier, index) : true) && run.results.some(select));
  return newestPerTierSet(runs, n);
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
  const f = resultFilter(tier, opts, ctx);
  const { index, keep, what } = f;
  const runs = latestRuns(opts.runs ?? 1, f.select, tier, ctx, index);
  const unit = head === 'passrate' ? 'ratio' : 'count';
  if (!runs.length) return noRuns(ctx, what, unit);
  const where = runsText(runs, (opts.runs ?? 1) === 1);
  const selected = runs.flatMap((r) => r.results.filter(f.select));
  let results = selected.filter(keep);
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
  const nothing = nothingToCount(selected, results, f, unit, where);
  if (nothing) return nothing;
  const counted = results.filter(counts);
  const passed = counted.filter(isPass).length;
  const notPassed = counted.filter((r) => !isPass(r));
  const items = notPassed.map((r) => resultItem(r, index.get(testKey(r)), r.status === 'not-run' ? `not run: ${r.reason ?? 'missing service'}` : undefined));
  const foreign = selected.length - selected.filter(keep).length;
  const ignored = foreign ? `; ${foreign} result${foreign === 1 ? '' : 's'} that matched no inventory test not counted` : '';
  if (head === 'failed')
    return { value: notPassed.length, unit, detail: withNote(`${notPassed.length} of ${counted.length} results not passed in ${where}${ignored}`, f), items };
  return {
    value: passed / counted.length,
    unit,
    detail: withNote(`${passed} of ${counted.length} results passed in ${where}${results.length > counted.length ? ` (${results.length - counted.length} skipped, not counted)` : ''}${ignored}`, f),
    items,
  };
}

/**
 * Flaky tests over the latest `runs` runs (default FLAKY_WINDOW_RUNS, 20) of the tier / scenario, by the history
 * store's own analysis (same commit pass+fail, pass on retry, flip rate; infrastructure-failure
 * runs excluded) so `seams gate` and `seams flaky` agree. Over the reduced window when it is
 * loaded (`ctx.flakyWindows`, see `reducedFlakyWindow`), else over `ctx.runs`.
 */
export function flaky(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const f = resultFilter(tier, opts, ctx);
  const reduced = reducedFlakyWindow(tier, opts, ctx, f);
  if (reduced) return flakyValue(reduced.runs, reduced.entries, f);
  const { index, keep, what } = f;
  const runs = latestRuns(opts.runs ?? FLAKY_WINDOW_RUNS, f.select, tier, ctx, index);
  if (!runs.length) return noRuns(ctx, what, 'count');
  const selected = runs.flatMap((r) => r.results.filter(f.select));
  const nothing = nothingToCount(selected, selected.filter(keep), f, 'count', runsText(runs));
  if (nothing) return nothing;
  const entries: WindowEntry[] = runs.flatMap((run) =>
    windowEntriesOf({ id: run.ids[0]!, commit: run.commit, branch: run.branch, startedAt: run.startedAt }, run.results, {
      keep,
      tierOf: (r) => tierOfResult(r, index),
    }),
  );
  return flakyValue(runs, entries, f);
}

function flakyValue(runs: readonly LogicalRun[], entries: readonly WindowEntry[], f: RuleFilter): MetricValue {
  const report = analyzeFlaky(entries);
  const items = report.flaky.map((t) => {
    const known = f.index.get(testKey(t));
    return {
      label: t.id,
      file: known?.file ?? t.file,
      line: known?.line || undefined,
      detail: `${t.reasons.join(', ')}: ${t.passes} passed, ${t.failures} failed${t.commits.length ? ` (same commit ${t.commits[0]!.slice(0, 7)})` : ''}`,
    };
  });
  const infra = report.infraFailureRuns.length ? `; ${report.infraFailureRuns.length} infrastructure-failure runs ignored` : '';
  return {
    value: report.flaky.length,
    unit: 'count',
    detail: withNote(`${report.flaky.length} flaky tests in ${runs.length === 1 ? `run ${runLabel(runs[0]!)}` : `the latest ${runs.length} runs`}${infra}`, f),
    items,
  };
}

/** A window entry as the result it was read from, for the rule's filters (tier, known). */
const entryResult = (e: WindowEntry): TestResult => e as unknown as TestResult;

/**
 * The flaky metric's window from the reduced window the store gave (`ctx.flakyWindows`): its
 * logical runs, and the entries of the rule's tests that can be flaky plus one entry per run
 * (marked skipped: it only carries the run's failure ratio and executed count, as the store's own
 * reduced window does). Undefined when there is none for this rule, or when the rule selects by
 * scenario or path (selectors need every result), or when the window alone cannot tell that the
 * rule's tests ran in it (no candidate of theirs ran, and the newest fully loaded run has none of
 * their executed results): then the full window is needed (src/app/context loads it).
 * Rules on a tier take the runs that ran the tier (the store's `tier` filter, `run_tiers`).
 */
function reducedFlakyWindow(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs, f: RuleFilter): { runs: LogicalRun[]; entries: WindowEntry[] } | undefined {
  if (opts.scenario || repoFilter(opts.repo, ctx)) return undefined;
  const window = ctx.flakyWindows?.get(flakyWindowKey(tier, opts.runs ?? FLAKY_WINDOW_RUNS));
  if (!window) return undefined;
  const runs: LogicalRun[] = window.runs
    .filter((r) => r.counts.total > 0)
    .map((r) => ({ ids: [...r.ids], commit: r.commit, branch: r.branch, startedAt: r.startedAt, finishedAt: r.finishedAt, tiers: [...r.tiers], results: [] }));
  const entries: WindowEntry[] = [];
  const seen = new Set<string>();
  let ran = false;
  for (const e of window.entries)
    if (f.keep(entryResult(e))) {
      entries.push(e);
      seen.add(e.runId);
      if (executed(entryResult(e))) ran = true;
    }
  if (!ran) {
    // the newest run of the selection, loaded whole: does a test of the rule's run in it?
    const [newest] = latestRuns(1, f.select, tier, ctx, f.index);
    if (!newest || !newest.results.some((r) => f.keep(r) && executed(r))) return undefined;
  }
  for (const e of window.entries)
    if (!seen.has(e.runId)) {
      seen.add(e.runId);
      entries.push({ ...e, status: 'skipped', flaky: false });
    }
  return { runs, entries };
}

/**
 * Whether every `flaky` rule of the inputs' config that has a reduced window loaded can be
 * measured from it (src/app/context loads the full window when not; see `reducedFlakyWindow`).
 */
export function flakyWindowsSuffice(ctx: MetricInputs): boolean {
  if (!ctx.flakyWindows?.size) return true;
  for (const rule of [...Object.values(ctx.config.gates), ...ctx.config.targets]) {
    const [head, ...rest] = rule.metric.split('.');
    if (head !== 'flaky') continue;
    const gate = rule as Partial<GateRule>;
    const opts: MetricOptions = { scenario: rule.scenario, tier: gate.tier, repo: gate.repo, runs: gate.runs };
    const suffix = rest.join('.');
    const tier = opts.tier ?? (suffix && suffix !== 'total' ? suffix : undefined);
    // rules the metric reads from `runs` (a scenario, a path) or without a window loaded
    if (opts.scenario || repoFilter(opts.repo, ctx) || !ctx.flakyWindows.has(flakyWindowKey(tier, opts.runs ?? FLAKY_WINDOW_RUNS))) continue;
    try {
      if (!reducedFlakyWindow(tier, opts, ctx, resultFilter(tier, opts, ctx))) return false;
    } catch {
      // a rule that cannot be evaluated as written says so when the gates run
    }
  }
  return true;
}

/**
 * Determinism from repeated runs (`seams run --repeat N` stores N runs of one commit): the runs
 * of the latest commit (up to `runs`, default 20) are compared test by test.
 */
export function determinism(head: 'nondeterministic' | 'determinism', tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const f = resultFilter(tier, opts, ctx);
  const { index, keep, what } = f;
  const all = latestRuns(Number.MAX_SAFE_INTEGER, f.select, tier, ctx, index);
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
  const selected = runs.flatMap((r) => r.results.filter(f.select));
  const nothing = nothingToCount(selected, selected.filter(keep), f, unit, runsText(runs));
  if (nothing) return nothing;
  const seen = new Map<string, { statuses: Set<string>; r: TestResult }>();
  for (const run of runs)
    for (const r of run.results) {
      if (!keep(r) || !executed(r)) continue;
      const key = testKey(r);
      let e = seen.get(key);
      if (!e) seen.set(key, (e = { statuses: new Set(), r }));
      e.statuses.add(r.status === 'error' ? 'failed' : r.status);
    }
  const differing = [...seen.entries()].filter(([, e]) => e.statuses.size > 1);
  const items = differing.map(([key, e]) => resultItem(e.r, index.get(key), [...e.statuses].sort().join(' / ')));
  const detail = withNote(`${differing.length} of ${seen.size} tests changed outcome across ${runs.length} runs of ${commit?.slice(0, 7) ?? 'the latest commit'}`, f);
  if (head === 'nondeterministic') return { value: differing.length, unit, detail, items };
  return { value: seen.size ? 1 - differing.length / seen.size : null, unit, detail, items };
}

export function duration(tier: string | undefined, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const f = resultFilter(tier, opts, ctx);
  const { index, keep, what } = f;
  const [run] = latestRuns(1, f.select, tier, ctx, index);
  if (!run) return noRuns(ctx, what, 'ms');
  const selected = run.results.filter(f.select);
  const results = selected.filter(keep);
  const nothing = nothingToCount(selected, results, f, 'ms', `run ${runLabel(run)}`);
  if (nothing) return nothing;
  const slowest = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
  const items = slowest.map((r) => resultItem(r, index.get(testKey(r)), formatDuration(r.durationMs)));
  // A run of just this tier (and no scenario/repo filter): its wall-clock time. Otherwise the
  // sum of the selected tests' durations.
  if (!opts.scenario && !opts.repo && (!tier || (run.tiers.length === 1 && run.tiers[0] === tier)) && run.ids.length === 1) {
    const ms = durationOf(run);
    return { value: ms, unit: 'ms', detail: withNote(`run ${runLabel(run)} took ${formatDuration(ms)}`, f), items };
  }
  const ms = results.reduce((s, r) => s + r.durationMs, 0);
  return { value: ms, unit: 'ms', detail: withNote(`${results.length} tests of ${what} took ${formatDuration(ms)} in run ${runLabel(run)} (sum of test durations)`, f), items };
}
