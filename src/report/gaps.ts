import path from 'node:path';
import type { RepoAnalysis } from '../core/analysis.js';
import { analysisDocument } from './analysis-json.js';
import { requirementFindings } from '../core/findings.js';
import type { ComponentReach, ComponentWhy, ReachSummary, Saturation, TestReach, WhyComponentTest, WorkflowGap, WorkflowWhy } from '../core/gaps.js';
import { SATURATION_SHARE } from '../core/gaps.js';
import type { ReachStep } from '../core/graph.js';
import { formatValue } from '../core/metrics/vocabulary.js';
import type { TargetProgress } from '../core/targets.js';
import { dueText } from '../core/dates.js';
import { compareTiers } from '../core/tiers.js';
import { plural } from '../util/strings.js';
import { textTable, type Cell } from '../util/table.js';
import { tone, type Tone } from '../util/term.js';
import { md, mdCode, mdTable, mdText, type MdCell } from './markdown.js';

/** Renderers of `seams gaps`: terminal text, Markdown for planning documents, and JSON. */

export interface GapsRenderOptions {
  /** Show reach paths for these workflows (`--why`), or all (`verbose`). */
  why?: string[];
  /** Show every test reaching these components (`--why <component>`; the analysis holds the answers). */
  whyComponents?: string[];
  /** verbose: reach paths for every workflow, and every test of a `--why` component (not 10 per tier). */
  verbose?: boolean;
  cwd?: string;
  /** Terminal width: wide tables are narrowed to it (cut cells end in …). Unset: full width (pipes, CI logs). */
  width?: number;
}

const SEVERITY_LABEL: Record<string, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };
const SEVERITY_TONE: Record<string, Tone> = { critical: 'critical', high: 'bad', medium: 'warn', low: 'info' };
/** The severity label of terminal text, coloured on a colour terminal (Markdown keeps SEVERITY_LABEL). */
const severityText = (severity: string) => tone(SEVERITY_LABEL[severity]!, SEVERITY_TONE[severity]!);

/** Tiers shown as columns: those any workflow row has, plus the covering tiers, pyramid order. */
function workflowTiers(a: RepoAnalysis): string[] {
  const tiers = new Set<string>();
  for (const w of a.workflows.workflows) {
    for (const t of w.coveringTiers) tiers.add(t);
    for (const t of w.tiers) tiers.add(t.tier);
  }
  tiers.add('unit');
  return [...tiers].sort(compareTiers);
}

function tierCell(w: WorkflowGap, tier: string): string {
  const t = w.tiers.find((x) => x.tier === tier);
  if (!t) return '0';
  // Partial reach matters where it could cover the workflow; below that it is noise.
  const covering = w.coveringTiers.includes(tier);
  const extra = [covering && t.partialTests && !t.tests ? `${t.partialTests} partial` : '', t.skippedTests ? `${t.skippedTests} skipped` : ''].filter(Boolean).join(', ');
  return extra ? `${t.tests} (${extra})` : String(t.tests);
}

function statusText(w: WorkflowGap): string {
  if (w.status === 'covered') return 'covered';
  if (w.status === 'partial') return `partial: missing ${w.missing.join(', ')}`;
  const lower = w.tiers.filter((t) => t.tests > 0 && !w.coveringTiers.includes(t.tier)).map((t) => t.tier);
  return `no ${w.coveringTiers.join('/')} test${lower.length ? ` (only ${lower.join(', ')})` : ''}`;
}

export function renderPath(steps: readonly ReachStep[]): string {
  const parts: string[] = [];
  steps.forEach((s, i) => {
    const next = steps[i + 1];
    parts.push(next ? `${s.file}:${next.line}` : s.file);
  });
  return parts.join(' → ');
}

/** An executed reach: `test file → the component's file` (no import lines). */
function executedPath(steps: readonly { file: string }[]): string {
  return steps.map((s) => s.file).join(' → ');
}

function reachLine(c: Pick<ComponentReach, 'via' | 'path' | 'run' | 'stale'>): string {
  if (c.via === 'marker') return 'named by the test (component marker / tag)';
  if (c.via === 'workflow-tag') return 'the test is tagged with the workflow';
  if (c.via === 'executed') return `executed: ${executedPath(c.path ?? [])} (run ${c.run ?? '?'}${c.stale ? ', stale: files changed since' : ''})`;
  return `imports: ${renderPath(c.path ?? [])}`;
}

