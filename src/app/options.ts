import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseShard, type ShardSpec } from '../execute/shard.js';
import { SeamsError } from '../util/errors.js';

/**
 * Checks of command-line values that need the file system or the run model, for the CLI (which
 * imports only app/, report/, core/, util/ and config/).
 */

/**
 * `--root` of run, services, ingest and flaky: the repository folder, which must exist — a typo
 * must not create `/<typo>/.seams/…` or answer for a repository that is not there.
 */
export function repoRoot(io: { cwd: string }, arg: string | undefined): string {
  const root = path.resolve(io.cwd, arg ?? '.');
  if (!existsSync(root))
    throw new SeamsError('SEAMS_PATH_NOT_FOUND', `path does not exist: ${arg ?? root}`, {
      hint: '--root takes the folder of the repository (default: the current directory), e.g. --root examples/platform',
    });
  if (!statSync(root).isDirectory())
    throw new SeamsError('SEAMS_NOT_A_DIRECTORY', `not a directory: ${arg ?? root}`, { hint: '--root takes the folder of the repository, not a file' });
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
