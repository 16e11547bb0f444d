/**
 * Worker thread that parses Python files for the pytest scan: receives absolute paths, answers
 * with the plain-data module view (structured-cloned), so big suites parse on every core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModule } from './project.js';

const { maxFileBytes } = workerData as { maxFileBytes: number };
parentPort!.on('message', (msg: { id: number; files: string[] }) => {
  const results = msg.files.map((abs) => loadModule(abs, maxFileBytes));
  parentPort!.postMessage({ id: msg.id, results });
});
