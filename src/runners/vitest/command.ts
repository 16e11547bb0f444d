import type { ArgConflict, BuildInput, CommandSpec, ResultFormatPlugin } from '../contract.js';
import { argvWords, cwdOf, jsExecutable, optionConflicts, selectedFiles } from '../_shared/targets.js';
import { liveEventsReporter } from '../js/reporters.js';

/**
 * `vitest run` for the selected files, writing Vitest's JSON report; with `input.events`, seams'
 * events reporter too (a second `--reporter`: Vitest runs both, `--outputFile` stays the JSON one's).
 */
export function buildVitestCommand(input: BuildInput): CommandSpec {
  const live = liveEventsReporter(input, 'vitest.mjs');
  return {
    argv: [
      ...jsExecutable(input, 'vitest'),
      'run',
      '--reporter=json',
      ...(live ? [`--reporter=${live.reporter}`] : []),
      `--outputFile=${input.resultFile}`,
      ...(input.project ? [`--project=${input.project}`] : []),
      ...(input.retries ? [`--retry=${input.retries}`] : []),
      ...selectedFiles(input),
      ...input.extraArgs,
    ],
    cwd: cwdOf(input),
    env: { ...live?.env },
    resultFile: input.resultFile,
    format: 'vitest',
  };
}

export function adoptVitestCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  if (!argvWords(argv).includes('vitest')) return null;
  return { argv: [...argv, '--reporter=json', `--outputFile=${resultFile}`, ...extraArgs], env: {}, resultFile, format: 'vitest' };
}

export function vitestConflicts(args: readonly string[]): ArgConflict[] {
  // cac reads --output-file as --outputFile, and --outputFile.json=x as the JSON reporter's file
  const out = optionConflicts(args, ['--reporter', '--outputFile', '--output-file', '--json'], (o) => `seams sets the report options itself (${o} would move or replace the JSON report it reads)`, 'leave the reporter to seams; pass only selection and behaviour options');
  for (const a of args)
    if (/^--(outputFile|output-file|reporter)\./.test(a)) out.push({ arg: a, reason: 'seams sets the report options itself (it would move or replace the JSON report it reads)', hint: 'leave the reporter to seams; pass only selection and behaviour options' });
  return out;
}

/** Vitest's JSON reporter (the Jest shape; it starts with numTotalTestSuites, Jest's with numFailedTestSuites). */
export const vitestJsonFormat: ResultFormatPlugin = {
  id: 'vitest',
  title: 'Vitest JSON',
  parser: 'jest-json',
  runner: 'vitest',
  detect: (head) => head.startsWith('{') && /^\{\s*"numTotalTestSuites"/.test(head),
};
