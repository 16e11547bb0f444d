import path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic, RawTest, RunnerId, RunnerInfo, Tier } from '../../core/types.js';
import { FnValue, callFunction, isUnknown, Unknown } from '../../languages/typescript/evaluate.js';
import { exportValue, type ModuleLoader } from '../../languages/typescript/loader.js';
import type { ScanCache } from '../../cache/files.js';
import { cacheKey, contentHash } from '../../cache/store.js';
import { noteInput } from '../../util/inputs.js';
import { createModuleLoader, createTracedModuleLoader, DISK_FILES, importClosure, type ImportTrace } from '../../workspace/js-loader.js';
import { extractTestsFromParsed, extractTypecheckTests, type ExtractedTest, type ExtractResult } from '../../languages/typescript/tests.js';
import { parseModule, type ParsedModule } from '../../languages/typescript/parse.js';
import type { JsDialect } from './dialect.js';
import { JS_TEST_PACKAGES } from './test-packages.js';
import type { RunnerScan, ScanContext, ScannedFile } from '../types.js';
import { loadWorkspace, type JsWorkspace } from '../../workspace/js-workspace.js';
import { slashes } from '../../util/paths.js';
import { LIMITS } from '../../util/limits.js';

/** One runner configuration (or project) resolved to the files it collects. */
export interface JsSuite {
  info: RunnerInfo;
  dialect: JsDialect;
  /** Repo-relative files the runner would collect, sorted. */
  files: string[];
  tierHint?: Tier;
  /** How many times each test is listed (Playwright `repeatEach`). */
  repeat?: number;
  /** Markers added to every test of the suite (Vitest type-check tasks: `typecheck`). */
  extraMarkers?: string[];
  /** Vitest type-check tasks: names are taken literally from the source, as Vitest's typecheck collector does. */
  typecheck?: boolean;
}

export interface ResolvedSuites {
  suites: JsSuite[];
  diagnostics: Diagnostic[];
}

/* ------------------------------------------------------------------ config evaluation */

/** A module loader that knows the runners' exported defaults (`configDefaults`, `defaultExclude`, …). */
export function configLoader(packageValues: Record<string, Record<string, unknown>> = {}): ModuleLoader {
  return createModuleLoader((source, name) => {
    const mod = packageValues[source];
    if (mod && name in mod) return mod[name];
    return undefined;
  });
}

export interface LoadedConfig {
  value: unknown;
  /** Why (part of) the config could not be evaluated. */
  problem?: string;
}

/** Evaluates the default export of a config file statically (never executes it). */
export function evaluateConfigFile(loader: ModuleLoader, absFile: string): LoadedConfig {
  if (absFile.endsWith('.json')) {
    const v = loader.importValue(absFile, './' + path.basename(absFile), 'default');
    return isUnknown(v) ? { value: undefined, problem: v.reason } : { value: v };
  }
  const mod = loader.load(absFile);
  if (!mod) return { value: undefined, problem: 'the file cannot be read or parsed' };
  let v = exportValue(mod.program, mod.env, 'default');
  if (v instanceof FnValue) v = callFunction(v, [{ mode: 'test', command: 'serve' }], 0);
  if (isUnknown(v)) return { value: undefined, problem: v.reason };
  return { value: v };
}

/** A field of an evaluated config: the value, or undefined with a problem note when it is not static. */
export function field<T>(obj: unknown, key: string, check: (v: unknown) => v is T, problems: string[], label = key): T | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const v = (obj as Record<string, unknown>)[key];
  if (v === undefined) return undefined;
  if (isUnknown(v)) {
    problems.push(`${label}: ${v.reason}`);
    return undefined;
  }
  if (Array.isArray(v) && v.some(isUnknown)) {
    problems.push(`${label}: ${(v.find(isUnknown) as Unknown).reason}`);
    return undefined;
  }
  if (!check(v)) {
    problems.push(`${label} has an unexpected shape`);
    return undefined;
  }
  return v;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
export const isStringOrArray = (v: unknown): v is string | string[] => typeof v === 'string' || isStringArray(v);
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v);
export const isNumber = (v: unknown): v is number => typeof v === 'number';
export const isPatternArray = (v: unknown): v is (string | RegExp)[] => Array.isArray(v) && v.every((x) => typeof x === 'string' || x instanceof RegExp);
export const isPatternOrArray = (v: unknown): v is string | RegExp | (string | RegExp)[] => typeof v === 'string' || v instanceof RegExp || isPatternArray(v);
export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/* ------------------------------------------------------------------ file matching */

