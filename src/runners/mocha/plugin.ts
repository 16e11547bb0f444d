import type { RunnerPlugin } from '../contract.js';
import { junitOutcomes, titlePathJUnitNaming } from '../_shared/junit.js';
import { jsBinRequirement } from '../_shared/targets.js';
import type { ScanContext } from '../types.js';
import { buildMochaCommand } from './command.js';

/** The Mocha plugin; its static scan (.mocharc, oxc-parser: ./index.ts) loads on the first scan. */
export const mochaPlugin = {
  id: 'mocha',
  language: 'typescript',
  title: 'Mocha',
  scan: async (ctx: ScanContext) => (await import('./index.js')).scanMochaRepo(ctx),
  verifyUnit: 'ids',
  buildCommand: buildMochaCommand,
  requirements: () => [jsBinRequirement('mocha')],
  resultFormat: 'junit',
  junit: titlePathJUnitNaming,
  outcomes: junitOutcomes,
  ci: { jsPackages: true },
} satisfies RunnerPlugin;
