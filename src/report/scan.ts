import { summarizeRepo, type RepoSummary, type TierSummary } from '../core/summary.js';
import { formatPercent } from '../core/metrics/vocabulary.js';
import { compareTiers } from '../core/tiers.js';
import type { Diagnostic, Inventory, VerifyReport } from '../core/types.js';
import { plural } from '../util/strings.js';
import { textTable, type Cell } from '../util/table.js';
import { md, mdCode, mdTable, mdText, type MdCell } from './markdown.js';

/** Renderers of the scan inventory: terminal text and Markdown for planning documents. */

const dash = (n: number) => (n === 0 ? '' : String(n));

function tierRow(s: TierSummary): Cell[] {
  return [s.tier, s.files, s.tests, dash(s.skipped), dash(s.xfail + s.todo), dash(s.dynamic)];
}
const HEADER = ['Tier', 'Files', 'Tests', 'Skipped', 'xfail/todo', 'Dynamic'];

/** `resolved natively: 5,184 tests in 3 files (pytest)`, or null when `--resolve` listed nothing. */
function resolvedLine(s: RepoSummary): string | null {
  if (!s.resolved.length) return null;
  const tests = s.resolved.reduce((n, r) => n + r.tests, 0);
  const files = s.resolved.reduce((n, r) => n + r.files, 0);
  return `resolved natively: ${plural(tests, 'test')} in ${plural(files, 'file')} (${s.resolved.map((r) => r.runner).join(', ')}), listed by the runner where seams found dynamic tests`;
}

function runnersLine(s: RepoSummary): string {
  if (!s.runners.length) return 'no test runner found';
  return s.runners.map((r) => (r.projects > 1 ? `${r.runner} (${r.projects} projects)` : r.runner)).join(', ');
}

/** Combined tiers across repos: one column pair per repo plus the total. */
function combinedRows(summaries: RepoSummary[]): { header: Cell[]; rows: Cell[][] } {
  const tiers = [...new Set(summaries.flatMap((s) => s.tiers.map((t) => t.tier)))].sort(compareTiers);
  const header: Cell[] = ['Tier', ...summaries.map((s) => `${s.name} tests (files)`), 'Total tests', 'Total files'];
  const cell = (t?: TierSummary) => (t ? `${t.tests} (${t.files})` : '0 (0)');
  const rows = tiers.map((tier) => {
    const per = summaries.map((s) => s.tiers.find((t) => t.tier === tier));
    return [
      tier,
      ...per.map(cell),
      per.reduce((n, t) => n + (t?.tests ?? 0), 0),
      per.reduce((n, t) => n + (t?.files ?? 0), 0),
    ];
  });
  rows.push([
    'total',
    ...summaries.map((s) => cell(s.total)),
    summaries.reduce((n, s) => n + s.total.tests, 0),
    summaries.reduce((n, s) => n + s.total.files, 0),
  ]);
  return { header, rows };
}

export function renderScanText(inventory: Inventory, verification: VerifyReport[][] = []): string {
  const out: string[] = [];
  const summaries = inventory.repos.map(summarizeRepo);
  summaries.forEach((s, i) => {
    out.push(`${s.name}  ${s.root}`);
    out.push(`  runners: ${runnersLine(s)}`);
    out.push(textTable(HEADER, [...s.tiers.map(tierRow), tierRow(s.total)]));
    const resolved = resolvedLine(s);
    if (resolved) out.push(`  ${resolved}`);
    out.push(...renderProblems(inventory.repos[i]!.diagnostics));
    for (const report of verification[i] ?? []) out.push(...renderVerifyText(report));
    out.push('');
  });
  if (summaries.length > 1) {
    out.push('all repositories');
    const { header, rows } = combinedRows(summaries);
    out.push(textTable(header, rows));
    out.push('');
  }
  return out.join('\n');
}

const MAX_LISTED = 20;
const MAX_PROBLEMS = 8;

/** `file:line: message`, without repeating a path the message already starts with. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}` : '';
  if (!where || d.message.startsWith(d.file!)) return d.message;
  return `${where}: ${d.message}`;
}

/** Errors and warnings, one line each (the first few); info diagnostics are only counted. */
export function renderProblems(diagnostics: readonly Diagnostic[]): string[] {
  const problems = diagnostics.filter((d) => d.severity !== 'info');
  const infos = diagnostics.length - problems.length;
  const lines: string[] = [];
  if (problems.length) {
    lines.push(`  ${plural(problems.length, 'problem')}:`);
    for (const d of problems.slice(0, MAX_PROBLEMS)) lines.push(`    ${d.severity === 'error' ? 'error' : 'warn '} ${formatDiagnostic(d)}`);
    if (problems.length > MAX_PROBLEMS) lines.push(`    … ${problems.length - MAX_PROBLEMS} more (--format json lists all)`);
  }
  if (infos > 0 && infos <= 3) for (const d of diagnostics.filter((x) => x.severity === 'info')) lines.push(`  note: ${formatDiagnostic(d)}`);
  else if (infos) lines.push(`  ${plural(infos, 'note')} (--format json lists them)`);
  return lines;
}

/** What a verification compares: `jest --listTests` lists files, the other collectors test ids. */
const verifyUnit = (r: VerifyReport) => (r.unit === 'files' ? 'test files' : 'ids');

