import { readFileSync, statSync } from 'node:fs';
import { ModuleLoader, type SourceFiles } from '../languages/typescript/loader.js';
import { noteInput } from '../util/inputs.js';
import { resolveRelative } from './js-modules.js';

/**
 * The disk side of the static evaluator: config files and the relative modules they import are
 * read here, so languages/ stays free of I/O. Relative imports may leave the repository (a config
 * importing `../../shared/config.js`), so this reads the disk, not the scanned file list.
 */

export const DISK_FILES: SourceFiles = {
  read(file) {
    noteInput('file', file);
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve(fromFile, specifier) {
    return resolveRelative(fromFile, specifier, isFile);
  },
};

/** A module loader reading the disk; `packages` gives the values of well-known package exports. */
export function createModuleLoader(packages?: (source: string, name: string) => unknown): ModuleLoader {
  return new ModuleLoader(packages, DISK_FILES);
}

/**
 * Every relative import the evaluator resolved, as `from → specifier → file` (undefined: nothing
 * there), over the whole scan: what a test file's tests depend on besides its own text is the
 * closure of its imports through this map (the scan cache keys a file's tests by it).
 */
export type ImportTrace = Map<string, Map<string, string | undefined>>;

/** A disk module loader that records every import it resolves. */
export function createTracedModuleLoader(packages?: (source: string, name: string) => unknown): { loader: ModuleLoader; trace: ImportTrace } {
  const trace: ImportTrace = new Map();
  const files: SourceFiles = {
    read: DISK_FILES.read,
    resolve(fromFile, specifier) {
      const target = DISK_FILES.resolve(fromFile, specifier);
      let m = trace.get(fromFile);
      if (!m) trace.set(fromFile, (m = new Map()));
      m.set(specifier, target);
      return target;
    },
  };
  return { loader: new ModuleLoader(packages, files), trace };
}

/** The imports reachable from a file through a trace: `[from, specifier, file or null]`, each once. */
export function importClosure(trace: ImportTrace, file: string): [string, string, string | null][] {
  const out: [string, string, string | null][] = [];
  const seen = new Set<string>([file]);
  const todo = [file];
  while (todo.length) {
    const from = todo.pop()!;
    for (const [spec, target] of trace.get(from) ?? []) {
      out.push([from, spec, target ?? null]);
      if (target && !seen.has(target)) {
        seen.add(target);
        todo.push(target);
      }
    }
  }
  return out;
}

function isFile(file: string): boolean {
  noteInput('stat', file);
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
