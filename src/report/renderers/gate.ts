import type { GateReport } from '../../core/metrics/types.js';
import { renderGateJson, renderGateJunit, renderGateMarkdown, renderGateText, renderGithubAnnotations } from '../gate.js';

/** `seams gate`: each rule, its value, threshold and verdict. */
export const gateRenderers = {
  text: (r: GateReport[]) => renderGateText(r),
  json: (r: GateReport[]) => renderGateJson(r),
  junit: (r: GateReport[]) => renderGateJunit(r),
  markdown: (r: GateReport[]) => renderGateMarkdown(r),
};

/** GitHub Actions: `::error` annotations and the job summary (Markdown). */
export const githubRenderers = {
  annotations: renderGithubAnnotations,
  summary: (r: GateReport[]) => renderGateMarkdown(r),
};

export type GateFormat = keyof typeof gateRenderers;
