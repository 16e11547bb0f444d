import type { BuildInput, CommandSpec } from '../contract.js';
import { cwdOf, jsExecutable, selectedFiles } from '../_shared/targets.js';

/** `mocha` with the xunit reporter for the selected files. */
export function buildMochaCommand(input: BuildInput): CommandSpec {
  return {
    // --reporter-option is a (greedy) yargs array: a single-valued option must follow it, not the files
    argv: [...jsExecutable(input, 'mocha'), `--reporter-option=output=${input.resultFile}`, '--reporter=xunit', ...selectedFiles(input), ...input.extraArgs],
    cwd: cwdOf(input),
    env: {},
    resultFile: input.resultFile,
    format: 'junit',
  };
}
