import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { SeamsError } from '../util/errors.js';

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
