import path from 'node:path';
import { fdir } from 'fdir';
import { toPosix } from '../util/paths.js';

/**
 * The one file lister of a repository: every regular file below the root (repo-relative POSIX,
 * sorted), walked once and memoised, shared by the runner plugins, the import graph and init.
 */

/** Directories never walked for test files. */
export const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn', '.seams']);

/** Everything below a repository root, from one walk. */
export interface RepoTree {
  /** Files (and symlinks, not followed), repo-relative POSIX, sorted. */
  files: string[];
  /** Folders walked, repo-relative POSIX without a trailing slash, sorted; '' is the root. */
  dirs: string[];
  /** Folders not walked because of ALWAYS_SKIPPED (their names matter, their contents do not). */
  skipped: string[];
}

/** Walks the repository once: files, folders and the skipped folders (for the scan cache's key). */
export async function listTree(root: string): Promise<RepoTree> {
  const skipped: string[] = [];
  const prefix = toPosix(path.resolve(root)).replace(/\/?$/, '/');
  const entries = await new fdir()
    .withRelativePaths()
    .withDirs()
    .exclude((dirName, dirPath) => {
      if (!ALWAYS_SKIPPED.has(dirName)) return false;
      const abs = toPosix(dirPath).replace(/\/$/, '');
      skipped.push(abs.startsWith(prefix) ? abs.slice(prefix.length) : abs);
      return true;
    })
    .crawl(root)
    .withPromise();
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    const p = toPosix(e);
    if (p === '.' || p === './') dirs.push('');
    else if (p.endsWith('/')) dirs.push(p.slice(0, -1));
    else files.push(p);
  }
  return { files: files.sort(), dirs: dirs.sort(), skipped: skipped.sort() };
}

/**
 * A memoised lister of the files below `root` (the walk runs on the first call only); `listed`
 * gives a walk made already (the scan cache walks the tree to key the inventory).
 */
export function createFileLister(root: string, listed?: readonly string[]): () => Promise<readonly string[]> {
  let cached: Promise<readonly string[]> | undefined = listed ? Promise.resolve(listed) : undefined;
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
