import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { dirnamePosix, joinPosix, joinRel } from '../util/paths.js';

/**
 * Python source roots and import resolution to repo files, the way Python's import system finds
 * them (regular packages, namespace packages, submodules named in `from x import y`, relative
 * imports): the base directory pytest's rootdir insertion puts on `sys.path` (the folder above the
 * outermost package), `src/`/`lib/`, and the `pythonpath`/setuptools `where` roots of the configs.
 */

/** An import statement as the resolver needs it (graph/python.ts `PyImport` has this shape). */
export interface PythonImportRef {
  /** `import a.b` → `a.b`; `from ..x import y` → `x` (with level 2); `from . import y` → ''. */
  module: string;
  /** Number of leading dots (0 = absolute). */
  level: number;
  /** For `from … import a, b`: the imported names; empty for `import …` and `*`. */
  names: string[];
  from: boolean;
}

/** What the resolver knows about the repo's Python files. */
export interface PythonIndex {
  files: ReadonlySet<string>;
  /** Directories that contain Python files somewhere below (namespace package candidates). */
  dirs: ReadonlySet<string>;
  /** Source roots tried after the importing file's own base directory, in order ('' = repo root). */
  roots: readonly string[];
}

export function createPythonIndex(allFiles: readonly string[], configuredRoots: readonly string[] = []): PythonIndex {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const f of allFiles) {
    if (!f.endsWith('.py') && !f.endsWith('.pyi')) continue;
    files.add(f);
    for (let d = dirnamePosix(f); d !== ''; d = dirnamePosix(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
    }
  }
  const roots: string[] = [];
  const add = (r: string) => {
    const norm = r.replace(/^\.\/?/, '').replace(/\/$/, '');
    if (!roots.includes(norm)) roots.push(norm);
  };
  for (const r of configuredRoots) add(r);
  add('');
  if (dirs.has('src')) add('src');
  if (dirs.has('lib')) add('lib');
  // The base directories of every package (the folder above a top-level __init__.py) are where
  // installed or path-inserted packages are imported from.
  const counts = new Map<string, number>();
  for (const f of files) if (f.endsWith('/__init__.py')) {
    const base = baseDirOf(dirnamePosix(f), files);
    counts.set(base, (counts.get(base) ?? 0) + 1);
  }
  for (const [base] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) add(base);
  return { files, dirs, roots };
}

/** The folder above the outermost regular package containing `dir` (pytest's rootdir-insertion basedir). */
export function baseDirOf(dir: string, files: ReadonlySet<string>): string {
  let d = dir;
  while (d !== '' && files.has(joinRel(d, '__init__.py'))) d = dirnamePosix(d);
  return d;
}

type ModuleHit = { kind: 'module'; file: string } | { kind: 'package'; file: string; dir: string } | { kind: 'namespace'; dir: string };

function findModule(index: PythonIndex, root: string, dotted: string): ModuleHit | undefined {
  const rel = joinRel(root, dotted.split('.').join('/'));
  if (index.files.has(`${rel}/__init__.py`)) return { kind: 'package', file: `${rel}/__init__.py`, dir: rel };
  if (index.files.has(`${rel}.py`)) return { kind: 'module', file: `${rel}.py` };
  if (index.files.has(`${rel}.pyi`)) return { kind: 'module', file: `${rel}.pyi` };
  if (index.dirs.has(rel)) return { kind: 'namespace', dir: rel };
  return undefined;
}

export interface PyResolution {
  files: string[];
  external?: string;
  /** Set when the import names a repo package or module that does not exist (a broken import). */
  unresolved?: string;
}

/** Files an absolute dotted module loads: every parent package's `__init__.py`, then the module. */
function loadChain(index: PythonIndex, root: string, dotted: string): { files: string[]; hit?: ModuleHit; missingAt?: string } {
  const parts = dotted.split('.');
  const files: string[] = [];
  let hit: ModuleHit | undefined;
  for (let i = 1; i <= parts.length; i++) {
    const name = parts.slice(0, i).join('.');
    hit = findModule(index, root, name);
    if (!hit) return { files, missingAt: name };
    if (hit.kind !== 'namespace') files.push(hit.file);
  }
  return { files, hit };
}

