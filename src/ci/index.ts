import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { SeamsError } from '../util/errors.js';
import { ciFile, type CiOptions, type CiProvider } from './templates.js';

export * from './templates.js';

export interface WriteCiResult {
  file: string;
  status: 'written' | 'unchanged' | 'exists';
}

/**
 * Writes the CI workflow for `provider` under `root`. Idempotent: the same content is left alone
 * ("unchanged"); a different existing file is kept ("exists") unless `force`.
 */
export async function writeCiWorkflow(root: string, provider: string, config: ResolvedConfig, options: CiOptions & { force?: boolean } = {}): Promise<WriteCiResult> {
  if (provider !== 'github' && provider !== 'gitlab')
    throw new SeamsError('SEAMS_USAGE', `unknown CI provider "${provider}"`, { hint: 'use --ci github or --ci gitlab' });
  const f = ciFile(provider as CiProvider, config, options);
  const file = path.join(root, f.path);
  let existing: string | null = null;
  try {
    existing = await readFile(file, 'utf8');
  } catch {
    existing = null;
  }
  if (existing === f.content) return { file: f.path, status: 'unchanged' };
  if (existing !== null && !options.force) return { file: f.path, status: 'exists' };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, f.content);
  return { file: f.path, status: 'written' };
}
