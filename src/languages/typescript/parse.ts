import { parseSync } from 'oxc-parser';
import { createLineIndex } from '../../util/lines.js';

/** A loosely typed ESTree node as oxc-parser produces it (we only read a few shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = { type: string; start: number; end: number; [key: string]: any };

export interface ParsedModule {
  program: Node;
  /** First fatal parse error, if any (the AST is then partial and should not be trusted). */
  error?: { message: string; line: number };
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

/** Parses JS/TS source with oxc. Never throws: a syntax error is returned in `error`. */
export function parseModule(file: string, source: string): ParsedModule {
  const lineOf = createLineIndex(source);
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
