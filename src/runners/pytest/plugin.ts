import type { RunnerPlugin } from '../contract.js';
import type { ScanContext } from '../types.js';
import { pytestCollector } from './collect.js';
import { adoptPytestCommand, buildPytestCommand, pytestConflicts, pytestRequirements } from './command.js';
import { junitOutcomes } from '../_shared/junit.js';
import { conftestsFor, pytestJUnitNaming } from './junit.js';
import { pytestReach } from './reach.js';
import { verifyPytest } from './verify.js';

/**
 * The pytest plugin. Everything a run needs (command, report, outcomes) is here and light; the
 * static scan (tree-sitter, the collection engine: ./index.ts) is loaded on the first scan, so
 * `seams run` with a cached inventory never loads it.
 */
export const pytestPlugin = {
  id: 'pytest',
  language: 'python',
  title: 'pytest',
  scan: async (ctx: ScanContext) => (await import('./index.js')).scanPytestRepo(ctx),
  verify: verifyPytest,
  verifyUnit: 'ids',
  collect: pytestCollector,
  buildCommand: buildPytestCommand,
  liveEvents: true,
  adoptCommand: adoptPytestCommand,
  conflictingArgs: pytestConflicts,
  stoppedExitCodes: { 2: 'interrupted', 3: 'internal error', 4: 'usage error' },
  companionFiles: conftestsFor,
  requirements: pytestRequirements,
  reach: pytestReach,
  resultFormat: 'junit',
  junit: pytestJUnitNaming,
  // the JUnit elements pytest writes: xfailed is <skipped type="pytest.xfail">, a strict XPASS a
  // <failure message="[XPASS(strict)] …">, a non-strict XPASS a plain pass (JUnit cannot tell it)
  outcomes: junitOutcomes,
  ci: { python: true },
} satisfies RunnerPlugin;
