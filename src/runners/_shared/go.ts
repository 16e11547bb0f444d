import type { ResultStatus } from '../../core/types.js';
import type { CommandSpec, ResultFormatPlugin } from '../contract.js';
import { argvWords } from './targets.js';

/**
 * `go test`: no runner of seams scans Go, but a tier command (`tiers.<t>.command: go test ./...`)
 * may run it. seams adds `-json` and reads the events from the command's stdout.
 */
export function adoptGoCommand(argv: readonly string[], resultFile: string, extraArgs: readonly string[]): Omit<CommandSpec, 'cwd'> | null {
  if (!argvWords(argv).includes('go') || !argv.includes('test')) return null;
  const at = argv.indexOf('test') + 1;
  return { argv: [...argv.slice(0, at), '-json', ...argv.slice(at), ...extraArgs], env: {}, resultFile, format: 'go', resultFromStdout: true };
}

/** `go test -json` test events (`Action`) and what seams stores; other actions (run, output, pause) are no result. */
export const goOutcomes = { pass: 'passed', fail: 'failed', skip: 'skipped' } as const satisfies Readonly<Record<string, ResultStatus>>;

/** `go test -json`: one JSON event per line. */
export const goTestJsonFormat: ResultFormatPlugin = {
  id: 'go',
  title: 'go test -json',
  parser: 'go-json',
  detect: (head) => head.startsWith('{"Time"') || head.startsWith('{"Action"') || /^\{[^\n]*"Action"\s*:/.test(head),
};
