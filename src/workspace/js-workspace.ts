import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic } from '../core/types.js';
import { dirnamePosix, joinPosix } from '../util/paths.js';
import type { FileSource } from './files.js';
import { pnpmWorkspaceGlobs, readJsonFile, workspaceGlobs } from './manifests.js';

/** Kept here for the runner plugins that read a config JSON next to their workspace. */
export { readJsonFile };

/**
 * The JavaScript side of a repository: its packages (npm/yarn/pnpm workspaces), their
 * dependencies, and which runner versions are installed. Computed once per scan and shared by the
 * Vitest, Jest, Playwright, Mocha and node:test plugins.
 */

export interface JsPackage {
  /** Repo-relative directory ('' for the root). */
  dir: string;
  name: string | null;
  json: Record<string, unknown>;
  deps: Set<string>;
  scripts: Record<string, string>;
}

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

function depsOf(json: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const k of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const v = json[k];
    if (v && typeof v === 'object') for (const name of Object.keys(v)) out.add(name);
  }
  return out;
}

/** Dependencies that make a package.json a test package (one of our runners). */
const RUNNER_DEPS = ['vitest', 'jest', '@playwright/test', 'playwright', 'mocha'];
/** Config files of our runners (vite.config.* alone is an app, not a test setup). */
const RUNNER_CONFIG_RE =
  /^(?:vitest\.config\.[mc]?[jt]s|vitest\.workspace\.(?:[mc]?[jt]s|json)|vitest\.projects\.(?:[jt]s|json)|jest\.config\.(?:[mc]?[jt]s|json)|playwright\.config\.[mc]?[jt]s|\.mocharc\.(?:[cm]?js|ya?ml|jsonc?))$/;

