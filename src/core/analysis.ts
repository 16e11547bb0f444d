import type { GapSeverity, WorkflowAnalysis } from './gaps.js';
import type { AnalysisValues } from './metrics/types.js';
import type { TargetProgress } from './targets.js';
import type { TraceReport } from './trace.js';
import type { Diagnostic, Tier } from './types.js';

/** The results of the gaps / traceability analysis (src/analysis computes them; reports render them). */

/** Workflows and traceability of one repo: what the metric vocabulary needs (no targets). */
export interface RepoAnalysisCore extends AnalysisValues {
  requirementSources: string[];
  diagnostics: Diagnostic[];
  graph: { parsed: number; files: number };
}

export interface RepoAnalysis {
  name: string;
  root: string;
  configFile: string | null;
  tiers: { tier: Tier; tests: number; files: number }[];
  workflows: WorkflowAnalysis;
  trace: TraceReport;
  /** Requirement source files that were read. */
  requirementSources: string[];
  targets: TargetProgress[];
  metrics: Record<string, number | null>;
  findings: Record<GapSeverity, number>;
  diagnostics: Diagnostic[];
  /** Files parsed for the import graph / reachable files. */
  graph: { parsed: number; files: number };
}
