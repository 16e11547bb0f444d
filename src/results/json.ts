import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResultStatus, RunnerId, TestResult } from '../core/types.js';
import { getRunner, resultFormats, runnersReading } from '../runners/registry.js';
import { SeamsError, describeError } from '../util/errors.js';
import { enrich, InventoryIndex, type JoinContext } from './join.js';
import { ResultsFormatError } from './junit.js';
import { toPosix } from '../util/paths.js';

/** JSON reports: Jest-style JSON (Jest, Vitest) and Playwright's JSON reporter, read whole. */

/** Largest JSON report read into memory (JUnit XML streams and has no limit). */
export const MAX_JSON_REPORT = 512 * 1024 * 1024;

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const firstLines = (s: string | undefined, max = 4096) => (s === undefined ? undefined : s.length > max ? `${s.slice(0, max)}…` : s);
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The runner that writes the (unshared) format a reader parses, for results read without a context runner. */
const writerOf = (parser: string): RunnerId => resultFormats.find((f) => f.parser === parser && !f.shared)?.runner ?? parser;

/** The status a runner's outcome word maps to (`RunnerPlugin.outcomes`), undefined when it names none. */
export const outcomeOf = (outcomes: Readonly<Record<string, ResultStatus>>, word: string | undefined): ResultStatus | undefined =>
  word !== undefined && Object.hasOwn(outcomes, word) ? outcomes[word] : undefined;

function relFile(root: string, file: string): string {
  return toPosix(path.isAbsolute(file) ? path.relative(root, file) : file);
}

export async function readJson(file: string): Promise<unknown> {
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

/** Jest `--json` and Vitest `--reporter=json` (the same shape). */
export function parseJestJson(data: unknown, runner: RunnerId, ctx: JoinContext, index = new InventoryIndex(ctx.tests)): TestResult[] {
  const outcomes: Readonly<Record<string, ResultStatus>> = getRunner(runner)?.outcomes ?? {};
  // the runners that write the same shape: an id the inventory knows under one of them settles it
  const others = runnersReading('jest-json').filter((r) => r !== runner);
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
      const status: TestResult['status'] = outcomeOf(outcomes, st) ?? 'skipped';
      const invocations = Math.max(1, num(a.invocations) || 1 + arr(a.retryReasons).length);
      const messages = arr(a.failureMessages).filter((m): m is string => typeof m === 'string');
      const own = index.get(runner, ctx.project ?? null, id);
      const t = own ?? (ctx.runner ? undefined : others.map((o) => index.get(o, ctx.project ?? null, id)).find((x) => x !== undefined));
      const r: TestResult = {
        runner: t?.runner ?? runner,
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
export function parsePlaywrightJson(data: unknown, ctx: JoinContext, index = new InventoryIndex(ctx.tests), runner: RunnerId = writerOf('playwright-json')): TestResult[] {
  const outcomes: Readonly<Record<string, ResultStatus>> = getRunner(runner)?.outcomes ?? {};
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
        // anything the runner's outcomes do not name (interrupted) did not run
        // test.fail(): the runner's words with the expected status (`expected[expectedStatus=failed]`) first
        const expectedStatus = str(test.expectedStatus);
        const status: TestResult['status'] =
          (expectedStatus && expectedStatus !== 'passed' ? outcomeOf(outcomes, `${outcome}[expectedStatus=${expectedStatus}]`) : undefined) ?? outcomeOf(outcomes, outcome) ?? 'not-run';
        const last = results[results.length - 1];
        const error = (last?.error ?? arr(last?.errors)[0]) as Record<string, unknown> | undefined;
        const id = `${file} > ${[...titles, str(spec.title) ?? ''].join(' > ')}`;
        const t = index.get(runner, project, id);
        const r: TestResult = {
          runner,
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
        if (status === 'failed')
          r.message = firstLines(
            stripAnsi(str(error?.message) ?? (expectedStatus === 'failed' && last?.status === 'passed' ? 'passed, but test.fail() expects it to fail' : (str(last?.status) ?? 'failed'))),
          );
        if (status === 'xfailed') {
          const ann = (arr(test.annotations) as Record<string, unknown>[]).find((x) => x.type === 'fail');
          r.reason = str(ann?.description) ?? 'test.fail()';
        }
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

