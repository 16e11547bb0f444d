import { ratio } from '../coverage.js';
import { closest } from '../strings.js';
import { metricValue } from './analysis.js';
import { checkScenario, checkTier, repoFilter } from './checks.js';
import { determinism, duration, flaky, passRate } from './run-metrics.js';
import { compileSelectors, selectableTest } from './selectors.js';
import { ANALYSIS_METRIC, coverageEntryOf, formatPercent } from './vocabulary.js';
import { GateConfigError, type MetricInputs, type MetricOptions, type MetricValue } from './types.js';

/**
 * The metric vocabulary gates and targets share. Inventory metrics (tests, files) and run
 * metrics (passrate, flaky, nondeterministic, duration) and coverage are computed here;
 * workflow, requirement and component metrics from the gaps analysis (`ctx.analysis`, ./analysis.ts).
 * Synchronous and pure: every input (runs, coverage reports, analysis) is loaded beforehand.
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

export function evaluateMetric(metric: string, opts: MetricOptions, ctx: MetricInputs): MetricValue {
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
      return coverage(metric, opts, ctx);
    default: {
      if (ANALYSIS_METRIC.test(metric)) {
        const a = ctx.analysis;
        const v = a
          ? metricValue(metric, { tests: ctx.inventory?.tests ?? [], files: ctx.inventory?.files, workflows: a.workflows, trace: a.trace, requirementSources: a.requirementSources })
          : undefined;
        if (v) return v;
        if (head === 'workflows' || head === 'requirements')
          return { value: null, unit: 'count', missing: `${metric} needs the gaps analysis, which is not available in this build` };
      }
      const known = ['tests', 'files', 'passrate', 'failed', 'flaky', 'nondeterministic', 'determinism', 'duration', 'coverage', 'workflows', 'requirements'];
      const guess = closest(head!, known);
      throw new GateConfigError(
        `unknown metric "${metric}"${guess ? ` (did you mean "${guess}…"?)` : ''}`,
        'metrics: tests.<tier>, files.<tier>, passrate, flaky.<tier>, nondeterministic.<tier>, duration.<tier>, coverage.<name>, workflows.P1.uncovered, requirements.covered, …',
      );
    }
  }
}

function coverage(metric: string, opts: MetricOptions, ctx: MetricInputs): MetricValue {
  const branches = metric.endsWith('.branches');
  const name = coverageEntryOf(metric, opts.tier, ctx.config);
  if (!name || !ctx.config.coverage[name]) {
    const names = Object.keys(ctx.config.coverage);
    const guess = name ? closest(name, names) : undefined;
    throw new GateConfigError(
      name ? `no coverage report named "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}` : 'coverage metric without a coverage: entry',
      'declare it under coverage: <name>: { file: coverage.xml } (name it after the tier it measures)',
    );
  }
  const loaded = ctx.coverage[name];
  // a missing or unreadable report is a configuration error (exit 2)
  if (!loaded) throw new GateConfigError(`coverage.${name}: the report was not loaded`);
  if ('error' in loaded) throw new GateConfigError(loaded.error.message, loaded.error.hint);
  const report = loaded.report;
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
    items: files.map(({ f, r }) => ({ label: f.path, file: f.path, detail: `${formatPercent(r)} of ${f.lines.total} lines` })),
  };
}
