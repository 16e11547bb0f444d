import { open, readFile, stat } from 'node:fs/promises';
import type { TestResult } from '../core/types.js';
import { detectResultFormat, getResultFormat, getRunner, resultFormats } from '../runners/registry.js';
import { SeamsError, describeError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { parseGoTestJson } from './go.js';
import { InventoryIndex, junitResults, type JoinContext } from './join.js';
import { parseJestJson, parsePlaywrightJson, readJson } from './json.js';
import { ResultsFormatError } from './junit.js';
import { HINTS } from './schemas.js';

/**
 * results/ is the generic "read + join" layer: it reads a report in one of the registry's result
 * formats (`runners/registry.ts` `resultFormats`, detected from the first bytes) with the shared
 * reader the format names (JUnit XML streamed, Jest-style JSON, Playwright JSON, go test -json),
 * and joins each result to the inventory with the runner's JUnit naming and outcomes.
 */

export { readJUnitFile, readJUnit, ResultsFormatError, type JUnitCase } from './junit.js';
export { InventoryIndex, capResult, enrich, junitCaseToResult, junitResults, type JoinContext } from './join.js';
export { MAX_JSON_REPORT, parseJestJson, parsePlaywrightJson } from './json.js';
export { parseGoTestJson } from './go.js';
export { HINTS as FORMAT_HINTS, jsonPointer, parseStrict, seamsResultsSchema, RESULT_STATUSES } from './schemas.js';

/** A result format id of the registry (`junit`, `jest`, `vitest`, `playwright`, `go`, …). */
export type ResultFormat = string;

async function readHead(file: string): Promise<string> {
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    } finally {
      await fh.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `${file} is a directory, not a results file`, { hint: 'pass report files, not folders' });
    throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${file}`, {
      hint: 'did the test command run and write its report? check the path',
    });
  }
}

const orList = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : (xs[0] ?? ''));

/** Looks at the first bytes to tell the format of a results file. */
export async function detectFormat(file: string): Promise<ResultFormat> {
  const head = await readHead(file);
  const format = detectResultFormat(head);
  if (format) return format.id;
  if (!head) throw new ResultsFormatError(`${file}: empty results file`);
  throw new ResultsFormatError(`${file}: unknown results format (expected ${orList(resultFormats.map((f) => f.title))})`, 'pass --format to say which it is');
}

/** The runner a Jest-style JSON report is read as: the context's when it writes that shape too (see `ResultFormatPlugin.shared`). */
function jsonRunner(format: NonNullable<ReturnType<typeof getResultFormat>>, ctx: JoinContext): string {
  const own = ctx.runner ? getResultFormat(getRunner(ctx.runner)?.resultFormat ?? '') : undefined;
  if (format.shared && ctx.runner && own?.parser === format.parser) return ctx.runner;
  return format.runner ?? ctx.runner ?? format.id;
}

/**
 * Reads any supported results file as batches of results (JUnit streams; JSON is read whole).
 */
export async function* readResults(file: string, ctx: JoinContext, format?: ResultFormat, index = new InventoryIndex(ctx.tests)): AsyncGenerator<TestResult[]> {
  try {
    yield* readResultsOf(file, ctx, format, index);
  } catch (error) {
    // a report that runs a reader out of stack or string length is the report's problem (exit 2), not an internal error
    if (error instanceof RangeError)
      throw new ResultsFormatError(`${file}: past what seams reads (${describeError(error)})`, 'the report is past a limit of docs/limits.md: check the tool that wrote it');
    throw error;
  }
}

async function* readResultsOf(file: string, ctx: JoinContext, format: ResultFormat | undefined, index: InventoryIndex): AsyncGenerator<TestResult[]> {
  const fmt = getResultFormat(format ?? (await detectFormat(file)));
  if (!fmt) throw new ResultsFormatError(`${file}: unknown results format ${format}`, `formats: ${resultFormats.map((f) => f.id).join(', ')}`);
  switch (fmt.parser) {
    case 'junit-xml':
      yield* junitResults(file, ctx, index);
      return;
    case 'go-json': {
      let text: string;
      try {
        const size = (await stat(file)).size;
        if (size > LIMITS.resultsFileBytes)
          throw new ResultsFormatError(`${file}: ${Math.round(size / 2 ** 20)} MB go test -json output is larger than seams reads (${LIMITS.resultsFileBytes / 2 ** 20} MB)`, 'split the run into packages (limits: docs/limits.md)');
        text = await readFile(file, 'utf8');
      } catch (error) {
        if (error instanceof SeamsError) throw error;
        throw new SeamsError('SEAMS_RESULTS_NOT_FOUND', `results file not found: ${file}`, { hint: 'check the path (tiers.<tier>.results in seams.yaml names where a command writes its report)' });
      }
      yield parseGoTestJson(text, ctx, file);
      return;
    }
    case 'playwright-json':
      yield parsePlaywrightJson(await readJson(file, HINTS.playwright), ctx, index, jsonRunner(fmt, ctx), file);
      return;
    case 'jest-json':
      yield parseJestJson(await readJson(file, HINTS.jest), jsonRunner(fmt, ctx), ctx, index, file);
  }
}
