import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScanCache } from '../../cache/files.js';
import type { Diagnostic, RawTest } from '../../core/types.js';
import { noteInput } from '../../util/inputs.js';
import type { RunnerScan, ScanContext, ScannedFile } from '../types.js';
import { loadPytestConfig, type PytestConfig } from './config.js';
import { PytestEngine } from './engine.js';
import { PythonProject } from './project.js';
import { startParsePool } from './parse-pool.js';
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

/**
 * The same, parsing the test modules on worker threads while collecting when the suite is large
 * (parse-pool.ts). The result does not depend on which thread parsed what.
 */
export async function scanPytestAsync(options: PytestScanOptions): Promise<RunnerScan & { configured: boolean }> {
  const prepared = preparePytest(options);
  const files = [...prepared.walked.modules, ...prepared.walked.conftests.values()].filter((f) => !prepared.project.isLoaded(f) && !prepared.project.primeFromCache(f));
  const pool = startParsePool(prepared.project, files);
  if (!pool) return collectPrepared(prepared);
  try {
    const state = startCollect(prepared);
    for (const file of prepared.walked.modules) {
      const wait = pool.ready(file);
      if (wait) await wait;
      collectOne(state, file);
    }
    return finishCollect(state);
  } finally {
    await pool.close();
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

interface CollectState {
  prepared: Prepared;
  tests: RawTest[];
  files: ScannedFile[];
}

function collectPrepared(prepared: Prepared): RunnerScan & { configured: boolean } {
  const state = startCollect(prepared);
  for (const file of prepared.walked.modules) collectOne(state, file);
  return finishCollect(state);
}

function startCollect(prepared: Prepared): CollectState {
  return { prepared, tests: [], files: [] };
}

/** Collects one test module (in walk order). */
function collectOne({ prepared, tests, files }: CollectState, file: string): void {
  files.push({ runner: 'pytest', project: null, file });
  try {
    tests.push(...prepared.engine.collectModule(file));
  } catch (error) {
    prepared.diagnostics.push({
      severity: 'error',
      code: 'INTERNAL_ERROR',
      runner: 'pytest',
      file,
      message: `could not scan ${file}: ${(error as Error).message.split('\n')[0]}`,
    });
  }
}

/** Doctest text files, selection, and the conftest diagnostics, after the modules. */
function finishCollect(state: CollectState): RunnerScan & { configured: boolean } {
  const { root, cfg, project, engine, walked, conftests, diagnostics } = state.prepared;
  const files = state.files;
  let tests = state.tests;
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
