/**
 * Worker thread that parses Python files for the pytest scan: receives absolute paths, answers
 * with the parse trees as flat arrays (transferred, not cloned) and the sources; the main thread
 * turns them into modules when it collects them (see parse-pool.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { treeTransferList } from '../../languages/python/tree.js';
import { loadParsed } from './load.js';

const { maxFileBytes } = workerData as { maxFileBytes: number };
parentPort!.on('message', (msg: { id: number; files: string[] }) => {
  const results = msg.files.map((abs) => loadParsed(abs, maxFileBytes));
  const transfer = results.flatMap((r) => ('parsed' in r ? treeTransferList(r.parsed.tree) : []));
  parentPort!.postMessage({ id: msg.id, results }, transfer);
});
