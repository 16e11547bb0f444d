import picomatch from 'picomatch';
import { CONVENTIONAL_TIERS, type DiscoveredTest, type TestResult, type Tier } from '../core/types.js';
import { ratio } from '../coverage/types.js';
import { lowerIsBetter as sharedLowerIsBetter, metricValue } from '../core/metrics.js';
import { analyzeFlaky } from '../store/flaky.js';
import type { WindowEntry } from '../store/types.js';
import { closest } from '../util/strings.js';
import { formatDuration } from './duration.js';
import {
  counts,
  durationOf,
  inventoryIndex,
  isPass,
  logicalRuns,
  runHasTier,
  runLabel,
  tierOfResult,
  type LogicalRun,
} from './runs.js';
import { compileSelectors, selectableResult, selectableTest, testKey } from './selectors.js';
import type { GateContext, MetricItem, MetricValue } from './types.js';

/**
 * The metric vocabulary gates and targets share. Inventory metrics (tests, files) and run
 * metrics (passrate, flaky, nondeterministic, duration) and coverage are computed here;
 * workflow and requirement metrics come from the gaps analysis (`ctx.external`).
 *
 *   tests[.<tier>]                     tests in the inventory (per tier, or all)
 *   files[.<tier>]                     test files
 *   passrate[.<tier>]                  share of results passed in the latest run(s); with `scenario:` the scenario's tests
 *   failed[.<tier>]                    failed results in the latest run(s)
 *   flaky[.<tier>]                     tests flagged flaky (passed on retry) or with pass and fail on one commit
 *   nondeterministic[.<tier>]          tests whose outcome differs between runs of the latest commit (`--repeat`)
 *   determinism[.<tier>]               share of tests with one outcome across those runs
 *   duration[.<tier>]                  wall-clock time of the latest run of the tier
 *   coverage.<name>[.branches]         line (branch) coverage from the `coverage.<name>` report
 *   workflows.* / requirements.*       from the gaps analysis
 */

export class GateConfigError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface MetricOptions {
  scenario?: string;
  tier?: string;
  repo?: string;
  runs?: number;
}

const RATE_METRICS = new Set(['passrate', 'determinism', 'coverage']);
const LOWER_IS_BETTER = /^(flaky|nondeterministic|duration|failed)\b|\.uncovered$|^(workflows|requirements)(\..*)?\.(uncovered|partial)$/;

/** True for metrics where smaller values are better (targets without explicit direction). */
export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric) || sharedLowerIsBetter(metric);
}

export function isRateMetric(metric: string): boolean {
  const head = metric.split('.')[0]!;
  return RATE_METRICS.has(head) || /\.(covered|share)$/.test(metric) || /^requirements\.covered/.test(metric);
}

export function knownTiers(ctx: GateContext): Set<Tier> {
  const tiers = new Set<Tier>(CONVENTIONAL_TIERS);
  for (const t of Object.keys(ctx.config.tiers)) tiers.add(t);
  for (const t of ctx.inventory?.tests ?? []) tiers.add(t.tier);
  for (const r of ctx.runs) for (const t of r.tiers) tiers.add(t);
  return tiers;
}

function checkTier(tier: string | undefined, ctx: GateContext): void {
  if (tier === undefined || tier === 'total') return;
  const tiers = knownTiers(ctx);
  if (!tiers.has(tier)) {
    const guess = closest(tier, tiers);
    throw new GateConfigError(`unknown tier "${tier}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'tiers are the conventional ones (unit, integration, e2e, …) or those under tiers: in seams.yaml');
  }
}

function checkScenario(name: string | undefined, ctx: GateContext) {
  if (name === undefined) return undefined;
  const s = ctx.config.scenarios[name];
  if (!s) {
    const guess = closest(name, Object.keys(ctx.config.scenarios));
    throw new GateConfigError(
      `unknown scenario "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      Object.keys(ctx.config.scenarios).length ? `defined scenarios: ${Object.keys(ctx.config.scenarios).join(', ')}` : 'define it under scenarios: with select: [selectors]',
    );
  }
  return s;
}

