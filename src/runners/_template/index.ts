/**
 * The skeleton of a runner plugin. It compiles but is NOT registered: copy this folder to
 * `src/runners/<id>/`, fill the object, and add one line to `src/runners/registry.ts`
 * (see README.md next to this file).
 */
import type { ArgConflict, BuildInput, CommandSpec, Requirement, RunnerPlugin } from '../contract.js';
import type { RunnerScan, ScanContext } from '../types.js';
import { cwdOf, optionConflicts, relToRoot, selectionTargets } from '../_shared/targets.js';
import { junitOutcomes, titlePathJUnitNaming } from '../_shared/junit.js';

/** Finds the runner's configuration and test files, and the tests in them, without running anything. */
async function scanTemplate(ctx: ScanContext): Promise<RunnerScan | null> {
  const files = await ctx.listFiles();
  // 1. detection: return null when the repository does not use this runner
  // 2. which files the runner would collect (its config and defaults), repo-relative POSIX paths
  // 3. the tests in them, with the runner's own ids (parse with src/languages/<language>/)
  void files;
  return null;
}

/** The native command for the selected tests; pure: no file-system access, no process.env. */
function buildTemplateCommand(input: BuildInput): CommandSpec {
  const { files, ids } = selectionTargets(input);
  return {
    argv: [input.executable ?? 'template-runner', '--junit-xml', input.resultFile, ...files.map((f) => relToRoot(input.rootDir, f)), ...ids.map((t) => t.id), ...input.extraArgs],
    cwd: cwdOf(input),
    env: {},
    resultFile: input.resultFile,
    format: 'junit',
  };
}

export const templatePlugin = {
  id: 'template',
  language: 'python',
  title: 'Template runner',
  scan: scanTemplate,
  // verify: (root, inventory, options) => …  run the native collector and compare (see pytest/verify.ts)
  // collect: { command, parse, locate, inputsOf, envKeys, listsInactive }  files with dynamic tests, natively (see vitest/collect.ts)
  verifyUnit: 'ids',
  buildCommand: buildTemplateCommand,
  /** Recognises the runner in a tier command (`tiers.<t>.command`) and adds the report options. */
  adoptCommand: (argv, resultFile, extraArgs) =>
    argv.some((a) => a.endsWith('template-runner')) ? { argv: [...argv, '--junit-xml', resultFile, ...extraArgs], env: {}, resultFile, format: 'junit' } : null,
  conflictingArgs: (args): ArgConflict[] => optionConflicts(args, ['--junit-xml'], () => 'seams sets the report option itself', 'leave the report options to seams'),
  requirements: (): Requirement[] => [{ kind: 'executable', name: 'template-runner', installHint: 'install template-runner' }],
  resultFormat: 'junit',
  junit: titlePathJUnitNaming,
  outcomes: junitOutcomes,
  ci: {},
} satisfies RunnerPlugin;
