import type { ScanPlugin } from './types.js';

/**
 * The runner plugins, in the order their results appear. Each lives in `runners/<id>/` and is a
 * plain object implementing `ScanPlugin`.
 */
export const scanPlugins: readonly ScanPlugin[] = [];
