import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import type { RunRecord } from '../core/types.js';
import { openStore, resolveStoreSpec, parseStoreSpec, type DeleteResult, type ResultStore, type RunSummary } from '../store/index.js';
import { SeamsError } from '../util/errors.js';

/**
 * `seams history list|show|rm|prune`: look at the stored runs and remove the ones that should not
 * count (runs of a broken setup, of a deleted branch, incomplete runs, old runs). Lists and shows
 * never create a database; rm and prune delete in one transaction and create nothing either.
 */

export interface HistoryTarget {
  /** Repository root (absolute). */
  root: string;
  config?: string;
  db?: string;
  env?: NodeJS.ProcessEnv;
}

export type RunStatus = RunRecord['status'];
export const RUN_STATUSES: readonly RunStatus[] = ['passed', 'failed', 'error', 'incomplete'];

async function specOf(t: HistoryTarget): Promise<string> {
  const config = (await loadConfig(t.root, t.config)).config;
  return resolveStoreSpec({ db: t.db, env: t.env ?? process.env, configured: config.history.db });
}

/** Runs `work` on the history opened for reading; a missing database is an empty history (never created). */
async function reading<T>(t: HistoryTarget, work: (store: ResultStore) => Promise<T>): Promise<T & { location: string }> {
  const store = await openStore(await specOf(t), t.root, { readOnly: true });
  try {
    return { ...(await work(store)), location: store.location.replace(`${t.root}/`, '') };
  } finally {
    await store.close();
  }
}

/** Opens the history for deleting, or null when it is a SQLite file that does not exist (nothing to delete, nothing created). */
async function openForWriting(t: HistoryTarget): Promise<{ store: ResultStore | null; location: string }> {
  const spec = await specOf(t);
  const target = parseStoreSpec(spec);
  if (target.kind === 'sqlite' && target.file !== ':memory:') {
    const file = path.resolve(t.root, target.file);
    if (!existsSync(file)) return { store: null, location: file.replace(`${t.root}/`, '') };
  } else {
    // a PostgreSQL history that has no runs (or no seams tables, or no schema yet): nothing to delete,
    // and looking must not create the schema
    const reader = await openStore(spec, t.root, { readOnly: true });
    try {
      if (!(await reader.listRuns({ includeIncomplete: true, limit: 1 })).length) return { store: null, location: reader.location };
    } finally {
      await reader.close();
    }
  }
  const store = await openStore(spec, t.root);
  return { store, location: store.location.replace(`${t.root}/`, '') };
}

export interface ListOptions {
  limit?: number;
  branch?: string;
  tier?: string;
  status?: RunStatus;
  repo?: string;
}

export interface HistoryList {
  runs: RunSummary[];
  location: string;
}

/** The stored runs, newest first, incomplete ones included (default: the newest 20). */
export function listHistory(t: HistoryTarget, o: ListOptions = {}): Promise<HistoryList> {
  return reading(t, async (store) => ({
    runs: await store.listRuns({ limit: o.limit ?? 20, branch: o.branch, tier: o.tier, repo: o.repo, includeIncomplete: true, ...(o.status ? { status: o.status } : {}) }),
  }));
}

/**
 * The run a user means by `id`: the run with exactly that id, else the one run whose id starts
 * with it. None, or several: a usage error (exit 2) that lists the candidates.
 */
async function resolveRunId(store: ResultStore, id: string, location: string): Promise<string> {
  const found = await store.findRunIds(id, 11);
  if (found.includes(id)) return id;
  if (found.length === 1) return found[0]!;
  if (!found.length)
    throw new SeamsError('SEAMS_UNKNOWN_RUN', `no run ${id} in ${location}`, { hint: 'seams history list shows the stored runs and their ids (a unique prefix is enough)' });
  throw new SeamsError('SEAMS_AMBIGUOUS_RUN', `run id ${id} is ambiguous in ${location}: ${found.slice(0, 10).join(', ')}${found.length > 10 ? ', …' : ''}`, {
    hint: 'give more of the id',
  });
}

/** One run with all its results. */
export async function showRun(t: HistoryTarget, id: string): Promise<{ run: RunRecord; location: string }> {
  return reading(t, async (store) => {
    const loc = store.location.replace(`${t.root}/`, '');
    const run = await store.getRun(await resolveRunId(store, id, loc));
    return { run: run! };
  });
}

export interface Deletion {
  /** The runs that go (or would go, with a dry run), newest first. */
  runs: RunSummary[];
  location: string;
  /** Set when the runs were deleted. */
  deleted?: DeleteResult;
}

