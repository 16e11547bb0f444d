import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DiscoveredTest, RunnerId, TestResult } from '../core/types.js';
import { SeamsError, describeError } from '../util/errors.js';
import { readJUnitFile, ResultsFormatError, type JUnitCase } from './junit.js';

export { readJUnitFile, readJUnit, ResultsFormatError, type JUnitCase } from './junit.js';

export type ResultFormat = 'junit' | 'jest' | 'vitest' | 'playwright' | 'go';

/** Largest JSON report read into memory (JUnit XML streams and has no limit). */
export const MAX_JSON_REPORT = 512 * 1024 * 1024;

/** How results are joined to the inventory. */
export interface JoinContext {
  /** Absolute repo root: JSON reports carry absolute file paths that become repo-relative ids. */
  root: string;
  tests: readonly DiscoveredTest[];
  /** The runner whose command produced the file, when known (decides how JUnit names map to ids). */
  runner?: RunnerId;
  /** Repo-relative directory the runner resolves ids against (pytest rootdir). */
  runnerRoot?: string;
  project?: string | null;
  /** Services the results ran with. */
  services?: string[];
}

const posix = (p: string) => p.split(path.sep).join('/');

/** pytest's junit naming (`mangle_test_address`): `a/b.py::C::t[x]` → classname `a.b.C`, name `t[x]`. */
export function pytestJUnitKey(nodeId: string): string {
  const bracket = nodeId.indexOf('[');
  const head = bracket === -1 ? nodeId : nodeId.slice(0, bracket);
  const params = bracket === -1 ? '' : nodeId.slice(bracket);
  const names = head.replace(/::\(\)::/g, '::').split('::');
  names[0] = names[0]!.replace(/\//g, '.').replace(/\.py$/, '');
  names[names.length - 1] += params;
  return `${names.slice(0, -1).join('.')}\u0000${names[names.length - 1]}`;
}

/** Finds inventory tests for results, by their own id or by the name JUnit gives them. */
export class InventoryIndex {
  private readonly byId = new Map<string, DiscoveredTest>();
  private readonly byJUnit = new Map<string, DiscoveredTest>();

  constructor(tests: readonly DiscoveredTest[]) {
    for (const t of tests) {
      this.byId.set(`${t.runner}|${t.project ?? ''}|${t.id}`, t);
      this.byId.set(`${t.runner}||${t.id}`, t);
      if (t.runner === 'pytest') this.byJUnit.set(pytestJUnitKey(t.id), t);
      else {
        // Vitest/jest-junit: classname = file, name = "describe > test"; or classname = describe path.
        this.byJUnit.set(`${t.file}\u0000${t.titlePath.join(' > ')}`, t);
        this.byJUnit.set(`${t.titlePath.slice(0, -1).join(' ')}\u0000${t.titlePath[t.titlePath.length - 1] ?? ''}`, t);
      }
    }
  }

  get(runner: string, project: string | null, id: string): DiscoveredTest | undefined {
    return this.byId.get(`${runner}|${project ?? ''}|${id}`) ?? (project === null ? undefined : this.byId.get(`${runner}||${id}`));
  }

  junit(classname: string, name: string): DiscoveredTest | undefined {
    return this.byJUnit.get(`${classname}\u0000${name}`);
  }
}

/** Marks a result known/unknown and copies the inventory's file and tier. */
export function enrich(r: TestResult, t: DiscoveredTest | undefined, ctx: JoinContext): TestResult {
  if (t) {
    r.known = true;
    r.file = t.file;
    r.tier = t.tier;
    if (r.project === null && t.project !== null) r.project = t.project;
  } else r.known = false;
  if (ctx.services?.length) r.services = ctx.services;
  return r;
}

/** A pytest node id for a JUnit case no inventory test matched (best effort). */
function guessPytestId(c: JUnitCase, runnerRoot: string): string {
  if (c.file) {
    const parts = c.classname.split('.');
    const modParts = c.file.replace(/\.py$/, '').split('/');
    const classes = parts.slice(modParts.length);
    return [posix(path.posix.relative(runnerRoot || '.', c.file) || c.file), ...classes, c.name].join('::');
  }
  const parts = c.classname.split('.');
  let i = parts.findIndex((p) => /^[A-Z]/.test(p));
  if (i === -1) i = parts.length;
  const mod = parts.slice(0, i).join('/');
  return [mod ? `${mod}.py` : c.classname, ...parts.slice(i), c.name].join('::');
}

export function junitCaseToResult(c: JUnitCase, index: InventoryIndex, ctx: JoinContext): TestResult {
  const t = index.junit(c.classname, c.name);
  const runner: TestResult['runner'] = t?.runner ?? ctx.runner ?? 'junit';
  const id = t ? t.id : runner === 'pytest' ? guessPytestId(c, ctx.runnerRoot ?? '') : c.classname ? `${c.classname}#${c.name}` : c.name;
  const r: TestResult = {
    runner,
    project: t?.project ?? ctx.project ?? null,
    id,
    name: c.name,
    status: c.status,
    durationMs: c.durationMs,
    attempts: c.attempts,
    flaky: c.flaky,
  };
  if (c.classname) r.suite = c.classname;
  else if (c.suite) r.suite = c.suite;
  if (c.file) r.file = c.file;
  if (c.message) r.message = c.message;
  if (c.reason) r.reason = c.reason;
  return enrich(r, t, ctx);
}

/** Streams the results of a JUnit XML file, joined to the inventory, in batches. */
export async function* junitResults(file: string, ctx: JoinContext, index = new InventoryIndex(ctx.tests)): AsyncGenerator<TestResult[]> {
  for await (const batch of readJUnitFile(file)) yield batch.map((c) => junitCaseToResult(c, index, ctx));
}

/* ------------------------------------------------------------------ JSON reports */

async function readJson(file: string): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${file}`, {
      hint: 'did the test command run and write its report? check the path',
    });
  }
  if (size > MAX_JSON_REPORT)
    throw new ResultsFormatError(`${file}: ${Math.round(size / 2 ** 20)} MB JSON report is larger than seams reads (512 MB)`, 'use a JUnit XML report for very large runs: it is streamed');
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResultsFormatError(`${file}: not valid JSON (${describeError(error)})`);
  }
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const firstLines = (s: string | undefined, max = 4096) => (s === undefined ? undefined : s.length > max ? `${s.slice(0, max)}…` : s);
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

function relFile(root: string, file: string): string {
  return posix(path.isAbsolute(file) ? path.relative(root, file) : file);
}

/** Jest `--json` and Vitest `--reporter=json` (the same shape). */
export function parseJestJson(data: unknown, runner: 'jest' | 'vitest', ctx: JoinContext, index = new InventoryIndex(ctx.tests)): TestResult[] {
  const o = data as Record<string, unknown>;
  if (!o || typeof o !== 'object' || !Array.isArray(o.testResults))
    throw new ResultsFormatError(`not a ${runner} JSON report (no testResults array)`);
  const out: TestResult[] = [];
  for (const fileResult of arr(o.testResults) as Record<string, unknown>[]) {
    const file = relFile(ctx.root, str(fileResult.name) ?? '');
    const assertions = arr(fileResult.assertionResults) as Record<string, unknown>[];
    if (!assertions.length && (fileResult.status === 'failed' || str(fileResult.message))) {
      // the file itself failed (syntax error, import error): one error result for the file
      out.push(
        enrich(
          {
            runner,
            project: ctx.project ?? null,
            id: file,
            file,
            name: file,
            status: 'error',
            durationMs: 0,
            attempts: 1,
            flaky: false,
            message: firstLines(stripAnsi(str(fileResult.message) ?? 'test file failed to run')),
          },
          undefined,
          ctx,
        ),
      );
      continue;
    }
    for (const a of assertions) {
      const titles = [...(arr(a.ancestorTitles) as string[]), str(a.title) ?? ''];
      const id = `${file} > ${titles.join(' > ')}`;
      const st = str(a.status);
      const status: TestResult['status'] = st === 'passed' ? 'passed' : st === 'failed' ? 'failed' : 'skipped';
      const invocations = Math.max(1, num(a.invocations) || 1 + arr(a.retryReasons).length);
      const messages = arr(a.failureMessages).filter((m): m is string => typeof m === 'string');
      const other = runner === 'jest' ? 'vitest' : 'jest';
      const own = index.get(runner, ctx.project ?? null, id);
      // the two share a format: an id the inventory knows under the other runner settles it
      const t = own ?? (ctx.runner ? undefined : index.get(other, ctx.project ?? null, id));
      const r: TestResult = {
        runner: t?.runner === other ? other : runner,
        project: t?.project ?? ctx.project ?? null,
        id,
        file,
        name: str(a.title) ?? '',
        suite: (arr(a.ancestorTitles) as string[]).join(' > ') || undefined,
        status,
        durationMs: num(a.duration),
        attempts: invocations,
        flaky: status === 'passed' && invocations > 1,
      };
      if (!r.suite) delete r.suite;
      if (messages.length && status === 'failed') r.message = firstLines(stripAnsi(messages.join('\n')));
      if (status === 'skipped' && st && st !== 'skipped') r.reason = st; // pending / todo / disabled
      out.push(enrich(r, t, ctx));
    }
  }
  return out;
}

/** Playwright's JSON reporter. */
export function parsePlaywrightJson(data: unknown, ctx: JoinContext, index = new InventoryIndex(ctx.tests)): TestResult[] {
  const o = data as Record<string, unknown>;
  if (!o || typeof o !== 'object' || !Array.isArray(o.suites)) throw new ResultsFormatError('not a Playwright JSON report (no suites array)');
  const config = (o.config ?? {}) as Record<string, unknown>;
  const rootDir = str(config.rootDir) ?? ctx.root;
  const out: TestResult[] = [];
  const walk = (suite: Record<string, unknown>, titles: string[], fileRel: string | undefined) => {
    for (const spec of arr(suite.specs) as Record<string, unknown>[]) {
      const file = relFile(ctx.root, path.resolve(rootDir, str(spec.file) ?? fileRel ?? ''));
      for (const test of arr(spec.tests) as Record<string, unknown>[]) {
        const results = arr(test.results) as Record<string, unknown>[];
        const project = str(test.projectName) || null;
        const outcome = str(test.status);
        const status: TestResult['status'] =
          outcome === 'skipped' ? 'skipped' : outcome === 'unexpected' ? 'failed' : outcome === 'expected' || outcome === 'flaky' ? 'passed' : 'not-run';
        const last = results[results.length - 1];
        const error = (last?.error ?? arr(last?.errors)[0]) as Record<string, unknown> | undefined;
        const id = `${file} > ${[...titles, str(spec.title) ?? ''].join(' > ')}`;
        const t = index.get('playwright', project, id);
        const r: TestResult = {
          runner: 'playwright',
          project,
          id,
          file,
          name: str(spec.title) ?? '',
          status,
          durationMs: results.reduce((s, x) => s + num(x.duration), 0),
          attempts: Math.max(1, results.length),
          flaky: outcome === 'flaky',
        };
        if (titles.length) r.suite = titles.join(' > ');
        if (status === 'failed') r.message = firstLines(stripAnsi(str(error?.message) ?? str(last?.status) ?? 'failed'));
        if (status === 'skipped') {
          const ann = (arr(test.annotations) as Record<string, unknown>[]).find((x) => x.type === 'skip' || x.type === 'fixme');
          if (ann) r.reason = str(ann.description) ?? str(ann.type);
        }
        out.push(enrich(r, t, ctx));
      }
    }
    for (const child of arr(suite.suites) as Record<string, unknown>[]) walk(child, [...titles, str(child.title) ?? ''], fileRel);
  };
  // top-level suites are files; their titles are not part of the title path
  for (const fileSuite of arr(o.suites) as Record<string, unknown>[]) walk(fileSuite, [], str(fileSuite.file));
  return out;
}

/** `go test -json` (one JSON event per line). */
export function parseGoTestJson(text: string, ctx: JoinContext): TestResult[] {
  const out: TestResult[] = [];
  const output = new Map<string, string>();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (!line.trim()) continue;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // go test -json interleaves build output lines; they are not events
    }
    const test = str(ev.Test);
    const pkg = str(ev.Package) ?? '';
    if (!test) continue;
    const key = `${pkg}::${test}`;
    const action = str(ev.Action);
    if (action === 'output') {
      const prev = output.get(key) ?? '';
      if (prev.length < 4096) output.set(key, prev + (str(ev.Output) ?? ''));
      continue;
    }
    if (action !== 'pass' && action !== 'fail' && action !== 'skip') continue;
    const status: TestResult['status'] = action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped';
    const r: TestResult = {
      runner: 'go',
      project: null,
      id: key,
      name: test,
      suite: pkg,
      status,
      durationMs: Math.round(num(ev.Elapsed) * 1000),
      attempts: 1,
      flaky: false,
    };
    if (status === 'failed') r.message = firstLines(output.get(key));
    if (status === 'skipped') r.reason = output.get(key)?.match(/--- SKIP.*\n\s*(.+)/)?.[1]?.trim();
    if (r.reason === undefined) delete r.reason;
    out.push(enrich(r, undefined, ctx));
    output.delete(key);
  }
  void lineNo;
  return out;
}

/** Looks at the first bytes to tell the format of a results file. */
export async function detectFormat(file: string): Promise<ResultFormat> {
  let head = '';
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    } finally {
      await fh.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `${file} is a directory, not a results file`, { hint: 'pass report files, not folders' });
    throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${file}`, {
      hint: 'did the test command run and write its report? check the path',
    });
  }
  if (head.startsWith('<')) return 'junit';
  if (head.startsWith('{"Time"') || head.startsWith('{"Action"') || /^\{[^\n]*"Action"\s*:/.test(head)) return 'go';
  if (head.startsWith('{')) {
    if (/"config"\s*:/.test(head) || /"suites"\s*:/.test(head.slice(0, 200))) return 'playwright';
    // Vitest's JSON reporter starts with numTotalTestSuites, Jest's with numFailedTestSuites
    if (/^\{\s*"numTotalTestSuites"/.test(head)) return 'vitest';
    if (/"numTotalTests"|"testResults"/.test(head)) return 'jest';
  }
  if (!head) throw new ResultsFormatError(`${file}: empty results file`);
  throw new ResultsFormatError(`${file}: unknown results format (expected JUnit XML, Jest/Vitest/Playwright JSON or go test -json)`, 'pass --format to say which it is');
}

/**
 * Reads any supported results file as batches of results (JUnit streams; JSON is read whole).
 */
export async function* readResults(file: string, ctx: JoinContext, format?: ResultFormat, index = new InventoryIndex(ctx.tests)): AsyncGenerator<TestResult[]> {
  const fmt = format ?? (await detectFormat(file));
  if (fmt === 'junit') {
    yield* junitResults(file, ctx, index);
    return;
  }
  if (fmt === 'go') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${file}`, { hint: 'check the path (tiers.<tier>.results in seams.yaml names where a command writes its report)' });
    }
    yield parseGoTestJson(text, ctx);
    return;
  }
  const data = await readJson(file);
  if (fmt === 'playwright') yield parsePlaywrightJson(data, ctx, index);
  else yield parseJestJson(data, fmt === 'vitest' ? 'vitest' : (ctx.runner === 'vitest' ? 'vitest' : 'jest'), ctx, index);
}
