import type { ScanPlugin } from './types.js';
import { vitestPlugin } from './vitest/index.js';
import { jestPlugin } from './jest/index.js';
import { playwrightPlugin } from './playwright/index.js';
import { mochaPlugin } from './mocha/index.js';
import { nodeTestPlugin } from './node-test/index.js';
import { pytestPlugin } from './pytest/index.js';
import { djangoPlugin } from './django/index.js';
import { unittestPlugin } from './unittest/index.js';

/**
 * The runner plugins, in the order their results appear. Each lives in `runners/<id>/` and is a
 * plain object implementing `ScanPlugin`. The order is also the claim priority: a test file
 * claimed by an earlier runner is dropped from a later one (Django and unittest step back by
 * themselves where pytest is configured, so they come first).
 */
export const scanPlugins: readonly ScanPlugin[] = [
  djangoPlugin,
  unittestPlugin,
  pytestPlugin,
  vitestPlugin,
  jestPlugin,
  playwrightPlugin,
  mochaPlugin,
  nodeTestPlugin,
];