function renderReach(r: TestReach, chain: readonly string[], indent: string): string[] {
  const out = [`${indent}${r.test}  [${r.tier}${r.status !== 'active' ? `, ${r.status}` : ''}]`];
  const width = Math.max(...chain.map((c) => c.length));
  for (const c of chain) {
    const hit = r.components.find((x) => x.component === c);
    const missed = hit ? undefined : r.importedNotExecuted?.find((x) => x.component === c);
    out.push(`${indent}  ${c.padEnd(width)}  ${hit ? reachLine(hit) : missed ? `${tone('NOT REACHED', 'bad')}: imports it, executed: no (mocked?) — ${renderPath(missed.path)}` : tone('NOT REACHED', 'bad')}`);
  }
  return out;
}

const count = (n: number) => n.toLocaleString('en-US');
/** `1,934 tests`, `1 test`. */
const counted = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;
const share = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The saturation hint: `reach is saturated: 1,934 of 1,982 tests (97.6%) reach "core" through
 * imports; measured reach tells which execute it: seams run --reach`. Measured reach needs no hint.
 */
export function saturationHint(s: Saturation, reach: ReachSummary): string {
  const head = `reach is saturated: ${count(s.tests)} of ${count(s.total)} tests (${share(s.share)})`;
  if (s.evidence === 'measured') return `${head} execute "${s.component}" (measured reach)`;
  if (s.evidence === 'imports') return `${head} reach "${s.component}" through imports; measured reach tells which execute it: seams run --reach`;
  const rest = s.tests - s.executed;
  // the rest may be tests seams cannot measure (Vitest, Jest): then a measured run changes nothing
  const hint = reach.unmeasured > 0 ? '; measured reach tells which of the rest execute it: seams run --reach' : '';
  return `${head} reach "${s.component}": ${count(s.executed)} executed it, ${count(rest)} through imports${hint}`;
}

/**
 * The saturation hints of the text output: one line per component when there are one or two (or
 * with --verbose); else one line per kind of evidence naming the components, so a repository where
 * every component is saturated gets one line, not one per component.
 */
export function saturationHints(list: readonly Saturation[], reach: ReachSummary, verbose = false): string[] {
  if (verbose || list.length <= 2) return list.map((s) => saturationHint(s, reach));
  const out: string[] = [];
  for (const evidence of ['imports', 'measured', 'mixed'] as const) {
    const group = list.filter((s) => s.evidence === evidence);
    if (!group.length) continue;
    if (group.length === 1) {
      out.push(saturationHint(group[0]!, reach));
      continue;
    }
    const total = group[0]!.total;
    const names = group.map((s) => `"${s.component}" ${share(s.share)}`).join(', ');
    const how = evidence === 'imports' ? 'through imports' : evidence === 'measured' ? 'by executing them (measured reach)' : 'partly executed, partly through imports';
    const hint = evidence === 'measured' ? '' : evidence === 'imports' || reach.unmeasured > 0 ? '; measured reach tells which execute them: seams run --reach' : '';
    out.push(`reach is saturated: ${group.length} components are reached by more than ${`${Math.round(SATURATION_SHARE * 100)}%`} of ${count(total)} tests ${how} (${names})${hint}; one line each with --verbose`);
  }
  return out;
}

/** `reach: measured for 1,950 tests (run …), imports for 32 (vitest: static reach only)` — only when something is measured. */
export function reachSummaryLine(reach: ReachSummary): string | undefined {
  if (reach.evidence === 'imports') return undefined;
  const run = reach.runs[0];
  const runs = run ? `run ${run.id}${run.commit ? ` at ${run.commit.slice(0, 10)}` : ''}${run.startedAt ? `, ${run.startedAt.slice(0, 10)}` : ''}${reach.runs.length > 1 ? ` and ${plural(reach.runs.length - 1, 'older run')}` : ''}` : '';
  const parts = [`measured for ${counted(reach.measured, 'test')} (${runs}${reach.stale ? `; ${count(reach.stale)} stale: files changed since` : ''})`];
  if (reach.static) {
    const why = [...reach.staticRunners.map((r) => `${r}: static reach only`), ...(reach.unmeasured ? [`${count(reach.unmeasured)} not measured yet`] : [])];
    parts.push(`imports for ${count(reach.static)}${why.length ? ` (${why.join('; ')})` : ''}`);
  }
  return `reach: ${parts.join(', ')}`;
}

