import { RESULT_STATUSES, type ResultStatus, type RunRecord, type ServiceRecord, type TestResult } from '../core/types.js';
import { SeamsError } from '../util/errors.js';
import { redactSecrets } from '../util/urls.js';
import type { RunCounts, RunHeader, RunQuery, RunSummary, WindowQuery } from './types.js';

/** Rows of the results schema: the column list, conversions between records and rows, run filters. */

export const RESULT_COLUMNS = [
  'run_id',
  'seq',
  'runner',
  'project',
  'test_id',
  'file',
  'name',
  'suite',
  'tier',
  'status',
  'duration_ms',
  'attempts',
  'flaky',
  'message',
  'reason',
  'services',
  'known',
] as const;

/** The columns `toResult` reads (a run's results: all but `run_id`, which the caller knows). */
export const RESULT_READ_COLUMNS = RESULT_COLUMNS.filter((c) => c !== 'run_id').join(', ');

/**
 * The `runs.services` column: the service records with URL passwords masked, whatever wrote them
 * (a run, an ingested results file of an older seams). Results' messages and reasons are masked
 * the same way (`resultRow`).
 */
export function servicesColumn(services: readonly ServiceRecord[] | undefined): string {
  return JSON.stringify(
    (services ?? []).map((s) => ({ ...s, ...(s.url !== undefined ? { url: redactSecrets(s.url) } : {}), ...(s.message !== undefined ? { message: redactSecrets(s.message) } : {}) })),
  );
}

/** Longest failure message kept per result (the rest is cut, marked with …). */
export const MAX_MESSAGE = 16 * 1024;

export const cut = (s: string | undefined, max = MAX_MESSAGE): string | null =>
  s === undefined ? null : s.length > max ? `${s.slice(0, max)}…` : s;

export function emptyCounts(): RunCounts {
  return { total: 0, passed: 0, failed: 0, skipped: 0, error: 0, notRun: 0, flaky: 0, xfailed: 0, xpassed: 0 };
}

export function countResults(results: Iterable<TestResult>, counts = emptyCounts()): RunCounts {
  for (const r of results) {
    counts.total++;
    if (r.status === 'passed') counts.passed++;
    else if (r.status === 'failed') counts.failed++;
    else if (r.status === 'skipped') counts.skipped++;
    else if (r.status === 'error') counts.error++;
    else if (r.status === 'xfailed') counts.xfailed++;
    else if (r.status === 'xpassed') counts.xpassed++;
    else counts.notRun++;
    if (r.flaky) counts.flaky++;
  }
  return counts;
}

export function statusOfCounts(c: RunCounts): RunRecord['status'] {
  return c.failed + c.error + c.notRun > 0 ? 'failed' : 'passed';
}

export function validateHeader(h: RunHeader): void {
  if (!h.id || typeof h.id !== 'string') throw new SeamsError('SEAMS_STORE_BAD_RUN', 'a run needs an id', { hint: 'a seams results file needs run.id; nothing was stored' });
  for (const k of ['startedAt', 'finishedAt'] as const)
    if (Number.isNaN(Date.parse(h[k]))) throw new SeamsError('SEAMS_STORE_BAD_RUN', `run ${h.id}: ${k} is not a date: ${h[k]}`, { hint: 'dates are ISO 8601 (2026-01-31T12:00:00Z); nothing was stored' });
}

export const STATUSES = new Set<ResultStatus>(RESULT_STATUSES);

export function resultRow(runId: string, seq: number, r: TestResult): unknown[] {
  if (!STATUSES.has(r.status)) throw new SeamsError('SEAMS_STORE_BAD_RESULT', `result ${r.id}: unknown status ${String(r.status)}`, { hint: `statuses are ${RESULT_STATUSES.join(', ')}; nothing was stored` });
  return [
    runId,
    seq,
    r.runner,
    r.project ?? '',
    r.id,
    r.file ?? null,
    r.name,
    r.suite ?? null,
    r.tier ?? null,
    r.status,
    Number.isFinite(r.durationMs) ? r.durationMs : 0,
    Number.isFinite(r.attempts) ? Math.max(0, Math.trunc(r.attempts)) : 1,
    r.flaky ? 1 : 0,
    cut(r.message === undefined ? undefined : redactSecrets(r.message)),
    cut(r.reason === undefined ? undefined : redactSecrets(r.reason), 4096),
    r.services?.length ? JSON.stringify(r.services) : null,
    r.known === undefined ? null : r.known ? 1 : 0,
  ];
}

export interface RunRow {
  id: string;
  repo: string;
  commit_sha: string | null;
  branch: string | null;
  tiers: string;
  environment: string;
  shard: string | null;
  started_at: string;
  finished_at: string;
  status: RunRecord['status'];
  services: string;
  total: number | string;
  passed: number | string;
  failed: number | string;
  skipped: number | string;
  errors: number | string;
  not_run: number | string;
  flaky: number | string;
  /** Migration 5. */
  xfailed: number | string;
  xpassed: number | string;
  /** Migration 4. */
  incomplete_reason?: string | null;
  error_text?: string | null;
  log_path?: string | null;
}