function isRunnerPackage(json: Record<string, unknown>, configNames: Iterable<string>): boolean {
  const deps = depsOf(json);
  if (RUNNER_DEPS.some((d) => deps.has(d))) return true;
  if (json.jest !== undefined || json.mocha !== undefined) return true;
  for (const n of configNames) if (RUNNER_CONFIG_RE.test(n)) return true;
  const scripts = json.scripts && typeof json.scripts === 'object' ? Object.values(json.scripts) : [];
  return scripts.some((s) => typeof s === 'string' && /(^|[\s;&|(])node\b[^;&|]*\s--test\b/.test(s));
}

/**
 * Packages nobody declared: a Python repo with `web/package.json`, a root package.json that has
 * no `workspaces`. Every package.json outside node_modules that has a runner dependency, a runner
 * config or a `node --test` script is a package, unless it lies inside the folder of another
 * package that has one (a fixture such as `test/fixtures/x/package.json` belongs to its owner's
 * tests) or inside a declared workspace package. The root owns everything when it is a runner
 * package or declares workspaces; a root package.json without either (tooling only) owns nothing.
 */
function addUndeclaredPackages(
  packages: Map<string, JsPackage>,
  pkgJsonDirs: Set<string>,
  files: readonly string[],
  addPackage: (dir: string, chain: string[]) => void,
  readText: (file: string) => string | undefined,
): void {
  const namesIn = new Map<string, string[]>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    const d = slash < 0 ? '' : f.slice(0, slash);
    let a = namesIn.get(d);
    if (!a) namesIn.set(d, (a = []));
    a.push(f.slice(slash + 1));
  }
  const jsonOf = (dir: string): Record<string, unknown> | undefined => {
    const known = packages.get(dir);
    if (known) return known.json;
    if (!pkgJsonDirs.has(dir)) return undefined;
    try {
      const v = JSON.parse((readText(joinPosix(dir, 'package.json')) ?? '').replace(/^\uFEFF/, ''));
      return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  // Folders that own what lies below them: declared workspace packages, and runner packages.
  const owners = new Set<string>();
  for (const dir of packages.keys()) if (dir !== '') owners.add(dir);
  const root = packages.get('');
  // A root that declares workspaces is the install root of everything below it (npm, yarn, pnpm):
  // its list is the truth. A root with a runner owns its folders (fixtures are its test data).
  const rootNames = namesIn.get('') ?? [];
  if (root && (workspaceGlobs(root.json) !== undefined || rootNames.includes('pnpm-workspace.yaml') || isRunnerPackage(root.json, rootNames))) owners.add('');
  const insideOwner = (dir: string) => {
    if (owners.has('')) return true;
    for (let d = dirnamePosix(dir); d !== ''; d = dirnamePosix(d)) if (owners.has(d)) return true;
    return false;
  };
  // Shallow first, so an outer package is known before the folders below it are looked at.
  const candidates = [...pkgJsonDirs]
    .filter((d) => d !== '' && !packages.has(d) && !d.split('/').includes('node_modules'))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  for (const dir of candidates) {
    if (insideOwner(dir)) continue;
    const json = jsonOf(dir);
    if (!json || !isRunnerPackage(json, namesIn.get(dir) ?? [])) continue;
    const before = new Set(packages.keys());
    addPackage(dir, []);
    for (const d of packages.keys()) if (!before.has(d)) owners.add(d);
  }
}

const cache = new WeakMap<FileSource, Promise<JsWorkspace>>();

/** The JS workspace of a scan, built once per scan context (keyed by the context object). */
export function loadWorkspace(ctx: FileSource): Promise<JsWorkspace> {
  let p = cache.get(ctx);
  if (!p) {
    p = ctx.listFiles().then((files) => buildWorkspace(ctx.root, files));
    cache.set(ctx, p);
  }
  return p;
}

export function buildWorkspace(root: string, files: readonly string[]): JsWorkspace {
  const diagnostics: Diagnostic[] = [];
  const allFiles = new Set(files);
  const pkgJsonDirs = new Set(files.filter((f) => f === 'package.json' || f.endsWith('/package.json')).map(dirnamePosix));
  const packages = new Map<string, JsPackage>();
  const texts = new Map<string, string | undefined>();
  const readText = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(path.join(root, file), 'utf8'));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };

  const addPackage = (dir: string, chain: string[]): void => {
    if (chain.includes(dir)) {
      diagnostics.push({
        severity: 'warning',
        code: 'WORKSPACE_CYCLE',
        file: joinPosix(dir, 'package.json'),
        message: `workspace cycle: ${[...chain, dir].map((d) => d || '.').join(' → ')}; the package is scanned once`,
      });
      return;
    }
    if (packages.has(dir)) return;
    const file = joinPosix(dir, 'package.json');
    let json: Record<string, unknown> = {};
    if (pkgJsonDirs.has(dir)) {
      const r = readJsonFile(path.join(root, file));
      if (r.error) diagnostics.push({ severity: 'warning', code: 'PACKAGE_JSON_INVALID', file, message: `cannot read package.json: ${r.error}` });
      json = r.value ?? {};
    }
    const scripts: Record<string, string> = {};
    if (json.scripts && typeof json.scripts === 'object')
      for (const [k, v] of Object.entries(json.scripts)) if (typeof v === 'string') scripts[k] = v;
    packages.set(dir, { dir, name: typeof json.name === 'string' ? json.name : null, json, deps: depsOf(json), scripts });

    let globs = workspaceGlobs(json);
    const pnpm = joinPosix(dir, 'pnpm-workspace.yaml');
    if (allFiles.has(pnpm)) {
      try {
        globs = [...(globs ?? []), ...pnpmWorkspaceGlobs(readText(pnpm) ?? '')];
      } catch (e) {
        diagnostics.push({ severity: 'warning', code: 'WORKSPACE_INVALID', file: pnpm, message: `cannot parse pnpm-workspace.yaml: ${(e as Error).message.split('\n')[0]}` });
      }
    }
    if (!globs?.length) return;
    const positive = globs.filter((g) => !g.startsWith('!')).map((g) => path.posix.normalize(joinPosix(dir, g.replace(/\/$/, ''))));
    const negative = globs.filter((g) => g.startsWith('!')).map((g) => path.posix.normalize(joinPosix(dir, g.slice(1).replace(/\/$/, ''))));
    const outside = positive.filter((g) => g.startsWith('..'));
    const isMatch = picomatch(positive.filter((g) => !g.startsWith('..')), { dot: false });
    const isExcluded = negative.length ? picomatch(negative) : () => false;
    for (const g of positive) if (g === dir || (dir !== '' && dir.startsWith(g + '/')) || g === '.' || g === '')
      addPackage(g === '.' ? '' : g, [...chain, dir]);
    for (const o of outside) diagnostics.push({ severity: 'info', code: 'WORKSPACE_OUTSIDE_REPO', file, message: `workspace pattern ${o} points outside the repository; ignored` });
    for (const d of [...pkgJsonDirs].sort()) {
      if (d === dir || d.split('/').includes('node_modules')) continue;
      if (isMatch(d) && !isExcluded(d)) addPackage(d, [...chain, dir]);
    }
  };
  addPackage('', []);
  addUndeclaredPackages(packages, pkgJsonDirs, files, addPackage, readText);

  const versionCache = new Map<string, string | undefined>();
  const dirCache = new Map<string, string | undefined>();
  const installedDir = (dir: string, pkg: string): string | undefined => {
    const key = `${dir}\0${pkg}`;
    if (dirCache.has(key)) return dirCache.get(key);
    let result: string | undefined;
    for (let d = dir; ; d = dirnamePosix(d)) {
      const abs = path.join(root, d, 'node_modules', pkg);
      const r = readJsonFile(path.join(abs, 'package.json'));
      if (r.value) {
        result = abs;
        break;
      }
      if (d === '') break;
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

  // Files are sorted, so the files below a folder form one contiguous run: binary search its start.
  const sorted = files.every((f, i) => i === 0 || files[i - 1]! <= f) ? files : [...files].sort();
  const underCache = new Map<string, readonly string[]>();
  const filesUnder = (dir: string): readonly string[] => {
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

  return {
    root,
    files: sorted,
    hasFile: (f: string) => allFiles.has(f),
    async prefetch(list: readonly string[]) {
      const todo = list.filter((f) => !texts.has(f));
      let next = 0;
      const worker = async () => {
        while (next < todo.length) {
          const f = todo[next++]!;
          try {
            texts.set(f, await readFile(path.join(root, f), 'utf8'));
          } catch {
            texts.set(f, undefined);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(32, todo.length) }, worker));
    },
    packages: [...packages.values()].sort((a, b) => a.dir.localeCompare(b.dir)),
    diagnostics,
    installedVersion,
    installedDir,
    filesUnder,
    readText,
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
