import path from 'node:path';

/** Converts a platform path to POSIX separators. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Backslashes to forward slashes, whatever the platform (paths written by Windows tools in reports). */
export function slashes(p: string): string {
  return p.replace(/\\/g, '/');
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

/**
 * Joins two normalised repo-relative parts ('' is the root) without normalising: much cheaper
 * than `joinPosix` in hot loops over file sets.
 */
export function joinRel(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

/** The POSIX directory of a repo-relative path ('' for a top-level file). */
export function dirnamePosix(p: string): string {
  const d = path.posix.dirname(p);
  return d === '.' ? '' : d;
}

/**
 * A short name for each of several distinct folders: the folder name, or — when two share it —
 * the shortest trailing part of the path that tells them apart (`x/app`, `y/app`).
 */
export function uniqueNames(roots: readonly string[]): string[] {
  const parts = roots.map((r) => toPosix(r).split('/').filter(Boolean));
  const suffix = (i: number, k: number) => parts[i]!.slice(-k).join('/');
  return parts.map((p, i) => {
    for (let k = 1; k < p.length; k++) {
      const mine = suffix(i, k);
      if (parts.every((_, j) => j === i || suffix(j, k) !== mine)) return mine;
    }
    return toPosix(roots[i]!);
  });
}
