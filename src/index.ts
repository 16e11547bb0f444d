/** The library API of seams: what the CLI uses, for programs that embed it. */
export * from './core/types.js';
export { createClassifier, classifyTests, tierOfPath, tierOfMarker, type TierRule } from './core/tiers.js';
export { summarizeRepo, type RepoSummary, type TierSummary } from './core/summary.js';
export { scan, scanRepo, type ScanOptions } from './scan/index.js';
export { scanConfigured } from './scan/configured.js';
export { loadConfig, parseConfig, resolveConfig, type LoadedConfig, type ResolvedConfig, type UserConfig } from './config/index.js';
export { runners as scanPlugins, runners, runnerIds, getRunner, isRunnerId } from './runners/registry.js';
export type { RunnerPlugin } from './runners/contract.js';
export type { ScanPlugin, VerifyReport } from './runners/types.js';
export { SeamsError } from './util/errors.js';
export { run as runCli } from './cli/main.js';
