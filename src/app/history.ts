import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../core/types.js';
import { flakyWindowKey } from '../core/metrics/index.js';
import { openStore, resolveStoreSpec, type FlakyWindow, type ResultStore, type RunSummary } from '../store/index.js';

export interface LoadedHistory {
  /** Full runs (with results), newest first. */
  runs: RunRecord[];
  /** Run summaries (counts only), newest first — more of them than `runs`, for trends. */
  summaries: RunSummary[];
  /** Reduced flaky windows asked for (`flakyWindows`), by `flakyWindowKey(tier, runs)`. */
  flakyWindows?: Map<string, FlakyWindow>;
  location: string | null;
  /** Why there is no history, when there is none. */
  missing?: string;
}

/**
 * Reads the newest runs of a repo from the history store. A SQLite history that does not exist
 * yet is reported as missing and not created (gate and report only read). Runs are those whose
 * `repo` is the repo's name; when none carry it (a per-repo SQLite file), all runs are used.
 */
export async function loadHistory(
  root: string,
  options: {
    db?: string;
    env?: NodeJS.ProcessEnv;
    configured?: string;
    repoName: string;
    /** Full runs to load per tier set (default 20). */
    runs?: number;
    /** Full runs to load in total, newest first (default 100). */
    maxRuns?: number;
    summaries?: number;
    /**
     * Reduced flaky windows to read (`store.flakyWindow`: the tests that can be flaky and the
     * runs' counts, not every result), one per tier (none: every tier) and size: the gates'
     * `flaky` rules read these instead of `runs` loaded whole.
     */
    flakyWindows?: readonly { tier?: string; runs: number }[];
  },
): Promise<LoadedHistory> {
  const spec = resolveStoreSpec({ db: options.db, env: options.env, configured: options.configured });
  if (!/^postgres(ql)?:\/\//i.test(spec)) {
    const file = spec.replace(/^sqlite:(\/\/)?/i, '');
    if (file !== ':memory:' && !existsSync(path.resolve(root, file)))
      return { runs: [], summaries: [], location: null, missing: `no history yet (${file} does not exist; run \`seams run\` or \`seams ingest\`)` };
  }
  // gate and report only read: never migrate, create a schema or write (openStore readOnly)
  const store = await openStore(spec, root, { readOnly: true });
  try {
    let summaries = await store.listRuns({ repo: options.repoName, limit: options.summaries ?? 200 });
    if (!summaries.length && store.kind === 'sqlite') summaries = await store.listRuns({ limit: options.summaries ?? 200 });
    // Full runs (with every result) are the expensive part: load the newest `runs` of each tier
    // set (a unit run, an integration run, …), at most `runs` × tier sets and never more than 100.
    // Shards `i/n` of one commit count as one run (they are merged later).
    const perSet = new Map<string, Set<string>>();
    const wanted = summaries.filter((s) => {
      // a run without results (not sharded) is no run of any rule's tests: it takes no place
      if (!s.shard && s.counts.total === 0) return false;
      const k = [...s.tiers].sort().join('+');
      const group = s.shard && s.commit ? `${s.commit}|${s.shard.split('/')[1]}` : s.id;
      let groups = perSet.get(k);
      if (!groups) perSet.set(k, (groups = new Set()));
      if (groups.has(group)) return true;
      if (groups.size >= (options.runs ?? 20)) return false;
      groups.add(group);
      return true;
    });
    const runs: RunRecord[] = [];
    const strings = new Map<string, string>();
    const load = wanted.slice(0, options.maxRuns ?? 100);
    for (const s of load) {
      const r = await store.getRun(s.id);
      // one run has nothing to share with (the gate's usual case: the newest run of a tier set)
      if (r) runs.push(load.length > 1 ? shareStrings(r, strings) : r);
    }
    let flakyWindows: Map<string, FlakyWindow> | undefined;
    if (options.flakyWindows?.length && summaries.length) {
      // the runs the summaries are of: the repo's, or every run of a per-repo SQLite file
      const repo = summaries.some((s) => s.repo === options.repoName) ? options.repoName : undefined;
      flakyWindows = new Map();
      for (const w of options.flakyWindows) {
        const key = flakyWindowKey(w.tier, w.runs);
        if (!flakyWindows.has(key)) flakyWindows.set(key, await store.flakyWindow({ repo, tier: w.tier, runs: w.runs, withResults: true }));
      }
    }
    return {
      runs,
      summaries,
      ...(flakyWindows ? { flakyWindows } : {}),
      location: store.location,
      missing: summaries.length ? undefined : `no runs recorded in ${store.location}`,
    };
  } finally {
    await store.close();
  }
}

/**
 * One string for each repeated value across the loaded runs (a test's id, file, runner, tier, and
 * messages and reasons that repeat): runs of one repo repeat nearly all of them, and each driver
 * row brings its own copy.
 */
function shareStrings(run: RunRecord, strings: Map<string, string>): RunRecord {
  const share = <T extends string | undefined | null>(v: T): T => {
    if (typeof v !== 'string') return v;
    const known = strings.get(v);
    if (known !== undefined) return known as T;
    strings.set(v, v);
    return v;
  };
  for (const r of run.results) {
    r.id = share(r.id);
    r.runner = share(r.runner);
    if (r.project) r.project = share(r.project);
    if (r.file) r.file = share(r.file);
    if (r.tier) r.tier = share(r.tier);
    if (r.suite) r.suite = share(r.suite);
    r.name = share(r.name);
    if (r.reason) r.reason = share(r.reason);
    if (r.message) r.message = share(r.message);
  }
  return run;
}

/**
 * Opens the history store for a repo: --db, SEAMS_DATABASE_URL, history.db in seams.yaml, default.
 * `readOnly` (flaky): creates nothing; a database that does not exist is an empty history.
 */
export function openHistory(root: string, options: { db?: string; env?: NodeJS.ProcessEnv; configured?: string; readOnly?: boolean } = {}): Promise<ResultStore> {
  return openStore(resolveStoreSpec({ db: options.db, env: options.env ?? process.env, configured: options.configured }), root, { readOnly: options.readOnly });
}
