import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/types.js';
import { dirnamePosix, joinPosix } from '../util/paths.js';
import { noteInput } from '../util/inputs.js';
import type { FileSource } from './files.js';
import { collectPackages, type JsPackage, type TestPackageMarkers } from './js-packages.js';
import { readJsonFile } from './manifests.js';

/** Kept here for the runner plugins that read a config JSON next to their workspace. */
export { readJsonFile };
export type { JsPackage, TestPackageMarkers } from './js-packages.js';

/**
 * The JavaScript side of a repository: its packages (npm/yarn/pnpm workspaces), their
 * dependencies, and which runner versions are installed. Computed once per scan and shared by the
 * JS runner plugins.
 */

export interface JsWorkspace {
  root: string;
  files: readonly string[];
  packages: JsPackage[];
  diagnostics: Diagnostic[];
  /** Version of `pkg` installed for a package dir (node_modules lookup upwards to the root). */
  installedVersion(dir: string, pkg: string): string | undefined;
  /** Absolute path of an installed package's folder, if present. */
  installedDir(dir: string, pkg: string): string | undefined;
  /** Whether a repo-relative file exists (in the scanned file list). */
  hasFile(file: string): boolean;
  /** Files (repo-relative) directly inside or below `dir`. */
  filesUnder(dir: string): readonly string[];
  readText(file: string): string | undefined;
  /** Reads many files concurrently into the readText cache (I/O overlaps; parsing stays sequential). */
  prefetch(files: readonly string[]): Promise<void>;
}

const cache = new WeakMap<FileSource, Promise<JsWorkspace>>();

/** The JS workspace of a scan, built once per scan context (keyed by the context object). */
export function loadWorkspace(ctx: FileSource, markers: TestPackageMarkers): Promise<JsWorkspace> {
  let p = cache.get(ctx);
  if (!p) {
    p = ctx.listFiles().then((files) => buildWorkspace(ctx.root, files, markers));
    cache.set(ctx, p);
  }
  return p;
}

export function buildWorkspace(root: string, files: readonly string[], markers: TestPackageMarkers): JsWorkspace {
  const diagnostics: Diagnostic[] = [];
  const allFiles = new Set(files);
  const texts = textCache(root);
  const packages = collectPackages(root, files, texts.readText, diagnostics, markers);
  // Files are sorted, so the files below a folder form one contiguous run.
  const sorted = files.every((f, i) => i === 0 || files[i - 1]! <= f) ? files : [...files].sort();
  return {
    root,
    files: sorted,
    hasFile: (f: string) => allFiles.has(f),
    prefetch: texts.prefetch,
    packages: [...packages.values()].sort((a, b) => a.dir.localeCompare(b.dir)),
    diagnostics,
    ...installedLookup(root),
    filesUnder: filesUnderIndex(sorted),
    readText: texts.readText,
  };
}

/** Repo files read once each: on demand, or many at once with overlapping I/O. */
function textCache(root: string): Pick<JsWorkspace, 'readText' | 'prefetch'> {
  const texts = new Map<string, string | undefined>();
  const readText = (file: string) => {
    if (!texts.has(file)) {
      noteInput('file', path.join(root, file));
      try {
        texts.set(file, readFileSync(path.join(root, file), 'utf8'));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  const prefetch = async (list: readonly string[]) => {
    const todo = list.filter((f) => !texts.has(f));
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const f = todo[next++]!;
        noteInput('file', path.join(root, f));
        try {
          texts.set(f, await readFile(path.join(root, f), 'utf8'));
        } catch {
          texts.set(f, undefined);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(32, todo.length) }, worker));
  };
  return { readText, prefetch };
}

/**
 * Installed packages, looked up in node_modules from a package folder upwards (cached) as Node
 * resolves them: past the repository root too, where a monorepo's or a checkout's node_modules
 * serves it (the bundled example's tests resolve Vitest from seams' own), as the runner
 * pre-flight finds the runner. What is read outside the repository is noted in the scan's input
 * journal like the rest, so the cached inventory follows it.
 */
function installedLookup(root: string): Pick<JsWorkspace, 'installedDir' | 'installedVersion'> {
  const versionCache = new Map<string, string | undefined>();
  const dirCache = new Map<string, string | undefined>();
  const installedDir = (dir: string, pkg: string): string | undefined => {
    const key = `${dir}\0${pkg}`;
    if (dirCache.has(key)) return dirCache.get(key);
    let result: string | undefined;
    for (let abs = path.join(root, dir); ; abs = path.dirname(abs)) {
      const at = path.join(abs, 'node_modules', pkg);
      const r = readJsonFile(path.join(at, 'package.json'));
      if (r.value) {
        result = at;
        break;
      }
      if (path.dirname(abs) === abs) break;
    }
    dirCache.set(key, result);
    return result;
  };
  const installedVersion = (dir: string, pkg: string) => {
    const key = `${dir}\0${pkg}`;
    if (!versionCache.has(key)) {
      const d = installedDir(dir, pkg);
      const v = d ? readJsonFile(path.join(d, 'package.json')).value?.version : undefined;
      versionCache.set(key, typeof v === 'string' ? v : undefined);
    }
    return versionCache.get(key);
  };
  return { installedDir, installedVersion };
}

/** The files below a folder of a sorted list: one contiguous run, found by binary search (cached). */
function filesUnderIndex(sorted: readonly string[]): (dir: string) => readonly string[] {
  const underCache = new Map<string, readonly string[]>();
  return (dir: string): readonly string[] => {
    if (dir === '') return sorted;
    const hit = underCache.get(dir);
    if (hit) return hit;
    const prefix = dir + '/';
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < sorted.length && sorted[end]!.startsWith(prefix)) end++;
    const out = sorted.slice(lo, end);
    underCache.set(dir, out);
    return out;
  };
}

/** Whether a package or the repo root (hoisted devDependencies) declares `dep`. */
export function declares(ws: JsWorkspace, pkg: JsPackage, dep: string | RegExp): boolean {
  const has = (p: JsPackage) => (typeof dep === 'string' ? p.deps.has(dep) : [...p.deps].some((d) => dep.test(d)));
  return has(pkg);
}

const dirIndex = new WeakMap<JsWorkspace, Map<string, Set<string>>>();

/** Names of the files directly inside `dir`. */
export function filesIn(ws: JsWorkspace, dir: string): Set<string> {
  let idx = dirIndex.get(ws);
  if (!idx) {
    idx = new Map();
    for (const f of ws.files) {
      const d = dirnamePosix(f);
      let s = idx.get(d);
      if (!s) idx.set(d, (s = new Set()));
      s.add(f.slice(d === '' ? 0 : d.length + 1));
    }
    dirIndex.set(ws, idx);
  }
  return idx.get(dir) ?? new Set();
}

/** The first existing file among `names` in `dir`. */
export function findConfig(ws: JsWorkspace, dir: string, names: readonly string[]): string | undefined {
  const set = filesIn(ws, dir);
  for (const n of names) if (set.has(n)) return joinPosix(dir, n);
  return undefined;
}
