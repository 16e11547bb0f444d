import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SeamsError } from '../util/errors.js';

/** The absolute root of a repository argument; a usage error when it is not a folder. */
export async function repoRootOf(rootArg: string): Promise<string> {
  const root = path.resolve(rootArg);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new SeamsError('SEAMS_PATH_NOT_FOUND', `path does not exist: ${rootArg}`, {
      hint: 'pass the folder of a repository, e.g. `seams scan .`',
    });
  }
  if (!info.isDirectory())
    throw new SeamsError('SEAMS_NOT_A_DIRECTORY', `not a directory: ${rootArg}`, {
      hint: 'pass the folder of a repository, not a file',
    });
  return root;
}
