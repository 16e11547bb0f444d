import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScanCache } from '../../cache/files.js';
import type { Diagnostic, RawTest } from '../../core/types.js';
import { noteInput } from '../../util/inputs.js';
import type { RunnerScan, ScanContext, ScannedFile } from '../types.js';
import { loadPytestConfig, type PytestConfig } from './config.js';
import { PytestEngine } from './engine.js';
import { PythonProject, type LoadedModule } from './project.js';
import { walkPytest, type WalkResult } from './walk.js';

export interface PytestScanOptions {
  root: string;
  requirementPattern?: RegExp;
  /** All files of the repo (repo-relative POSIX); read from disk when absent. */
  files?: readonly string[];
  /** Parsed modules by content hash (`.seams/cache`). */
  cache?: ScanCache;
}

/** Static pytest collection of one repository (no Python is run). */
export function scanPytest(options: PytestScanOptions): RunnerScan & { configured: boolean } {
  return collectPrepared(preparePytest(options));
}

/** The same, parsing the test modules on worker threads first when the suite is large. */
export async function scanPytestAsync(options: PytestScanOptions): Promise<RunnerScan & { configured: boolean }> {
  const prepared = preparePytest(options);
  const files = [...prepared.walked.modules, ...prepared.walked.conftests.values()].filter((f) => !prepared.project.isLoaded(f) && !prepared.project.primeFromCache(f));
  await parseInWorkers(prepared.project, files);
  return collectPrepared(prepared);
}

/** Files per worker message; workers are used from this many files on. */
const WORKER_BATCH = 32;
const WORKER_MIN_FILES = 150;
const MIN_CORES_FOR_WORKERS = Number(process.env.SEAMS_PARSE_WORKER_MIN_CORES ?? 4);

