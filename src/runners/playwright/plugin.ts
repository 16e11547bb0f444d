import type { RunnerPlugin } from '../contract.js';
import { titlePathJUnitNaming } from '../_shared/junit.js';
import { jsBinRequirement } from '../_shared/targets.js';
import type { ScanContext } from '../types.js';
import { playwrightCollector } from './collect.js';
import { adoptPlaywrightCommand, buildPlaywrightCommand, playwrightConflicts } from './command.js';

/** The Playwright plugin; its static scan (config evaluation, oxc-parser: ./index.ts) loads on the first scan. */
export const playwrightPlugin = {
  id: 'playwright',
  language: 'typescript',
  title: 'Playwright',
  scan: async (ctx: ScanContext) => (await import('./index.js')).scanPlaywrightRepo(ctx),
  // the native collector's code loads with --verify only
  verify: async (root, inventory, options) => (await import('../js/verify.js')).verifyPlaywright(root, inventory, options),
  verifyUnit: 'ids',
  collect: playwrightCollector,
  liveEvents: true,
  buildCommand: buildPlaywrightCommand,
  adoptCommand: adoptPlaywrightCommand,
  conflictingArgs: playwrightConflicts,
  requirements: () => [jsBinRequirement('playwright')],
  resultFormat: 'playwright',
  junit: titlePathJUnitNaming,
  // the JSON reporter's test.status; anything else (interrupted) is stored as not-run
  // a test's `status`; with `expectedStatus: 'failed'` (test.fail()) `<status>[expectedStatus=failed]`
  // is looked up first: failing as expected is xfailed, passing fails the run (as a strict XPASS)
  outcomes: {
    expected: 'passed',
    'expected[expectedStatus=failed]': 'xfailed',
    flaky: 'passed',
    unexpected: 'failed',
    'unexpected[expectedStatus=failed]': 'failed',
    skipped: 'skipped',
  },
  ci: { jsPackages: true, browsers: true },
} satisfies RunnerPlugin;
