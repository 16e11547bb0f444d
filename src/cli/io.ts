import { statSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, SeamsError } from '../util/errors.js';
import { decideColor, decideWidth, forTerminal, setTerminal, terminal } from '../util/term.js';

/** Where a command writes: injectable so tests can run the CLI in-process. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** Colour on stdout: TTY, NO_COLOR, FORCE_COLOR and --no-color decide (util/term.ts); CI does not. */
export function useColor(io: CliIO, noColor = false): boolean {
  return decideColor({ isTTY: Boolean(io.stdout.isTTY), env: io.env, noColor });
}

/**
 * The terminal state for the command about to run, from the global `--wide` / `--no-color` and the
 * command's own `--format` and `--output`: JSON, Markdown and JUnit on stdout stay byte for byte;
 * a command writing its document to a file (`-o`) keeps full-width tables.
 * Returns whether stdout text is to be fitted and coloured.
 */
export function applyTerminal(io: CliIO, global: { wide?: boolean; color?: boolean }, command: { name: string; format?: unknown; output?: unknown }): boolean {
  const text = command.name === 'ingest' || command.format === undefined || command.format === 'text';
  const isTTY = Boolean(io.stdout.isTTY);
  const toFile = command.output !== undefined && command.name !== 'run';
  // renderers colour their status tokens as they write them (term.ts tone): never into a file
  const color = text && !toFile && decideColor({ isTTY, env: io.env, noColor: global.color === false });
  const width = text && !toFile ? decideWidth({ isTTY, columns: io.stdout.columns, wide: global.wide }) : undefined;
  setTerminal({ color, width, wide: !!global.wide });
  return text;
}

/** `io` whose stdout text is wrapped to the terminal and coloured once applyTerminal says so. */
export function terminalIO(io: CliIO): { io: CliIO; enable(on: boolean): void } {
  let on = false;
  setTerminal({ color: false });
  const out = io.stdout;
  const stdout: CliIO['stdout'] = {
    write: (chunk: string) => out.write(on && typeof chunk === 'string' ? forTerminal(chunk, terminal()) : chunk),
    get isTTY() {
      return out.isTTY;
    },
    get columns() {
      return out.columns;
    },
  };
  return { io: { ...io, stdout }, enable: (v) => (on = v) };
}

/**
 * Writes a command's output file (`-o`, `--html`, `--markdown`, CI files) and says so on stderr:
 * `seams: wrote <file>` (plus `detail`), the one style every command uses. A path that is a
 * folder, a missing parent folder or a refused write is a usage error (exit 2) with a hint —
 * never an internal error, and no folder is created behind the user's back.
 * Returns the absolute path written.
 */
export async function writeOutput(io: CliIO, file: string, text: string, options: { detail?: string } = {}): Promise<string> {
  const abs = await checkOutputPath(io, file);
  try {
    await writeFile(abs, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : describeError(error);
    throw new SeamsError('SEAMS_CANNOT_WRITE', `cannot write ${displayPath(io, abs)}: ${why}`, { hint: 'choose a path you can write to' });
  }
  io.stderr.write(`seams: wrote ${displayPath(io, abs)}${options.detail ? ` (${options.detail})` : ''}\n`);
  return abs;
}

/**
 * The checks of writeOutput without writing, for commands that should refuse a bad path before
 * doing long work (report). Returns the absolute path.
 */
export async function checkOutputPath(io: CliIO, file: string): Promise<string> {
  const abs = path.resolve(io.cwd, file);
  const fail = (why: string, hint: string): never => {
    throw new SeamsError('SEAMS_CANNOT_WRITE', `cannot write ${displayPath(io, abs)}: ${why}`, { hint });
  };
  const info = await stat(abs).catch(() => undefined);
  if (info?.isDirectory()) fail('is a directory', `give the path of a file, e.g. ${displayPath(io, path.join(abs, 'seams-output.txt'))}`);
  const parent = path.dirname(abs);
  const parentInfo = await stat(parent).catch(() => undefined);
  if (!parentInfo) fail(`folder ${displayPath(io, parent)} does not exist`, `create it first (mkdir -p ${displayPath(io, parent)}) or choose another path`);
  else if (!parentInfo.isDirectory()) fail(`${displayPath(io, parent)} is not a folder`, 'choose another path');
  return abs;
}

/** A path relative to the working folder when it is inside it, else absolute. */
export function displayPath(io: CliIO, abs: string): string {
  const rel = path.relative(io.cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/**
 * The repository folders of a command's `[paths…]`, absolute from the CLI's working folder; a
 * path that is missing or not a folder is a usage error naming it as the user wrote it.
 */
export function repoFolders(io: CliIO, paths: readonly string[]): string[] {
  return paths.map((p) => {
    const abs = path.resolve(io.cwd, p);
    let dir: boolean;
    try {
      dir = statSync(abs).isDirectory();
    } catch {
      throw new SeamsError('SEAMS_PATH_NOT_FOUND', `path does not exist: ${p}`, { hint: 'pass the folder of a repository, e.g. `seams scan .`' });
    }
    if (!dir) throw new SeamsError('SEAMS_NOT_A_DIRECTORY', `not a directory: ${p}`, { hint: 'pass the folder of a repository, not a file' });
    return abs;
  });
}
