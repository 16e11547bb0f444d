import type { RepoAnalysis } from '../core/analysis.js';
import type { GateReport } from '../core/metrics/types.js';
import type { Inventory, RepoInventory, VerifyReport } from '../core/types.js';
import { gapsJson, renderGapsMarkdown, renderGapsText, type GapsRenderOptions } from './gaps.js';
import { renderGateJson, renderGateJunit, renderGateMarkdown, renderGateText, renderGithubAnnotations } from './gate.js';
import { renderFlakyJson, renderFlakyText, renderIngestText } from './history.js';
import { renderHtmlReport, type ReportInput } from './html/index.js';
import { renderCompletionMarkdown, type CompletionReport } from './markdown-report.js';
import { renderRunText } from './run.js';
import { renderScanMarkdown, renderScanText } from './scan.js';
import { renderTraceMarkdown, renderTraceText, traceJson } from './trace.js';

/**
 * Every renderer of seams, by command and format name (as a test runner's reporters map):
 * values in, text out. No renderer reads a file or computes a metric; app/ hands them what to
 * show. The CLI picks `renderers.<command>[format]`.
 */

/** An inventory whose repos may carry their `--verify` results (app/scan.ts ScanResult). */
export interface ScanView extends Inventory {
  repos: (RepoInventory & { verification?: VerifyReport[] })[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const verificationOf = (v: ScanView): VerifyReport[][] => (v.repos.some((r) => r.verification) ? v.repos.map((r) => r.verification ?? []) : []);

export const scanRenderers = {
  text: (v: ScanView) => renderScanText(v, verificationOf(v)),
  json: (v: ScanView) => json(v),
  markdown: (v: ScanView) => renderScanMarkdown(v, verificationOf(v)),
};

export interface AnalysisRenderOptions extends GapsRenderOptions {
  /** The time stamp of the JSON document. */
  now?: Date;
}

export const gapsRenderers = {
  text: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => renderGapsText(a, o),
  json: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => json(gapsJson(a, o.now ?? new Date())),
  markdown: (a: readonly RepoAnalysis[]) => renderGapsMarkdown(a),
};

export const traceRenderers = {
  text: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => renderTraceText(a, o),
  json: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => json(traceJson(a, o.now ?? new Date())),
  markdown: (a: readonly RepoAnalysis[]) => renderTraceMarkdown(a),
};

export const gateRenderers = {
  text: (r: GateReport[]) => renderGateText(r),
  json: (r: GateReport[]) => renderGateJson(r),
  junit: (r: GateReport[]) => renderGateJunit(r),
  markdown: (r: GateReport[]) => renderGateMarkdown(r),
};

export const reportRenderers = {
  html: (input: ReportInput) => renderHtmlReport(input),
  markdown: (input: CompletionReport) => renderCompletionMarkdown(input),
};

/** GitHub Actions: `::error` annotations and the job summary (Markdown). */
export const githubRenderers = {
  annotations: renderGithubAnnotations,
  summary: (r: GateReport[]) => renderGateMarkdown(r),
};

export const ingestRenderers = { text: renderIngestText };
export const flakyRenderers = { text: renderFlakyText, json: renderFlakyJson };
/** The terminal summary of `seams run` (its JSON is the run record itself). */
export const runRenderers = { text: renderRunText };

export const renderers = {
  scan: scanRenderers,
  gaps: gapsRenderers,
  trace: traceRenderers,
  gate: gateRenderers,
  report: reportRenderers,
  github: githubRenderers,
  ingest: ingestRenderers,
  flaky: flakyRenderers,
  run: runRenderers,
};

export type ScanFormat = keyof typeof scanRenderers;
export type AnalysisFormat = keyof typeof gapsRenderers;
export type GateFormat = keyof typeof gateRenderers;