/**
 * A deletion in two steps, so the CLI can ask first: `plan` resolves what goes, `apply` deletes
 * exactly that in one transaction (unknown ids by then: nothing is deleted). Always `close()`.
 */
export interface DeletionPlan {
  runs: RunSummary[];
  location: string;
  apply(): Promise<DeleteResult>;
  close(): Promise<void>;
}

/** `rm`: the runs named (exact ids or unique prefixes). An id that matches no run: exit 2, nothing deleted. */
export async function planRemove(t: HistoryTarget, ids: readonly string[]): Promise<DeletionPlan> {
  if (!ids.length) throw new SeamsError('SEAMS_USAGE', 'seams history rm needs at least one run id', { hint: 'seams history list shows the run ids' });
  const { store, location } = await openForWriting(t);
  if (!store) throw new SeamsError('SEAMS_UNKNOWN_RUN', `no run ${ids[0]}: there are no runs in ${location}`, { hint: 'check --db / SEAMS_DATABASE_URL / history.db in seams.yaml' });
  try {
    const full: string[] = [];
    for (const id of ids) full.push(await resolveRunId(store, id, location));
    const wanted = new Set(full);
    const runs = (await store.listRuns({ includeIncomplete: true, limit: Number.MAX_SAFE_INTEGER })).filter((r) => wanted.has(r.id));
    return deletionPlan(store, runs, location);
  } catch (error) {
    await store.close();
    throw error;
  }
}

export interface PruneOptions {
  /** Keep the newest N runs of each repository (among those the other filters select). */
  keep?: number;
  /** Only runs started before this instant. */
  before?: Date;
  branch?: string;
  status?: RunStatus;
  repo?: string;
}

/** Which runs `prune` removes: see {@link PruneOptions}; the filters combine (all must hold). */
export function pruneSelection(all: readonly RunSummary[], o: PruneOptions): RunSummary[] {
  const selected = all.filter(
    (r) =>
      (o.branch === undefined || r.branch === o.branch) &&
      (o.status === undefined || r.status === o.status) &&
      (o.repo === undefined || r.repo === o.repo) &&
      (o.before === undefined || Date.parse(r.startedAt) < o.before.getTime()),
  );
  if (o.keep === undefined) return selected;
  // newest first already; the newest `keep` of each repository stay
  const kept = new Map<string, number>();
  const keepIds = new Set<string>();
  for (const r of selected) {
    const n = kept.get(r.repo) ?? 0;
    if (n < o.keep) {
      keepIds.add(r.id);
      kept.set(r.repo, n + 1);
    }
  }
  // --keep with --before: the newest N of the repo are counted over the runs the other filters
  // select before the date too, so a run is removed only when it is both old and beyond the N
  return selected.filter((r) => !keepIds.has(r.id));
}

/** `prune`: the runs `pruneSelection` picks. A missing history: nothing to prune. */
export async function planPrune(t: HistoryTarget, o: PruneOptions): Promise<DeletionPlan> {
  const { store, location } = await openForWriting(t);
  if (!store) return { runs: [], location, apply: async () => ({ runs: 0, results: 0 }), close: async () => {} };
  try {
    const all = await store.listRuns({ includeIncomplete: true, limit: Number.MAX_SAFE_INTEGER });
    return deletionPlan(store, pruneSelection(all, o), location);
  } catch (error) {
    await store.close();
    throw error;
  }
}

function deletionPlan(store: ResultStore, runs: RunSummary[], location: string): DeletionPlan {
  return {
    runs,
    location,
    apply: () => store.deleteRuns(runs.map((r) => r.id)),
    close: () => store.close(),
  };
}

/**
 * `--before`: an ISO date (`2026-01-31`, midnight UTC) or date and time (`2026-01-31T12:00:00Z`).
 * Anything else is a usage error with a hint.
 */
export function parseBefore(text: string): Date {
  const t = text.trim();
  const ok = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(t);
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
  const [y, m, d] = t.slice(0, 10).split('-').map(Number);
  if (!ok || Number.isNaN(date.getTime()) || m! < 1 || m! > 12 || d! < 1 || d! > new Date(Date.UTC(y!, m!, 0)).getUTCDate())
    throw new SeamsError('SEAMS_USAGE', `--before must be an ISO date, got ${JSON.stringify(text)}`, {
      hint: '--before 2026-01-31 (midnight UTC) or --before 2026-01-31T12:00:00Z removes runs started before then',
    });
  return date;
}
