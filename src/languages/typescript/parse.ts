import { parseSync } from 'oxc-parser';
import { createLineIndex } from '../../util/lines.js';
import { LIMITS } from '../../util/limits.js';
import { jsNestingDepth } from './nesting.js';

/** A loosely typed ESTree node as oxc-parser produces it (we only read a few shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = { type: string; start: number; end: number; [key: string]: any };

export interface ParsedModule {
  program: Node;
  /** First fatal parse error, if any (the AST is then partial and should not be trusted). */
  error?: { message: string; line: number; /** Set when the file is past a limit of docs/limits.md (it was not parsed). */ limit?: boolean };
  /** 1-based line of a UTF-16 offset. */
  lineOf(offset: number): number;
}

export const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mts', '.cts', '.mjs', '.cjs'] as const;

function langOf(file: string): 'ts' | 'tsx' | 'js' | 'jsx' {
  const ext = file.slice(file.lastIndexOf('.')).toLowerCase();
  if (ext === '.tsx') return 'tsx';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'ts';
  // JSX is allowed in .js files by most toolchains (Jest + babel, Vite with plugins).
  return 'jsx';
}

/**
 * Why `source` must not be handed to oxc-parser (its native parser recurses and a deep enough
 * file crashes the process with SIGSEGV, past any `try`), or undefined when it may. Every caller
 * of oxc's `parseSync` on repository files asks this first.
 */
export function nestingLimitError(source: string, lineOf: (offset: number) => number = createLineIndex(source)): { message: string; line: number; limit: true } | undefined {
  const { depth, offset, escapes } = jsNestingDepth(source, LIMITS.jsNestingDepth, LIMITS.jsCodeBackslashes);
  if (escapes > LIMITS.jsCodeBackslashes) {
    const line = lineOf(offset);
    return { message: `more than ${LIMITS.jsCodeBackslashes} backslashes outside strings (at line ${line}; the limit of docs/limits.md); not parsed`, line, limit: true };
  }
  if (depth <= LIMITS.jsNestingDepth) return undefined;
  const line = lineOf(offset);
  return { message: `nesting deeper than ${LIMITS.jsNestingDepth} levels at line ${line} (the limit of docs/limits.md); not parsed`, line, limit: true };
}

/** Parses JS/TS source with oxc. Never throws: a syntax error is returned in `error`, and a file past the nesting limit is not parsed (`error.limit`). */
export function parseModule(file: string, source: string): ParsedModule {
  const lineOf = createLineIndex(source);
  const tooDeep = nestingLimitError(source, lineOf);
  if (tooDeep) return { program: { type: 'Program', start: 0, end: 0, body: [] }, error: tooDeep, lineOf };
  let result;
  try {
    result = parseSync(file, source, { lang: langOf(file), sourceType: 'unambiguous', preserveParens: false });
  } catch (error) {
    return {
      program: { type: 'Program', start: 0, end: 0, body: [] },
      error: { message: error instanceof Error ? error.message : String(error), line: 0 },
      lineOf,
    };
  }
  let program = result.program as unknown as Node;
  let errors = result.errors;
  // A .js file with TypeScript-only syntax is rare; JSX in .ts files is invalid anyway. Retry the other way
  // round once so that e.g. `<T>(x)` casts in .ts and JSX in .js both parse.
  if (errors.length && /\.(js|mjs|cjs)$/i.test(file)) {
    try {
      const retry = parseSync(file + '.ts', source, { lang: 'ts', sourceType: 'unambiguous', preserveParens: false });
      if (!retry.errors.length) {
        program = retry.program as unknown as Node;
        errors = retry.errors;
      }
    } catch {
      /* keep the first result */
    }
  }
  const first = errors.find((e) => e.severity === 'Error') ?? errors[0];
  if (first) {
    const offset = first.labels?.[0]?.start ?? 0;
    return { program, error: { message: first.message, line: lineOf(offset) }, lineOf };
  }
  return { program, lineOf };
}
