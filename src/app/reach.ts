import path from 'node:path';
import { openFileHashes } from '../cache/files.js';
import { openCache } from '../cache/store.js';
import { measuredKey, type MeasuredReach, type MeasuredRun, type MeasuredTest } from '../core/reach.js';
import type { RepoInventory } from '../core/types.js';
import { runners } from '../runners/registry.js';
import type { ResultStore } from '../store/types.js';

/** The runners whose tests `seams run --reach` measures (those with a `reach` member). */
export function measurableRunners(): string[] {
  return runners.filter((r) => r.reach).map((r) => r.id);
}

export interface LoadReachOptions {
  /** false (`--no-cache`): hash the files without the stat index in `.seams/cache`. */
  cache?: boolean;
}

/**
 * Measured reach from the history (`seams run --reach`): per test, the newest run that measured it
 * and the repository files it executed then. A measurement is stale when the test's file or one of
 * those files now has another content than when it was measured (or is gone): files are hashed
 * through the scan's stat index, so unchanged files are not read. Keyed by `measuredKey`; ids are the
 * runner's own as the run reported them (a parametrized test's measurements are under its full
 * ids), so tests that are no longer in the inventory may appear too.
 */
export async function loadMeasuredReach(root: string, store: ResultStore, inventory: Pick<RepoInventory, 'name' | 'tests'>, options: LoadReachOptions = {}): Promise<MeasuredReach> {
  const latest = await store.latestReach({ repo: inventory.name });
  const runs = new Map<string, MeasuredRun>();
  for (const r of latest.runs.values()) runs.set(r.id, { id: r.id, commit: r.commit, startedAt: r.startedAt });
  const measurable = measurableRunners();
  if (!latest.tests.length) return { tests: new Map(), runs, measurable };

  const hashes = openFileHashes(openCache(root, { enabled: options.cache !== false }), root);
  const changed = new Map<string, boolean>();
  /** Whether `file` now differs from `hash` (memoised per path and stored hash). */
  const differs = (file: string, hash: string): boolean => {
    const k = `${file}\u0000${hash}`;
    let d = changed.get(k);
    if (d === undefined) changed.set(k, (d = hashes.hashOf(path.join(root, ...file.split('/'))) !== hash));
    return d;
  };
  const testFiles = new Map(inventory.tests.map((t) => [measuredKey(t), t.file]));
  const byPath = new Map<string, Map<string, string>>();
  const pathsOf = (runId: string) => {
    let m = byPath.get(runId);
    if (!m) byPath.set(runId, (m = new Map((latest.runs.get(runId)?.files ?? []).filter(Boolean).map((f) => [f.path, f.hash]))));
    return m;
  };
  const tests = new Map<string, MeasuredTest>();
  for (const t of latest.tests) {
    const run = latest.runs.get(t.run);
    if (!run) continue;
    const files: string[] = [];
    let stale = false;
    for (const id of t.files) {
      const f = run.files[id];
      if (!f) continue;
      files.push(f.path);
      if (!stale && differs(f.path, f.hash)) stale = true;
    }
    const key = measuredKey(t);
    // the test's own file, when the run hashed it (it does for every test it measures)
    const own = testFiles.get(key);
    const ownHash = own ? pathsOf(t.run).get(own) : undefined;
    if (!stale && own && ownHash !== undefined && differs(own, ownHash)) stale = true;
    tests.set(key, { run: t.run, files: files.sort(), stale });
  }
  // the index is only read here: saving it from a few files' lookups would drop the scan's other entries
  return { tests, runs, measurable };
}
