import path from 'node:path';
import { openFileHashes } from '../cache/files.js';
import { openCache } from '../cache/store.js';
import { measuredKey, type MeasuredReach, type MeasuredRun, type MeasuredTest } from '../core/reach.js';
import { extendsId } from '../core/origin.js';
import type { DiscoveredTest, RepoInventory } from '../core/types.js';
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
  addDynamic(tests, runs, inventory.tests);
  return { tests, runs, measurable };
}

/** Where a runner's id syntax lets an id continue (`base::x`, `base[x]`, `base > x`): the bases an id extends. */
function basesOf(id: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < id.length; i++) {
    const base = id.slice(0, i);
    if ((id[i] === '[' || id.startsWith('::', i) || id.startsWith(' > ', i)) && extendsId(id, base)) out.push(base);
  }
  return out;
}

/**
 * A test the inventory lists once as `dynamic` (a parametrized function whose values the scan could
 * not compute) is measured under the ids the runner gave its cases (`test_x[1]`, `test_x[2]`): it
 * gets their union — the files, the newest of their runs, stale when any is — unless it has a
 * measurement of its own.
 */
function addDynamic(tests: Map<string, MeasuredTest>, runs: ReadonlyMap<string, MeasuredRun>, inventory: readonly Pick<DiscoveredTest, 'runner' | 'project' | 'id' | 'dynamic'>[]): void {
  const wanted = new Set<string>();
  for (const t of inventory) if (t.dynamic && !tests.has(measuredKey(t))) wanted.add(measuredKey(t));
  if (!wanted.size) return;
  const merged = new Map<string, { run: string; files: Set<string>; stale: boolean }>();
  for (const [key, m] of tests) {
    const [runner, project] = key.split('|', 2) as [string, string];
    const id = key.slice(runner.length + project.length + 2);
    for (const base of basesOf(id)) {
      const k = measuredKey({ runner, project, id: base });
      if (!wanted.has(k)) continue;
      const acc = merged.get(k) ?? { run: m.run, files: new Set<string>(), stale: false };
      for (const f of m.files) acc.files.add(f);
      acc.stale ||= m.stale;
      const a = runs.get(acc.run);
      const b = runs.get(m.run);
      if (a && b && (b.startedAt > a.startedAt || (b.startedAt === a.startedAt && b.id > a.id))) acc.run = m.run;
      merged.set(k, acc);
    }
  }
  for (const [k, acc] of merged) tests.set(k, { run: acc.run, files: [...acc.files].sort(), stale: acc.stale });
}
