import path from 'node:path';

/** Converts a platform path to POSIX separators. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Repo-relative POSIX path of `absolute` below `root` ('' for the root itself). */
export function relativePosix(root: string, absolute: string): string {
  const rel = path.relative(root, absolute);
  return rel === '' ? '' : toPosix(rel);
}

/** Joins POSIX segments, dropping empty ones ('' + 'a' = 'a'). */
export function joinPosix(...parts: string[]): string {
  return path.posix.join(...parts.filter((p) => p !== '')) || '';
}

/** The POSIX directory of a repo-relative path ('' for a top-level file). */
export function dirnamePosix(p: string): string {
  const d = path.posix.dirname(p);
  return d === '.' ? '' : d;
}
