import type { RunnerPlugin } from '../contract.js';
import { junitOutcomes, titlePathJUnitNaming } from '../_shared/junit.js';
import type { ScanContext } from '../types.js';
import { buildNodeTestCommand } from './command.js';

/** The node:test plugin; its static scan (oxc-parser: ./index.ts) loads on the first scan. */
export const nodeTestPlugin = {
  id: 'node-test',
  language: 'typescript',
  title: 'node:test',
  scan: async (ctx: ScanContext) => (await import('./index.js')).scanNodeTestRepo(ctx),
  verifyUnit: 'ids',
  buildCommand: buildNodeTestCommand,
  // node runs seams itself: nothing to install
  requirements: () => [],
  resultFormat: 'junit',
  junit: titlePathJUnitNaming,
  outcomes: junitOutcomes,
  ci: { jsPackages: true },
} satisfies RunnerPlugin;
