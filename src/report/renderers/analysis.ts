import type { RepoAnalysis } from '../../core/analysis.js';
import { gapsJson, renderGapsMarkdown, renderGapsText, whyJson, type GapsRenderOptions } from '../gaps.js';
import { renderTraceMarkdown, renderTraceText, traceJson } from '../trace.js';
import { json } from './json.js';
import { terminal } from '../../util/term.js';

export interface AnalysisRenderOptions extends GapsRenderOptions {
  /** The time stamp of the JSON document. */
  now?: Date;
}

/** `seams gaps`: workflow gaps and target progress. */
export const gapsRenderers = {
  text: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => renderGapsText(a, { ...o, width: terminal().wide ? undefined : o.width }),
  json: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => json(gapsJson(a, o.now ?? new Date())),
  markdown: (a: readonly RepoAnalysis[]) => renderGapsMarkdown(a),
};

/** `seams gaps --why <id> --format json`: one object, the tests reaching a component or workflow (schemas/gaps-why.schema.json). */
export const gapsWhyRenderers = {
  json: (answer: Parameters<typeof whyJson>[0], o: { verbose?: boolean } = {}) => json(whyJson(answer, o)),
};

/** `seams trace`: the requirement → tests matrix. */
export const traceRenderers = {
  text: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => renderTraceText(a, o),
  json: (a: readonly RepoAnalysis[], o: AnalysisRenderOptions = {}) => json(traceJson(a, o.now ?? new Date())),
  markdown: (a: readonly RepoAnalysis[]) => renderTraceMarkdown(a),
};

export type AnalysisFormat = keyof typeof gapsRenderers;
