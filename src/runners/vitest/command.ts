import type { ArgConflict, BuildInput, CommandSpec, ResultFormatPlugin } from '../contract.js';
import { argvWords, cwdOf, jsExecutable, optionConflicts, selectedFiles } from '../_shared/targets.js';

/** `vitest run` for the selected files, writing Vitest's JSON report. */
export function buildVitestCommand(input: BuildInput): CommandSpec {
  return {
    argv: [
      ...jsExecutable(input, 'vitest'),
      'run',
      '--reporter=json',
      `--outputFile=${input.resultFile}`,
      ...(input.project ? [`--project=${input.project}`] : []),
      ...(input.retries ? [`--retry=${input.retries}`] : []),
      ...selectedFiles(input),
      ...input.extraArgs,
    ],
    cwd: cwdOf(input),
    env: {},
    resultFile: input.resultFile,
    format: 'vitest',
  };
}

export function adoptVitestCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  if (!argvWords(argv).includes('vitest')) return null;
  return { argv: [...argv, '--reporter=json', `--outputFile=${resultFile}`, ...extraArgs], env: {}, resultFile, format: 'vitest' };
}

export function vitestConflicts(args: readonly string[]): ArgConflict[] {
  return optionConflicts(args, ['--reporter', '--outputFile', '--json'], (o) => `seams sets the report options itself (${o} would move or replace the JSON report it reads)`, 'leave the reporter to seams; pass only selection and behaviour options');
}

/** Vitest's JSON reporter (the Jest shape; it starts with numTotalTestSuites, Jest's with numFailedTestSuites). */
export const vitestJsonFormat: ResultFormatPlugin = {
  id: 'vitest',
  title: 'Vitest JSON',
  parser: 'jest-json',
  runner: 'vitest',
  detect: (head) => head.startsWith('{') && /^\{\s*"numTotalTestSuites"/.test(head),
};
