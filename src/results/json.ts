import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResultStatus, RunnerId, TestResult } from '../core/types.js';
import { getRunner, resultFormats, runnersReading } from '../runners/registry.js';
import { SeamsError, describeError } from '../util/errors.js';
import { enrich, InventoryIndex, type JoinContext } from './join.js';
import { ResultsFormatError } from './junit.js';
import { jestReportSchema, parseStrict, playwrightReportSchema, type PlaywrightSuite } from './schemas.js';
import { toPosix } from '../util/paths.js';
import { LIMITS } from '../util/limits.js';

/** JSON reports: Jest-style JSON (Jest, Vitest) and Playwright's JSON reporter, read whole. */

/** Largest JSON report read into memory (JUnit XML streams and has no limit). */
export const MAX_JSON_REPORT = LIMITS.resultsFileBytes;

/** Whether a parsed JSON value nests deeper than `max` (an explicit stack: no recursion to overflow). */
export function jsonDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
export const firstLines = (s: string | undefined, max = LIMITS.messageChars) => (s === undefined ? undefined : s.length > max ? `${s.slice(0, max)}…` : s);
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

/** Reads a JSON report whole; `hint`: what the format's writer is, for a file that is not JSON. */
export async function readJson(file: string, hint?: string): Promise<unknown> {
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResultsFormatError(`${file}: not valid JSON (${describeError(error)})`, hint ?? 'check that the run finished writing the report');
  }
  if (jsonDeeperThan(value, LIMITS.jsonDepth))
    throw new ResultsFormatError(`${file}: JSON nested deeper than ${LIMITS.jsonDepth} levels`, 'the report is past a limit of docs/limits.md: check the tool that wrote it');
  return value;
}

/** Jest `--json` and Vitest `--reporter=json` (the same shape). */
export function parseJestJson(data: unknown, runner: RunnerId, ctx: JoinContext, index = new InventoryIndex(ctx.tests), file = `${runner} JSON report`): TestResult[] {
  const outcomes: Readonly<Record<string, ResultStatus>> = getRunner(runner)?.outcomes ?? {};
  // the runners that write the same shape: an id the inventory knows under one of them settles it
  const others = runnersReading('jest-json').filter((r) => r !== runner);
  const o = parseStrict(jestReportSchema, data, file, 'jest');
  const out: TestResult[] = [];
  for (const fileResult of o.testResults) {
    const file = relFile(ctx.root, fileResult.name);
    const assertions = fileResult.assertionResults ?? [];
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
      const titles = [...(a.ancestorTitles ?? []), a.title];
      const id = `${file} > ${titles.join(' > ')}`;
      const st = a.status;
      const status: TestResult['status'] = outcomeOf(outcomes, st) ?? 'skipped';
      const invocations = Math.max(1, num(a.invocations) || 1 + arr(a.retryReasons).length);
      const messages = a.failureMessages ?? [];
      const own = index.get(runner, ctx.project ?? null, id);
      const t = own ?? (ctx.runner ? undefined : others.map((o) => index.get(o, ctx.project ?? null, id)).find((x) => x !== undefined));
      const r: TestResult = {
        runner: t?.runner ?? runner,
        project: t?.project ?? ctx.project ?? null,
        id,
        file,
        name: a.title,
        suite: (a.ancestorTitles ?? []).join(' > ') || undefined,
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
export function parsePlaywrightJson(
  data: unknown,
  ctx: JoinContext,
  index = new InventoryIndex(ctx.tests),
  runner: RunnerId = writerOf('playwright-json'),
  reportFile = 'Playwright JSON report',
): TestResult[] {
  const outcomes: Readonly<Record<string, ResultStatus>> = getRunner(runner)?.outcomes ?? {};
  const o = parseStrict(playwrightReportSchema, data, reportFile, 'playwright');
  const rootDir = o.config?.rootDir ?? ctx.root;
  const out: TestResult[] = [];
  const walk = (suite: PlaywrightSuite, titles: string[], fileRel: string | undefined) => {
    for (const spec of suite.specs ?? []) {
      const file = relFile(ctx.root, path.resolve(rootDir, spec.file ?? fileRel ?? ''));
      for (const test of spec.tests) {
        const results = test.results;
        const project = test.projectName || null;
        const outcome: string = test.status;
        // anything the runner's outcomes do not name (interrupted) did not run
        // test.fail(): the runner's words with the expected status (`expected[expectedStatus=failed]`) first
        const expectedStatus = str(test.expectedStatus);
        const status: TestResult['status'] =
          (expectedStatus && expectedStatus !== 'passed' ? outcomeOf(outcomes, `${outcome}[expectedStatus=${expectedStatus}]`) : undefined) ?? outcomeOf(outcomes, outcome) ?? 'not-run';
        const last = results[results.length - 1];
        const error = last?.error ?? last?.errors?.[0];
        const id = `${file} > ${[...titles, spec.title].join(' > ')}`;
        const t = index.get(runner, project, id);
        const r: TestResult = {
          runner,
          project,
          id,
          file,
          name: spec.title,
          status,
          durationMs: results.reduce((s, x) => s + num(x.duration), 0),
          attempts: Math.max(1, results.length),
          flaky: outcome === 'flaky',
        };
        if (titles.length) r.suite = titles.join(' > ');
        if (status === 'failed')
          r.message = firstLines(stripAnsi(error?.message ?? (expectedStatus === 'failed' && last?.status === 'passed' ? 'passed, but test.fail() expects it to fail' : (last?.status ?? 'failed'))));
        if (status === 'xfailed') {
          const ann = (test.annotations ?? []).find((x) => x.type === 'fail');
          r.reason = ann?.description ?? 'test.fail()';
        }
        if (status === 'skipped') {
          const ann = (test.annotations ?? []).find((x) => x.type === 'skip' || x.type === 'fixme');
          if (ann) r.reason = ann.description ?? ann.type;
        }
        out.push(enrich(r, t, ctx));
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title ?? ''], fileRel);
  };
  // top-level suites are files; their titles are not part of the title path
  for (const fileSuite of o.suites) walk(fileSuite, [], fileSuite.file);
  return out;
}

