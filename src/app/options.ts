import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseShard, type ShardSpec } from '../execute/shard.js';
import { SeamsError } from '../util/errors.js';

/**
 * Checks of command-line values that need the file system or the run model, for the CLI (which
 * imports only app/, report/, core/, util/ and config/).
 */

/**
 * The repository folder of run, services, ingest and flaky (`--root` or the folder argument), which must exist — a typo
 * must not create `/<typo>/.seams/…` or answer for a repository that is not there.
 */
export function repoRoot(io: { cwd: string }, arg: string | undefined): string {
  const root = path.resolve(io.cwd, arg ?? '.');
  if (!existsSync(root))
    throw new SeamsError('SEAMS_PATH_NOT_FOUND', `path does not exist: ${arg ?? root}`, {
      hint: 'give the folder of the repository (default: the current directory), e.g. seams run integration examples/platform or --root examples/platform',
    });
  if (!statSync(root).isDirectory())
    throw new SeamsError('SEAMS_NOT_A_DIRECTORY', `not a directory: ${arg ?? root}`, { hint: 'give the folder of the repository, not a file' });
  return root;
}

/** `--shard i/n` as given on the command line: a usage error that says what is wrong, with a hint. */
export function shardOption(text: string): ShardSpec {
  const spec = parseShard(text);
  if (spec) return spec;
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const hint = '--shard i/n runs shard i of n: --shard 1/4 … --shard 4/4 on four machines';
  if (!m) throw new SeamsError('SEAMS_USAGE', `--shard must be i/n with whole numbers (e.g. 2/4), got ${text}`, { hint });
  if (Number(m[2]) < 1) throw new SeamsError('SEAMS_USAGE', `--shard ${text}: n must be at least 1`, { hint });
  throw new SeamsError('SEAMS_USAGE', `--shard ${text}: i must be between 1 and n (${m[2]})`, { hint });
}

/**
 * The repository folders of a command that takes `[paths…]`: the positional paths, plus `--root`
 * (an alias of one path argument, kept for scripts), else the current folder.
 */
export function repoPaths(paths: readonly string[] | undefined, root: string | undefined): string[] {
  const all = [...(root !== undefined ? [root] : []), ...(paths ?? [])];
  return all.length ? all : ['.'];
}

/**
 * The arguments of `run` and `flaky`: an existing folder is the repository, any other argument a
 * tier. A bare name that is a conventional tier (`e2e`, `integration`, …) stays a tier even where a
 * folder of that name exists (write `./e2e` for the folder); an argument that looks like a path
 * (a `/`, or `.` first) but is no folder is a bad path, not an unknown tier. One repository only.
 */
export function repoAndTiers(io: { cwd: string }, args: readonly string[], root: string | undefined, conventional: readonly string[], command: string): { root: string; tiers: string[] } {
  const dirs: string[] = [];
  const tiers: string[] = [];
  for (const a of args) {
    const bare = !/[\\/]/.test(a) && a !== '.' && a !== '..';
    const abs = path.resolve(io.cwd, a);
    const isDir = existsSync(abs) && statSync(abs).isDirectory();
    if (isDir && !(bare && conventional.includes(a))) dirs.push(a);
    else if (!bare || a.startsWith('.')) {
      if (existsSync(abs)) throw new SeamsError('SEAMS_NOT_A_DIRECTORY', `not a directory: ${a}`, { hint: `seams ${command} takes the folder of the repository, not a file` });
      throw new SeamsError('SEAMS_PATH_NOT_FOUND', `path does not exist: ${a}`, { hint: `seams ${command} [tiers…] [path]: the path is the folder of the repository, e.g. seams ${command} integration examples/platform` });
    } else tiers.push(a);
  }
  const given = [...(root !== undefined ? [root] : []), ...dirs];
  const distinct = [...new Set(given.map((d) => path.resolve(io.cwd, d)))];
  if (distinct.length > 1)
    throw new SeamsError('SEAMS_USAGE', `seams ${command} works on one repository at a time, got ${given.join(', ')}`, {
      hint: `run seams ${command} once per repository (a folder argument and --root are the same thing)`,
    });
  return { root: repoRoot(io, given[0]), tiers };
}

/** The one repository folder of `init` and `ci init`: the argument or `--root` (not both, unless they agree). */
export function onePath(arg: string | undefined, root: string | undefined, command: string): string {
  if (arg !== undefined && root !== undefined && path.resolve(arg) !== path.resolve(root))
    throw new SeamsError('SEAMS_USAGE', `seams ${command} works on one repository, got ${arg} and --root ${root}`, { hint: 'give the folder once: as the argument or with --root' });
  return arg ?? root ?? '.';
}
