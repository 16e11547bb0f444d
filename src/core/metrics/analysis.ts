import type { WorkflowAnalysis, WorkflowGap } from '../gaps.js';
import type { TraceReport } from '../trace.js';
import type { DiscoveredTest, TestFile } from '../types.js';
import type { MetricItem, MetricValue } from './types.js';

/**
 * The inventory / gaps / traceability part of the metric vocabulary shared by `targets:` and
 * `gates:` (run metrics such as passrate, flaky, duration and coverage: ./evaluate.ts).
 *
 *   tests, tests.<tier>                    tests in the inventory (all / per tier)
 *   files, files.<tier>                    test files
 *   workflows.total                        declared workflows
 *   workflows[.<P>].covered                share (0..1) of workflows covered at a covering tier
 *                                          (every share is null — "n/a" — over an empty set)
 *   workflows[.<P>].uncovered              workflows not covered (partial ones included)
 *   workflows[.<P>].partial                workflows reached only partially
 *   workflows[.<P>].total                  workflows of that priority
 *        <P> is P1, P2, P3, or P<=2 / P≤2 (P1 and P2)
 *   components.unreached                   components no test reaches
 *   requirements.total                     defined requirement ids
 *   requirements.covered                   share of requirements with status `covered`
 *   requirements.uncovered                 requirements no active test references
 *   requirements.unitOnly                  requirements that need integration but have only unit tests
 *   requirements.orphans                   ids referenced by tests that no source defines
 *   requirements.duplicates                ids defined more than once
 *   requirements.critical.uncovered        critical requirements not `covered`
 *   requirements.critical.covered          share of critical requirements `covered`
 * Pure: values come from the analysis results passed in.
 */

export type { MetricItem };
/** A metric of this part of the vocabulary (never in ms). */
export type MetricResult = MetricValue & { unit: 'count' | 'ratio' };

export interface MetricContext {
  tests: readonly DiscoveredTest[];
  /** Test files from the inventory (files without tests count too). */
  files?: readonly TestFile[];
  workflows?: WorkflowAnalysis;
  trace?: TraceReport;
  /** Files requirements were read from (to explain an empty set). */
  requirementSources?: readonly string[];
}

/** Every metric of the vocabulary that the context can answer, with its value. */
export function computeMetrics(ctx: MetricContext): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const names = ['tests', 'files'];
  const tiers = new Set(ctx.tests.map((t) => t.tier));
  for (const f of ctx.files ?? []) tiers.add(f.tier);
  for (const tier of [...tiers].sort()) names.push(`tests.${tier}`, `files.${tier}`);
  if (ctx.workflows) {
    names.push('workflows.total', 'workflows.covered', 'workflows.uncovered', 'workflows.partial', 'components.unreached');
    for (const p of ['P1', 'P2', 'P3']) names.push(`workflows.${p}.total`, `workflows.${p}.covered`, `workflows.${p}.uncovered`, `workflows.${p}.partial`);
  }
  if (ctx.trace)
    names.push(
      'requirements.total',
      'requirements.covered',
      'requirements.uncovered',
      'requirements.unitOnly',
      'requirements.orphans',
      'requirements.duplicates',
      'requirements.critical.uncovered',
      'requirements.critical.covered',
    );
  for (const n of names) out[n] = metricValue(n, ctx)?.value ?? null;
  return out;
}

const MAX_ITEMS = 50;

/** The value of one metric; undefined when the name is not part of this vocabulary. */
export function metricValue(metric: string, ctx: MetricContext): MetricResult | undefined {
  const [head, ...rest] = metric.split('.');
  switch (head) {
    case 'tests':
    case 'files':
      return countMetric(head, rest.join('.') || undefined, ctx);
    case 'workflows':
      return workflowMetric(rest, ctx);
    case 'components':
      if (rest.join('.') !== 'unreached') return undefined;
      if (!ctx.workflows) return { value: null, unit: 'count', missing: 'no components analysis' };
      {
        const un = ctx.workflows.components.filter((c) => c.severity);
        return { value: un.length, unit: 'count', detail: `${un.length} of ${ctx.workflows.components.length} components reached by no test`, items: un.slice(0, MAX_ITEMS).map((c) => ({ label: c.id })) };
      }
    case 'requirements':
      return requirementMetric(rest, ctx);
    default:
      return undefined;
  }
}

function countMetric(head: 'tests' | 'files', tier: string | undefined, ctx: MetricContext): MetricResult {
  const inTier = (t: { tier: string }) => tier === undefined || tier === 'total' || t.tier === tier;
  if (head === 'tests') {
    const n = ctx.tests.filter(inTier).length;
    return { value: n, unit: 'count', detail: `${n} ${tier && tier !== 'total' ? `${tier} ` : ''}tests` };
  }
  const files = new Set<string>();
  for (const f of ctx.files ?? []) if (inTier(f)) files.add(f.file);
  for (const t of ctx.tests) if (inTier(t)) files.add(t.file);
  return { value: files.size, unit: 'count', detail: `${files.size} ${tier && tier !== 'total' ? `${tier} ` : ''}test files` };
}

