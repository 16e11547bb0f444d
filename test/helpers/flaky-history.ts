import type { RunRecord, TestResult } from '../../src/core/types.js';
import { rng } from './rng.js';

/** Seeded, so both engines store the same history. */
export { rng };

/**
 * A varied history for flaky detection (30 logical runs in three tier sets, some sharded in two,
 * two infrastructure-failure runs, same-commit flips, retries, skipped, not-run and error results,
 * results with and without the `known` flag, then a run without candidates and an empty run).
 * `repo`: the runs' repo; `file`: a test's file from its number.
 */
export function flakyHistory(repo = 'demo'): (RunRecord & { shards?: string[] })[] {
  const rand = rng(7);
  const runs: (RunRecord & { shards?: string[] })[] = [];
  const base = Date.parse('2026-03-01T00:00:00Z');
  const tiersets: string[][] = [['unit'], ['integration'], ['unit', 'e2e']];
  for (let i = 0; i < 30; i++) {
    const tiers = tiersets[i % 3]!;
    const commit = `c${Math.floor(i / 4)}`;
    const infra = i === 9 || i === 16;
    const shardCount = i % 5 === 0 ? 2 : 1;
    for (let s = 1; s <= shardCount; s++) {
      const results: TestResult[] = [];
      for (let n = 0; n < 40; n++) {
        if (shardCount > 1 && n % shardCount !== s - 1) continue;
        const id = `tests/test_t${n % 8}.py::test_${n}`;
        const r = rand();
        let status: TestResult['status'] =
          n < 5 ? (r < 0.5 ? 'passed' : 'failed') : n < 8 ? 'failed' : n === 8 ? 'skipped' : n === 9 ? (r < 0.3 ? 'not-run' : 'passed') : n === 10 ? (r < 0.2 ? 'error' : 'passed') : 'passed';
        if (infra && n > 3) status = 'error';
        const retried = status === 'passed' && n === 11 && i % 7 === 3;
        results.push({
          runner: n === 12 ? 'jest' : 'pytest',
          project: n === 13 ? 'web' : null,
          id,
          name: `test_${n}`,
          file: `tests/test_t${n % 8}.py`,
          ...(tiers.length > 1 ? { tier: n % 2 ? 'e2e' : 'unit' } : {}),
          status,
          durationMs: Math.round(r * 100),
          attempts: retried ? 2 : 1,
          flaky: retried,
          ...(n % 3 === 0 ? { known: n % 2 === 0 } : {}),
        });
      }
      runs.push({
        id: `r${String(i).padStart(2, '0')}${shardCount > 1 ? `-s${s}` : ''}`,
        repo,
        commit,
        branch: 'main',
        tiers,
        environment: {},
        shard: shardCount > 1 ? `${s}/${shardCount}` : null,
        startedAt: new Date(base + i * 3_600_000 + s * 1000).toISOString(),
        finishedAt: new Date(base + i * 3_600_000 + 600_000).toISOString(),
        status: 'passed',
        services: [],
        results,
      });
    }
  }
  // a steady run (no candidate among its results) and an empty run, newest
  runs.push({ ...runs[runs.length - 1]!, id: 'steady', shard: null, startedAt: new Date(base + 40 * 3_600_000).toISOString(), finishedAt: new Date(base + 41 * 3_600_000).toISOString(), results: runs[runs.length - 1]!.results.filter((r) => r.id.endsWith('_20')) });
  runs.push({ ...runs[runs.length - 1]!, id: 'empty', tiers: ['integration'], startedAt: new Date(base + 42 * 3_600_000).toISOString(), finishedAt: new Date(base + 43 * 3_600_000).toISOString(), results: [] });
  return runs;
}

