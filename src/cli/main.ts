import { Command, CommanderError } from 'commander';
import { describeError, isSeamsError } from '../util/errors.js';
import { processIO, type CliIO } from './io.js';
import { registerScan } from './commands/scan.js';
import { registerRun } from './commands/run.js';
import { registerServices } from './commands/services.js';
import { registerIngest } from './commands/ingest.js';
import { registerFlaky } from './commands/flaky.js';
import { registerGate } from './commands/gate.js';
import { registerReport } from './commands/report.js';
import { registerCi } from './commands/ci.js';
import { registerGaps } from './commands/gaps.js';
import { registerTrace } from './commands/trace.js';
import { registerInit } from './commands/init.js';

/**
 * Each command module exports `register<Name>(program, io, setExit)`; the command sets its exit
 * code through `setExit` (0 ok, 1 findings or failed gate, 2 usage / configuration error).
 */
export type SetExit = (code: number) => void;
export type Register = (program: Command, io: CliIO, setExit: SetExit) => void;

const commands: Register[] = [registerScan, registerGate, registerReport, registerGaps, registerTrace, registerInit, registerRun, registerServices, registerIngest, registerFlaky, registerCi];

export const VERSION = '0.1.0';

/**
 * commander's own parser errors ("error: unknown option '--bogus'", "(Did you mean …?)") in the
 * house style every other error uses: `seams: <message>` and a `hint:` line naming the help of the
 * command that was being parsed.
 */
export function formatParserError(text: string, commandPath: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  let message = (lines.shift() ?? 'invalid usage').replace(/^error:\s*/, '');
  for (const l of lines) {
    const m = /^\(Did you mean (.+)\?\)$/.exec(l);
    message += m ? ` (did you mean ${m[1]}?)` : ` ${l}`;
  }
  return `seams: ${message}\nhint: see ${commandPath} --help\n`;
}

function houseStyle(cmd: Command, commandPath: string, io: CliIO): void {
  cmd.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s) => io.stderr.write(formatParserError(s, commandPath)),
  });
  for (const sub of cmd.commands) houseStyle(sub, `${commandPath} ${sub.name()}`, io);
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const setExit: SetExit = (code) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('seams')
    .description('See and close the integration-test gaps in your codebases.')
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of commands) register(program, io, setExit);
  houseStyle(program, 'seams', io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isSeamsError(error)) {
      io.stderr.write(`seams: ${error.message}\n`);
      if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
      return error.exitCode;
    }
    io.stderr.write(`seams: internal error: ${describeError(error)}\n`);
    if (io.env.SEAMS_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write('hint: this is a bug in seams; rerun with SEAMS_DEBUG=1 for the stack trace and report it\n');
    return 3;
  }
  return exitCode;
}
