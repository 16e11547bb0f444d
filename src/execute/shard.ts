import { createHash } from 'node:crypto';
import type { DiscoveredTest } from '../core/types.js';

export interface ShardSpec {
  index: number;
  total: number;
}

export function parseShard(text: string): ShardSpec | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return null;
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1 || index < 1 || index > total) return null;
  return { index, total };
}

/**
 * Splits tests into `total` shards by file (runners select files), balanced by historical
 * durations (longest first onto the least loaded shard). Deterministic: the same tests and the
 * same history give the same split on every machine. Files without history weigh the median.
 */
export function shardTests(tests: readonly DiscoveredTest[], spec: ShardSpec, durations: ReadonlyMap<string, number>): DiscoveredTest[] {
  if (spec.total === 1) return [...tests];
  const byFile = new Map<string, DiscoveredTest[]>();
  for (const t of tests) {
    const k = `${t.runner}|${t.project ?? ''}|${t.file}`;
    const list = byFile.get(k) ?? [];
    list.push(t);
    byFile.set(k, list);
  }
  const known = [...durations.values()].sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)]! : 1000;
  const weights = [...byFile].map(([file, list]) => ({
    file,
    list,
    weight: list.reduce((s, t) => s + (durations.get(`${t.runner}|${t.project ?? ''}|${t.id}`) ?? median), 0),
    tie: createHash('sha1').update(file).digest('hex'),
  }));
  weights.sort((a, b) => b.weight - a.weight || a.tie.localeCompare(b.tie));
  const loads = Array.from({ length: spec.total }, () => 0);
  const out: DiscoveredTest[] = [];
  for (const w of weights) {
    let best = 0;
    for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[best]!) best = i;
    loads[best]! += w.weight;
    if (best === spec.index - 1) out.push(...w.list);
  }
  return out;
}
