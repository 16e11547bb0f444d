import path from 'node:path';
import picomatch from 'picomatch';
import { dirnamePosix, joinPosix } from '../util/paths.js';
import { parseJsonc, pnpmWorkspaceGlobs, workspaceGlobs } from './manifests.js';

/**
 * JavaScript / TypeScript module resolution over the repo's file list, the way TypeScript's
 * bundler/NodeNext resolution and Node find modules: relative paths with extension swapping
 * (`./x.js` → `x.ts`) and index files, `tsconfig.json` `paths`/`baseUrl` (with `extends`),
 * package.json `imports`/`exports`, and workspace packages (npm/yarn `workspaces`,
 * `pnpm-workspace.yaml`). `resolveRelative` is the evaluator's lookup of relative imports (on
 * disk, for config and test files; workspace/js-loader.ts).
 */

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export function isCodeFile(file: string): boolean {
  return CODE_EXTENSIONS.some((e) => file.endsWith(e)) && !file.endsWith('.d.ts');
}

export interface TsConfigPaths {
  /** Repo-relative directory paths are resolved against (baseUrl, or the tsconfig's folder). */
  base: string;
  paths: [pattern: string, targets: string[]][];
  hasBaseUrl: boolean;
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: Record<string, unknown>;
}

export interface JsResolverHost {
  files: ReadonlySet<string>;
  /** Reads a repo file (undefined when missing or unreadable). */
  read(file: string): string | undefined;
}

export type JsResolution = { file: string } | { external: string } | { unresolved: string };