function normalizeGlob(g: string): string {
  let p = slashes(g);
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/**
 * Files below `baseDir` (repo-relative) whose path relative to `baseDir` matches an include glob and
 * no exclude glob — tinyglobby semantics as Vitest uses them (dot: true).
 */
export function globRelative(ws: JsWorkspace, baseDir: string, include: readonly string[], exclude: readonly string[]): string[] {
  const inc = include.map(normalizeGlob);
  const exc = exclude.map(normalizeGlob);
  const isInc = picomatch(inc.length ? inc : ['**'], { dot: true });
  const isExc = exc.length ? picomatch(exc, { dot: true }) : () => false;
  const outside = inc.some((g) => g.startsWith('../') || g.startsWith('/'));
  const candidates = outside ? ws.files : ws.filesUnder(baseDir);
  const out: string[] = [];
  for (const f of candidates) {
    const rel = baseDir === '' ? f : path.posix.relative(baseDir, f);
    if (isInc(rel) && !isExc(rel)) out.push(f);
  }
  return out;
}

/** A predicate on absolute POSIX paths for a mix of globs and regexes (Jest/Playwright style). */
export function absoluteMatcher(patterns: readonly (string | RegExp)[], opts: { prefixGlobstar?: boolean; nocase?: boolean } = {}): (abs: string) => boolean {
  const res = patterns.filter((p): p is RegExp => p instanceof RegExp);
  const globs = patterns
    .filter((p): p is string => typeof p === 'string')
    .map((g) => (opts.prefixGlobstar && !g.startsWith('**/') ? '**/' + g : g));
  const isGlob = globs.length ? picomatch(globs, { dot: true, nocase: opts.nocase }) : () => false;
  return (abs) => {
    for (const r of res) {
      r.lastIndex = 0;
      if (r.test(abs)) return true;
    }
    return isGlob(abs);
  };
}

/* ------------------------------------------------------------------ tests → RawTest */

const extractionCache = new WeakMap<JsWorkspace, Map<string, { tests: ExtractedTest[]; error?: Diagnostic }>>();
const MAX_FILE_BYTES = LIMITS.jsFileBytes;

type Extraction = { tests: ExtractedTest[]; error?: Diagnostic };
type ExtractDialect = JsDialect | 'vitest-typecheck';

/**
 * The tests of one file (once per scan and dialect); with `cache`, what was extracted is kept (see
 * `ExtractionCache.prime` for reading it). `parsed`: a parse of the file made for another dialect.
 */
export function extractFile(ws: JsWorkspace, loader: ModuleLoader, file: string, dialect: ExtractDialect, runner: RunnerId, cache?: ExtractionCache, parsed?: ParsedModule): Extraction {
  let memo = extractionCache.get(ws);
  if (!memo) extractionCache.set(ws, (memo = new Map()));
  const key = `${dialectId(dialect)}\0${file}`;
  const hit = memo.get(key);
  if (hit) return hit;
  let result: Extraction;
  const text = ws.readText(file);
  if (text === undefined) {
    result = { tests: [], error: { severity: 'warning', code: 'READ_ERROR', file, runner, message: 'cannot read the file' } };
  } else if (text.length > MAX_FILE_BYTES) {
    result = { tests: [], error: { severity: 'warning', code: 'FILE_TOO_LARGE', file, runner, message: `file is larger than ${MAX_FILE_BYTES} bytes; not parsed` } };
  } else if (text.includes('\u0000')) {
    result = { tests: [], error: { severity: 'warning', code: 'BINARY_FILE', file, runner, message: 'file looks binary; not parsed' } };
  } else {
    const absFile = path.join(ws.root, file);
    const ast = parsed ?? parseModule(absFile, text);
    const r = extractGuarded(() => (dialect === 'vitest-typecheck' ? extractTypecheckTests(text, absFile, ast) : extractTestsFromParsed(ast, { dialect, host: loader, absFile })));
    result = r.parseError
      ? { tests: [], error: r.parseError.limit
          ? { severity: 'warning', code: 'LIMIT_EXCEEDED', file, line: r.parseError.line, runner, message: r.parseError.message }
          : { severity: 'warning', code: 'PARSE_ERROR', file, line: r.parseError.line, runner, message: `cannot parse: ${r.parseError.message}` } }
      : { tests: r.tests };
    cache?.extracted(ws, file, dialect, text, result);
  }
  memo.set(key, result);
  return result;
}

/**
 * One file's extraction, with the stack overflow of a walker (a file nested deeper than the
 * walkers' recursion allows, below the nesting limit) turned into that file's diagnostic: the
 * rest of the scan goes on.
 */
export function extractGuarded(extract: () => ExtractResult): ExtractResult {
  try {
    return extract();
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message))
      return { tests: [], parseError: { message: 'nested too deeply to read (the stack ran out; docs/limits.md); not parsed', line: 0, limit: true } };
    throw error;
  }
}