function priorityFilter(p: string): ((w: WorkflowGap) => boolean) | undefined {
  if (/^P[123]$/.test(p)) return (w) => w.priority === p;
  const m = /^P(?:<=|≤)([123])$/.exec(p);
  if (m) return (w) => Number(w.priority.slice(1)) <= Number(m[1]);
  return undefined;
}

function workflowMetric(rest: string[], ctx: MetricContext): MetricResult | undefined {
  let filter: (w: WorkflowGap) => boolean = () => true;
  let label = '';
  let kind = rest[0];
  if (rest.length === 2) {
    const f = priorityFilter(rest[0]!);
    if (!f) return undefined;
    filter = f;
    label = `${rest[0]} `;
    kind = rest[1];
  } else if (rest.length !== 1) return undefined;
  if (!['total', 'covered', 'uncovered', 'partial'].includes(kind ?? '')) return undefined;
  if (!ctx.workflows) return { value: null, unit: kind === 'covered' ? 'ratio' : 'count', missing: 'no workflows analysis (declare workflows: in seams.yaml)' };
  const wfs = ctx.workflows.workflows.filter(filter);
  const covered = wfs.filter((w) => w.status === 'covered');
  const open = wfs.filter((w) => w.status !== 'covered');
  const items = (list: WorkflowGap[]) => list.slice(0, MAX_ITEMS).map((w) => ({ label: w.id, detail: `${w.priority} ${w.status}: ${w.message}` }));
  switch (kind) {
    case 'total':
      return { value: wfs.length, unit: 'count', detail: `${wfs.length} ${label}workflows` };
    case 'covered':
      if (!wfs.length) return { value: null, unit: 'ratio', missing: `n/a: no ${label}workflows declared, so there is no share to measure` };
      return { value: covered.length / wfs.length, unit: 'ratio', detail: `${covered.length} of ${wfs.length} ${label}workflows covered`, items: items(open) };
    case 'uncovered':
      return { value: open.length, unit: 'count', detail: `${open.length} of ${wfs.length} ${label}workflows without a covering test`, items: items(open) };
    default: {
      const partial = wfs.filter((w) => w.status === 'partial');
      return { value: partial.length, unit: 'count', detail: `${partial.length} ${label}workflows reached partially`, items: items(partial) };
    }
  }
}

function requirementMetric(rest: string[], ctx: MetricContext): MetricResult | undefined {
  const name = rest.join('.');
  const known = ['total', 'covered', 'uncovered', 'unitOnly', 'orphans', 'duplicates', 'critical.uncovered', 'critical.covered'];
  if (!known.includes(name)) return undefined;
  const ratio = name === 'covered' || name === 'critical.covered';
  if (!ctx.trace) return { value: null, unit: ratio ? 'ratio' : 'count', missing: 'no requirements analysis' };
  const { rows, summary, orphans, duplicates } = ctx.trace;
  const rowItems = (list: typeof rows) => list.slice(0, MAX_ITEMS).map((r) => ({ label: r.id, file: r.file, line: r.line, detail: `${r.status}: ${r.title}` }));
  switch (name) {
    case 'total':
      return { value: summary.total, unit: 'count', detail: `${summary.total} requirements defined` };
    case 'covered':
      if (summary.coveredShare === null) return { value: null, unit: 'ratio', missing: `n/a: no requirements defined (${ctx.requirementSources?.length ? 'requirements.sources define no id' : 'requirements.sources match no file'})` };
      return {
        value: summary.coveredShare,
        unit: 'ratio',
        detail: `${summary.covered} of ${summary.total} requirements covered`,
        items: rowItems(rows.filter((r) => r.status !== 'covered')),
      };
    case 'uncovered': {
      const list = rows.filter((r) => r.status === 'uncovered' || r.status === 'only-skipped');
      return { value: list.length, unit: 'count', detail: `${list.length} requirements without an active test`, items: rowItems(list) };
    }
    case 'unitOnly': {
      const list = rows.filter((r) => r.status === 'covered-only-by-unit');
      return { value: list.length, unit: 'count', detail: `${list.length} requirements that need integration tests have only unit tests`, items: rowItems(list) };
    }
    case 'orphans':
      return { value: orphans.length, unit: 'count', detail: `${orphans.length} ids referenced but not defined`, items: orphans.slice(0, MAX_ITEMS).map((o) => ({ label: o.id, file: o.tests[0]?.file, line: o.tests[0]?.line })) };
    case 'duplicates':
      return { value: duplicates.length, unit: 'count', detail: `${duplicates.length} ids defined more than once`, items: duplicates.slice(0, MAX_ITEMS).map((d) => ({ label: d.id, file: d.definitions[1]?.file, line: d.definitions[1]?.line })) };
    default: {
      const critical = rows.filter((r) => r.critical);
      const open = critical.filter((r) => r.status !== 'covered');
      if (name === 'critical.uncovered') return { value: open.length, unit: 'count', detail: `${open.length} of ${critical.length} critical requirements not covered`, items: rowItems(open) };
      if (!critical.length) return { value: null, unit: 'ratio', missing: 'n/a: no critical requirements (requirements.critical) defined' };
      return { value: (critical.length - open.length) / critical.length, unit: 'ratio', detail: `${critical.length - open.length} of ${critical.length} critical requirements covered`, items: rowItems(open) };
    }
  }
}
