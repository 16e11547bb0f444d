import { RESULT_STATUSES, worseRunStatus, type ResultStatus, type RunRecord, type TestResult } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { FLAKY_CANDIDATE_HAVING, FLAKY_WINDOW_RUNS, logicalGroups, newestPerTierSet, windowEntriesOf, type WindowGroup, type WindowResult } from '../core/flaky.js';
import { MAX_ERROR_TEXT, RESULT_COLUMNS, RESULT_READ_COLUMNS, decodeFileIds, encodeFileIds, emptyCounts, countResults, statusOfCounts, validateHeader, resultRow, servicesColumn, toSummary, toResult, toResultOfColumns, whereRuns, type RunRow, type ResultRow } from './rows.js';
import { MIGRATIONS, type SqlDriver } from './schema.js';
import { redactSecrets } from '../util/urls.js';
import type { DeleteResult, FlakyWindow, FlakyWindowRun, ResultColumn, LatestReach, ResultStore, RunCounts, RunHeader, RunQuery, RunReach, RunSummary, SaveResult, TestHistoryEntry, TestKey, WindowEntry, WindowQuery } from './types.js';
import { testKeyOf } from './types.js';

const BATCH = 500;

/**
 * The one implementation of `ResultStore` over a small SQL driver. SQLite and PostgreSQL differ
 * only in the driver (placeholders, bulk insert, locking); the SQL below is written in the common
 * subset of both (`?` placeholders are rewritten to `$n` by the PostgreSQL driver).
 */
export class SqlResultStore implements ResultStore {
  /** `readOnly`: every write (migrate, save) is refused, so a reader can never create or change history. */
  constructor(
    private readonly db: SqlDriver,
    public readOnly = false,
  ) {}

  private refuseWrite(what: string): void {
    if (this.readOnly)
      throw new SeamsError('SEAMS_STORE_READ_ONLY', `the history database ${this.location} was opened read-only; cannot ${what}`, {
        hint: 'this is a bug in seams: a read-only command tried to write history',
        exitCode: 3,
      });
  }

  /** The schema version the database has (0: no seams tables at all). */
  async schemaVersion(): Promise<number> {
    try {
      const rows = await this.db.all<{ v: number | string | null }>('SELECT MAX(version) AS v FROM seams_migrations');
      return Number(rows[0]?.v ?? 0);
    } catch {
      return 0;
    }
  }

  get kind() {
    return this.db.kind;
  }
  get location() {
    return this.db.location;
  }

