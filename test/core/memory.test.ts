import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapBudget, collectGarbage } from '../../src/util/memory.js';

const used = () => getHeapStatistics().used_heap_size;
const MB = 1024 * 1024;

/** Garbage of about `mb` MB: objects with strings, dropped at once. */
function garbage(mb: number): number {
  let keep: { s: string }[] | null = [];
  for (let i = 0; i < mb * 8000; i++) keep.push({ s: `row-${i}-${'x'.repeat(80)}` });
  const n = keep.length;
  keep = null;
  return n;
}

describe('memory between the phases of a large command (util/memory)', () => {
  it('collectGarbage runs a full collection without any flag given to node', () => {
    collectGarbage();
    const base = used();
    garbage(64);
    expect(used()).toBeGreaterThan(base + 20 * MB); // the garbage is still there
    collectGarbage();
    expect(used()).toBeLessThan(base + 8 * MB);
  });

  it('HeapBudget collects once the heap grew by its slack, not before', () => {
    collectGarbage();
    const budget = new HeapBudget(32 * MB);
    const base = used();
    budget.check(); // nothing grew: nothing collected, nothing thrown
    garbage(96);
    const grown = used();
    expect(grown).toBeGreaterThan(base + 32 * MB);
    budget.check();
    expect(used()).toBeLessThan(grown - 32 * MB);
  });
});
