/**
 * Checks of command-line values that need the file system or the run model, for the CLI (which
 * imports only app/, report/, core/, util/ and config/).
 */
export { repoRoot } from '../execute/root.js';
export { shardOption } from '../execute/shard.js';