  async migrate(): Promise<void> {
    this.refuseWrite('migrate it');
    await this.db.begin();
    try {
      await this.db.lockForMigration();
      await this.db.exec(
        'CREATE TABLE IF NOT EXISTS seams_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      const rows = await this.db.all<{ v: number | string | null }>('SELECT MAX(version) AS v FROM seams_migrations');
      const current = Number(rows[0]?.v ?? 0);
      const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
      if (current > latest)
        throw new SeamsError(
          'SEAMS_STORE_TOO_NEW',
          `the history database ${this.location} has schema version ${current}, this seams knows up to ${latest}`,
          { hint: 'upgrade seams, or point --db at another database' },
        );
      // each migration not applied yet, in order: one numbered below the newest applied (a branch's
      // migration that landed after a later one, as 4 and 5 of issue 12) is applied too
      const applied = new Set((await this.db.all<{ version: number | string }>('SELECT version FROM seams_migrations')).map((r) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        for (const s of m.statements) await this.db.exec(s);
        await m.update?.(this.db);
        await this.db.run('INSERT INTO seams_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      }
      await this.db.commit();
    } catch (error) {
      await this.db.rollback().catch(() => {});
      throw error;
    }
  }

  saveRun(run: RunRecord & { shards?: readonly string[]; reach?: RunReach }): Promise<SaveResult> {
    const { results, reach, ...header } = run;
    return this.saveRunStream(header, [results], reach);
  }

  async saveRunStream(
    header: RunHeader,
    batches: AsyncIterable<readonly TestResult[]> | Iterable<readonly TestResult[]>,
    reach?: RunReach,
  ): Promise<SaveResult> {
    this.refuseWrite(`store run ${header.id}`);
    validateHeader(header);
    const counts = emptyCounts();
    await this.db.begin();
    try {
      const inserted = await this.db.run(
        `INSERT INTO runs (id, repo, commit_sha, branch, tiers, environment, shard, started_at, finished_at, status, services,
           total, passed, failed, skipped, errors, not_run, flaky, incomplete_reason, error_text, log_path)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [
          header.id,
          header.repo,
          header.commit,
          header.branch,
          JSON.stringify(header.tiers),
          JSON.stringify(header.environment ?? {}),
          header.shard,
          header.startedAt,
          header.finishedAt,
          header.status ?? 'passed',
          servicesColumn(header.services),
          ...incompleteColumns(header),
        ],
      );
      const shards = [...new Set(header.shards ?? (header.shard ? [header.shard] : []))];
      if (inserted.changes === 0) {
        const merged = shards.length ? await this.mergeShards(header, shards, batches) : null;
        if (merged) {
          if (reach) await this.insertReach(header, reach);
          await this.db.commit();
          return merged;
        }
        await this.db.rollback();
        const existing = (await this.listRunsWhere('WHERE runs.id = ?', [header.id], 1))[0];
        return { inserted: false, counts: existing?.counts ?? counts, status: existing?.status ?? 'passed' };
      }
      if (shards.length) await this.db.insertMany('run_shards', ['run_id', 'shard'], shards.map((s) => [header.id, s]));
      const tiers = new Set(header.tiers);
      await this.insertResults(header.id, 0, batches, counts, tiers);
      if (reach) await this.insertReach(header, reach);
      const status = header.status ?? statusOfCounts(counts);
      if (tiers.size) await this.db.insertMany('run_tiers', ['run_id', 'tier'], [...tiers].map((t) => [header.id, t]));
      await this.db.run(
        `UPDATE runs SET tiers = ?, status = ?, total = ?, passed = ?, failed = ?, skipped = ?, errors = ?, not_run = ?, flaky = ?, xfailed = ?, xpassed = ? WHERE id = ?`,
        [JSON.stringify([...tiers]), status, counts.total, counts.passed, counts.failed, counts.skipped, counts.error, counts.notRun, counts.flaky, counts.xfailed, counts.xpassed, header.id],
      );
      await this.db.commit();
      return { inserted: true, counts, status };
    } catch (error) {
      await this.db.rollback().catch(() => {});
      throw error;
    }
  }

  /**
   * Inside the save's transaction: the run's file dictionary (ids continue after those a shard of
   * the same run stored before), one row per measured test, and `reach_latest` moved to this run
   * for every test it measured unless a newer run measured that test already.
   */
  private async insertReach(header: RunHeader, reach: RunReach): Promise<void> {
    const stored = await this.db.all<{ file_id: number | string; path: string }>('SELECT file_id, path FROM reach_files WHERE run_id = ?', [header.id]);
    const ids = new Map(stored.map((r) => [r.path, Number(r.file_id)]));
    let next = stored.reduce((m, r) => Math.max(m, Number(r.file_id) + 1), 0);
    const fileRows: unknown[][] = [];
    for (const p of Object.keys(reach.files).sort()) {
      if (ids.has(p)) continue;
      const hash = reach.files[p]!;
      ids.set(p, next);
      fileRows.push([header.id, next++, p, hash]);
    }
    // the result row of each test in this run (the newest, should a merged shard repeat one)
    const seqs = new Map<string, number>();
    for (const r of await this.db.all<{ seq: number | string; runner: string; project: string; test_id: string }>('SELECT seq, runner, project, test_id FROM results WHERE run_id = ?', [header.id]))
      seqs.set(testKeyOf({ runner: r.runner, project: r.project === '' ? null : r.project, id: r.test_id }), Number(r.seq));
    const testRows = new Map<string, unknown[]>();
    const latestRows: unknown[][] = [];
    for (const t of reach.tests) {
      const key = testKeyOf(t);
      if (testRows.has(key)) continue;
      const seq = seqs.get(key);
      if (seq === undefined)
        throw new SeamsError('SEAMS_STORE_BAD_REACH', `run ${header.id}: test ${t.id} was measured but has no result in the run`, { hint: 'this is a bug in seams; nothing was stored', exitCode: 3 });
      const fileIds = t.files.map((p) => {
        const id = ids.get(p);
        if (id === undefined)
          throw new SeamsError('SEAMS_STORE_BAD_REACH', `run ${header.id}: test ${t.id} executed ${p}, which is not in the run's files`, { hint: 'this is a bug in seams; nothing was stored', exitCode: 3 });
        return id;
      });
      testRows.set(key, [header.id, seq, encodeFileIds(fileIds)]);
      latestRows.push([header.repo, t.runner, t.project ?? '', t.id, header.id, seq, header.startedAt]);
    }
    for (let i = 0; i < fileRows.length; i += BATCH) await this.db.insertMany('reach_files', ['run_id', 'file_id', 'path', 'hash'], fileRows.slice(i, i + BATCH));
    const rows = [...testRows.values()];
    for (let i = 0; i < rows.length; i += BATCH) await this.db.insertMany('reach_tests', ['run_id', 'seq', 'files'], rows.slice(i, i + BATCH), 'ON CONFLICT (run_id, seq) DO NOTHING');
    for (let i = 0; i < latestRows.length; i += BATCH)
      await this.db.insertMany(
        'reach_latest',
        ['repo', 'runner', 'project', 'test_id', 'run_id', 'seq', 'started_at'],
        latestRows.slice(i, i + BATCH),
        `ON CONFLICT (repo, runner, project, test_id) DO UPDATE SET run_id = excluded.run_id, seq = excluded.seq, started_at = excluded.started_at
         WHERE excluded.started_at > reach_latest.started_at OR (excluded.started_at = reach_latest.started_at AND excluded.run_id > reach_latest.run_id)`,
      );
  }

  async latestReach(query: { repo: string }): Promise<LatestReach> {
    const ofRepo = 'SELECT DISTINCT run_id FROM reach_latest WHERE repo = ?';
    const runRows = await this.db.all<{ id: string; commit_sha: string | null; started_at: string }>(`SELECT id, commit_sha, started_at FROM runs WHERE id IN (${ofRepo})`, [query.repo]);
    const runs: LatestReach['runs'] = new Map(runRows.map((r) => [r.id, { id: r.id, commit: r.commit_sha, startedAt: r.started_at, files: [] }]));
    const fileRows = await this.db.all<{ run_id: string; file_id: number | string; path: string; hash: string }>(
      `SELECT run_id, file_id, path, hash FROM reach_files WHERE run_id IN (${ofRepo})`,
      [query.repo],
    );
    for (const f of fileRows) {
      const run = runs.get(f.run_id);
      if (run) run.files[Number(f.file_id)] = { path: f.path, hash: f.hash };
    }
    const testRows = await this.db.all<{ runner: string; project: string; test_id: string; run_id: string; files: string }>(
      `SELECT l.runner, l.project, l.test_id, l.run_id, t.files FROM reach_latest l
       JOIN reach_tests t ON t.run_id = l.run_id AND t.seq = l.seq
       WHERE l.repo = ?`,
      [query.repo],
    );
    return {
      runs,
      tests: testRows.map((r) => ({ runner: r.runner, project: r.project === '' ? null : r.project, id: r.test_id, run: r.run_id, files: decodeFileIds(r.files) })),
    };
  }

  /** Streams result batches into `results` (numbered from `seq`), counting them and collecting their tiers. */
  private async insertResults(
    runId: string,
    seq: number,
    batches: AsyncIterable<readonly TestResult[]> | Iterable<readonly TestResult[]>,
    counts: RunCounts,
    tiers: Set<string>,
  ): Promise<void> {
    let pending: unknown[][] = [];
    for await (const batch of batches) {
      countResults(batch, counts);
      for (const r of batch) {
        if (r.tier) tiers.add(r.tier);
        pending.push(resultRow(runId, seq++, r));
        if (pending.length >= BATCH) {
          await this.db.insertMany('results', RESULT_COLUMNS, pending);
          pending = [];
        }
      }
    }
    if (pending.length) await this.db.insertMany('results', RESULT_COLUMNS, pending);
  }

  /**
   * Inside `saveRunStream`'s transaction, when run `header.id` exists: adds shards the run does
   * not hold yet (results appended, tiers/services united, start/end widened, counts and status
   * recomputed). Returns null — nothing to change — when the stored run was not sharded or
   * already holds any of these shards (an identical shard is "already stored").
   */
  private async mergeShards(
    header: RunHeader,
    shards: readonly string[],
    batches: AsyncIterable<readonly TestResult[]> | Iterable<readonly TestResult[]>,
  ): Promise<SaveResult | null> {
    const lock = this.db.kind === 'postgres' ? ' FOR UPDATE' : '';
    const row = (await this.db.all<RunRow>(`SELECT * FROM runs WHERE id = ?${lock}`, [header.id]))[0];
    if (!row) return null;
    const stored = new Set((await this.db.all<{ shard: string }>('SELECT shard FROM run_shards WHERE run_id = ?', [header.id])).map((r) => r.shard));
    if (!stored.size || shards.some((s) => stored.has(s))) return null;
    const existing = toSummary(row);
    const counts = { ...existing.counts };
    const added = emptyCounts();
    const tiers = new Set(existing.tiers);
    const oldTiers = new Set(existing.tiers);
    for (const t of header.tiers) tiers.add(t);
    const max = await this.db.all<{ m: number | string | null }>('SELECT MAX(seq) AS m FROM results WHERE run_id = ?', [header.id]);
    const seq = max[0]?.m === null || max[0]?.m === undefined ? 0 : Number(max[0].m) + 1;
    await this.insertResults(header.id, seq, batches, added, tiers);
    for (const k of Object.keys(counts) as (keyof RunCounts)[]) counts[k] += added[k];
    // a shard that could not run its tests makes the whole run incomplete
    const status = worseRunStatus(existing.status, header.status ?? statusOfCounts(added));
    if (header.status === 'incomplete' && existing.status !== 'incomplete')
      await this.db.run('UPDATE runs SET incomplete_reason = ?, error_text = ?, log_path = ? WHERE id = ?', [...incompleteColumns(header), header.id]);
    const newTiers = [...tiers].filter((t) => !oldTiers.has(t));
    if (newTiers.length) await this.db.insertMany('run_tiers', ['run_id', 'tier'], newTiers.map((t) => [header.id, t]));
    await this.db.insertMany('run_shards', ['run_id', 'shard'], shards.map((s) => [header.id, s]));
    const all = [...stored, ...shards].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const services = new Map(existing.services.map((s) => [s.name, s]));
    for (const s of header.services ?? []) if (!services.has(s.name) || s.status !== 'ready') services.set(s.name, s);
    const earliest = Date.parse(header.startedAt) < Date.parse(existing.startedAt) ? header.startedAt : existing.startedAt;
    const latest = Date.parse(header.finishedAt) > Date.parse(existing.finishedAt) ? header.finishedAt : existing.finishedAt;
    await this.db.run(
      `UPDATE runs SET tiers = ?, environment = ?, shard = ?, started_at = ?, finished_at = ?, status = ?, services = ?,
         total = ?, passed = ?, failed = ?, skipped = ?, errors = ?, not_run = ?, flaky = ?, xfailed = ?, xpassed = ? WHERE id = ?`,
      [
        JSON.stringify([...tiers]),
        JSON.stringify({ ...existing.environment, shards: all.join(',') }),
        all.length === 1 ? all[0] : null,
        earliest,
        latest,
        status,
        servicesColumn([...services.values()]),
        counts.total,
        counts.passed,
        counts.failed,
        counts.skipped,
        counts.error,
        counts.notRun,
        counts.flaky,
        counts.xfailed,
        counts.xpassed,
        header.id,
      ],
    );
    return { inserted: true, merged: true, counts, status };
  }

  private async listRunsWhere(where: string, params: unknown[], limit: number): Promise<RunSummary[]> {
    const rows = await this.db.all<RunRow>(
      `SELECT * FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT ${Math.max(0, Math.trunc(limit))}`,
      params,
    );
    return rows.map(toSummary);
  }

  listRuns(query: RunQuery = {}): Promise<RunSummary[]> {
    const w = whereRuns(query);
    return this.listRunsWhere(w.sql, w.params, query.limit ?? 100);
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const summary = (await this.listRunsWhere('WHERE runs.id = ?', [id], 1))[0];
    if (!summary) return null;
    const { counts: _c, durationMs: _d, ...header } = summary;
    // the columns a result needs (not run_id, the same in every row), as arrays, a batch at a time
    // (the driver's rows of a million results are never all held beside the results)
    const results = new Array<TestResult>(summary.counts.total);
    let n = 0;
    for await (const batch of this.readResults(id)) for (const r of batch) results[n++] = r;
    results.length = n;
    return { ...header, results };
  }

  async *readResults(runId: string, batchSize = 20_000): AsyncIterable<TestResult[]> {
    let prev: TestResult | undefined;
    for await (const rows of this.resultBatches(runId, RESULT_READ_COLUMNS, batchSize)) {
      const batch = new Array<TestResult>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        batch[i] = prev = toResultOfColumns(rows[i]!, prev);
        (rows as unknown[])[i] = undefined;
      }
      yield batch;
    }
  }

  async *readResultColumns(runId: string, columns: readonly ResultColumn[], batchSize = 20_000): AsyncIterable<unknown[][]> {
    for (const c of columns) if (!(RESULT_COLUMNS as readonly string[]).includes(c)) throw new Error(`readResultColumns: unknown column ${c}`);
    yield* this.resultBatches(runId, ['seq', ...columns].join(', '), batchSize);
  }

  /**
   * A run's result rows (`columns`, seq first) by ranges of seq over the primary key (run_id, seq):
   * each batch is one bounded index range, so no engine sorts or skips the rest of the run for it
   * (a `seq > ? ORDER BY seq LIMIT n` made PostgreSQL sort all remaining rows per batch when its
   * statistics predate a large ingest). Gaps in seq only make a batch smaller.
   */
  private async *resultBatches(runId: string, columns: string, batchSize: number): AsyncIterable<unknown[][]> {
    const size = Math.max(1, Math.trunc(batchSize));
    const bounds = (await this.db.rows('SELECT MIN(seq), MAX(seq) FROM results WHERE run_id = ?', [runId]))[0];
    if (!bounds || bounds[0] === null || bounds[0] === undefined) return;
    const last = Number(bounds[1]);
    for (let lo = Number(bounds[0]); lo <= last; lo += size) {
      const rows = await this.db.rows(`SELECT ${columns} FROM results WHERE run_id = ? AND seq >= ? AND seq < ? ORDER BY seq`, [runId, lo, lo + size]);
      if (rows.length) yield rows;
    }
  }

  async testHistory(key: TestKey, limit = 50): Promise<TestHistoryEntry[]> {
    const rows = await this.db.all<ResultRow & { commit_sha: string | null; branch: string | null; started_at: string }>(
      `SELECT r.*, runs.commit_sha, runs.branch, runs.started_at FROM results r JOIN runs ON runs.id = r.run_id
       WHERE r.runner = ? AND r.project = ? AND r.test_id = ? AND runs.status <> 'incomplete'
       ORDER BY runs.started_at DESC, runs.id DESC, r.seq DESC LIMIT ${Math.max(0, Math.trunc(limit))}`,
      [key.runner, key.project ?? '', key.id],
    );
    return rows.map((r) => ({ ...toResult(r), runId: r.run_id, commit: r.commit_sha, branch: r.branch, startedAt: r.started_at }));
  }

  async resultsWindow(query: WindowQuery = {}): Promise<WindowEntry[]> {
    const groups = await this.windowGroups(query);
    if (!groups.length) return [];
    // One run's rows at a time: the driver's row objects of one run are garbage before the next
    // run is read, so the peak is the window entries (whose repeated strings are shared), not
    // every row of every run at once on top of them.
    const strings = new Map<string, string>();
    const out: WindowEntry[] = [];
    for (const g of groups) {
      const results: WindowResult[] = [];
      // a run of one tier: its results without a tier are of that tier (as the gates read them)
      for (const run of g.runs) await this.readWindowResults(run.id, run.tiers.length === 1 ? run.tiers[0] : undefined, strings, results);
      // a loop, not push(...): a logical run of many shards can hold more entries than a call takes arguments
      for (const e of windowEntriesOf(g, results)) out.push(e);
    }
    return out;
  }

  /**
   * The logical runs of a window (core/flaky's `selectWindow` over every matching run's summary
   * row, which is small, so the newest runs of each tier set are exact); with `upTo`, only the
   * logical runs up to the one holding that stored run.
   */
  private async windowGroups(query: WindowQuery): Promise<WindowGroup<RunSummary>[]> {
    const { runs: n, upTo, withResults, ...q } = query;
    let all = logicalGroups(await this.listRuns({ ...q, limit: Number.MAX_SAFE_INTEGER }));
    if (withResults) all = all.filter((g) => g.runs.some((r) => r.counts.total > 0));
    if (upTo !== undefined) {
      const at = all.findIndex((g) => g.runs.some((r) => r.id === upTo));
      all = at < 0 ? [] : all.slice(at);
    }
    return newestPerTierSet(all, n ?? FLAKY_WINDOW_RUNS);
  }

  async flakyWindow(query: WindowQuery = {}): Promise<FlakyWindow> {
    const groups = await this.windowGroups(query);
    const runs: FlakyWindowRun[] = groups.map((g) => ({
      id: g.id,
      ids: g.runs.map((r) => r.id),
      commit: g.commit,
      branch: g.branch,
      startedAt: g.startedAt,
      finishedAt: g.runs.reduce((m, r) => (Date.parse(r.finishedAt) > Date.parse(m) ? r.finishedAt : m), g.runs[0]!.finishedAt),
      tiers: g.tiers,
      counts: g.runs.reduce((c, r) => addCounts(c, r.counts), emptyCounts()),
    }));
    if (!groups.length) return { runs, entries: [] };
    const ids = groups.flatMap((g) => g.runs.map((r) => r.id));
    const marks = ids.map(() => '?').join(', ');
    // The tests that can be flaky, in SQL: `f`, the tests with a failure or a retry pass in the
    // window's rows (the primary key's run_id ranges; few rows pass that filter, so the DISTINCT is
    // small, where grouping every row spilled to disk on PostgreSQL); `c`, those of them with a pass
    // too (or the retry pass), over their rows (the results_test index); then the rows of `c`.
    // Only these rows are read into JS.
    const rows = await this.db.rows(
      `WITH f AS (SELECT DISTINCT runner, project, test_id FROM results
           WHERE run_id IN (${marks}) AND (status IN ('failed', 'error') OR (status = 'passed' AND flaky = 1))),
         c AS (SELECT r.runner, r.project, r.test_id FROM f
           JOIN results r ON r.runner = f.runner AND r.project = f.project AND r.test_id = f.test_id
           WHERE r.run_id IN (${marks}) GROUP BY r.runner, r.project, r.test_id HAVING ${FLAKY_CANDIDATE_HAVING})
       SELECT r.run_id, ${WINDOW_COLUMNS.map((col) => `r.${col}`).join(', ')} FROM c
         JOIN results r ON r.runner = c.runner AND r.project = c.project AND r.test_id = c.test_id
       WHERE r.run_id IN (${marks}) ORDER BY r.run_id, r.seq`,
      [...ids, ...ids, ...ids],
    );
    const perRun = new Map<string, unknown[][]>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      (rows as unknown[])[i] = undefined;
      const id = String(row[0]);
      let list = perRun.get(id);
      if (!list) perRun.set(id, (list = []));
      list.push(row.slice(1));
    }
    const toWindow = windowResultReader();
    const entries: WindowEntry[] = [];
    for (const g of groups) {
      const results: (WindowResult & { known?: boolean })[] = [];
      for (const run of g.runs) for (const row of perRun.get(run.id) ?? []) results.push(toWindow(row, run.tiers.length === 1 ? run.tiers[0] : undefined));
      // a logical run without candidates still counts: one of its results (no candidate, so no
      // evidence) carries its failure ratio and executed count into the analysis
      if (!results.length)
        for (const run of g.runs) {
          const [first] = await this.db.rows(`SELECT ${WINDOW_COLUMNS.join(', ')} FROM results WHERE run_id = ? ORDER BY seq LIMIT 1`, [run.id]);
          if (first) {
            results.push(toWindow(first, run.tiers.length === 1 ? run.tiers[0] : undefined));
            break;
          }
        }
      const c = runs[groups.indexOf(g)]!.counts;
      for (const e of windowEntriesOf(g, results, { totals: { executed: c.passed + c.failed + c.error, bad: c.failed + c.error } })) entries.push(e);
    }
    return { runs, entries };
  }

  /**
   * Appends the results flaky detection and durations read of stored run `runId` to `into`, in
   * seq order; `tier`: the tier of results stored without one. `strings` shares equal strings
   * (a test's id, file and runner recur in every run of a window) so a long window holds each once.
   */
  private async readWindowResults(runId: string, tier: string | undefined, strings: Map<string, string>, into: WindowResult[]): Promise<void> {
    // rows as arrays (no object per row): runner, project, test_id, file, tier, status, attempts, flaky, duration_ms, known
    const rows = await this.db.rows(`SELECT ${WINDOW_COLUMNS.join(', ')} FROM results WHERE run_id = ? ORDER BY seq`, [runId]);
    const toWindow = windowResultReader(strings);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      (rows as unknown[])[i] = undefined;
      into.push(toWindow(r, tier));
    }
  }

