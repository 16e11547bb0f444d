import type { ArgConflict, BuildInput, CommandSpec, ResultFormatPlugin } from '../contract.js';
import { argvWords, cwdOf, jsExecutable, optionConflicts, selectedFiles } from '../_shared/targets.js';
import { liveEventsReporter } from '../js/reporters.js';

/**
 * `playwright test` for the selected files; the JSON reporter writes where PLAYWRIGHT_JSON_OUTPUT_NAME
 * says. With `input.events`, seams' events reporter joins it in the one `--reporter` list (a second
 * `--reporter` option would replace the first).
 */
export function buildPlaywrightCommand(input: BuildInput): CommandSpec {
  // Playwright splits the --reporter list at commas: a reporter path with one goes without events
  const found = liveEventsReporter(input, 'playwright.cjs');
  const live = found && !found.reporter.includes(',') ? found : null;
  return {
    argv: [
      ...jsExecutable(input, 'playwright'),
      'test',
      live ? `--reporter=json,${live.reporter}` : '--reporter=json',
      ...(input.project ? [`--project=${input.project}`] : []),
      ...(input.retries ? [`--retries=${input.retries}`] : []),
      ...selectedFiles(input),
      ...input.extraArgs,
    ],
    cwd: cwdOf(input),
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: input.resultFile, ...live?.env },
    resultFile: input.resultFile,
    format: 'playwright',
  };
}

export function adoptPlaywrightCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  if (!argvWords(argv).includes('playwright')) return null;
  return { argv: [...argv, '--reporter=json', ...extraArgs], env: { PLAYWRIGHT_JSON_OUTPUT_NAME: resultFile }, resultFile, format: 'playwright' };
}

export function playwrightConflicts(args: readonly string[]): ArgConflict[] {
  return [
    ...optionConflicts(args, ['--reporter'], () => 'seams sets --reporter=json itself to read the results', 'leave the reporter to seams; pass only selection and behaviour options'),
    ...optionConflicts(args, ['--list'], () => 'it lists the tests without running them: no results to store', 'run `seams scan` to list the tests'),
  ];
}

/** Playwright's JSON reporter. */
export const playwrightJsonFormat: ResultFormatPlugin = {
  id: 'playwright',
  title: 'Playwright JSON',
  parser: 'playwright-json',
  runner: 'playwright',
  detect: (head) => head.startsWith('{') && (/"config"\s*:/.test(head) || /"suites"\s*:/.test(head.slice(0, 200))),
};
