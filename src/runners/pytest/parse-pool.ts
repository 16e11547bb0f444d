/**
 * Parsing the test modules of a large suite on worker threads while the main thread collects.
 *
 * Each worker reads, skeletonises and parses files and walks the trees into flat arrays
 * (parse-worker.ts); the arrays are transferred, not cloned, so receiving a file costs the main
 * thread almost nothing. The main thread collects the modules in walk order and waits only for a
 * file that has not arrived yet (`ready`): parsing and collecting overlap. A file a worker has not
 * delivered (it failed, or the main thread needed it first as an import) is parsed on demand by
 * the main thread, as without workers.
 *
 * When it pays (measured, see bench/pytest/RESULTS.md): a worker costs ~0.2 s of CPU to start
 * (its own Node environment, tree-sitter and the parser code, cold), so it is used from
 * `MIN_FILES` test modules on, with one worker fewer than the cores (the main thread is busy
 * collecting meanwhile), and never on one core.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadedParse, PythonProject } from './project.js';

/** Test modules from which workers are started. */
const MIN_FILES = 150;
/** Files per message: small, so that the first modules reach the main thread early. */
const BATCH = 8;
const MAX_WORKERS = 4;

export interface ParsePool {
  /** Resolves when a worker has delivered `file`; undefined when there is nothing to wait for. */
  ready(file: string): Promise<void> | undefined;
  /** Stops the workers (files not delivered yet are parsed on demand). */
  close(): Promise<void>;
}

/**
 * How many parse workers to start for `files` test modules: `SEAMS_PARSE_WORKERS` (a number, 0
 * turns them off) or the rule above.
 */
export function parseWorkerCount(files: number, cores = os.availableParallelism(), env = process.env): number {
  const forced = env.SEAMS_PARSE_WORKERS;
  if (forced !== undefined && forced !== '' && Number.isInteger(Number(forced))) return Math.max(0, Math.min(MAX_WORKERS, Number(forced)));
  if (files < MIN_FILES || cores < 2) return 0;
  return Math.min(MAX_WORKERS, cores - 1);
}

/** Starts parse workers for `files` (repo-relative), or returns undefined when they do not pay. */
export function startParsePool(project: PythonProject, files: readonly string[]): ParsePool | undefined {
  const workerUrl = new URL('./parse-worker.js', import.meta.url);
  const count = Math.min(parseWorkerCount(files.length), Math.ceil(files.length / BATCH));
  // Under a TypeScript runner (tests run src/ directly) there is no compiled worker: parse inline.
  if (count < 1 || !import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(workerUrl))) return undefined;

  const waiting = new Map<string, () => void>();
  const promises = new Map<string, Promise<void>>();
  for (const f of files) promises.set(f, new Promise<void>((resolve) => waiting.set(f, resolve)));
  const deliver = (f: string) => {
    waiting.get(f)?.();
    waiting.delete(f);
  };
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += BATCH) batches.push(files.slice(i, i + BATCH));
  let next = 0;
  const inFlight = new Map<Worker, number>();
  const alive = new Set<Worker>();

  const send = (worker: Worker) => {
    if (next >= batches.length) {
      // Nothing left: stop it now rather than keep its heap while the main thread collects.
      inFlight.delete(worker);
      alive.delete(worker);
      void worker.terminate();
      return;
    }
    const id = next++;
    inFlight.set(worker, id);
    worker.postMessage({ id, files: batches[id]!.map((f) => path.join(project.rootAbs, f)) });
  };
  /** A worker that failed or exited: its batch and, when none is left, every waiting file go to the main thread. */
  const lose = (worker: Worker) => {
    if (!alive.delete(worker)) return;
    const id = inFlight.get(worker);
    inFlight.delete(worker);
    if (id !== undefined) batches[id]!.forEach(deliver);
    if (alive.size === 0) for (const f of [...waiting.keys()]) deliver(f);
  };

  for (let i = 0; i < count; i++) {
    const worker = new Worker(workerUrl, { workerData: { maxFileBytes: project.maxFileBytes } });
    alive.add(worker);
    worker.on('message', (msg: { id: number; results: LoadedParse[] }) => {
      batches[msg.id]!.forEach((f, k) => {
        project.primeParsed(f, msg.results[k]!);
        deliver(f);
      });
      send(worker);
    });
    worker.on('error', () => lose(worker));
    worker.on('exit', () => lose(worker));
    send(worker);
  }

  return {
    ready(file) {
      if (!waiting.has(file)) return undefined;
      return promises.get(file);
    },
    async close() {
      const workers = [...alive];
      alive.clear();
      for (const f of [...waiting.keys()]) deliver(f);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
