import type { BuildInput, CommandSpec } from '../contract.js';
import { cwdOf, selectedFiles } from '../_shared/targets.js';

/** `node --test` with the JUnit reporter (the Node that runs seams) for the selected files. */
export function buildNodeTestCommand(input: BuildInput): CommandSpec {
  return {
    argv: [process.execPath, '--test', '--test-reporter=junit', `--test-reporter-destination=${input.resultFile}`, ...selectedFiles(input), ...input.extraArgs],
    cwd: cwdOf(input),
    env: {},
    resultFile: input.resultFile,
    format: 'junit',
  };
}
