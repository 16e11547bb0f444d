import type { ArgConflict, BuildInput, CommandSpec, ResultFormatPlugin } from '../contract.js';
import { argvWords, cwdOf, jsExecutable, optionConflicts, selectedFiles } from '../_shared/targets.js';
import { liveEventsReporter } from '../js/reporters.js';

/**
 * `jest --runTestsByPath` for the selected files, writing Jest's JSON report; with `input.events`,
 * seams' events reporter after Jest's default one (`--reporters` replaces the configured list).
 */
export function buildJestCommand(input: BuildInput): CommandSpec {
  const live = liveEventsReporter(input, 'jest.cjs');
  return {
    argv: [
      ...jsExecutable(input, 'jest'),
      '--json',
      `--outputFile=${input.resultFile}`,
      ...(live ? ['--reporters=default', `--reporters=${live.reporter}`] : []),
      ...(input.project ? [`--selectProjects=${input.project}`] : []),
      '--runTestsByPath',
      ...selectedFiles(input),
      ...input.extraArgs,
    ],
    cwd: cwdOf(input),
    env: { ...live?.env },
    resultFile: input.resultFile,
    format: 'jest',
  };
}

export function adoptJestCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  if (!argvWords(argv).includes('jest')) return null;
  return { argv: [...argv, '--json', `--outputFile=${resultFile}`, ...extraArgs], env: {}, resultFile, format: 'jest' };
}

export function jestConflicts(args: readonly string[]): ArgConflict[] {
  // yargs reads --output-file as --outputFile; --listTests prints paths and writes no report
  return [
    ...optionConflicts(args, ['--reporter', '--reporters', '--outputFile', '--output-file', '--json'], (o) => `seams sets the report options itself (${o} would move or replace the JSON report it reads)`, 'leave the reporter to seams; pass only selection and behaviour options'),
    ...optionConflicts(args, ['--listTests', '--list-tests'], () => 'it lists test files without running them: no results to store', 'run `seams scan` to list the tests'),
  ];
}

/**
 * Jest's `--json` report. Vitest writes the same shape, so a report of this format is read as the
 * context's runner when that runner writes Jest-style JSON too.
 */
export const jestJsonFormat: ResultFormatPlugin = {
  id: 'jest',
  title: 'Jest JSON',
  parser: 'jest-json',
  runner: 'jest',
  shared: true,
  detect: (head) => head.startsWith('{') && /"numTotalTests"|"testResults"/.test(head),
};
