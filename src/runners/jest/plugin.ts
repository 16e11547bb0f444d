import type { RunnerPlugin } from '../contract.js';
import { jestJsonOutcomes, titlePathJUnitNaming } from '../_shared/junit.js';
import { jsBinRequirement } from '../_shared/targets.js';
import type { ScanContext } from '../types.js';
import { adoptJestCommand, buildJestCommand, jestConflicts } from './command.js';

/** The Jest plugin; its static scan (config evaluation, oxc-parser: ./index.ts) loads on the first scan. */
export const jestPlugin = {
  id: 'jest',
  language: 'typescript',
  title: 'Jest',
  scan: async (ctx: ScanContext) => (await import('./index.js')).scanJestRepo(ctx),
  // the native collector's code loads with --verify only
  verify: async (root, inventory, options) => (await import('../js/verify.js')).verifyJest(root, inventory, options),
  // `jest --listTests` lists test files, not tests
  verifyUnit: 'files',
  liveEvents: true,
  buildCommand: buildJestCommand,
  adoptCommand: adoptJestCommand,
  conflictingArgs: jestConflicts,
  requirements: () => [jsBinRequirement('jest')],
  resultFormat: 'jest',
  junit: titlePathJUnitNaming,
  outcomes: jestJsonOutcomes,
  ci: { jsPackages: true },
} satisfies RunnerPlugin;