export interface ResultRow {
  run_id: string;
  seq: number;
  runner: TestResult['runner'];
  project: string;
  test_id: string;
  file: string | null;
  name: string;
  suite: string | null;
  tier: string | null;
  status: ResultStatus;
  duration_ms: number | string;
  attempts: number | string;
  flaky: number | string;
  message: string | null;
  reason: string | null;
  services: string | null;
  known: number | string | null;
}

export function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    repo: r.repo,
    commit: r.commit_sha,
    branch: r.branch,
    tiers: JSON.parse(r.tiers) as string[],
    environment: JSON.parse(r.environment) as Record<string, string>,
    shard: r.shard,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    services: JSON.parse(r.services) as ServiceRecord[],
    counts: {
      total: Number(r.total),
      passed: Number(r.passed),
      failed: Number(r.failed),
      skipped: Number(r.skipped),
      error: Number(r.errors),
      notRun: Number(r.not_run),
      flaky: Number(r.flaky),
      xfailed: Number(r.xfailed ?? 0),
      xpassed: Number(r.xpassed ?? 0),
    },
    durationMs: Math.max(0, Date.parse(r.finished_at) - Date.parse(r.started_at)),
    ...(r.status === 'incomplete' || r.incomplete_reason
      ? {
          incomplete: {
            reason: r.incomplete_reason ?? 'incomplete',
            ...(r.error_text ? { errorText: r.error_text } : {}),
            ...(r.log_path ? { log: r.log_path } : {}),
          },
        }
      : {}),
  };
}

/** Longest runner error text stored with an incomplete run. */
export const MAX_ERROR_TEXT = 4096;

export function toResult(r: ResultRow): TestResult {
  return toResultOfColumns([r.seq, r.runner, r.project, r.test_id, r.file, r.name, r.suite, r.tier, r.status, r.duration_ms, r.attempts, r.flaky, r.message, r.reason, r.services, r.known]);
}

/**
 * A result from a row read as an array of `RESULT_READ_COLUMNS`, in that order (`SqlDriver.rows`).
 * `prev`: the result of the row before; its strings are reused where this row's are equal (a
 * file's results share runner, project, file, suite, tier and status), so a run of a million
 * results holds those strings once per change instead of once per result.
 */
export function toResultOfColumns(a: readonly unknown[], prev?: TestResult): TestResult {
  const same = <T>(v: T, p: T | undefined): T => (p !== undefined && v === p ? p : v);
  const project = a[2] as string;
  const out: TestResult = {
    runner: same(a[1] as TestResult['runner'], prev?.runner),
    project: project === '' ? null : same(project, prev?.project ?? undefined),
    id: a[3] as string,
    name: a[5] as string,
    status: same(a[8] as ResultStatus, prev?.status),
    durationMs: Number(a[9]),
    attempts: Number(a[10]),
    flaky: Number(a[11]) === 1,
  };
  if (a[4] !== null) out.file = same(a[4] as string, prev?.file);
  if (a[6] !== null) out.suite = same(a[6] as string, prev?.suite);
  if (a[7] !== null) out.tier = same(a[7] as string, prev?.tier);
  if (a[12] !== null) out.message = a[12] as string;
  if (a[13] !== null) out.reason = a[13] as string;
  if (a[14] !== null) out.services = JSON.parse(a[14] as string) as string[];
  if (a[15] !== null) out.known = Number(a[15]) === 1;
  return out;
}

export function whereRuns(q: RunQuery | WindowQuery & { commit?: string }, alias = 'runs'): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const rq = q as RunQuery;
  if (rq.status !== undefined) {
    parts.push(`${alias}.status = ?`);
    params.push(rq.status);
  } else if (!rq.includeIncomplete) parts.push(`${alias}.status <> 'incomplete'`);
  if (rq.before !== undefined) {
    parts.push(`${alias}.started_at < ?`);
    params.push(rq.before);
  }
  if (q.repo !== undefined) {
    parts.push(`${alias}.repo = ?`);
    params.push(q.repo);
  }
  if (q.branch !== undefined) {
    parts.push(`${alias}.branch = ?`);
    params.push(q.branch);
  }
  if (q.commit !== undefined) {
    parts.push(`${alias}.commit_sha = ?`);
    params.push(q.commit);
  }
  if (q.since !== undefined) {
    parts.push(`${alias}.started_at >= ?`);
    params.push(q.since);
  }
  if (q.tier !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM run_tiers t WHERE t.run_id = ${alias}.id AND t.tier = ?)`);
    params.push(q.tier);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** File ids as `reach_tests.files` stores them: sorted, each as the difference to the one before (`3,2,4,1` for 3, 5, 9, 10). */
export function encodeFileIds(ids: Iterable<number>): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  let prev = 0;
  return sorted
    .map((id, i) => {
      const d = i === 0 ? id : id - prev;
      prev = id;
      return String(d);
    })
    .join(',');
}

export function decodeFileIds(text: string): number[] {
  if (!text) return [];
  let acc = 0;
  return text.split(',').map((d, i) => (acc = i === 0 ? Number(d) : acc + Number(d)));
}