/** `repo:` on a rule: the repo's own name selects everything, anything else is a path (package) inside it. */
function repoFilter(repo: string | undefined, ctx: GateContext): ((file: string) => boolean) | null {
  if (!repo || repo === ctx.inventory?.name || repo === '.') return null;
  const glob = repo.replace(/\/$/, '');
  const m = picomatch([glob, `${glob}/**`], { dot: true });
  return (file) => m(file);
}

const item = (t: DiscoveredTest): MetricItem => ({ label: t.id, file: t.file, line: t.line || undefined });
const resultItem = (r: TestResult, known?: DiscoveredTest, detail?: string): MetricItem => ({
  label: r.id,
  file: known?.file ?? r.file,
  line: known?.line || undefined,
  detail: detail ?? (r.message ? r.message.split('\n')[0]!.slice(0, 200) : r.status),
});

export async function evaluateMetric(metric: string, opts: MetricOptions, ctx: GateContext): Promise<MetricValue> {
  const [head, ...rest] = metric.split('.');
  const suffix = rest.join('.');
  const tier = opts.tier ?? (suffix && suffix !== 'total' ? suffix : undefined);
  switch (head) {
    case 'tests':
    case 'files': {
      checkTier(tier, ctx);
      if (opts.scenario) checkScenario(opts.scenario, ctx);
      if (!ctx.inventory) return { value: null, unit: 'count', missing: 'no inventory (scan found nothing)' };
      // the shared vocabulary's own count (src/core/metrics.ts) when nothing narrows it
      if (!opts.scenario && !opts.repo) {
        const shared = metricValue(tier ? `${head}.${tier}` : head, { tests: ctx.inventory.tests, files: ctx.inventory.files });
        if (shared) return shared;
      }
      const inRepo = repoFilter(opts.repo, ctx);
      const sel = opts.scenario ? compileSelectors(ctx.config.scenarios[opts.scenario]!.select) : null;
      const tests = ctx.inventory.tests.filter(
        (t) => (!tier || t.tier === tier) && (!inRepo || inRepo(t.file)) && (!sel || sel(selectableTest(t))),
      );
      if (head === 'tests') return { value: tests.length, unit: 'count', detail: `${tests.length} tests${tier ? ` in tier ${tier}` : ''}` };
      const files = new Set(tests.map((t) => t.file));
      for (const f of ctx.inventory.files) if ((!tier || f.tier === tier) && (!inRepo || inRepo(f.file)) && !sel) files.add(f.file);
      return { value: files.size, unit: 'count', detail: `${files.size} test files${tier ? ` in tier ${tier}` : ''}` };
    }
    case 'passrate':
    case 'failed':
      return passRate(head, tier, opts, ctx);
    case 'flaky':
      return flaky(tier, opts, ctx);
    case 'nondeterministic':
    case 'determinism':
      return determinism(head, tier, opts, ctx);
    case 'duration':
      return duration(tier, opts, ctx);
    case 'coverage':
      return coverage(rest, opts, ctx);
    default: {
      const ext = ctx.external?.(metric);
      if (ext) return ext;
      if (head === 'workflows' || head === 'requirements')
        return { value: null, unit: 'count', missing: `${metric} needs the gaps analysis, which is not available in this build` };
      const known = ['tests', 'files', 'passrate', 'failed', 'flaky', 'nondeterministic', 'determinism', 'duration', 'coverage', 'workflows', 'requirements'];
      const guess = closest(head!, known);
      throw new GateConfigError(
        `unknown metric "${metric}"${guess ? ` (did you mean "${guess}…"?)` : ''}`,
        'metrics: tests.<tier>, files.<tier>, passrate, flaky.<tier>, nondeterministic.<tier>, duration.<tier>, coverage.<name>, workflows.P1.uncovered, requirements.covered, …',
      );
    }
  }
}

