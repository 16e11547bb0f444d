import type { FlakyReport } from '../core/flaky.js';
import type { RunRecord } from '../core/types.js';
import { textTable } from '../util/table.js';

/** Renderers of `seams ingest` and `seams flaky`: values in, text out. */

/** What storing one run did (execute/ingest.ts IngestReport). */
export interface IngestView {
  runId: string;
  files: string[];
  save: {
    inserted: boolean;
    merged?: boolean;
    counts: { total: number; passed: number; failed: number; error: number; skipped: number; notRun: number; xfailed?: number; xpassed?: number; flaky?: number };
    status: RunRecord['status'];
  };
  unknown: number;
  added?: string[];
  already?: string[];
}

/** The stdout lines of `seams ingest`, and the stderr notes (results that matched no test). */
export function renderIngestText(reports: readonly IngestView[], location: string): { stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const shards = (list: string[]) => `shard${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
  for (const r of reports) {
    const c = r.save.counts;
    if (!r.save.inserted) out.push(r.already?.length ? `${shards(r.already)} of run ${r.runId} already stored: nothing changed` : `run ${r.runId} is already stored: nothing changed`);
    else {
      const merged = r.save.merged || (r.added?.length ?? 0) > 0;
      const what = r.save.merged ? `${shards(r.added ?? [])} into run ${r.runId}` : `run ${r.runId}`;
      out.push(
        `${r.save.merged ? 'merged' : 'stored'} ${what} from ${r.files.length} file${r.files.length === 1 ? '' : 's'}: ${merged && r.save.merged ? 'now ' : ''}${c.total} results (${c.passed} passed, ${c.failed + c.error} failed, ${c.skipped} skipped, ${c.notRun} not run${(['xfailed', 'xpassed', 'flaky'] as const).map((k) => (c[k] ? `, ${c[k]} ${k}` : '')).join('')}) — ${r.save.status}`,
      );
      if (r.already?.length) out.push(`  ${shards(r.already)} already stored: not added again`);
    }
    if (r.unknown) err.push(`  ${r.unknown} result${r.unknown === 1 ? '' : 's'} matched no test in the inventory (stored with known=false)`);
  }
  out.push(`history: ${location}`);
  return { stdout: `${out.join('\n')}\n`, stderr: err.length ? `${err.join('\n')}\n` : '' };
}

export function renderFlakyJson(report: FlakyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderFlakyText(report: FlakyReport, location: string): string {
  if (!report.runs) return `no runs in history (${location}) yet: run seams run or seams ingest first\n`;
  const head = `${report.runs} run${report.runs === 1 ? '' : 's'} looked at${report.infraFailureRuns.length ? `, ${report.infraFailureRuns.length} left out as infrastructure failures (most tests failed): ${report.infraFailureRuns.join(', ')}` : ''}\n`;
  if (!report.flaky.length) return `${head}no flaky tests\n`;
  return `${head}\n${textTable(
    ['test', 'tier', 'why', 'pass', 'fail', 'flip rate'],
    report.flaky.map((f) => [f.id + (f.project ? ` [${f.project}]` : ''), f.tier ?? '', f.reasons.join(', '), f.passes, f.failures, `${Math.round(f.flipRate * 100)}%`]),
  )}\n`;
}
