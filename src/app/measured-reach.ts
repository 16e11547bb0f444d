import { existsSync } from 'node:fs';
import path from 'node:path';
import type { MeasuredReach } from '../core/reach.js';
import type { ConfiguredRepo } from '../scan/configured.js';
import { parseStoreSpec, resolveStoreSpec } from '../store/spec.js';
import { SeamsError } from '../util/errors.js';

/**
 * Which reach gaps (and gate and the report, through the analysis) use: `auto` (default) the
 * measured reach the history holds for a test (`seams run --reach`) and import reach elsewhere;
 * `static` import reach only, without opening the history; `measured` as auto, but a history
 * without measured reach for the repository is an error (exit 2).
 */
export type ReachMode = 'auto' | 'static' | 'measured';
export const REACH_MODES: readonly ReachMode[] = ['auto', 'static', 'measured'];
/** The `--reach` help text of gaps, gate and report. */
export const REACH_HELP =
  'auto: measured reach from the history where stored (seams run --reach), import reach elsewhere; static: import reach only (the history is not read); measured: as auto, and an error when nothing is measured';

export interface MeasuredReachOptions {
  reach?: ReachMode;
  /** History database (`--db`); else SEAMS_DATABASE_URL, seams.yaml `history.db`, `.seams/history.db`. */
  db?: string;
  env?: NodeJS.ProcessEnv;
  /** false (`--no-cache`): hash files for staleness without the stat index. */
  cache?: boolean;
}

export interface LoadedMeasuredReach {
  /** Undefined when nothing is measured (or reach is static). */
  measured?: MeasuredReach;
  /** Why measured reach could not be read (auto: the analysis goes on with import reach). */
  note?: string;
}

/**
 * The measured reach of one repository, read from the history as `options.reach` asks. Nothing is
 * opened when the repository declares no components (no reach to compute) or when the SQLite
 * history does not exist (not created either): `seams gaps` on a repo without history pays nothing.
 * The store and its drivers are loaded only when there is one to read.
 */
export async function measuredReachOf(repo: ConfiguredRepo, options: MeasuredReachOptions = {}): Promise<LoadedMeasuredReach> {
  const mode = options.reach ?? 'auto';
  if (mode === 'static' || !Object.keys(repo.config.config.components).length) return {};
  const root = repo.inventory.root;
  const spec = resolveStoreSpec({ db: options.db, env: options.env ?? process.env, configured: repo.config.user.history?.db });
  const target = parseStoreSpec(spec);
  const hint = 'seams run --reach records which files each test executes (pytest under coverage.py)';
  if (target.kind === 'sqlite' && target.file !== ':memory:' && !existsSync(path.resolve(root, target.file))) {
    if (mode === 'measured') throw new SeamsError('SEAMS_NO_MEASURED_REACH', `--reach measured: no history yet (${target.file} does not exist)`, { hint });
    return {};
  }
  try {
    const [{ openStore }, { loadMeasuredReach }] = await Promise.all([import('../store/index.js'), import('./reach.js')]);
    const store = await openStore(spec, root, { readOnly: true });
    try {
      const measured = await loadMeasuredReach(root, store, repo.inventory, { cache: options.cache });
      if (!measured.tests.size) {
        if (mode === 'measured') throw new SeamsError('SEAMS_NO_MEASURED_REACH', `--reach measured: ${store.location} holds no measured reach for ${repo.inventory.name}`, { hint });
        return {};
      }
      return { measured };
    } finally {
      await store.close();
    }
  } catch (e) {
    if (mode === 'measured') throw e;
    // auto: an unreachable database must not stop the analysis; import reach, and say so
    return { note: `measured reach not read (import reach used): ${(e as Error).message.split('\n')[0]}` };
  }
}