/** Result filter for a rule: tier, scenario selectors and repo path, joined to the inventory. */
function resultFilter(tier: string | undefined, opts: MetricOptions, ctx: GateContext) {
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

/** The latest `n` logical runs that have results passing `keep`. */
/**
 * The newest `n` logical runs of each tier set (a unit run, an integration run, …) that have
 * results passing `keep`, newest first. Teams run tiers separately, so "the latest run" of a
 * scenario spanning tiers, or of all tests, is the latest run of each tier.
 */
function latestRuns(n: number, keep: (r: TestResult) => boolean, tier: string | undefined, ctx: GateContext, index: ReturnType<typeof inventoryIndex>) {
  const runs = logicalRuns(ctx.runs).filter((run) => (tier ? runHasTier(run, tier, index) : true) && run.results.some(keep));
  const perSet = new Map<string, number>();
  return runs.filter((run) => {
    const k = [...run.tiers].sort().join('+');
    const count = perSet.get(k) ?? 0;
    perSet.set(k, count + 1);
    return count < n;
  });
}

function noRuns(ctx: GateContext, what: string, unit: MetricValue['unit']): MetricValue {
  return {
    value: null,
    unit,
    missing: ctx.runs.length
      ? `no runs recorded with results for ${what}`
      : (ctx.historyMissing ?? 'no runs recorded (run `seams run` or `seams ingest` first)'),
  };
}

function passRate(head: 'passrate' | 'failed', tier: string | undefined, opts: MetricOptions, ctx: GateContext): MetricValue {
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
function flaky(tier: string | undefined, opts: MetricOptions, ctx: GateContext): MetricValue {
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
function determinism(head: 'nondeterministic' | 'determinism', tier: string | undefined, opts: MetricOptions, ctx: GateContext): MetricValue {
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

function duration(tier: string | undefined, opts: MetricOptions, ctx: GateContext): MetricValue {
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

async function coverage(rest: string[], opts: MetricOptions, ctx: GateContext): Promise<MetricValue> {
  const branches = rest[rest.length - 1] === 'branches';
  const nameParts = branches ? rest.slice(0, -1) : rest;
  const name = nameParts.join('.') || opts.tier || Object.keys(ctx.config.coverage)[0];
  if (!name || !ctx.config.coverage[name]) {
    const names = Object.keys(ctx.config.coverage);
    const guess = name ? closest(name, names) : undefined;
    throw new GateConfigError(
      name ? `no coverage report named "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}` : 'coverage metric without a coverage: entry',
      'declare it under coverage: <name>: { file: coverage.xml } (name it after the tier it measures)',
    );
  }
  let report;
  try {
    report = await ctx.coverage(name);
  } catch (e) {
    // a missing or unreadable report is a configuration error (exit 2)
    throw e;
  }
  const counts = branches ? report.branches : report.lines;
  const value = counts ? ratio(counts) : null;
  if (value === null)
    return { value: null, unit: 'ratio', missing: `${report.file} has no ${branches ? 'branch' : 'line'} data${ctx.config.coverage[name]!.paths ? ' under the configured paths' : ''}` };
  const files = report.files
    .filter((f) => f.lines.total > 0)
    .map((f) => ({ f, r: f.lines.covered / f.lines.total }))
    .sort((a, b) => a.r - b.r)
    .slice(0, 5);
  return {
    value,
    unit: 'ratio',
    detail: `${counts!.covered} of ${counts!.total} ${branches ? 'branches' : 'lines'} covered (${report.file}, ${report.format})`,
    items: files.map(({ f, r }) => ({ label: f.path, file: f.path, detail: `${(r * 100).toFixed(1).replace(/\.0$/, '')}% of ${f.lines.total} lines` })),
  };
}

export const RATE = RATE_METRICS;
