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
 * When it pays (measured on sympy, see bench/pytest/RESULTS.md): one worker takes ~90% of the
 * files and cuts the main thread's CPU by ~25% (2.4 → 1.8 s), but the process spends ~15% more
 * CPU in all (the worker's start: its own Node environment, tree-sitter and the parser code, cold,
 * ~0.2 s; its code compiled again). So workers are used from `MIN_FILES` test modules on, and
 * only on cores that are idle: with one worker fewer than the cores, and none when the load
 * average says the machine is busy.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParseWorkerData } from './parse-worker.js';
import type { LoadedParse, PythonProject } from './project.js';

/** Test modules from which workers are started. */
const MIN_FILES = 150;
const MAX_WORKERS = 4;

export interface ParsePool {
  /** Resolves when a worker has delivered `file`; undefined when there is nothing to wait for. */
  ready(file: string): Promise<void> | undefined;
  /** Stops the workers (files not delivered yet are parsed on demand). */
  close(): Promise<void>;
  /** Files the workers delivered, and files the main thread took for itself. */
  stats(): { byWorkers: number; byMain: number };
}

/**
 * How many parse workers to start for `files` test modules: `SEAMS_PARSE_WORKERS` (a number, 0
 * turns them off) or the rule above, limited to the cores the machine has to spare right now
 * (cores minus the 1-minute load average minus the main thread): a worker only pays on a core
 * that would otherwise idle; on a busy machine it adds its start-up and parse overhead to the
 * same cores.
 */
export function parseWorkerCount(files: number, cores = os.availableParallelism(), env = process.env, load = os.loadavg()[0] ?? 0): number {
  const forced = env.SEAMS_PARSE_WORKERS;
  if (forced !== undefined && forced !== '' && Number.isInteger(Number(forced))) return Math.max(0, Math.min(MAX_WORKERS, Number(forced)));
  if (files < MIN_FILES || cores < 2) return 0;
  const spare = Math.round(cores - 1 - load);
  return Math.max(0, Math.min(MAX_WORKERS, cores - 1, spare));
}

/** Claim mark of the main thread; workers use 1, 2, … */
const MAIN = 1 << 20;

/** Starts parse workers for `files` (repo-relative), or returns undefined when they do not pay. */
export function startParsePool(project: PythonProject, files: readonly string[]): ParsePool | undefined {
  const workerUrl = new URL('./parse-worker.js', import.meta.url);
  const count = parseWorkerCount(files.length);
  // Under a TypeScript runner (tests run src/ directly) there is no compiled worker: parse inline.
  if (count < 1 || !import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(workerUrl))) return undefined;

  const index = new Map(files.map((f, i) => [f, i]));
  const claims = new Int32Array(new SharedArrayBuffer(4 * files.length));
  const next = new SharedArrayBuffer(4);
  const delivered = new Uint8Array(files.length);
  const waiting = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  let byWorkers = 0;
  const deliver = (i: number) => {
    delivered[i] = 1;
    waiting.get(i)?.resolve();
    waiting.delete(i);
  };
  const workers = new Set<Worker>();
  /** A worker that ended: what it claimed and did not send is parsed by the main thread. */
  const lose = (worker: Worker, mark: number) => {
    if (!workers.delete(worker)) return;
    for (let i = 0; i < files.length; i++) if (!delivered[i] && Atomics.load(claims, i) === mark) deliver(i);
  };

  for (let k = 0; k < count; k++) {
    const mark = k + 1;
    const workerData: ParseWorkerData = {
      maxFileBytes: project.maxFileBytes,
      files: files.map((f) => path.join(project.rootAbs, f)),
      claims: claims.buffer as SharedArrayBuffer,
      next,
      mark,
    };
    const worker = new Worker(workerUrl, { workerData });
    workers.add(worker);
    worker.on('message', (msg: { i: number; loaded: LoadedParse }) => {
      project.primeParsed(files[msg.i]!, msg.loaded);
      byWorkers++;
      deliver(msg.i);
    });
    worker.on('error', () => lose(worker, mark));
    worker.on('exit', () => lose(worker, mark));
  }

  return {
    ready(file) {
      const i = index.get(file);
      if (i === undefined || delivered[i]) return undefined;
      // Not taken by a worker yet: the main thread takes it (and parses it when it collects it).
      const owner = Atomics.compareExchange(claims, i, 0, MAIN);
      if (owner === 0 || owner === MAIN) return undefined;
      let w = waiting.get(i);
      if (!w) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        waiting.set(i, (w = { promise, resolve }));
      }
      return w.promise;
    },
    stats() {
      let byMain = 0;
      for (let i = 0; i < files.length; i++) if (Atomics.load(claims, i) === MAIN) byMain++;
      return { byWorkers, byMain };
    },
    async close() {
      // Workers stop taking files; the ones running are stopped.
      Atomics.store(new Int32Array(next), 0, files.length);
      const running = [...workers];
      workers.clear();
      for (const i of [...waiting.keys()]) deliver(i);
      await Promise.all(running.map((w) => w.terminate()));
    },
  };
}
