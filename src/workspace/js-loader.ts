import { readFileSync, statSync } from 'node:fs';
import { ModuleLoader, type SourceFiles } from '../languages/typescript/loader.js';
import { resolveRelative } from './js-modules.js';

/**
 * The disk side of the static evaluator: config files and the relative modules they import are
 * read here, so languages/ stays free of I/O. Relative imports may leave the repository (a config
 * importing `../../shared/config.js`), so this reads the disk, not the scanned file list.
 */

export const DISK_FILES: SourceFiles = {
  read(file) {
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

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