  /** The results flaky detection and durations read, per stored run id. */
  private async windowResults(runIds: readonly string[]): Promise<Map<string, WindowResult[]>> {
    const perRun = new Map<string, WindowResult[]>();
    const strings = new Map<string, string>();
    for (const id of runIds) {
      const list: WindowResult[] = [];
      await this.readWindowResults(id, undefined, strings, list);
      perRun.set(id, list);
    }
    return perRun;
  }

  async durations(query: RunQuery & { perTest?: number; excludeRun?: string } = {}): Promise<Map<string, number>> {
    const limit = query.limit ?? 20;
    const { excludeRun, ...q } = query;
    // the newest `limit` runs; the same window whether or not other shards of this run are stored yet
    const ids = (await this.listRuns({ ...q, limit: limit + 1 })).filter((r) => r.id !== excludeRun).slice(0, limit).map((r) => r.id);
    const perRun = await this.windowResults(ids);
    const perTest = query.perTest ?? 5;
    const acc = new Map<string, number[]>();
    for (const e of ids.flatMap((id) => perRun.get(id) ?? [])) {
      // tests that ran (expected failures run too: they take their time in a shard)
      if (e.status !== 'passed' && e.status !== 'failed' && e.status !== 'xfailed' && e.status !== 'xpassed') continue;
      const k = testKeyOf(e);
      const list = acc.get(k) ?? [];
      if (list.length < perTest) list.push(e.durationMs);
      acc.set(k, list);
    }
    const out = new Map<string, number>();
    for (const [k, list] of acc) out.set(k, list.reduce((a, b) => a + b, 0) / list.length);
    return out;
  }

