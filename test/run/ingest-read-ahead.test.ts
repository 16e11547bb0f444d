import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/execute/ingest.js';

/** A source that records how far it was pulled, and whether it was closed. */
function source(n: number, failAt = -1) {
  const state = { produced: 0, closed: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1));
        if (i === failAt) throw new Error(`bad batch ${i}`);
        state.produced++;
        yield [i];
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, it: gen() };
}

describe('readAhead (ingest batches parsed while the store writes)', () => {
  it('gives every batch once, in order', async () => {
    const { it: src } = source(25);
    const got: number[] = [];
    for await (const b of readAhead(src, 4)) got.push(...b);
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('reads at most `depth` batches ahead while the consumer is busy', async () => {
    const { it: src, state } = source(20);
    const seen: number[] = [];
    for await (const b of readAhead(src, 3)) {
      await new Promise((r) => setTimeout(r, 30));
      // the batch in hand plus at most 3 asked for
      expect(state.produced - (b[0]! + 1)).toBeLessThanOrEqual(3);
      seen.push(b[0]!);
      if (b[0] === 2) expect(state.produced).toBeGreaterThan(3); // it did read ahead
    }
    expect(seen).toHaveLength(20);
  });

  it('throws a source error where its batch would have been, after the batches before it', async () => {
    const { it: src } = source(10, 6);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const b of readAhead(src, 4)) got.push(...b);
      })(),
    ).rejects.toThrow('bad batch 6');
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('closes the source when the consumer stops early (no unhandled rejection from batches read ahead)', async () => {
    const { it: src, state } = source(100, 8);
    for await (const b of readAhead(src, 4)) if (b[0] === 5) break;
    expect(state.closed).toBe(true);
    expect(state.produced).toBeLessThan(100);
  });
});
