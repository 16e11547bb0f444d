/**
 * The library API of seams: the functions the CLI calls, for programs that embed it.
 * docs/api.md shows them in use.
 *
 *   scan(paths, opts)      inventory by tier (seams.yaml applied), optionally verified
 *   analyze(paths, opts)   workflow gaps, traceability, target progress
 *   gate(paths, opts)      gates and targets → reports (+ configuration errors)
 *   report(paths, opts)    the values of the HTML and Markdown reports (render with `renderers`)
 *   run(opts)              run tiers with their services, store the results
 *   init(root, opts)       propose / write seams.yaml
 *   loadRepoContext(root)  the per-repo pipeline: config, inventory, history, coverage, analysis
 */
export * from './core/types.js';
export {
  scan,
  analyze,
  gate,
  report,
  run,
  init,
  ingest,
  flaky,
  loadRepoContext,
  loadMeasuredReach,
  staticReachOf,
  type TestStaticReach,
  type LoadReachOptions,
  loadRepos,
  contextOf,
  verificationOf,
  verificationStatus,
  type ScanOptions,
  type ScanResult,
  type AnalyzeOptions,
  type GateOptions,
  type GateResult,
  type ReportOptions,
  type ReportResult,
  type RunOptions,
  type RunResult,
  type DifferingTest,
  type InitOptions,
  type InitResult,
  type IngestOptions,
  type IngestResult,
  type FlakyOptions,
  type FlakyResult,
  type RepoContext,
  type RepoContextOptions,
  type HistoryWindow,
  type LoadedHistory,
} from './app/index.js';
export type { RepoAnalysis, RepoAnalysisCore } from './core/analysis.js';
export { measuredKey, type MeasuredReach, type MeasuredRun, type MeasuredTest } from './core/reach.js';
export { evaluateGates, evaluateGate, GateConfigErrors, type EvaluateGatesOptions, type RuleConfigError } from './core/gates.js';
export {
  evaluateMetric,
  formatPercent,
  formatValue,
  lowerIsBetter,
  metricUnit,
  GateConfigError,
  type GateReport,
  type RuleResult,
  type RuleStatus,
  type MetricInputs,
  type MetricValue,
  type MetricItem,
  type MetricUnit,
  type MetricsConfig,
  type GateRule,
  type TargetRule,
  type LoadedCoverage,
} from './core/metrics/index.js';
export { targetProgress, evaluateTarget, type TargetProgress, type TargetStatus } from './core/targets.js';
export { createClassifier, classifyTests, tierOfPath, tierOfMarker, type TierRule } from './core/tiers.js';
export { summarizeRepo, type RepoSummary, type TierSummary } from './core/summary.js';
export { scanRepo, scanPaths, scanConfigured, type ScanRepoOptions } from './app/index.js';
export { loadConfig, parseConfig, resolveConfig, type LoadedConfig, type ResolvedConfig, type UserConfig } from './config/index.js';
export { renderers } from './report/renderers/index.js';
export { runners, runnerIds, getRunner, isRunnerId } from './runners/registry.js';
export type { RunnerPlugin } from './runners/contract.js';
export type { ScanPlugin } from './runners/types.js';
export { SeamsError } from './util/errors.js';
export { run as runCli } from './cli/main.js';
