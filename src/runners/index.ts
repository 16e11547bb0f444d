import type { ScanPlugin } from './types.js';
import { vitestPlugin } from './vitest/index.js';
import { jestPlugin } from './jest/index.js';
import { playwrightPlugin } from './playwright/index.js';
import { mochaPlugin } from './mocha/index.js';
import { nodeTestPlugin } from './node-test/index.js';
import { pytestPlugin } from './pytest/index.js';

/**
 * The runner plugins, in the order their results appear. Each lives in `runners/<id>/` and is a
 * plain object implementing `ScanPlugin`.
 */
export const scanPlugins: readonly ScanPlugin[] = [
  pytestPlugin,
  vitestPlugin,
  jestPlugin,
  playwrightPlugin,
  mochaPlugin,
  nodeTestPlugin,
];
