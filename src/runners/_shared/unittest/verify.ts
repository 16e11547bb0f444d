/**
 * `--verify` for the unittest-based runners: writes the shipped listing script into a temporary
 * folder, runs it with the project's interpreter and compares the ids it prints with the
 * inventory's (same report shape as pytest's verify).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveredTest, RunnerId } from '../../../core/types.js';
import { execCommand } from '../../../util/exec.js';
import type { VerifyReport } from '../../types.js';
import { compareListing, parseListing } from './native.js';
import { pythonFiles } from './python.js';

export interface ListingRun {
  runner: RunnerId;
  project: string | null;
  python: string;
  /** Arguments after the interpreter; `{dir}` is replaced by the scratch folder. */
  args: string[];
  cwd: string;
  which: 'unittest' | 'django';
  staticIds: readonly string[];
  /** The static tests of `staticIds` (which are dynamic, for the per-file view). */
  tests?: readonly DiscoveredTest[];
  timeoutMs?: number;
  /** Shown as the command to reproduce. */
  display: string;
  env?: Record<string, string>;
}

export async function verifyListing(run: ListingRun): Promise<VerifyReport> {
  const base: VerifyReport = {
    runner: run.runner,
    project: run.project,
    command: run.display,
    nativeCount: 0,
    staticCount: run.staticIds.length,
    matched: 0,
    missing: [],
    extra: [],
    erroredFiles: [],
    matchRate: 0,
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-list-'));
  try {
    for (const f of pythonFiles(dir, run.which)) writeFileSync(f.path, f.content);
    const args = run.args.map((a) => a.replaceAll('{dir}', dir));
    const result = await execCommand(run.python, args, {
      cwd: run.cwd,
      timeoutMs: run.timeoutMs ?? 15 * 60_000,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...run.env },
    });
    if (result.spawnError) {
      const reason = result.spawnError.code === 'ENOENT' ? `Python interpreter not found: ${run.python}` : `cannot run ${run.python}: ${result.spawnError.message}`;
      return { ...base, error: `${reason} (pass --python /path/to/python)` };
    }
    if (result.signal) return { ...base, error: `${run.display} was stopped (${result.signal}) — timeout?` };
    if (result.code !== 0) {
      const last = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
      return { ...base, error: `${run.display} failed with exit code ${result.code}: ${last.slice(0, 300)}` };
    }
    const listing = parseListing(result.stdout);
    return { ...base, ...compareListing(listing, run.staticIds, run.tests), erroredFiles: listing.erroredModules };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