export function renderVerifyText(r: VerifyReport): string[] {
  const label = `verify ${r.runner}${r.project ? ` [${r.project}]` : ''}`;
  if (r.error) return [`  ${label}: could not run \`${r.command}\`: ${r.error}`];
  const lines = [
    `  ${label}: ${r.matched} of ${Math.max(r.nativeCount, r.staticCount)} ${verifyUnit(r)} match (${formatPercent(r.matchRate)}); native ${r.nativeCount}, seams ${r.staticCount} — \`${r.command}\``,
  ];
  lines.push(...renderVerifyFiles(r));
  const list = (title: string, ids: string[]) => {
    if (!ids.length) return;
    lines.push(`    ${title}:`);
    for (const id of ids.slice(0, MAX_LISTED)) lines.push(`      ${id}`);
    if (ids.length > MAX_LISTED) lines.push(`      … ${ids.length - MAX_LISTED} more (--format json lists all)`);
  };
  list(`collected by ${r.runner}, missed by seams (${r.missing.length})`, r.missing);
  list(`found by seams, not collected by ${r.runner} (${r.extra.length})`, r.extra);
  if (r.erroredFiles.length)
    lines.push(`    left out, ${r.runner} could not collect: ${r.erroredFiles.slice(0, 10).join(', ')}${r.erroredFiles.length > 10 ? ', …' : ''}`);
  return lines;
}

const MAX_FILE_ROWS = 20;

/** The totals line of a verification: identical, missing, extra, and the share dynamic tests explain. */
export function verifyTotalsLine(r: VerifyReport): string | null {
  if (!r.files) return null;
  const differing = r.files.filter((f) => f.missing || f.extra);
  const differences = r.missing.length + r.extra.length;
  const what = r.unit === 'files' ? 'test files' : 'ids';
  const head = `${r.matched} ${what} identical, ${r.missing.length} missing, ${r.extra.length} extra — ${differing.length} of ${plural(r.files.length, 'file')} differ`;
  if (!differences) return head;
  const explained = r.explained ?? 0;
  const rest = differences - explained;
  const share =
    explained === 0
      ? `none of the ${plural(differences, 'difference')} comes from a test seams listed as dynamic`
      : explained === differences
        ? `${differences === 1 ? 'the difference comes' : `all ${differences} differences come`} from tests seams listed as dynamic (--resolve lists those natively)`
        : `${explained} of the ${differences} differences (${formatPercent(explained / differences)}) come from tests seams listed as dynamic (--resolve lists those natively); ${rest} ${rest === 1 ? 'does' : 'do'} not`;
  return `${head}; ${share}`;
}

/** The files with differences, most first (the first 20), under a totals line. */
export function renderVerifyFiles(r: VerifyReport): string[] {
  const totals = verifyTotalsLine(r);
  if (!totals || !r.files) return [];
  const lines = [`    ${totals}`];
  const differing = r.files.filter((f) => f.missing || f.extra).sort((a, b) => b.missing + b.extra - (a.missing + a.extra) || (a.file < b.file ? -1 : 1));
  if (!differing.length) return lines;
  const rows: Cell[][] = differing.slice(0, MAX_FILE_ROWS).map((f) => [f.file, f.identical, dash(f.missing), dash(f.extra), dash(f.explained), dash(f.dynamic)]);
  lines.push(textTable(['File', 'Identical', 'Missing', 'Extra', 'From dynamic', 'Dynamic'], rows, '    '));
  if (differing.length > MAX_FILE_ROWS) lines.push(`    … ${differing.length - MAX_FILE_ROWS} more files differ (--format json lists all)`);
  return lines;
}

export function renderScanMarkdown(inventory: Inventory, verification: VerifyReport[][] = []): string {
  const out: string[] = [];
  const summaries = inventory.repos.map(summarizeRepo);
  out.push('## Current State', '');
  summaries.forEach((s, i) => {
    out.push(`### ${mdText(s.name)}`, '', `Runners: ${mdText(runnersLine(s))}`, '');
    out.push(mdTable(HEADER, [...s.tiers.map(tierRow), tierRow(s.total).map((c, j): MdCell => (j === 0 ? md('**total**') : c))]));
    const resolved = resolvedLine(s);
    if (resolved) out.push('', `_${mdText(resolved[0]!.toUpperCase() + resolved.slice(1))}._`);
    const verified = verification[i];
    if (verified?.length) {
      out.push('');
      for (const r of verified)
        out.push(
          r.error
            ? `- ${r.runner}${r.project ? ` \\[${mdText(r.project)}\\]` : ''}: unverified (${mdText(r.error)})`
            : `- ${r.runner}${r.project ? ` \\[${mdText(r.project)}\\]` : ''}: verified via ${mdCode(r.command)} — ${r.matched}/${Math.max(r.nativeCount, r.staticCount)} ${verifyUnit(r)} match (${formatPercent(r.matchRate)})${verifyTotalsLine(r) ? `; ${mdText(verifyTotalsLine(r)!)}` : ''}`,
        );
    } else {
      out.push('', '_Counts are static (unverified); run `seams scan --verify` to check them against the runners._');
    }
    if (s.unparsed.length) out.push('', `${plural(s.unparsed.length, 'file')} could not be parsed: ${s.unparsed.map((d) => mdCode(d.file ?? '')).join(', ')}`);
    out.push('');
  });
  if (summaries.length > 1) {
    out.push('### All repositories', '');
    const { header, rows } = combinedRows(summaries);
    out.push(mdTable(header, rows), '');
  }
  return out.join('\n');
}
