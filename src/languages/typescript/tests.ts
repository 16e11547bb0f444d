import { declareStatements } from './env.js';
import type { ExtractOptions, ExtractResult, ExtractedTest } from './extract-model.js';
import { Env } from './model.js';
import { parseModule, type Node, type ParsedModule } from './parse.js';
import { testApiNames } from './test-apis.js';
import { unique } from './test-values.js';
import { TestWalker } from './test-walker.js';

/**
 * Finds the tests a JS/TS test file defines, statically: describe/suite/context and
 * it/test/specify calls with their modifiers, `.each`/`.for` tables, helper functions called with
 * constant arguments, loops over constant arrays. Names are formatted the way the runner does.
 */

export type { ExtractedTest, ExtractOptions, ExtractResult, TestDialect } from './extract-model.js';
export { extractTypecheckTests } from './typecheck.js';

/** Parses and extracts the tests of one file. */
export function extractTests(source: string, opts: ExtractOptions): ExtractResult {
  return extractTestsFromParsed(parseModule(opts.absFile, source), opts);
}

/**
 * The same from a parse made elsewhere (one parse shared by several extractions of a file).
 * The walker leaves only `__env` notes on function nodes, which it overwrites before reading.
 */
export function extractTestsFromParsed(parsed: ParsedModule, opts: ExtractOptions): ExtractResult {
  if (parsed.error) return { tests: [], parseError: parsed.error };
  return { tests: extractFromProgram(parsed.program, parsed.lineOf, opts) };
}

export function extractFromProgram(program: Node, lineOf: (o: number) => number, opts: ExtractOptions): ExtractedTest[] {
  const env = new Env(opts.absFile, opts.host);
  declareStatements(env, program.body);
  const walker = new TestWalker(opts.dialect, testApiNames(program), env, lineOf);
  walker.walkModule(program);
  const found = walker.found;

  // `.only` in a file: every other test of the file is skipped.
  if (found.some((t) => t.only)) for (const t of found) if (!t.only && t.status === 'active') t.status = 'skip';

  // Dynamic titles stand for values only known at run time; number repeats so ids stay unique.
  const seenDynamic = new Map<string, number>();
  for (const t of found) {
    if (!t.dynamic || !t.titlePath.some((p) => p.startsWith('<dynamic line '))) continue;
    const key = t.titlePath.join('\u0000');
    const n = (seenDynamic.get(key) ?? 0) + 1;
    seenDynamic.set(key, n);
    if (n > 1) t.titlePath = [...t.titlePath.slice(0, -1), `${t.titlePath[t.titlePath.length - 1]} #${n}`];
  }
  return found.map(({ only: _only, ...t }) => {
    const titleTags: string[] = [];
    for (const part of t.titlePath) for (const m of part.matchAll(/(?:^|\s)(@[\w:./-]+)/g)) titleTags.push(m[1]!);
    return { ...t, tags: unique([...t.tags, ...titleTags]) };
  });
}