/** One test of a --why component answer. */
function whyTestLine(t: WhyComponentTest): string {
  return `${t.id}  ${reachLine({ via: t.evidence, path: t.path, run: t.run, stale: t.stale })}`;
}

/** `--why <component>`: the tests reaching it per tier (10 each unless verbose), then the importers that did not execute it. */
export function renderComponentWhy(w: ComponentWhy, verbose = false): string[] {
  const perTier = new Map<string, WhyComponentTest[]>();
  for (const t of w.tests) {
    let list = perTier.get(t.tier);
    if (!list) perTier.set(t.tier, (list = []));
    list.push(t);
  }
  const tiers = [...perTier].map(([tier, list]) => `${tier} ${count(list.length)}`).join(' · ');
  const out = [`component ${w.component}: ${counted(w.tests.length, 'active test')} reach${w.tests.length === 1 ? 'es' : ''} it${tiers ? ` (${tiers})` : ''}; evidence: ${w.evidence === 'imports' ? 'imports (no measured reach)' : w.evidence}`];
  for (const r of w.staticRunners) out.push(`  ${r}: static reach only`);
  const limit = verbose ? Infinity : 10;
  for (const [tier, list] of perTier) {
    out.push(`  ${tier}:`);
    for (const t of list.slice(0, limit)) out.push(`    ${whyTestLine(t)}`);
    if (list.length > limit) out.push(`    … ${count(list.length - limit)} more (--verbose, or --format json)`);
  }
  if (!w.tests.length) out.push('  no active test reaches it');
  if (w.importedNotExecuted.length) {
    out.push(`  imported but not executed (${count(w.importedNotExecuted.length)}; they do not reach it):`);
    for (const t of w.importedNotExecuted.slice(0, verbose ? Infinity : 20)) out.push(`    ${t.id} imports ${w.component}; executed: no (mocked?)  [${renderPath(t.path)}]`);
    if (!verbose && w.importedNotExecuted.length > 20) out.push(`    … ${count(w.importedNotExecuted.length - 20)} more (--verbose, or --format json --verbose)`);
  }
  return out;
}

export function renderWhy(w: WorkflowGap): string[] {
  const out = [`${w.id} — ${w.title} (${w.priority}): ${w.message}`, `  chain: ${w.chain.join(' → ')}`];
  if (w.examples.length) {
    out.push('  tests reaching the whole chain:');
    for (const e of w.examples) out.push(...renderReach(e, w.chain, '    '));
  }
  if (w.status !== 'covered') {
    if (w.best) {
      out.push(`  closest ${w.coveringTiers.join('/')} test:`);
      out.push(...renderReach(w.best, w.chain, '    '));
    } else out.push(`  no ${w.coveringTiers.join('/')} test reaches any component of the chain`);
  }
  return out;
}

function targetRows(targets: readonly TargetProgress[]): Cell[][] {
  return targets.map((t) => [
    t.title ? `${t.metric} (${t.title})` : t.metric,
    formatValue(t.current, t.unit),
    `${t.direction === 'max' ? '≤ ' : ''}${formatValue(t.target, t.unit)}`,
    t.due,
    targetStatus(t),
  ]);
}

function targetStatus(t: TargetProgress): string {
  switch (t.status) {
    case 'met':
      return 'met';
    case 'late':
      return `LATE (${dueText(t.daysLeft)})`;
    case 'open':
      return `open (${dueText(t.daysLeft)})`;
    default:
      return `unknown: ${t.detail ?? 'not measurable here'}`;
  }
}

function displayRoot(root: string, cwd?: string): string {
  if (!cwd) return root;
  const rel = path.relative(cwd, root);
  return rel === '' ? '.' : rel.startsWith('..') ? root : rel;
}

