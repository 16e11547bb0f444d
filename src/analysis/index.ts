import type { RepoAnalysis, RepoAnalysisCore } from '../core/analysis.js';
import type { LoadedConfig } from '../config/index.js';
import type { MeasuredReach } from '../core/reach.js';
import { analyzeWorkflows } from '../core/gaps.js';
import { countFindings } from '../core/findings.js';
import { computeMetrics, type MetricContext } from '../core/metrics/index.js';
import { targetProgress } from '../core/targets.js';
import { summarizeRepo } from '../core/summary.js';
import { buildTrace, INTEGRATION_LEVEL_TIERS } from '../core/trace.js';
import type { Diagnostic, RepoInventory } from '../core/types.js';
import { buildImportGraph } from '../graph/index.js';
import { readRequirements } from '../requirements/index.js';

/**
 * The gaps and traceability analysis of one scanned repository: reads what it needs (the
 * import graph from the test files, the requirement sources) and hands plain data to the pure
 * analyses in core (gaps, trace, metrics). Used by `seams gaps`, `seams trace`, and by gate /
 * report (through app/, as the `analysis` of the metric inputs). The repo's file list is passed
 * in (app/ lists it), so this layer does not depend on the scanner.
 */

export type { RepoAnalysis, RepoAnalysisCore };

export interface AnalyzeOptions {
  /** Every repo file (repo-relative, POSIX), from the scanner's file lister. */
  files: readonly string[];
  /**
   * Files a runner loads together with a test file (pytest's conftest.py chain), keyed by
   * `runner \0 file`: app/ builds it from the registry (`companionFilesOf`).
   */
  companions?: ReadonlyMap<string, readonly string[]>;
  now?: Date;
  /** Reach examples per workflow and tier (for --why); default 3. */
  examples?: number;
  /** Measured reach from the history (`seams run --reach`); without it, import reach only. */
  measured?: MeasuredReach;
  /** Components and workflows to answer `--why` for (every reaching test). */
  why?: { components?: readonly string[]; workflows?: readonly string[] };
}

/** The workflow and traceability analysis (reads the import graph and requirement sources). */
export async function analyzeRepoCore(inventory: RepoInventory, loaded: LoadedConfig, options: AnalyzeOptions): Promise<RepoAnalysisCore> {
  const config = loaded.config;
  const files = options.files;
  const diagnostics: Diagnostic[] = [];
  const hasComponents = Object.keys(config.components).length > 0;
  const testFiles = [...new Set(inventory.tests.map((t) => t.file))];
  const companions = options.companions ?? new Map<string, readonly string[]>();
  const companionFiles = [...new Set([...companions.values()].flat())];
  const build = hasComponents
    ? buildImportGraph(inventory.root, { files: [...files], entries: [...testFiles, ...companionFiles] })
    : { graph: { files: {} }, diagnostics: [], parsed: 0 };
  diagnostics.push(...build.diagnostics);
  const workflows = analyzeWorkflows({
    tests: inventory.tests,
    graph: build.graph,
    components: config.components,
    workflows: config.workflows,
    files,
    companions,
    examples: options.examples,
    measured: options.measured,
    why: options.why,
  });
  for (const d of workflows.diagnostics) diagnostics.push({ severity: 'warning', code: d.code, message: d.message, ...(d.file ? { file: d.file } : {}), ...(d.line ? { line: d.line } : {}) });

  const req = await readRequirements(inventory.root, [...files], config.requirements.sources, config.requirements.pattern, {
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
  return { workflows, trace, requirementSources: req.sources, diagnostics, graph: { parsed: build.parsed, files: Object.keys(build.graph.files).length } };
}

/** The full analysis `seams gaps` and `seams trace` show: workflows, traceability, targets, metrics, findings. */
export async function analyzeRepo(inventory: RepoInventory, loaded: LoadedConfig, options: AnalyzeOptions): Promise<RepoAnalysis> {
  const core = await analyzeRepoCore(inventory, loaded, options);
  const { workflows, trace } = core;
  const ctx: MetricContext = { tests: inventory.tests, files: inventory.files, workflows, trace, requirementSources: core.requirementSources };
  const summary = summarizeRepo(inventory);
  return {
    name: inventory.name,
    root: inventory.root,
    configFile: loaded.file,
    tiers: summary.tiers.map((t) => ({ tier: t.tier, tests: t.tests, files: t.files })),
    workflows,
    trace,
    requirementSources: core.requirementSources,
    targets: targetProgress(loaded.config.targets, ctx, options.now ?? new Date()),
    metrics: computeMetrics(ctx),
    findings: countFindings(workflows, trace),
    diagnostics: core.diagnostics,
    graph: core.graph,
  };
}
