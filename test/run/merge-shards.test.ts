import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/types.js';
import { mergeShards } from '../../src/execute/ingest.js';

const shard = (shard: string, status: RunRecord['status'], extra: Partial<RunRecord> = {}): RunRecord => ({
  id: 'ci-1',
  repo: 'r',
  commit: null,
  branch: null,
  tiers: ['unit'],
  environment: {},
  shard,
  startedAt: '2026-12-01T10:00:00Z',
  finishedAt: '2026-12-01T10:01:00Z',
  status,
  services: [],
  results: [],
  ...extra,
});

describe('mergeShards: the run status is the worst of its shards', () => {
  it('incomplete beats error beats failed beats passed, and the incomplete details are kept', () => {
    expect(mergeShards([shard('1/2', 'passed'), shard('2/2', 'failed')]).status).toBe('failed');
    expect(mergeShards([shard('1/2', 'failed'), shard('2/2', 'error')]).status).toBe('error');
    const merged = mergeShards([shard('1/3', 'passed'), shard('2/3', 'incomplete', { incomplete: { reason: 'no report' } }), shard('3/3', 'error')]);
    expect(merged.status).toBe('incomplete');
    expect(merged.incomplete?.reason).toBe('no report');
  });
});