/**
 * Files that Vitest collects both for type checking and as tests (typecheck projects usually
 * include the test files): each is parsed once for both extractions (oxc's parse and AST
 * deserialisation are most of a JS scan). Done file by file before the suites are walked, so
 * only one AST is held at a time; the walk then finds the results remembered. A shared AST serves
 * one test-walker extraction only (the walker leaves notes on function nodes). Files the scan
 * cache answered for are not parsed.
 */
function extractSharedParses(ws: JsWorkspace, loader: ModuleLoader, suites: readonly JsSuite[], runner: RunnerId, cache?: ExtractionCache): void {
  const dialects = new Map<string, { typecheck: boolean; other?: JsDialect }>();
  for (const suite of suites)
    for (const file of suite.files) {
      const entry = dialects.get(file) ?? { typecheck: false };
      if (suite.typecheck) entry.typecheck = true;
      else entry.other ??= suite.dialect;
      dialects.set(file, entry);
    }
  const memo = extractionCache.get(ws);
  for (const [file, { typecheck, other }] of dialects) {
    if (!typecheck || !other) continue;
    if (memo?.has(`vitest-typecheck\0${file}`) || memo?.has(`${other.id}\0${file}`)) continue;
    const text = ws.readText(file);
    if (text === undefined || text.length > MAX_FILE_BYTES || text.includes('\u0000')) continue;
    const parsed = parseModule(path.join(ws.root, file), text);
    extractFile(ws, loader, file, 'vitest-typecheck', runner, cache, parsed);
    extractFile(ws, loader, file, other, runner, cache, parsed);
  }
}

function remember(ws: JsWorkspace, file: string, dialect: ExtractDialect, value: Extraction): void {
  let memo = extractionCache.get(ws);
  if (!memo) extractionCache.set(ws, (memo = new Map()));
  memo.set(`${dialectId(dialect)}\0${file}`, value);
}

const dialectId = (dialect: ExtractDialect) => (dialect === 'vitest-typecheck' ? dialect : dialect.id);

/**
 * The tests of each file in the scan cache (`js-tests`), keyed by the file's content and dialect.
 * A file's titles may use values imported from other files (tables, helpers): the entry lists the
 * imports its extraction could reach (the closure of the loader's import trace: each specifier
 * with the file it resolved to, each file with its content hash), and is used only while every one
 * of them resolves and reads the same. Entries are written at the end of a plugin's scan, when the
 * trace is complete.
 */
export class ExtractionCache {
  private readonly pending: { key: string; absFile: string; value: Extraction }[] = [];
  constructor(
    private readonly scan: ScanCache,
    private readonly trace: ImportTrace,
  ) {}

  private keyOf(ws: JsWorkspace, file: string, dialect: ExtractDialect, hash: string): string {
    // the whole dialect, not just its id: a dialect whose options vary (a runner version) keys apart
    return cacheKey('js-tests', ws.root, file, typeof dialect === 'string' ? dialect : JSON.stringify(dialect), hash);
  }

  /** The cached tests of a file (remembered for this scan), when every input is as it was. */
  prime(ws: JsWorkspace, file: string, dialect: ExtractDialect): Extraction | undefined {
    const value = this.get(ws, file, dialect);
    if (value) remember(ws, file, dialect, value);
    return value;
  }

  private get(ws: JsWorkspace, file: string, dialect: ExtractDialect): Extraction | undefined {
    const absFile = path.join(ws.root, file);
    const entry = this.scan.store.get<JsTestsEntry>('js-tests', this.keyOf(ws, file, dialect, this.scan.hashes.hashOf(absFile)));
    if (!entry || !Array.isArray(entry.imports) || !Array.isArray(entry.files)) return undefined;
    for (const [from, spec, target] of entry.imports) if ((DISK_FILES.resolve(from, spec) ?? null) !== target) return undefined;
    for (const [f, sig] of entry.files) if (this.scan.hashes.hashOf(f) !== sig) return undefined;
    noteInput('file', absFile);
    for (const [f] of entry.files) noteInput('file', f);
    return entry.value;
  }

  extracted(ws: JsWorkspace, file: string, dialect: ExtractDialect, text: string, value: Extraction): void {
    this.pending.push({ key: this.keyOf(ws, file, dialect, contentHash(text)), absFile: path.join(ws.root, file), value });
  }

  /** Writes the entries of the files extracted in this scan. */
  flush(): void {
    for (const { key, absFile, value } of this.pending.splice(0)) {
      const imports = importClosure(this.trace, absFile);
      const files = [...new Set(imports.flatMap(([, , t]) => (t ? [t] : [])))].map((f): [string, string] => [f, this.scan.hashes.hashOf(f)]);
      this.scan.store.set('js-tests', key, { imports, files, value } satisfies JsTestsEntry);
    }
  }
}

