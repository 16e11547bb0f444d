import type { LoadedConfig } from '../config/index.js';
import { analyzeWorkflows, type GapSeverity, type WorkflowAnalysis } from '../core/gaps.js';
import { countFindings } from '../core/findings.js';
import { computeMetrics, metricValue, targetProgress, type MetricContext, type MetricResult, type TargetProgress } from '../core/metrics.js';
import { summarizeRepo } from '../core/summary.js';
import { buildTrace, INTEGRATION_LEVEL_TIERS, type TraceReport } from '../core/trace.js';
import type { Diagnostic, RepoInventory, Tier } from '../core/types.js';
import { buildImportGraph } from '../graph/index.js';
import { readRequirements } from '../requirements/index.js';
import { createFileLister } from '../scan/index.js';
import { companionFilesOf } from '../runners/registry.js';

/**
 * The gaps and traceability analysis of one scanned repository: reads what it needs (the
 * import graph from the test files, the requirement sources) and hands plain data to the pure
 * analyses in core (gaps, trace, metrics). Used by `seams gaps`, `seams trace`, and by gate /
 * report through `externalMetrics`.
 */

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

export interface AnalyzeOptions {
  now?: Date;
  /** Reach examples per workflow and tier (for --why); default 3. */
  examples?: number;
}

export async function analyzeRepo(inventory: RepoInventory, loaded: LoadedConfig, options: AnalyzeOptions = {}): Promise<RepoAnalysis> {
  const config = loaded.config;
  const files = await createFileLister(inventory.root)();
  const diagnostics: Diagnostic[] = [];
  const hasComponents = Object.keys(config.components).length > 0;
  const testFiles = [...new Set(inventory.tests.map((t) => t.file))];
  const conftests = files.filter((f) => f === 'conftest.py' || f.endsWith('/conftest.py'));
  const build = hasComponents
    ? buildImportGraph(inventory.root, { files, entries: [...testFiles, ...conftests] })
    : { graph: { files: {} }, diagnostics: [], parsed: 0 };
  diagnostics.push(...build.diagnostics);
  const workflows = analyzeWorkflows({
    tests: inventory.tests,
    graph: build.graph,
    components: config.components,
    workflows: config.workflows,
    files,
    companions: companionFilesOf(inventory.tests, files),
    examples: options.examples,
  });
  for (const d of workflows.diagnostics) diagnostics.push({ severity: 'warning', code: d.code, message: d.message, ...(d.file ? { file: d.file } : {}), ...(d.line ? { line: d.line } : {}) });

  const req = await readRequirements(inventory.root, files, config.requirements.sources, config.requirements.pattern, {
    explicit: loaded.user.requirements?.sources !== undefined,
  });
  diagnostics.push(...req.diagnostics);
  const integrationTiers = [...new Set([...INTEGRATION_LEVEL_TIERS, ...Object.values(config.workflows).flatMap((w) => w.tiers)])];
  const trace = buildTrace({
    definitions: req.definitions,
    tests: inventory.tests,
    needsIntegration: config.requirements.needsIntegration,
    critical: config.requirements.critical,
    integrationTiers,
  });
  const ctx: MetricContext = { tests: inventory.tests, files: inventory.files, workflows, trace, requirementSources: req.sources };
  const summary = summarizeRepo(inventory);
  return {
    name: inventory.name,
    root: inventory.root,
    configFile: loaded.file,
    tiers: summary.tiers.map((t) => ({ tier: t.tier, tests: t.tests, files: t.files })),
    workflows,
    trace,
    requirementSources: req.sources,
    targets: targetProgress(config.targets, ctx, options.now ?? new Date()),
    metrics: computeMetrics(ctx),
    findings: countFindings(workflows, trace),
    diagnostics,
    graph: { parsed: build.parsed, files: Object.keys(build.graph.files).length },
  };
}

/** For the gate engine (`GateContext.external`): workflow / requirement / component metrics. */
export function externalMetrics(analysis: RepoAnalysis, inventory: RepoInventory): (metric: string) => MetricResult | undefined {
  const ctx: MetricContext = { tests: inventory.tests, files: inventory.files, workflows: analysis.workflows, trace: analysis.trace, requirementSources: analysis.requirementSources };
  return (metric) => {
    const head = metric.split('.')[0];
    if (head !== 'workflows' && head !== 'requirements' && head !== 'components') return undefined;
    return metricValue(metric, ctx);
  };
}
