/**
 * Reading one Python file for the pytest scan: the parse (skeleton, tree-sitter, flat tree) and
 * the module view are separate steps, so a parse worker can do the first and the main thread the
 * second. Kept apart from project.ts so that a worker loads only what it runs.
 */
import { readFileSync, statSync } from 'node:fs';
import type { PyModule } from '../../languages/python/ast.js';
import { moduleFromParsed, parsePythonSource, type ParsedPython } from '../../languages/python/parse.js';

export type LoadedModule = { module: PyModule } | { error: string };
/** A file read and parsed, not yet converted to a `PyModule` (what a parse worker sends back). */
export type LoadedParse = { parsed: ParsedPython } | { error: string };

/** Reads and parses one Python file; binary, huge and unreadable files give a reason instead. */
export function loadParsed(abs: string, maxFileBytes: number): LoadedParse {
  try {
    const size = statSync(abs).size;
    if (size > maxFileBytes) return { error: `file too large to parse (${Math.round(size / 1024 / 1024)} MB)` };
    const buf = readFileSync(abs);
    if (buf.includes(0)) return { error: 'binary file (contains NUL bytes)' };
    return { parsed: parsePythonSource(buf.toString('utf8')) };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/** The module view of a loaded parse. */
export function toLoadedModule(loaded: LoadedParse): LoadedModule {
  if ('error' in loaded) return loaded;
  try {
    return { module: moduleFromParsed(loaded.parsed) };
  } catch (error) {
    return { error: String(error) };
  }
}

/** Reads and parses one Python file into its module view. */
export function loadModule(abs: string, maxFileBytes: number): LoadedModule {
  return toLoadedModule(loadParsed(abs, maxFileBytes));
}