  // ---- curating the history (`seams history`): kept apart from the save and read paths ----

  async findRunIds(prefix: string, limit = 20): Promise<string[]> {
    // LIKE would read _ and % in the prefix as patterns: compare the leading characters instead
    const rows = await this.db.all<{ id: string }>(
      `SELECT id FROM runs WHERE SUBSTR(id, 1, ?) = ? ORDER BY started_at DESC, id DESC LIMIT ${Math.max(0, Math.trunc(limit))}`,
      [prefix.length, prefix],
    );
    return rows.map((r) => r.id);
  }

  async deleteRuns(ids: readonly string[]): Promise<DeleteResult> {
    this.refuseWrite(`delete ${ids.length === 1 ? `run ${ids[0]}` : `${ids.length} runs`}`);
    const unique = [...new Set(ids)];
    if (!unique.length) return { runs: 0, results: 0 };
    await this.db.begin();
    try {
      const lock = this.db.kind === 'postgres' ? ' FOR UPDATE' : '';
      const found = new Set<string>();
      const repos = new Set<string>();
      let results = 0;
      for (let i = 0; i < unique.length; i += 200) {
        const chunk = unique.slice(i, i + 200);
        const marks = chunk.map(() => '?').join(', ');
        for (const r of await this.db.all<{ id: string; repo: string; total: number | string }>(`SELECT id, repo, total FROM runs WHERE id IN (${marks})${lock}`, chunk)) {
          found.add(r.id);
          repos.add(r.repo);
        }
      }
      const missing = unique.filter((id) => !found.has(id));
      if (missing.length)
        throw new SeamsError('SEAMS_STORE_UNKNOWN_RUN', `no run ${missing.join(', ')} in ${this.location}; nothing was deleted`, {
          hint: 'seams history list shows the stored runs',
        });
      // every table that hangs off a run, explicitly (not only by ON DELETE CASCADE, which SQLite
      // applies only with foreign_keys on), children first
      for (let i = 0; i < unique.length; i += 200) {
        const chunk = unique.slice(i, i + 200);
        const marks = chunk.map(() => '?').join(', ');
        for (const table of ['reach_latest', 'reach_tests', 'reach_files', 'run_shards', 'run_tiers']) await this.db.run(`DELETE FROM ${table} WHERE run_id IN (${marks})`, chunk);
        results += (await this.db.run(`DELETE FROM results WHERE run_id IN (${marks})`, chunk)).changes;
        await this.db.run(`DELETE FROM runs WHERE id IN (${marks})`, chunk);
      }
      // tests whose newest measurement was deleted: the newest remaining one, if any, is theirs now
      for (const repo of repos)
        await this.db.run(
          `INSERT INTO reach_latest (repo, runner, project, test_id, run_id, seq, started_at)
           SELECT repo, runner, project, test_id, run_id, seq, started_at FROM (
             SELECT runs.repo AS repo, r.runner AS runner, r.project AS project, r.test_id AS test_id, t.run_id AS run_id, t.seq AS seq, runs.started_at AS started_at,
               ROW_NUMBER() OVER (PARTITION BY r.runner, r.project, r.test_id ORDER BY runs.started_at DESC, runs.id DESC) AS n
             FROM reach_tests t JOIN results r ON r.run_id = t.run_id AND r.seq = t.seq JOIN runs ON runs.id = t.run_id
             WHERE runs.repo = ? AND NOT EXISTS (
               SELECT 1 FROM reach_latest l WHERE l.repo = runs.repo AND l.runner = r.runner AND l.project = r.project AND l.test_id = r.test_id)
           ) newest WHERE n = 1`,
          [repo],
        );
      await this.db.commit();
      return { runs: unique.length, results };
    } catch (error) {
      await this.db.rollback().catch(() => {});
      throw error;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /* ---- replaceRun (issue 12, `seams ingest --replace`): kept apart from saveRun on purpose ---- */
  async replaceRun(run: RunRecord & { shards?: readonly string[] }): Promise<SaveResult> {
    this.refuseWrite(`replace run ${run.id}`);
    const { results, ...header } = run;
    validateHeader(header);
    const db = this.db;
    // one transaction: the delete and saveRun's insert commit together (the insert's own
    // begin/commit are folded into this one; its rollback undoes the delete too)
    const inTx: SqlDriver = { ...db, begin: async () => {}, commit: async () => {}, rollback: async () => {} };
    await db.begin();
    try {
      // results, tiers, shards and reach rows go with the run (ON DELETE CASCADE)
      await db.run('DELETE FROM runs WHERE id = ?', [run.id]);
      const save = await new SqlResultStore(inTx).saveRunStream(header, [results]);
      await db.commit();
      return save;
    } catch (error) {
      await db.rollback().catch(() => {});
      throw error;
    }
  }
}

/** The columns a window result is read from, in `windowResultReader`'s order. */
const WINDOW_COLUMNS = ['runner', 'project', 'test_id', 'file', 'tier', 'status', 'attempts', 'flaky', 'duration_ms', 'known'] as const;

/**
 * Converts rows of `WINDOW_COLUMNS` (arrays) to window results, sharing equal strings across the
 * rows it converts (a test's id, file and runner recur in every run of a window). Runner,
 * project, file and tier mostly repeat the row before (a file's tests are stored together):
 * comparing with it is cheaper than a lookup. `tier`: the tier of a result stored without one.
 */
function windowResultReader(strings = new Map<string, string>()): (row: readonly unknown[], tier: string | undefined) => WindowResult & { known?: boolean } {
  const share = (s: string): string => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  let runner = '';
  let project = '';
  let file = '';
  let tierOf = '';
  return (row, tier) => {
    const r = row as [string, string, string, string | null, string | null, string, number | string, number | string, number | string, number | string | null];
    if (r[0] !== runner) runner = share(r[0]);
    if (r[1] !== project) project = share(r[1]);
    const rowFile = r[3];
    if (rowFile !== null && rowFile !== file) file = share(rowFile);
    const t = r[4] ? r[4] : tier !== undefined ? tier : r[4];
    if (t !== null && t !== tierOf) tierOf = share(t);
    return {
      runner: runner as WindowResult['runner'],
      project: project === '' ? null : project,
      id: share(r[2]),
      ...(rowFile !== null ? { file } : {}),
      ...(t !== null ? { tier: tierOf } : {}),
      status: canonicalStatus(r[5]),
      attempts: Number(r[6]),
      flaky: Number(r[7]) === 1,
      durationMs: Number(r[8]),
      ...(r[9] !== null && r[9] !== undefined ? { known: Number(r[9]) === 1 } : {}),
    };
  };
}

function addCounts(a: RunCounts, b: RunCounts): RunCounts {
  for (const k of Object.keys(a) as (keyof RunCounts)[]) a[k] += b[k];
  return a;
}

/** The one string of each status (a driver gives every row its own copy). */
function canonicalStatus(s: string): ResultStatus {
  for (const k of RESULT_STATUSES) if (k === s) return k;
  return s as ResultStatus;
}

/** The migration-4 columns of a run header: why it is incomplete, the runner's error text (bounded), its log. */
function incompleteColumns(header: RunHeader): [string | null, string | null, string | null] {
  const i = header.status === 'incomplete' ? header.incomplete : undefined;
  if (!i) return [header.status === 'incomplete' ? 'incomplete' : null, null, null];
  const text = i.errorText === undefined ? null : i.errorText.length > MAX_ERROR_TEXT ? `…${i.errorText.slice(-MAX_ERROR_TEXT)}` : i.errorText;
  return [redactSecrets(i.reason), text === null ? null : redactSecrets(text), i.log ?? null];
}
