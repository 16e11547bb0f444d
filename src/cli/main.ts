import { Command, CommanderError } from 'commander';
import { describeError, isSeamsError } from '../util/errors.js';
import { applyTerminal, processIO, terminalIO, type CliIO } from './io.js';
import type { Register, SetExit } from './types.js';

export type { Register, SetExit };

/**
 * The commands, in help order, each loaded only when it is used: `seams scan` never loads the
 * history store, the HTML report or the service manager. Help, and a name seams does not know
 * (for the did-you-mean hint), load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import('./commands/scan.js')).registerScan,
  gaps: async () => (await import('./commands/gaps.js')).registerGaps,
  trace: async () => (await import('./commands/trace.js')).registerTrace,
  init: async () => (await import('./commands/init.js')).registerInit,
  run: async () => (await import('./commands/run.js')).registerRun,
  services: async () => (await import('./commands/services.js')).registerServices,
  ingest: async () => (await import('./commands/ingest.js')).registerIngest,
  flaky: async () => (await import('./commands/flaky.js')).registerFlaky,
  history: async () => (await import('./commands/history.js')).registerHistory,
  gate: async () => (await import('./commands/gate.js')).registerGate,
  report: async () => (await import('./commands/report.js')).registerReport,
  ci: async () => (await import('./commands/ci.js')).registerCi,
};

/** The register functions argv needs: the named command only, or all of them. */
export async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const name = first === 'help' ? argv[argv.indexOf('help') + 1] : first;
  if (name === undefined && argv.some((a) => a === '-v' || a === '--version')) return [];
  const named = name !== undefined ? COMMANDS[name] : undefined;
  if (named && Object.hasOwn(COMMANDS, name!)) return [await named()];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

import { SEAMS_VERSION } from '../util/version.js';

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

/** Commands whose first argument names a subcommand. */
const GROUPS = new Set(['services', 'history', 'ci']);

/**
 * `-v` / `--version` after a command (`seams scan . -v`): commander would print the version and
 * skip the command; no command has a `-v` of its own (verbose is `-V`), so it is a usage error.
 * Returns the one-line message, or undefined. Arguments after `--` (runner arguments) are not looked at.
 */
export function versionInsideCommand(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const first = args.findIndex((a) => !a.startsWith('-'));
  if (first === -1) return undefined;
  const flag = args.slice(first + 1).find((a) => a === '-v' || a === '--version');
  if (!flag) return undefined;
  const name = [args[first]!];
  const sub = args[first + 1];
  if (GROUPS.has(args[first]!) && sub !== undefined && !sub.startsWith('-')) name.push(sub);
  if (!Object.hasOwn(COMMANDS, args[first]!)) return undefined;
  return `${flag} is not an option of seams ${name.join(' ')}; seams ${flag} prints the version`;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function run(argv: readonly string[], rawIO: CliIO = processIO()): Promise<number> {
  const misplaced = versionInsideCommand(argv);
  if (misplaced) {
    rawIO.stderr.write(`seams: ${misplaced}\n`);
    return 2;
  }
  // --- terminal output (issue 15): global --wide / --no-color, fitted and coloured stdout text ---
  const term = terminalIO(rawIO);
  const io = term.io;
  let exitCode = 0;
  const setExit: SetExit = (code) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('seams')
    .description('See and close the integration-test gaps in your codebases.')
    .version(SEAMS_VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .option('--wide', 'full-width text on a terminal: no cutting or wrapping')
    .option('--no-color', 'no colour (also NO_COLOR=1; FORCE_COLOR=1 forces it)')
    .hook('preAction', (_program, action) => {
      const o = action.opts<{ format?: unknown; output?: unknown }>();
      term.enable(applyTerminal(io, program.opts(), { name: action.name(), format: o.format, output: o.output }));
    })
    // --- end terminal output ---
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of await commandsFor(argv)) register(program, io, setExit);
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
