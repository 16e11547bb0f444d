import { fdir } from 'fdir';
import { toPosix } from '../util/paths.js';

/**
 * The one file lister of a repository: every regular file below the root (repo-relative POSIX,
 * sorted), walked once and memoised, shared by the runner plugins, the import graph and init.
 */

/** Directories never walked for test files. */
export const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn', '.seams']);

/** A memoised lister of the files below `root` (the walk runs on the first call only). */
export function createFileLister(root: string): () => Promise<readonly string[]> {
  let cached: Promise<readonly string[]> | undefined;
  return () =>
    (cached ??= new fdir()
      .withRelativePaths()
      .exclude((dirName) => ALWAYS_SKIPPED.has(dirName))
      .crawl(root)
      .withPromise()
      .then((files) => files.map(toPosix).sort()));
}

/** What the workspace readers need of a scan: the absolute root and its (memoised) file list. */
export interface FileSource {
  root: string;
  listFiles(): Promise<readonly string[]>;
}
