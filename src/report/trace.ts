import type { RepoAnalysis } from '../core/analysis.js';
import { analysisDocument } from './analysis-json.js';
import { compareTiers } from '../core/tiers.js';
import type { TraceRow, TraceStatus } from '../core/trace.js';
import { plural } from '../util/strings.js';
import { textTable, type Cell } from '../util/table.js';
import { tone } from '../util/term.js';
import { md, mdCode, mdTable, mdText } from './markdown.js';
import { formatValue } from '../core/metrics/vocabulary.js';

/** Renderers of `seams trace`: the requirement → tests matrix. */

const STATUS_TEXT: Record<TraceStatus, string> = {
  covered: 'covered',
  'covered-only-by-unit': 'only unit (needs integration)',
  'only-skipped': 'only skipped tests',
  uncovered: 'UNCOVERED',
};

function matrixTiers(a: RepoAnalysis): string[] {
  const tiers = new Set<string>(['unit']);
  for (const r of a.trace.rows) for (const t of r.tiers) tiers.add(t.tier);
  for (const t of a.tiers) if (t.tier === 'integration' || t.tier === 'e2e') tiers.add(t.tier);
  return [...tiers].sort(compareTiers);
}

const tierCount = (r: TraceRow, tier: string) => r.tiers.find((t) => t.tier === tier)?.tests.length ?? 0;

/** The diagnostics about requirement sources (trace shows them; gaps shows every diagnostic). */
const TRACE_DIAGNOSTICS = new Set(['UNREADABLE', 'REQUIREMENTS_SKIPPED', 'REQUIREMENTS_SOURCE_EMPTY', 'REQUIREMENTS_NONE_DEFINED']);

function summaryLine(a: RepoAnalysis): string {
  const s = a.trace.summary;
  return `${s.total} requirements, ${s.covered} covered (${s.coveredShare === null ? 'n/a' : formatValue(s.coveredShare, 'ratio')}), ${s.coveredOnlyByUnit} only by unit tests, ${s.uncovered + s.onlySkipped} uncovered; ${plural(s.orphans, 'orphan reference')}, ${plural(s.duplicates, 'duplicate definition')}`;
}

export function renderTraceText(analyses: readonly RepoAnalysis[], options: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  for (const a of analyses) {
    out.push(`${a.name}: ${summaryLine(a)}`);
    const problems = a.diagnostics.filter((d) => TRACE_DIAGNOSTICS.has(d.code));
    for (const d of problems) out.push(`  warning: ${d.message}`);
    if (!a.requirementSources.length && !problems.length)
      out.push('  no requirement sources matched (requirements.sources in seams.yaml; default specs/**/*.md, docs/**/*.md)');
    const tiers = matrixTiers(a);
    if (a.trace.rows.length) {
      const rows: Cell[][] = a.trace.rows.map((r) => [
        r.id + (r.critical ? ' !' : ''),
        r.status === 'uncovered' ? tone(STATUS_TEXT[r.status], 'bad') : STATUS_TEXT[r.status],
        r.title.length > 48 ? `${r.title.slice(0, 47)}…` : r.title,
        ...tiers.map((t) => tierCount(r, t)),
        `${r.file}:${r.line}`,
      ]);
      // on a narrow terminal the title gives way first, then the status (its word stays), the source last
      out.push(textTable(['Id', 'Status', 'Title', ...tiers, 'Source'], rows, '  ', { shrink: [2, 1, 3 + tiers.length], minWidth: { 2: 10, 1: 12 } }));
      if (a.trace.rows.some((r) => r.critical)) out.push('  ! critical (requirements.critical)');
    }
    if (options.verbose)
      for (const r of a.trace.rows) {
        if (!r.tiers.length) continue;
        out.push(`  ${r.id}`);
        for (const t of r.tiers) for (const test of t.tests) out.push(`    [${t.tier}] ${test.id}${test.status !== 'active' ? ` (${test.status})` : ''}`);
      }
    if (a.trace.orphans.length) {
      out.push('  orphan references (no source defines them):');
      for (const o of a.trace.orphans) out.push(`    ${o.id}  ${o.tests.map((t) => `${t.file}:${t.line}`).filter((v, i, l) => l.indexOf(v) === i).join(', ')} (${plural(o.tests.length, 'test')})`);
    }
    if (a.trace.duplicates.length) {
      out.push('  duplicate definitions:');
      for (const d of a.trace.duplicates) out.push(`    ${d.id}  ${d.definitions.map((x) => `${x.file}:${x.line}`).join(', ')}`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function renderTraceMarkdown(analyses: readonly RepoAnalysis[]): string {
  const out: string[] = ['## Traceability', ''];
  for (const a of analyses) {
    if (analyses.length > 1) out.push(`### ${mdText(a.name)}`, '');
    out.push(mdText(summaryLine(a).replace(/^./, (c) => c.toUpperCase()), { start: true }) + '.', '');
    const tiers = matrixTiers(a);
    if (a.trace.rows.length)
      out.push(
        mdTable(
          ['Requirement', 'Title', ...tiers, 'Status', 'Source'],
          a.trace.rows.map((r) => [r.critical ? md(`**${mdText(r.id)}**`) : r.id, r.title, ...tiers.map((t) => tierCount(r, t)), STATUS_TEXT[r.status], md(mdCode(`${r.file}:${r.line}`, true))]),
        ),
        '',
      );
    if (a.trace.orphans.length)
      out.push(
        '#### Orphan references',
        '',
        mdTable(['Id', 'Referenced by'], a.trace.orphans.map((o) => [o.id, md(o.tests.map((t) => mdCode(t.id, true)).join(', '))])),
        '',
      );
    if (a.trace.duplicates.length)
      out.push(
        '#### Duplicate definitions',
        '',
        mdTable(['Id', 'Defined at'], a.trace.duplicates.map((d) => [d.id, md(d.definitions.map((x) => mdCode(`${x.file}:${x.line}`, true)).join(', '))])),
        '',
      );
  }
  return out.join('\n');
}

/** The `--format json` document (schemas/trace.schema.json). */
export function traceJson(analyses: readonly RepoAnalysis[], generatedAt: Date) {
  return analysisDocument(analyses, generatedAt, (a) => ({
    sources: a.requirementSources,
    summary: a.trace.summary,
    requirements: a.trace.rows,
    orphans: a.trace.orphans,
    duplicates: a.trace.duplicates,
    diagnostics: a.diagnostics.filter((d) => TRACE_DIAGNOSTICS.has(d.code)),
  }));
}
