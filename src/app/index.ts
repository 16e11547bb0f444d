/**
 * The application layer: one function per command, between the CLI (argument parsing,
 * rendering, exit codes) and the domain. Also the library API (src/index.ts).
 */
export { loadRepoContext, contextOf, type RepoContext, type RepoContextOptions, type HistoryWindow } from './context.js';
export { loadRepos } from './repos.js';
export { scan, verificationOf, verificationStatus, verifyInventory, type ScanOptions, type ScanResult } from './scan.js';
export { analyze, type AnalyzeOptions } from './analyze.js';
export { gate, notifyFailedGates, type GateOptions, type GateResult, type NotifyOutcomeOf } from './gate.js';
export { report, type ReportOptions, type ReportResult } from './report.js';
export { run, differingTests, resultsDocument, type RunOptions, type RunResult, type DifferingTest } from './run.js';
export { init, initSummary, schemaPathFor, type InitOptions, type InitResult } from './init.js';
export { ingest, type IngestOptions, type IngestResult } from './ingest.js';
export { flaky, flakyReportOf, flakyReportsPerRun, type FlakyOptions, type FlakyResult } from './flaky.js';
export { loadHistory, openHistory, type LoadedHistory } from './history.js';
export { loadMeasuredReach, measurableRunners, type LoadReachOptions } from './reach.js';
export { staticReachOf, componentsReachedByTests, type TestStaticReach } from '../analysis/reach.js';
export { servicesUp, servicesDown, servicesStatus, type ServicesUpOptions, type ServicesUpResult, type ServicesStatus } from './services.js';
export { ciInit, ciSetupOf, type CiInitOptions, type CiInitResult } from './ci.js';
// the lower-level scan entry points (no seams.yaml, or an already loaded one), kept for embedders
export { scanRepo, scan as scanPaths, type ScanOptions as ScanRepoOptions } from '../scan/index.js';
export { scanConfigured } from '../scan/configured.js';