async function parseInWorkers(project: PythonProject, files: string[]): Promise<void> {
  const workerUrl = new URL('./parse-worker.js', import.meta.url);
  // The main thread only waits, so every core gets a worker. Cloning the parsed modules back
  // costs CPU: on 2-3 cores (and busy CI machines) the single-threaded scan measured faster.
  const workers = Math.min(4, os.availableParallelism());
  if (files.length < WORKER_MIN_FILES || workers < MIN_CORES_FOR_WORKERS || !import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(workerUrl)))
    return;
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += WORKER_BATCH) batches.push(files.slice(i, i + WORKER_BATCH));
  let next = 0;
  const run = (worker: Worker) =>
    new Promise<void>((resolve) => {
      const send = () => {
        if (next >= batches.length) {
          resolve();
          return;
        }
        const id = next++;
        worker.postMessage({ id, files: batches[id]!.map((f) => path.join(project.rootAbs, f)) });
      };
      worker.on('message', (msg: { id: number; results: LoadedModule[] }) => {
        batches[msg.id]!.forEach((f, i) => project.prime(f, msg.results[i]!, true));
        send();
      });
      // A failing worker leaves its files to the main thread (parsed on demand).
      worker.on('error', () => resolve());
      send();
    });
  const pool = Array.from({ length: workers }, () => new Worker(workerUrl, { workerData: { maxFileBytes: project.maxFileBytes } }));
  try {
    await Promise.all(pool.map(run));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

interface Prepared {
  root: string;
  cfg: PytestConfig;
  project: PythonProject;
  engine: PytestEngine;
  walked: WalkResult;
  conftests: Map<string, string>;
  diagnostics: Diagnostic[];
}

function preparePytest(options: PytestScanOptions): Prepared {
  const root = options.root;
  const diagnostics: Diagnostic[] = [];
  const cfg = loadPytestConfig(root, diagnostics);
  const pyFiles = new Set((options.files ?? []).filter((f) => f.endsWith('.py')));
  const importRoots = ['', 'src', ...cfg.pythonpath.map((p) => path.posix.normalize(p).replace(/^\.\/?/, '').replace(/\/$/, ''))];
  const project = new PythonProject(root, pyFiles, [...new Set(importRoots)], undefined, options.cache);
  const conftests = new Map<string, string>();
  const engine = new PytestEngine({
    project,
    cfg,
    conftests,
    diagnostics,
    requirementPattern: options.requirementPattern ?? /\b(FR|NFR|REQ|SC)-\d{3,}\b/g,
  });
  const walked = walkPytest(root, cfg, (c) => engine.conftestIgnores(c), diagnostics);
  for (const [k, v] of walked.conftests) conftests.set(k, v);
  // Files found by the walk that the lister did not know (e.g. below symlinks) still resolve.
  for (const m of walked.modules) pyFiles.add(m);
  for (const c of walked.conftests.values()) pyFiles.add(c);
  return { root, cfg, project, engine, walked, conftests, diagnostics };
}

function collectPrepared({ root, cfg, project, engine, walked, conftests, diagnostics }: Prepared): RunnerScan & { configured: boolean } {

  let tests: RawTest[] = [];
  const files: ScannedFile[] = [];
  for (const file of walked.modules) {
    files.push({ runner: 'pytest', project: null, file });
    try {
      tests.push(...engine.collectModule(file));
    } catch (error) {
      diagnostics.push({
        severity: 'error',
        code: 'INTERNAL_ERROR',
        runner: 'pytest',
        file,
        message: `could not scan ${file}: ${(error as Error).message.split('\n')[0]}`,
      });
    }
  }
  for (const file of walked.textFiles) {
    let text: string;
    noteInput('file', path.join(root, file));
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch (error) {
      diagnostics.push({ severity: 'warning', code: 'UNREADABLE_FILE', runner: 'pytest', file, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}` });
      continue;
    }
    const items = engine.collectTextFile(file, text);
    if (items.length) files.push({ runner: 'pytest', project: null, file });
    tests.push(...items);
  }
  tests = engine.select(tests);
  for (const t of tests) delete (t as unknown as { _allMarks?: unknown })._allMarks;
  if (cfg.doctestModules)
    diagnostics.push({
      severity: 'warning',
      code: 'DOCTEST_MODULES_NOT_SCANNED',
      runner: 'pytest',
      file: cfg.configFile ?? undefined,
      message: '--doctest-modules is set: the doctests in Python modules are not listed statically (doctest text files are)',
    });
  for (const c of conftests.values()) {
    const e = project.getModule(c);
    for (const [hook, effect] of HOOK_EFFECTS) {
      const b = e?.module.bindings.get(hook);
      if (b?.kind === 'function')
        diagnostics.push({ severity: 'info', code: 'COLLECTION_HOOK', runner: 'pytest', file: c, line: b.line, message: `${c} defines ${hook}: ${effect}` });
    }
    if (e?.module.syntaxError)
      diagnostics.push({
        severity: 'warning',
        code: 'PARSE_ERROR',
        runner: 'pytest',
        file: c,
        line: e.module.syntaxError.line,
        message: `${c}:${e.module.syntaxError.line}: ${e.module.syntaxError.message}`,
      });
  }
  return {
    configured: cfg.configFile !== null,
    runners: [{ runner: 'pytest', project: null, rootDir: cfg.rootDir, configFile: cfg.configFile }],
    files,
    tests,
    diagnostics,
  };
}

/** Conftest hooks that change collection in ways a static scan cannot follow. */
const HOOK_EFFECTS: ReadonlyArray<[string, string]> = [
  ['pytest_collect_file', 'files it collects through a plugin collector are not listed'],
  ['pytest_pycollect_makeitem', 'items it makes are not listed'],
  ['pytest_collection_modifyitems', 'tests it deselects, adds or re-marks at run time are not reflected'],
  ['pytest_ignore_collect', 'paths it ignores at run time are still listed'],
  ['pytest_generate_tests', 'tests whose arguments no fixture provides are listed once as dynamic'],
  ['pytest_make_parametrize_id', 'parametrized tests in its scope are listed once as dynamic'],
];

/** The plugin's scan (src/runners/pytest/plugin.ts loads this module on the first scan). */
export async function scanPytestRepo(ctx: ScanContext): Promise<RunnerScan | null> {
  const files = await ctx.listFiles();
  ctx.progress.update('pytest: reading test modules…');
  const result = await scanPytestAsync({ root: ctx.root, requirementPattern: ctx.requirementPattern, files, cache: ctx.cache });
  if (!result.configured && result.files.length === 0) return null;
  const { configured: _configured, ...scan } = result;
  return scan;
}
