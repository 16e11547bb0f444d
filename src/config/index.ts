export { loadConfig, parseConfig, findConfigFile, CONFIG_FILE_NAMES, type LoadedConfig } from './load.js';
export { resolveConfig, tierRulesOf, DEFAULTS, type ResolvedConfig } from './resolve.js';
export * from './schema.js';