/** Resolves one import of `fromFile` to repo files, an external module, or an unresolved name. */
export function resolvePythonImport(index: PythonIndex, fromFile: string, imp: PythonImportRef): PyResolution {
  if (imp.level > 0) {
    // Relative: the package of the importing module is its directory.
    let pkg = dirnamePosix(fromFile);
    for (let i = 1; i < imp.level; i++) {
      if (pkg === '') return { files: [], unresolved: `${'.'.repeat(imp.level)}${imp.module} (beyond the repository root)` };
      pkg = dirnamePosix(pkg);
    }
    const files: string[] = [];
    let base = pkg;
    if (imp.module) {
      base = joinRel(pkg, imp.module.split('.').join('/'));
      // parents between pkg and the target
      const parts = imp.module.split('.');
      for (let i = 1; i < parts.length; i++) {
        const mid = joinRel(pkg, parts.slice(0, i).join('/'));
        if (index.files.has(`${mid}/__init__.py`)) files.push(`${mid}/__init__.py`);
      }
      if (index.files.has(`${base}/__init__.py`)) files.push(`${base}/__init__.py`);
      else if (index.files.has(`${base}.py`)) files.push(`${base}.py`);
      else if (index.files.has(`${base}.pyi`)) files.push(`${base}.pyi`);
      else if (!index.dirs.has(base)) return { files, unresolved: `${'.'.repeat(imp.level)}${imp.module}` };
    } else if (index.files.has(`${pkg === '' ? '' : `${pkg}/`}__init__.py`)) files.push(joinRel(pkg, '__init__.py'));
    const hasInit = index.files.has(joinRel(base, '__init__.py'));
    for (const name of imp.names) {
      const sub = joinRel(base, name);
      if (index.files.has(`${sub}.py`)) files.push(`${sub}.py`);
      else if (index.files.has(`${sub}/__init__.py`)) files.push(`${sub}/__init__.py`);
      else if (index.dirs.has(sub)) continue;
      // a name that is neither a submodule nor possibly defined in an __init__.py
      else if (!hasInit && !index.files.has(`${base}.py`)) return { files, unresolved: `${'.'.repeat(imp.level)}${imp.module ? imp.module : ''} import ${name}` };
    }
    return { files };
  }

  const roots = [baseDirOf(dirnamePosix(fromFile), index.files), ...index.roots];
  const first = imp.module.split('.')[0]!;
  for (const root of roots) {
    if (!findModule(index, root, first)) continue;
    const chain = loadChain(index, root, imp.module);
    if (chain.missingAt) {
      // `import pkg.mod` where pkg is ours but mod is not there. With `from pkg import name`
      // where the module is missing the import is broken too.
      return { files: chain.files, unresolved: imp.module };
    }
    const files = chain.files;
    const hit = chain.hit!;
    if (imp.from && hit.kind !== 'module') {
      const dir = hit.kind === 'package' ? hit.dir : hit.dir;
      for (const name of imp.names) {
        const sub = joinRel(dir, name);
        if (index.files.has(`${sub}.py`)) files.push(`${sub}.py`);
        else if (index.files.has(`${sub}/__init__.py`)) files.push(`${sub}/__init__.py`);
        else if (index.files.has(`${sub}.pyi`)) files.push(`${sub}.pyi`);
      }
    }
    return { files };
  }
  return { files: [], external: imp.module };
}

/** `pythonpath` from pytest configs and `where` from setuptools, relative to the config's folder. */
export function pythonRootsFromConfig(files: readonly string[], read: (rel: string) => string | undefined): string[] {
  const roots: string[] = [];
  const add = (dir: string, value: string) => {
    const joined = path.posix.normalize(joinPosix(dir, value.trim()));
    const norm = joined === '.' ? '' : joined.replace(/\/$/, '');
    if (!norm.startsWith('..') && !roots.includes(norm)) roots.push(norm);
  };
  for (const f of files) {
    const name = f.slice(f.lastIndexOf('/') + 1);
    if (!['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini'].includes(name)) continue;
    if (f.split('/').some((s) => s === 'node_modules' || s.startsWith('.'))) continue;
    const dir = dirnamePosix(f);
    const text = read(f);
    if (text === undefined) continue;
    if (name === 'pyproject.toml') {
      try {
        const t = parseToml(text) as any;
        const pp = t?.tool?.pytest?.ini_options?.pythonpath;
        for (const v of Array.isArray(pp) ? pp : typeof pp === 'string' ? pp.split(/\s+/) : []) if (typeof v === 'string' && v) add(dir, v);
        const where = t?.tool?.setuptools?.packages?.find?.where;
        for (const v of Array.isArray(where) ? where : []) if (typeof v === 'string') add(dir, v);
        const pdir = t?.tool?.setuptools?.['package-dir']?.[''];
        if (typeof pdir === 'string') add(dir, pdir);
      } catch {
        // a broken pyproject is reported by the pytest scan
      }
      continue;
    }
    // INI: `pythonpath = a b` possibly continued on indented lines.
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const m = /^pythonpath\s*[=:]\s*(.*)$/.exec(lines[i]!);
      if (!m) continue;
      const values = [m[1]!];
      while (i + 1 < lines.length && /^[ \t]+\S/.test(lines[i + 1]!)) values.push(lines[++i]!);
      for (const v of values.join(' ').split(/\s+/)) if (v) add(dir, v);
    }
  }
  return roots;
}

/** A Python module as a repo file: a plain module, a regular package (its `__init__.py`) or a namespace package (a folder). */
export type PythonModule = ModuleHit;

/**
 * The module an import names (`module` with `level` leading dots), found the way
 * `resolvePythonImport` finds it (the importing file's base directory, then the source roots),
 * or undefined when it is not a repo module.
 */
export function findPythonModule(index: PythonIndex, fromFile: string, level: number, module: string): PythonModule | undefined {
  if (level > 0) {
    let pkg = dirnamePosix(fromFile);
    for (let i = 1; i < level; i++) {
      if (pkg === '') return undefined;
      pkg = dirnamePosix(pkg);
    }
    if (!module) return index.files.has(joinRel(pkg, '__init__.py')) ? { kind: 'package', file: joinRel(pkg, '__init__.py'), dir: pkg } : { kind: 'namespace', dir: pkg };
    return findModule(index, pkg, module);
  }
  const first = module.split('.')[0]!;
  for (const root of [baseDirOf(dirnamePosix(fromFile), index.files), ...index.roots]) {
    if (!findModule(index, root, first)) continue;
    return findModule(index, root, module);
  }
  return undefined;
}

/** The submodule or subpackage `name` of a package or namespace package folder, if it exists. */
export function submoduleOf(index: PythonIndex, dir: string, name: string): PythonModule | undefined {
  return findModule(index, dir, name);
}