interface JsTestsEntry {
  imports: [string, string, string | null][];
  files: [string, string][];
  value: Extraction;
}

const regexCache = new WeakMap<RegExp, RegExp>();
function globalRegex(re: RegExp): RegExp {
  let g = regexCache.get(re);
  if (!g) regexCache.set(re, (g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')));
  return g;
}

export function rawTest(suite: JsSuite, file: string, t: ExtractedTest, requirementPattern: RegExp): RawTest {
  const markers = [...t.tags.map((x) => x.replace(/^@/, '')), ...(suite.extraMarkers ?? [])];
  const workflows: string[] = [];
  const components: string[] = [];
  for (const m of markers) {
    const wf = /^workflow[:=](.+)$/.exec(m);
    if (wf) workflows.push(wf[1]!);
    const comp = /^component[:=](.+)$/.exec(m);
    if (comp) components.push(comp[1]!);
  }
  const requirements = new Set<string>();
  const re = globalRegex(requirementPattern);
  for (const text of [...t.titlePath, ...t.tags, ...t.annotations]) for (const m of text.matchAll(re)) requirements.add(m[0]);
  return {
    runner: suite.info.runner,
    project: suite.info.project,
    id: `${file} > ${t.titlePath.join(' > ')}`,
    file,
    line: t.line,
    titlePath: t.titlePath,
    name: t.titlePath.join(suite.dialect.nameSeparator),
    markers: [...new Set(markers)],
    status: t.status,
    dynamic: t.dynamic,
    ...(t.dynamicReason ? { dynamicReason: t.dynamicReason } : {}),
    refs: { workflows: [...new Set(workflows)], components: [...new Set(components)], requirements: [...requirements] },
    ...(suite.tierHint ? { tierHint: suite.tierHint } : {}),
  };
}

/** Runs a plugin's suite resolution and turns the suites into a RunnerScan. */
export async function scanSuites(
  ctx: ScanContext,
  runner: RunnerId,
  resolve: (ws: JsWorkspace) => ResolvedSuites | null,
): Promise<RunnerScan | null> {
  const ws = await loadWorkspace(ctx, JS_TEST_PACKAGES);
  const resolved = resolve(ws);
  if (!resolved) return null;
  const diagnostics: Diagnostic[] = [...resolved.diagnostics];
  // Workspace diagnostics are reported once, by the first JS plugin that finds something.
  if (!reportedWorkspace.has(ws)) {
    reportedWorkspace.add(ws);
    diagnostics.push(...ws.diagnostics);
  }
  const traced = ctx.cache ? createTracedModuleLoader(() => undefined) : undefined;
  const loader = traced?.loader ?? configLoader();
  const cache = ctx.cache && traced ? new ExtractionCache(ctx.cache, traced.trace) : undefined;
  // read ahead the files the cache does not answer for
  const toRead = new Set<string>();
  for (const suite of resolved.suites) for (const f of suite.files) if (!cache?.prime(ws, f, suite.typecheck ? 'vitest-typecheck' : suite.dialect)) toRead.add(f);
  await ws.prefetch([...toRead]);
  extractSharedParses(ws, loader, resolved.suites, runner, cache);
  const files: ScannedFile[] = [];
  const tests: RawTest[] = [];
  const reportedErrors = new Set<string>();
  const seenFiles = new Set<string>();
  for (const suite of resolved.suites) {
    for (const file of suite.files) {
      const fk = `${suite.info.project ?? ''}\0${file}`;
      if (!seenFiles.has(fk)) {
        seenFiles.add(fk);
        files.push({ runner, project: suite.info.project, file, ...(suite.tierHint ? { tierHint: suite.tierHint } : {}) });
      }
      const r = extractFile(ws, loader, file, suite.typecheck ? 'vitest-typecheck' : suite.dialect, runner, cache);
      if (r.error && !reportedErrors.has(file)) {
        reportedErrors.add(file);
        diagnostics.push(r.error);
      }
      for (let i = 0; i < (suite.repeat ?? 1); i++) for (const t of r.tests) tests.push(rawTest(suite, file, t, ctx.requirementPattern));
    }
  }
  cache?.flush();
  const runners = [...new Map(resolved.suites.map((s) => [JSON.stringify(s.info), s.info])).values()];
  return { runners, files, tests, diagnostics };
}
const reportedWorkspace = new WeakSet<JsWorkspace>();

export function configProblem(runner: RunnerId, file: string, problems: string[], fallback: string): Diagnostic {
  return {
    severity: 'warning',
    code: 'CONFIG_UNRESOLVED',
    runner,
    file,
    message: `${runner} config not fully static (${problems.slice(0, 3).join('; ')}); ${fallback}`,
  };
}
