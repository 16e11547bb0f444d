import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SeamsError } from '../util/errors.js';

/**
 * Where a repository's seams.yaml is, without loading the YAML parser or the schema: the scan
 * cache keys the inventory by the config's text and parses it only on a miss.
 */

export const CONFIG_FILE_NAMES = ['seams.yaml', 'seams.yml', '.seams.yaml', '.seams.yml'] as const;

/** Finds the config file of a repo: an explicit path, or the first conventional name in `root`. */
export async function findConfigFile(root: string, explicit?: string): Promise<string | null> {
  if (explicit) {
    const p = path.resolve(explicit);
    try {
      await stat(p);
      return p;
    } catch {
      throw new SeamsError('SEAMS_CONFIG_NOT_FOUND', `config file does not exist: ${explicit}`, {
        hint: 'check the --config path, or run `seams init` to write one',
      });
    }
  }
  for (const name of CONFIG_FILE_NAMES) {
    const p = path.join(root, name);
    try {
      if ((await stat(p)).isFile()) return p;
    } catch {
      // not there
    }
  }
  return null;
}