/** Package name of a bare specifier: `@scope/name/sub` → `@scope/name`, `lodash/fp` → `lodash`. */
export function packageNameOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export class JsResolver {
  private readonly tsconfigByDir = new Map<string, TsConfigPaths | null>();
  private readonly tsconfigFiles = new Map<string, TsConfigPaths | null>();
  private workspace: Map<string, WorkspacePackage> | undefined;
  readonly diagnostics: { file: string; message: string }[] = [];

  constructor(private readonly host: JsResolverHost) {}

  resolve(fromFile: string, rawSpecifier: string): JsResolution {
    // bundler queries and fragments (`./x.css?url`, `./icon.svg#id`) do not change the file
    const specifier = rawSpecifier.replace(/[?#].*$/, (m) => (rawSpecifier.startsWith('#') && m === rawSpecifier ? m : '')) || rawSpecifier;
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const target = specifier.startsWith('/') ? specifier.slice(1) : joinPosix(dirnamePosix(fromFile), specifier);
      const normal = normalize(target);
      if (normal === undefined) return { unresolved: specifier };
      const file = this.withExtensions(normal);
      return file ? { file } : { unresolved: specifier };
    }
    const ts = this.tsconfigFor(fromFile);
    if (ts) {
      for (const [pattern, targets] of ts.paths) {
        const star = matchPattern(pattern, specifier);
        if (star === undefined) continue;
        for (const t of targets) {
          const candidate = normalize(joinPosix(ts.base, t.replace('*', star)));
          const file = candidate !== undefined ? this.withExtensions(candidate) : undefined;
          if (file) return { file };
        }
      }
      if (ts.hasBaseUrl) {
        const candidate = normalize(joinPosix(ts.base, specifier));
        const file = candidate !== undefined ? this.withExtensions(candidate) : undefined;
        if (file) return { file };
      }
    }
    if (specifier.startsWith('#')) {
      // package.json "imports" (subpath imports) of the nearest package
      const owner = this.nearestPackage(fromFile);
      const map = owner?.manifest.imports;
      if (owner && map && typeof map === 'object' && !Array.isArray(map)) {
        for (const [pattern, value] of Object.entries(map as Record<string, unknown>)) {
          const star = matchPattern(pattern, specifier);
          const target = star === undefined ? undefined : pickExport(value);
          if (target === undefined) continue;
          const file = this.fromDist(owner.dir, target.replace('*', star!));
          if (file) return { file };
        }
      }
      return { unresolved: specifier };
    }
    const name = packageNameOf(specifier);
    const self = this.nearestPackage(fromFile);
    const pkg = this.workspacePackages().get(name) ?? (self?.name === name ? self : undefined);
    if (pkg) {
      const sub = specifier.slice(name.length).replace(/^\//, '');
      const file = sub ? this.resolveSubpath(pkg, sub) : this.packageEntry(pkg);
      // a package of the repo whose entry only exists once built: reached as a package
      return file ? { file } : { external: name };
    }
    return { external: name };
  }

  /** `base` as a file, with TypeScript's extension swapping and index files. */
  withExtensions(base: string): string | undefined {
    const { files } = this.host;
    if (files.has(base) && /\.[cm]?[jt]sx?$|\.json$|\.vue$|\.svelte$/.test(base)) {
      // A `.js` specifier that exists as such is the file; otherwise try its TypeScript source.
      return base;
    }
    const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
    if (ext) {
      const stem = base.slice(0, -ext.length);
      for (const swap of JS_TO_TS[ext] ?? []) if (files.has(stem + swap)) return stem + swap;
    }
    for (const e of CODE_EXTENSIONS) if (files.has(base + e)) return base + e;
    if (files.has(`${base}.d.ts`)) return `${base}.d.ts`;
    for (const e of CODE_EXTENSIONS) if (files.has(`${base}/index${e}`)) return `${base}/index${e}`;
    if (files.has(base)) return base;
    return undefined;
  }

  private resolveSubpath(pkg: WorkspacePackage, sub: string): string | undefined {
    const exportsField = pkg.manifest.exports;
    if (exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
      const target = pickExport((exportsField as Record<string, unknown>)[`./${sub}`]);
      if (target) {
        const f = this.fromDist(pkg.dir, target);
        if (f) return f;
      }
    }
    return this.withExtensions(joinPosix(pkg.dir, sub)) ?? this.withExtensions(joinPosix(pkg.dir, 'src', sub));
  }

  private packageEntry(pkg: WorkspacePackage): string | undefined {
    const m = pkg.manifest;
    const candidates: string[] = [];
    const exp = m.exports;
    if (typeof exp === 'string') candidates.push(exp);
    else if (exp && typeof exp === 'object') {
      const dot = (exp as Record<string, unknown>)['.'] ?? exp;
      const picked = pickExport(dot);
      if (picked) candidates.push(picked);
    }
    for (const key of ['source', 'types', 'typings', 'module', 'main']) if (typeof m[key] === 'string') candidates.push(m[key] as string);
    for (const c of candidates) {
      const f = this.fromDist(pkg.dir, c);
      if (f) return f;
    }
    return this.withExtensions(joinPosix(pkg.dir, 'src/index')) ?? this.withExtensions(joinPosix(pkg.dir, 'index'));
  }

  /** A manifest target, preferring the TypeScript source when it points into a build folder. */
  private fromDist(dir: string, target: string): string | undefined {
    const rel = normalize(joinPosix(dir, target.replace(/^\.\//, '')));
    if (rel === undefined) return undefined;
    const stem = rel.replace(/\.d\.ts$/, '').replace(/\.[cm]?[jt]sx?$/, '');
    const direct = this.withExtensions(stem);
    if (direct) return direct;
    const srcStem = stem.replace(new RegExp(`^${escapeRe(dir)}/(dist|build|lib|out)/`), `${dir}/src/`);
    return srcStem !== stem ? this.withExtensions(srcStem) : undefined;
  }

  private tsconfigFor(file: string): TsConfigPaths | null {
    const dir = dirnamePosix(file);
    if (this.tsconfigByDir.has(dir)) return this.tsconfigByDir.get(dir)!;
    let found: TsConfigPaths | null;
    const here = joinPosix(dir, 'tsconfig.json');
    if (this.host.files.has(here)) found = this.loadTsconfig(here, 0);
    else found = dir === '' ? null : this.tsconfigFor(dir);
    this.tsconfigByDir.set(dir, found);
    return found;
  }

  private loadTsconfig(file: string, depth: number): TsConfigPaths | null {
    if (this.tsconfigFiles.has(file)) return this.tsconfigFiles.get(file)!;
    this.tsconfigFiles.set(file, null);
    const text = this.host.read(file);
    if (text === undefined) return null;
    let json: Record<string, any>;
    try {
      json = (parseJsonc(text) ?? {}) as Record<string, any>;
    } catch (error) {
      this.diagnostics.push({ file, message: `cannot parse ${file}: ${(error as Error).message}` });
      return null;
    }
    const dir = dirnamePosix(file);
    let inherited: TsConfigPaths | null = null;
    const ext = json.extends;
    for (const e of Array.isArray(ext) ? ext : ext ? [ext] : []) {
      if (typeof e !== 'string' || depth > 8 || !e.startsWith('.')) continue;
      const target = normalize(joinPosix(dir, e.endsWith('.json') ? e : `${e}.json`));
      if (target && this.host.files.has(target)) inherited = this.loadTsconfig(target, depth + 1) ?? inherited;
    }
    const co = (json.compilerOptions ?? {}) as Record<string, any>;
    const hasBaseUrl = typeof co.baseUrl === 'string';
    const base = hasBaseUrl ? (normalize(joinPosix(dir, co.baseUrl)) ?? dir) : co.paths ? dir : (inherited?.base ?? dir);
    const paths: [string, string[]][] =
      co.paths && typeof co.paths === 'object'
        ? Object.entries(co.paths as Record<string, unknown>).map(([k, v]) => [k, Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []])
        : (inherited?.paths ?? []);
    const result: TsConfigPaths = { base, paths, hasBaseUrl: hasBaseUrl || Boolean(inherited?.hasBaseUrl) };
    // sort patterns: longest prefix first, like TypeScript
    result.paths.sort((a, b) => b[0].indexOf('*') - a[0].indexOf('*') || b[0].length - a[0].length);
    this.tsconfigFiles.set(file, result);
    return result;
  }

  private readonly packageByDir = new Map<string, WorkspacePackage | null>();

  /** The package.json closest above a file (for subpath imports and self-references). */
  nearestPackage(file: string): WorkspacePackage | null {
    const dir = dirnamePosix(file);
    const cached = this.packageByDir.get(dir);
    if (cached !== undefined) return cached;
    let found: WorkspacePackage | null = null;
    const manifestFile = dir === '' ? 'package.json' : `${dir}/package.json`;
    if (this.host.files.has(manifestFile) && !dir.split('/').includes('node_modules')) {
      const manifest = this.readJson(manifestFile);
      if (manifest) found = { name: typeof manifest.name === 'string' ? manifest.name : '', dir, manifest };
    }
    if (!found && dir !== '') found = this.nearestPackage(dir);
    this.packageByDir.set(dir, found);
    return found;
  }

  workspacePackages(): Map<string, WorkspacePackage> {
    if (this.workspace) return this.workspace;
    const map = new Map<string, WorkspacePackage>();
    const globs: string[] = [...(workspaceGlobs(this.readJson('package.json')) ?? [])];
    const pnpm = this.host.read('pnpm-workspace.yaml');
    if (pnpm) {
      try {
        globs.push(...pnpmWorkspaceGlobs(pnpm));
      } catch (error) {
        this.diagnostics.push({ file: 'pnpm-workspace.yaml', message: `cannot parse pnpm-workspace.yaml: ${(error as Error).message}` });
      }
    }
    const include = globs.filter((g) => !g.startsWith('!')).map((g) => g.replace(/^\.\//, '').replace(/\/$/, ''));
    const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1).replace(/^\.\//, '').replace(/\/$/, ''));
    if (include.length) {
      const isIn = picomatch(include, { dot: false });
      const isOut = exclude.length ? picomatch(exclude) : () => false;
      for (const f of this.host.files) {
        if (!f.endsWith('/package.json')) continue;
        const dir = dirnamePosix(f);
        if (!isIn(dir) || isOut(dir)) continue;
        const manifest = this.readJson(f);
        if (manifest && typeof manifest.name === 'string') map.set(manifest.name, { name: manifest.name, dir, manifest });
      }
    }
    this.workspace = map;
    return map;
  }

  private readonly jsonCache = new Map<string, Record<string, unknown> | undefined>();

  private readJson(file: string): Record<string, unknown> | undefined {
    if (this.jsonCache.has(file)) return this.jsonCache.get(file);
    const value = this.parseJsonFile(file);
    this.jsonCache.set(file, value);
    return value;
  }

  private parseJsonFile(file: string): Record<string, unknown> | undefined {
    const text = this.host.read(file);
    if (text === undefined) return undefined;
    try {
      return parseJsonc(text) as Record<string, unknown>;
    } catch (error) {
      this.diagnostics.push({ file, message: `cannot parse ${file}: ${(error as Error).message}` });
      return undefined;
    }
  }
}

function pickExport(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const p = pickExport(v);
      if (p) return p;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['source', 'types', 'import', 'module', 'node', 'default', 'require'])
      if (key in o) {
        const p = pickExport(o[key]);
        if (p) return p;
      }
  }
  return undefined;
}

function matchPattern(pattern: string, specifier: string): string | undefined {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === specifier ? '' : undefined;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  if (specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix))
    return specifier.slice(prefix.length, specifier.length - suffix.length);
  return undefined;
}

/** Normalises `a/./b/../c`; undefined when it climbs above the repo root. */
function normalize(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Extensions the evaluator's relative imports are probed with (configs may import `.json`). */
const RESOLVE_EXTS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx', '.json'];

/**
 * Resolves a relative import of a config or test file to an existing file (TS-style: `./x.js`
 * may be `./x.ts`), asking `isFile` about each candidate in order. Unlike `JsResolver` it works on
 * absolute paths and the disk, not the scanned file list: a config may import from outside the
 * repository or from ignored folders.
 */
export function resolveRelative(fromFile: string, source: string, isFile: (abs: string) => boolean): string | undefined {
  const base = path.resolve(path.dirname(fromFile), source);
  const candidates: string[] = [];
  for (const ext of RESOLVE_EXTS) candidates.push(base + ext);
  const m = /\.(m|c)?jsx?$/.exec(base);
  if (m) {
    const stem = base.slice(0, -m[0].length);
    candidates.push(stem + '.ts', stem + '.tsx', stem + '.mts', stem + '.cts');
  }
  for (const ext of RESOLVE_EXTS.slice(1)) candidates.push(path.join(base, 'index' + ext));
  return candidates.find(isFile);
}
