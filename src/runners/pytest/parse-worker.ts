/**
 * Worker thread that parses Python files for the pytest scan (see parse-pool.ts). It takes the
 * next file from a counter shared with the other workers, claims it in a shared array (the main
 * thread claims the files it reaches first and parses those itself), parses it and sends the
 * flat tree back with its buffers transferred, not cloned. It ends when the list is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { treeTransferList } from '../../languages/python/tree.js';
import { loadParsed } from './load.js';

export interface ParseWorkerData {
  maxFileBytes: number;
  /** Absolute paths, in the order the main thread will collect them. */
  files: string[];
  /** Int32 per file: 0 unclaimed, else the claimer (see parse-pool.ts). */
  claims: SharedArrayBuffer;
  /** Int32 counter: the next index to look at. */
  next: SharedArrayBuffer;
  /** This worker's claim mark. */
  mark: number;
}

const { maxFileBytes, files, claims, next, mark } = workerData as ParseWorkerData;
const claimed = new Int32Array(claims);
const counter = new Int32Array(next);
for (;;) {
  const i = Atomics.add(counter, 0, 1);
  if (i >= files.length) break;
  if (Atomics.compareExchange(claimed, i, 0, mark) !== 0) continue;
  const loaded = loadParsed(files[i]!, maxFileBytes);
  parentPort!.postMessage({ i, loaded }, 'parsed' in loaded ? treeTransferList(loaded.parsed.tree) : []);
}
