import path from 'node:path';
import type { RepoAnalysis } from '../core/analysis.js';
import { analysisDocument } from './analysis-json.js';
import { requirementFindings } from '../core/findings.js';
import type { ComponentReach, TestReach, WorkflowGap } from '../core/gaps.js';
import type { ReachStep } from '../core/graph.js';
import { formatValue } from '../core/metrics/vocabulary.js';
import type { TargetProgress } from '../core/targets.js';
import { dueText } from '../core/dates.js';
import { compareTiers } from '../core/tiers.js';
import { plural } from '../util/strings.js';
import { textTable, type Cell } from '../util/table.js';
import { md, mdCode, mdTable, mdText, type MdCell } from './markdown.js';

/** Renderers of `seams gaps`: terminal text, Markdown for planning documents, and JSON. */

export interface GapsRenderOptions {
  /** Show reach paths for these workflows (`--why`), or all (`verbose`). */
  why?: string[];
  verbose?: boolean;
  cwd?: string;
  /** Terminal width: wide tables are narrowed to it (cut cells end in …). Unset: full width (pipes, CI logs). */
  width?: number;
}

const SEVERITY_LABEL: Record<string, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

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

function reachLine(c: ComponentReach): string {
  if (c.via === 'marker') return 'named by the test (component marker / tag)';
  if (c.via === 'workflow-tag') return 'the test is tagged with the workflow';
  return `imports: ${renderPath(c.path ?? [])}`;
}

function renderReach(r: TestReach, chain: readonly string[], indent: string): string[] {
  const out = [`${indent}${r.test}  [${r.tier}${r.status !== 'active' ? `, ${r.status}` : ''}]`];
  const width = Math.max(...chain.map((c) => c.length));
  for (const c of chain) {
    const hit = r.components.find((x) => x.component === c);
    out.push(`${indent}  ${c.padEnd(width)}  ${hit ? reachLine(hit) : 'NOT REACHED'}`);
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
    out.push('');
    const wfs = a.workflows.workflows;
    if (!wfs.length) out.push('  Workflows: none declared (add components: and workflows: to seams.yaml)');
    else {
      const open = wfs.filter((w) => w.severity);
      const counts = ['critical', 'high', 'medium'].map((s) => `${open.filter((w) => w.severity === s).length} ${s}`).join(', ');
      out.push(`  Workflows: ${wfs.length}, ${wfs.length - open.length} covered; gaps: ${counts}`);
      const tiers = workflowTiers(a);
      const rows = wfs.map((w) => [
        w.severity ? SEVERITY_LABEL[w.severity]! : 'ok',
        w.id,
        w.priority,
        w.chain.join(' → '),
        ...tiers.map((t) => tierCell(w, t)),
        statusText(w),
      ]);
      out.push(textTable(['Severity', 'Workflow', 'P', 'Chain', ...tiers, 'Status'], rows, '    ', { maxWidth: options.width, shrink: [3, 4 + tiers.length] }));
      const unreached = a.workflows.components.filter((c) => c.severity);
      if (unreached.length) out.push(`    components no test reaches (low): ${unreached.map((c) => c.id).join(', ')}`);
      const why = options.verbose ? wfs : wfs.filter((w) => options.why?.includes(w.id));
      for (const w of why) {
        out.push('');
        out.push(...renderWhy(w).map((l) => `  ${l}`));
      }
      if (!options.verbose && !why.length && wfs.length) out.push('    (reach paths: --why <workflow> or --verbose)');
    }
    out.push('');
    const t = a.trace.summary;
    if (!t.total && !a.trace.orphans.length) {
      out.push(`  Requirements: none found in ${a.requirementSources.length ? a.requirementSources.join(', ') : 'the configured sources'}`);
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
              return [SEVERITY_LABEL[f.severity]!, f.id, truncate(row?.title ?? '', 50), f.message, f.file ? `${f.file}:${f.line ?? 0}` : ''];
            }),
            '    ',
            { maxWidth: options.width, shrink: [2, 3] },
          ),
        );
      if (all.length > limit) out.push(`    … ${all.length - limit} more (--verbose, or seams trace)`);
    }
    out.push('');
    if (a.targets.length) {
      out.push('  Targets:');
      out.push(textTable(['Metric', 'Current', 'Target', 'Due', 'Status'], targetRows(a.targets), '    '));
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
    requirements: { summary: a.trace.summary, findings: requirementFindings(a.trace) },
    targets: a.targets,
    metrics: a.metrics,
    graph: a.graph,
    diagnostics: a.diagnostics,
  }));
}
