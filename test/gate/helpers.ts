import type { RunRecord, TestResult } from '../../src/core/types.js';
import { openStore } from '../../src/store/index.js';
import { writeRepo as writeRepoIn } from '../helpers/repo.js';

/** Writes a tiny repo into a fresh temp dir: { 'a/b.py': 'text' }. */
export const tempRepo = (files: Record<string, string>): string => writeRepoIn(files, 'seams-gate-');

let seq = 0;
export function result(id: string, status: TestResult['status'], extra: Partial<TestResult> = {}): TestResult {
  const file = id.split('::')[0]!;
  return {
    runner: 'pytest',
    project: null,
    id,
    file,
    name: id.split('::').slice(1).join('::'),
    status,
    durationMs: 100,
    attempts: 1,
    flaky: false,
    ...extra,
  };
}

export function runRecord(results: TestResult[], extra: Partial<RunRecord> = {}): RunRecord {
  seq++;
  const start = extra.startedAt ?? new Date(Date.UTC(2026, 10, 1, 10, seq)).toISOString();
  return {
    id: `run-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    repo: 'repo',
    commit: 'abcdef1234567',
    branch: 'main',
    tiers: ['integration'],
    environment: {},
    shard: null,
    startedAt: start,
    finishedAt: new Date(Date.parse(start) + 60_000).toISOString(),
    status: results.some((r) => r.status === 'failed') ? 'failed' : 'passed',
    services: [],
    results,
    ...extra,
  };
}

export async function saveRuns(root: string, runs: RunRecord[]): Promise<void> {
  const store = await openStore('sqlite:.seams/history.db', root);
  try {
    for (const r of runs) await store.saveRun(r);
  } finally {
    await store.close();
  }
}