export function renderGapsText(analyses: readonly RepoAnalysis[], options: GapsRenderOptions = {}): string {
  const out: string[] = [];
  for (const a of analyses) {
    out.push(`${a.name}  ${displayRoot(a.root, options.cwd)}${a.configFile ? '' : '  (no seams.yaml: run `seams init`)'}`);
    out.push(`  tests per tier: ${a.tiers.map((t) => `${t.tier} ${t.tests} (${plural(t.files, 'file')})`).join(' · ') || 'none'}`);
    const reachLineText = reachSummaryLine(a.workflows.reach);
    if (reachLineText) out.push(`  ${reachLineText}`);
    out.push('');
    const wfs = a.workflows.workflows;
    if (!wfs.length) out.push('  Workflows: none declared (add components: and workflows: to seams.yaml)');
    else {
      const open = wfs.filter((w) => w.severity);
      const counts = ['critical', 'high', 'medium'].map((s) => `${open.filter((w) => w.severity === s).length} ${s}`).join(', ');
      out.push(`  Workflows: ${wfs.length}, ${wfs.length - open.length} covered; gaps: ${counts}`);
      const tiers = workflowTiers(a);
      const rows = wfs.map((w) => [
        w.severity ? severityText(w.severity) : 'ok',
        w.id,
        w.priority,
        w.chain.join(' → '),
        ...tiers.map((t) => tierCell(w, t)),
        statusText(w),
      ]);
      // on a narrow terminal the tier cells give way first, then the workflow, keeping the chain and status readable
      const tierCols = tiers.map((_, i) => 4 + i);
      out.push(
        textTable(['Severity', 'Workflow', 'P', 'Chain', ...tiers, 'Status'], rows, '    ', {
          maxWidth: options.width,
          shrink: [...tierCols, 1, 3, 4 + tiers.length],
          minWidth: Object.fromEntries(tierCols.map((i) => [i, 7])),
        }),
      );
      const unreached = a.workflows.components.filter((c) => c.severity);
      if (unreached.length) out.push(`    components no test reaches (low): ${unreached.map((c) => c.id).join(', ')}`);
    }
    for (const line of saturationHints(a.workflows.saturated, a.workflows.reach, options.verbose)) out.push(`    ${line}`);
    const why = options.verbose ? wfs : wfs.filter((w) => options.why?.includes(w.id));
    for (const w of why) {
      out.push('');
      out.push(...renderWhy(w).map((l) => `  ${l}`));
    }
    const componentWhy = (a.workflows.why?.components ?? []).filter((c) => options.whyComponents?.includes(c.component));
    for (const c of componentWhy) {
      out.push('');
      out.push(...renderComponentWhy(c, options.verbose).map((l) => `  ${l}`));
    }
    if (!options.verbose && !why.length && !componentWhy.length && wfs.length) out.push('    (reach paths: --why <workflow|component> or --verbose)');
    out.push('');
    const t = a.trace.summary;
    if (!t.total && !a.trace.orphans.length) {
      // the sources searched: a few by name, all with --verbose (a repo's docs can be dozens of files)
      const src = a.requirementSources;
      const shown = options.verbose || src.length <= 3 ? src : src.slice(0, 3);
      const more = src.length - shown.length;
      out.push(
        `  Requirements: none found in ${src.length ? `${shown.join(', ')}${more ? ` and ${more} more file${more === 1 ? '' : 's'} (--verbose lists them)` : ''}` : 'the configured sources'}`,
      );
    } else {
      out.push(
        `  Requirements: ${t.total} defined, ${t.covered} covered (${t.coveredShare === null ? 'n/a' : formatValue(t.coveredShare, 'ratio')}), ${t.uncovered + t.onlySkipped} uncovered, ${t.coveredOnlyByUnit} only by unit tests; ${plural(t.orphans, 'orphan reference')}, ${plural(t.duplicates, 'duplicate definition')}`,
      );
      const all = requirementFindings(a.trace);
      const limit = options.verbose ? all.length : 25;
      const findings = all.slice(0, limit);
      if (findings.length)
        out.push(
          textTable(
            ['Severity', 'Id', 'Title', 'Why', 'Source'],
            findings.map((f) => {
              const row = a.trace.rows.find((r) => r.id === f.id);
              return [severityText(f.severity), f.id, truncate(row?.title ?? '', 50), f.message, f.file ? `${f.file}:${f.line ?? 0}` : ''];
            }),
            '    ',
            { maxWidth: options.width, shrink: [2, 3, 4], minWidth: { 2: 14, 3: 16 } },
          ),
        );
      if (all.length > limit) out.push(`    … ${all.length - limit} more (--verbose, or seams trace)`);
    }
    out.push('');
    if (a.targets.length) {
      out.push('  Targets:');
      const rows = targetRows(a.targets).map((r, i) => (a.targets[i]!.status === 'late' ? [...r.slice(0, -1), tone(String(r[r.length - 1]), 'bad')] : r));
      out.push(textTable(['Metric', 'Current', 'Target', 'Due', 'Status'], rows, '    '));
      out.push('');
    }
    const diag = a.diagnostics.filter((d) => d.severity !== 'info');
    if (diag.length) {
      out.push(`  ${plural(diag.length, 'diagnostic')}:`);
      for (const d of diag.slice(0, 10)) out.push(`    ${d.message}`);
      if (diag.length > 10) out.push(`    … ${diag.length - 10} more (--format json)`);
      out.push('');
    }
  }
  return out.join('\n');
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function renderGapsMarkdown(analyses: readonly RepoAnalysis[]): string {
  const out: string[] = [];
  out.push('## Current State', '');
  const tiers = [...new Set(analyses.flatMap((a) => a.tiers.map((t) => t.tier)))].sort(compareTiers);
  if (analyses.length === 1) {
    const a = analyses[0]!;
    out.push(mdTable(['Tier', 'Tests', 'Files'], [...a.tiers.map((t) => [t.tier, t.tests, t.files]), [md('**total**'), sum(a.tiers, 'tests'), sum(a.tiers, 'files')]]));
  } else {
    const header = ['Tier', ...analyses.map((a) => `${a.name} tests (files)`), 'Total tests'];
    const rows: MdCell[][] = tiers.map((tier) => {
      const per = analyses.map((a) => a.tiers.find((t) => t.tier === tier));
      return [tier, ...per.map((t) => (t ? `${t.tests} (${t.files})` : '0 (0)')), per.reduce((n, t) => n + (t?.tests ?? 0), 0)];
    });
    out.push(mdTable(header, rows));
  }
  out.push('');

  const multi = analyses.length > 1;
  const open = analyses.flatMap((a) => a.workflows.workflows.filter((w) => w.severity).map((w) => ({ a, w })));
  out.push('## Critical Workflows Without Integration Tests', '');
  if (!open.length) out.push(analyses.some((a) => a.workflows.workflows.length) ? 'Every declared workflow has an integration or e2e test.' : '_No workflows declared in seams.yaml._');
  else
    out.push(
      mdTable(
        [...(multi ? ['Repo'] : []), 'Workflow', 'Chain', 'Priority', 'Severity', 'Effort', 'Status'],
        open.map(({ a, w }) => [...(multi ? [a.name] : []), w.title === w.id ? w.id : md(`${mdText(w.title)} (${mdCode(w.id, true)})`), w.chain.join(' → '), w.priority, SEVERITY_LABEL[w.severity!]!, w.effort ?? '', statusText(w)]),
      ),
    );
  out.push('');
  const all = analyses.flatMap((a) => a.workflows.workflows.map((w) => ({ a, w })));
  if (all.length) {
    const wtiers = [...new Set(analyses.flatMap(workflowTiers))].sort(compareTiers);
    out.push('### Workflow coverage by tier', '');
    out.push(
      mdTable(
        [...(multi ? ['Repo'] : []), 'Workflow', 'Priority', ...wtiers, 'Status'],
        all.map(({ a, w }) => [...(multi ? [a.name] : []), w.id, w.priority, ...wtiers.map((t) => tierCell(w, t)), w.status === 'covered' ? 'covered' : statusText(w)]),
      ),
    );
    out.push('');
  }
  out.push(...reachMarkdown(analyses));

  const reqs = analyses.flatMap((a) => requirementFindings(a.trace).map((f) => ({ a, f, row: a.trace.rows.find((r) => r.id === f.id) })));
  out.push('## Requirements Without Tests', '');
  if (!reqs.length) out.push('Every requirement is referenced by a test.');
  else
    out.push(
      mdTable(
        [...(multi ? ['Repo'] : []), 'Requirement', 'Title', 'Severity', 'Why', 'Source'],
        reqs.map(({ a, f, row }) => [...(multi ? [a.name] : []), f.id, row?.title ?? '', SEVERITY_LABEL[f.severity]!, f.message, f.file ? md(mdCode(`${f.file}:${f.line ?? 0}`, true)) : '']),
      ),
    );
  out.push('');

  const targets = analyses.flatMap((a) => a.targets.map((t) => ({ a, t })));
  out.push('## Success Criteria', '');
  if (!targets.length) out.push('_No targets: in seams.yaml._');
  else
    out.push(
      mdTable(
        [...(multi ? ['Repo'] : []), 'Metric', 'Current', 'Target', 'Due', 'Status'],
        targets.map(({ a, t }) => [...(multi ? [a.name] : []), ...targetRows([t])[0]!]),
      ),
    );
  out.push('');
  return out.join('\n');
}

/** The reach in force and saturated components, as Markdown lines (none when import reach is unsaturated). */
export function reachMarkdown(analyses: readonly RepoAnalysis[], heading = '### Reach'): string[] {
  const lines: string[] = [];
  for (const a of analyses) {
    const prefix = analyses.length > 1 ? `${mdText(a.name)}: ` : '';
    const summary = reachSummaryLine(a.workflows.reach);
    if (summary) lines.push(`- ${prefix}${mdText(summary)}`);
    for (const sat of a.workflows.saturated) lines.push(`- ${prefix}**${mdText(saturationHint(sat, a.workflows.reach))}**`);
  }
  return lines.length ? [heading, '', ...lines, ''] : [];
}

/** The `--why <component|workflow> --format json` object (schemas/gaps-why.schema.json). */
export function whyJson(answer: { repo: string; component: ComponentWhy } | { repo: string; workflow: WorkflowWhy }, options: { verbose?: boolean } = {}) {
  const test = (t: { id: string; runner: string; project: string | null; tier: string }) => ({ id: t.id, runner: t.runner, project: t.project, tier: t.tier });
  const evidence = (c: { via?: string; evidence?: string; run?: string; stale?: boolean; path?: readonly { file: string; line: number }[] }) => ({
    evidence: c.evidence ?? c.via,
    ...(c.run ? { run: c.run } : {}),
    ...(c.stale ? { stale: true } : {}),
    ...(c.path ? { path: c.path.map((p) => ({ file: p.file, line: p.line })) } : {}),
  });
  if ('component' in answer) {
    const w = answer.component;
    return {
      repo: answer.repo,
      component: w.component,
      evidence: w.evidence,
      staticRunners: w.staticRunners,
      tests: w.tests.map((t) => ({ ...test(t), ...evidence(t) })),
      importedNotExecuted: w.importedNotExecuted.length,
      // the importers that did not execute it are test ids that do not reach it: only on request,
      // so the default object holds no test id but the reaching ones (a script audits reach with it)
      ...(options.verbose ? { importedNotExecutedTests: w.importedNotExecuted.map((t) => ({ ...test(t), path: t.path.map((p) => ({ file: p.file, line: p.line })) })) } : {}),
    };
  }
  const w = answer.workflow;
  return {
    repo: answer.repo,
    workflow: w.workflow,
    title: w.title,
    priority: w.priority,
    chain: w.chain,
    status: w.status,
    evidence: w.evidence,
    staticRunners: w.staticRunners,
    tests: w.tests.map((t) => ({ ...test(t), components: t.components.map((c) => ({ component: c.component, ...evidence(c) })) })),
    partialTests: w.partialTests,
    importedNotExecuted: w.importedNotExecuted,
  };
}

function sum<T>(list: readonly T[], key: keyof T): number {
  return list.reduce((n, x) => n + (x[key] as unknown as number), 0);
}

/** The `--format json` document (schemas/gaps.schema.json). */
export function gapsJson(analyses: readonly RepoAnalysis[], generatedAt: Date) {
  return analysisDocument(analyses, generatedAt, (a) => ({
    tiers: a.tiers,
    findings: a.findings,
    workflows: a.workflows.workflows,
    components: a.workflows.components,
    reach: a.workflows.reach,
    saturated: a.workflows.saturated,
    requirements: { summary: a.trace.summary, findings: requirementFindings(a.trace) },
    targets: a.targets,
    metrics: a.metrics,
    graph: a.graph,
    diagnostics: a.diagnostics,
  }));
}
