import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection between the phases of a large command (the report reads every result
 * of a history, then the runs the gates need whole). V8 sizes its next collection from the heap it
 * saw live, so the first phase's garbage would otherwise still be held while the second allocates,
 * and the peak would be the two phases added. Node exposes `gc` to a new context once V8's
 * `expose-gc` flag is set; nothing else changes (no heap limits are set). A no-op where that fails.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/**
 * Collects when the heap has grown by `slackBytes` (default 64 MB) or half again since the last
 * collection: called between batches of a long read, it bounds the garbage a command holds to
 * that slack instead of V8's default growth (which lets a million-result read reach twice its live
 * size). Cheap to call often (one heap-statistics read).
 */
export class HeapBudget {
  private live = getHeapStatistics().used_heap_size;

  constructor(private readonly slackBytes = 64 * 1024 * 1024) {}

  check(): void {
    const used = getHeapStatistics().used_heap_size;
    if (used < this.live + Math.max(this.slackBytes, this.live / 2)) return;
    collectGarbage();
    this.live = getHeapStatistics().used_heap_size;
  }
}
