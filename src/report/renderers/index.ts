import { gapsRenderers, traceRenderers } from './analysis.js';
import { gateRenderers, githubRenderers } from './gate.js';
import { flakyRenderers, ingestRenderers, runRenderers } from './history.js';
import { reportRenderers } from './report.js';
import { scanRenderers } from './scan.js';

/**
 * Every renderer of seams, by command and format name (as a test runner's reporters map):
 * values in, text out. No renderer reads a file or computes a metric; app/ hands them what to
 * show. Each command's map lives in its own module, so a CLI command loads only its renderers;
 * this map gathers them for the library API.
 */
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

export { scanRenderers, gapsRenderers, traceRenderers, gateRenderers, githubRenderers, reportRenderers, ingestRenderers, flakyRenderers, runRenderers };
export type { ScanView, ScanFormat } from './scan.js';
export type { AnalysisRenderOptions, AnalysisFormat } from './analysis.js';
export type { GateFormat } from './gate.js';
