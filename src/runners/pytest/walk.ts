/**
 * The directory walk pytest's collection makes from its arguments (testpaths or the rootdir):
 * `norecursedirs`, virtualenvs, `__pycache__`, `--ignore`/`--ignore-glob`, `collect_ignore` /
 * `collect_ignore_glob` of the closest conftest.py, `python_files`, doctest text files.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic } from '../../core/types.js';
import { dirnamePosix, joinPosix, toPosix } from '../../util/paths.js';
import { fnmatch } from '../../languages/python/fnmatch.js';
import { noteInput } from '../../util/inputs.js';
import type { PytestConfig } from './config.js';

/** pytest's `fnmatch_ex`: patterns without a `/` match the base name, others the path's tail. */
export function fnmatchEx(pattern: string, absPath: string): boolean {
  if (!pattern.includes('/')) return fnmatch(path.posix.basename(absPath), pattern);
  const pat = path.posix.isAbsolute(pattern) ? pattern : `*/${pattern}`;
  return fnmatch(absPath, pat);
}

/** `_matches_prefix_or_glob_option`: a prefix, or an fnmatch glob when it has glob characters. */
export function matchesPrefixOrGlob(name: string, options: readonly string[]): boolean {
  for (const option of options) {
    if (name.startsWith(option)) return true;
    if (/[*?[]/.test(option) && fnmatch(name, option)) return true;
  }
  return false;
}

export interface WalkResult {
  /** Python test modules, repo-relative, in collection order. */
  modules: string[];
  /** Doctest text files. */
  textFiles: string[];
  /** Directories walked (repo-relative) that hold a conftest.py, with the conftest path. */
  conftests: Map<string, string>;
}

export interface ConftestIgnores {
  /** Values of collect_ignore / collect_ignore_glob of a conftest, relative to its directory; undefined when it defines none. */
  (conftest: string): { ignore?: string[]; ignoreGlob?: string[] };
}

export function walkPytest(
  rootAbs: string,
  cfg: PytestConfig,
  readIgnores: ConftestIgnores,
  diagnostics: Diagnostic[],
): WalkResult {
  const result: WalkResult = { modules: [], textFiles: [], conftests: new Map() };
  const seenFiles = new Set<string>();
  const rootReal = safeRealpath(rootAbs) ?? rootAbs;
  const absRoot = toPosix(rootAbs);
  const toAbs = (rel: string) => (rel ? `${absRoot}/${rel}` : absRoot);
  const ignoreAbs = cfg.ignore.map((p) => path.posix.normalize(path.posix.isAbsolute(p) ? p : `${absRoot}/${p}`).replace(/\/$/, ''));
  const ignoreGlobAbs = cfg.ignoreGlob.map((p) => (path.posix.isAbsolute(p) ? p : `${absRoot}/${p}`));
  const doctestGlobs = cfg.doctestGlobs.length ? cfg.doctestGlobs : ['test*.txt'];

  const conftestOf = (dir: string): string | undefined => {
    if (result.conftests.has(dir)) return result.conftests.get(dir);
    return undefined;
  };
  const registerConftest = (dir: string, names: Set<string>) => {
    if (!names.has('conftest.py')) return;
    result.conftests.set(dir, joinPosix(dir, 'conftest.py'));
    closestMemo.clear();
  };

  /** collect_ignore(_glob) from the closest conftest (at or above `dir`) that defines it. */
  // Memoised per directory: every entry of a directory asks the same question. A conftest
  // registered later can only change the answer for its own subtree, so registering clears it.
  const closestMemo = new Map<string, string[]>();
  const closestIgnore = (dir: string, key: 'ignore' | 'ignoreGlob'): string[] => {
    const memoKey = `${key}\0${dir}`;
    const hit = closestMemo.get(memoKey);
    if (hit) return hit;
    let d: string | undefined = dir;
    let out: string[];
    for (;;) {
      const c = conftestOf(d);
      if (c) {
        const v = readIgnores(c)[key];
        if (v) {
          out = v.map((p) => path.posix.normalize(`${toAbs(d!)}/${p}`).replace(/\/$/, ''));
          break;
        }
      }
      if (d === '') {
        out = [];
        break;
      }
      d = dirnamePosix(d);
    }
    closestMemo.set(memoKey, out);
    return out;
  };

  const isIgnored = (rel: string, isDir: boolean, entries?: Set<string>): boolean => {
    const name = path.posix.basename(rel);
    if (name === '__pycache__') return true;
    const abs = toAbs(rel);
    const parent = dirnamePosix(rel);
    if (ignoreAbs.includes(abs) || closestIgnore(parent, 'ignore').includes(abs)) return true;
    const globs = [...ignoreGlobAbs, ...closestIgnore(parent, 'ignoreGlob')];
    if (globs.some((g) => fnmatch(abs, g))) return true;
    if (isDir) {
      if (entries && (entries.has('pyvenv.cfg') || (entries.has('conda-meta') && isFile(path.join(rootAbs, rel, 'conda-meta', 'history')))))
        return true;
      if (cfg.norecursedirs.some((p) => fnmatchEx(p, abs))) return true;
    }
    return false;
  };

  const addFile = (rel: string, initial: boolean) => {
    if (seenFiles.has(rel)) return;
    const name = path.posix.basename(rel);
    if (name.endsWith('.py')) {
      if (name === 'conftest.py' && !initial) return;
      if (initial || cfg.pythonFiles.some((p) => fnmatchEx(p, toAbs(rel)))) {
        seenFiles.add(rel);
        result.modules.push(rel);
      }
    } else if (cfg.doctestEnabled && name.endsWith('.txt') || cfg.doctestEnabled && cfg.doctestGlobs.length) {
      if (doctestGlobs.some((g) => fnmatchEx(g, toAbs(rel)))) {
        seenFiles.add(rel);
        result.textFiles.push(rel);
      }
    }
  };

  const visiting = new Set<string>();
  /** A directory's entries, or the error reading it (each directory is read once). */
  const readDir = (rel: string): Dirent[] | NodeJS.ErrnoException => {
    noteInput('dir', path.join(rootAbs, rel));
    try {
      return readdirSync(path.join(rootAbs, rel), { withFileTypes: true });
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
  };
  /**
   * `real`: the directory's real path when known without asking the file system (a plain
   * directory below a directory whose real path is known); symlinks and arguments are resolved.
   */
  const walkDir = (rel: string, depth: number, read: Dirent[] | NodeJS.ErrnoException = readDir(rel), knownReal?: string) => {
    const abs = path.join(rootAbs, rel);
    const real = knownReal ?? safeRealpath(abs);
    if (real && visiting.has(real)) {
      diagnostics.push({ severity: 'warning', code: 'SYMLINK_LOOP', runner: 'pytest', file: rel, message: `symlink loop at ${rel}; not followed` });
      return;
    }
    if (depth > 64) {
      diagnostics.push({ severity: 'warning', code: 'TOO_DEEP', runner: 'pytest', file: rel, message: `directory nesting too deep at ${rel}` });
      return;
    }
    if (!Array.isArray(read)) {
      diagnostics.push({
        severity: 'warning',
        code: 'UNREADABLE_DIR',
        runner: 'pytest',
        file: rel || '.',
        message: `cannot read directory ${rel || '.'}: ${read.code ?? String(read)}`,
      });
      return;
    }
    const entries = read;
    if (real) visiting.add(real);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const names = new Set(entries.map((e) => e.name));
    registerConftest(rel, names);
    for (const entry of entries) {
      const childRel = joinPosix(rel, entry.name);
      let isDir = entry.isDirectory();
      let isRegular = entry.isFile();
      const isLink = entry.isSymbolicLink();
      if (isLink) {
        noteInput('stat', path.join(rootAbs, childRel));
        try {
          const st = statSync(path.join(rootAbs, childRel));
          isDir = st.isDirectory();
          isRegular = st.isFile();
        } catch {
          diagnostics.push({ severity: 'info', code: 'BROKEN_SYMLINK', runner: 'pytest', file: childRel, message: `broken symlink ${childRel}` });
          continue;
        }
      }
      if (isDir) {
        const childRead = readDir(childRel);
        const childNames = Array.isArray(childRead) ? new Set(childRead.map((e) => e.name)) : undefined;
        if (isIgnored(childRel, true, childNames)) continue;
        walkDir(childRel, depth + 1, childRead, real && !isLink ? path.join(real, entry.name) : undefined);
      } else if (isRegular) {
        if (!entry.name.endsWith('.py') && !entry.name.endsWith('.txt') && !cfg.doctestGlobs.length) continue;
        if (isIgnored(childRel, false)) continue;
        addFile(childRel, false);
      }
    }
    if (real) visiting.delete(real);
  };

  // Conftests above the arguments (from the rootdir down) are loaded too.
  const loadConftestsAbove = (rel: string) => {
    const parts = rel ? rel.split('/') : [];
    for (let i = 0; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (isFile(path.join(rootAbs, dir, 'conftest.py'))) {
        result.conftests.set(dir, joinPosix(dir, 'conftest.py'));
        closestMemo.clear();
      }
    }
  };

  for (const arg of resolveArgs(rootAbs, rootReal, cfg, diagnostics)) {
    const abs = path.join(rootAbs, arg);
    let st;
    noteInput('stat', abs);
    try {
      st = statSync(abs);
    } catch {
      diagnostics.push({ severity: 'warning', code: 'TESTPATH_MISSING', runner: 'pytest', message: `pytest argument ${arg} does not exist` });
      continue;
    }
    if (st.isDirectory()) {
      loadConftestsAbove(dirnamePosix(arg) === arg ? '' : dirnamePosix(arg));
      walkDir(arg, 0);
    } else {
      loadConftestsAbove(dirnamePosix(arg));
      addFile(arg, true);
    }
  }
  return result;
}

/** The collection arguments: addopts positionals, else the globbed testpaths, else the rootdir. */
function resolveArgs(rootAbs: string, rootReal: string, cfg: PytestConfig, diagnostics: Diagnostic[]): string[] {
  const clean = (p: string) => {
    const norm = path.posix.normalize(p.split('::')[0]!).replace(/^\.\/?/, '').replace(/\/$/, '');
    return norm === '.' ? '' : norm;
  };
  if (cfg.args.length) {
    const existing = cfg.args.map(clean).filter((a) => !a.startsWith('..') && exists(path.join(rootAbs, a)));
    if (existing.length) return existing;
  }
  if (cfg.testpaths.length) {
    const out: string[] = [];
    for (const tp of cfg.testpaths) {
      const p = clean(tp);
      if (/[*?[]/.test(p)) {
        out.push(...globDirs(rootAbs, p));
      } else if (exists(path.join(rootAbs, p))) out.push(p);
    }
    if (out.length) return [...new Set(out)];
    diagnostics.push({
      severity: 'info',
      code: 'TESTPATHS_EMPTY',
      runner: 'pytest',
      message: `testpaths (${cfg.testpaths.join(', ')}) match nothing; pytest collects from the rootdir`,
    });
  }
  void rootReal;
  return [''];
}

function globDirs(rootAbs: string, pattern: string): string[] {
  const match = picomatch(pattern, { dot: false });
  const out: string[] = [];
  const fixed = pattern.split('/').findIndex((s) => /[*?[]/.test(s));
  const base = pattern.split('/').slice(0, fixed).join('/');
  const maxDepth = pattern.includes('**') ? 20 : pattern.split('/').length;
  const visit = (rel: string, depth: number) => {
    if (depth > maxDepth) return;
    let entries: Dirent[];
    noteInput('dir', path.join(rootAbs, rel));
    try {
      entries = readdirSync(path.join(rootAbs, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = joinPosix(rel, e.name);
      if (match(child)) out.push(child);
      if (e.isDirectory()) visit(child, depth + 1);
    }
  };
  visit(base, base ? base.split('/').length : 0);
  return out.sort();
}

function exists(p: string): boolean {
  noteInput('stat', p);
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  noteInput('stat', p);
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
