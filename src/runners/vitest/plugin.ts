import type { RunnerPlugin } from '../contract.js';
import { jestJsonOutcomes, titlePathJUnitNaming } from '../_shared/junit.js';
import { jsBinRequirement } from '../_shared/targets.js';
import type { ScanContext } from '../types.js';
import { vitestCollector } from './collect.js';
import { adoptVitestCommand, buildVitestCommand, vitestConflicts } from './command.js';

/** The Vitest plugin; its static scan (config evaluation, oxc-parser: ./index.ts) loads on the first scan. */
export const vitestPlugin = {
  id: 'vitest',
  language: 'typescript',
  title: 'Vitest',
  scan: async (ctx: ScanContext) => (await import('./index.js')).scanVitestRepo(ctx),
  // the native collector's code loads with --verify only
  verify: async (root, inventory, options) => (await import('../js/verify.js')).verifyVitest(root, inventory, options),
  verifyUnit: 'ids',
  collect: vitestCollector,
  liveEvents: true,
  buildCommand: buildVitestCommand,
  adoptCommand: adoptVitestCommand,
  conflictingArgs: vitestConflicts,
  requirements: () => [jsBinRequirement('vitest')],
  resultFormat: 'vitest',
  junit: titlePathJUnitNaming,
  outcomes: jestJsonOutcomes,
  ci: { jsPackages: true },
} satisfies RunnerPlugin;
