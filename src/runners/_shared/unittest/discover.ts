/**
 * Static `unittest.TestLoader.discover(start_dir, pattern, top_level_dir)` (Python 3.11+ rules):
 * from the start folder, sorted entries; a file is a test module when its name is a valid module
 * name and matches the pattern (`fnmatch` on the base name); a folder is entered only when it is
 * a regular package (has `__init__.py`: namespace packages are not discovered), and the
 * package's `__init__` is loaded too; a package defining `load_tests` is not recursed into.
 * Every TestCase class bound in a loaded module (defined there or imported) gives its tests,
 * named `<class module>.<class>.<method>`; the same test found twice is listed once.
 */
import type { Diagnostic, RawTest, RunnerId } from '../../../core/types.js';
import { TestCaseIndex, type ClassInfo } from './classes.js';
import type { ScanCache } from '../../../cache/files.js';
import { ModuleSet, type Ref, type RepoModule } from './modules.js';
import { fnmatch } from '../../../languages/python/fnmatch.js';
import { joinRel } from '../../../util/paths.js';

export interface DiscoverInput {
  runner: RunnerId;
  project: string | null;
  rootAbs: string;
  /** Every repo file (repo-relative POSIX). */
  files: readonly string[];
  /** Repo-relative start folder ('' for the repo root). */
  start: string;
  /** Repo-relative top-level folder (module names are relative to it). */
  top: string;
  pattern: string;
  requirementPattern: RegExp;
  /** More folders on sys.path after the top level (repo-relative). */
  extraImportRoots?: readonly string[];
  /** Parsed modules by content hash (`.seams/cache`). */
  cache?: ScanCache;
}

export interface DiscoverResult {
  tests: RawTest[];
  /** Test modules (and package `__init__`s holding tests), repo-relative. */
  files: string[];
  diagnostics: Diagnostic[];
}

const VALID_MODULE_NAME = /^[_a-z]\w*\.py$/i;

/** Children (names) of each folder that holds Python files, from the file list. */
function folderTree(files: readonly string[]): Map<string, Set<string>> {
  const tree = new Map<string, Set<string>>();
  for (const f of files) {
    if (!f.endsWith('.py')) continue;
    const parts = f.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const set = tree.get(dir) ?? new Set<string>();
      set.add(parts[i]!);
      tree.set(dir, set);
    }
  }
  return tree;
}

export function discoverUnittest(input: DiscoverInput): DiscoverResult {
  const fileSet = new Set(input.files);
  const diagnostics: Diagnostic[] = [];
  const roots = [input.top, ...(input.extraImportRoots ?? [])].filter((r, i, a) => a.indexOf(r) === i);
  const modules = new ModuleSet(input.rootAbs, fileSet, roots, input.cache);
  const index = new TestCaseIndex(modules);
  const tree = folderTree(input.files);
  const loaded: RepoModule[] = [];
  const nameOf = (rel: string) => {
    const inTop = input.top ? rel.slice(input.top.length + 1) : rel;
    return inTop.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');
  };
  const isPackage = (dir: string) => fileSet.has(joinRel(dir, '__init__.py'));
  const load = (file: string) => {
    const m = modules.loadFile(file, nameOf(file));
    if (m) loaded.push(m);
    return m;
  };

  const walk = (dir: string, depth: number) => {
    if (depth > 64) return;
    const names = [...(tree.get(dir) ?? [])].sort();
    for (const name of names) {
      const rel = joinRel(dir, name);
      if (fileSet.has(rel)) {
        if (VALID_MODULE_NAME.test(name) && fnmatch(name, input.pattern)) load(rel);
      } else if (isPackage(rel)) {
        const pkg = load(joinRel(rel, '__init__.py'));
        if (pkg?.module.bindings.has('load_tests')) {
          diagnostics.push({
            severity: 'info',
            code: 'LOAD_TESTS',
            runner: input.runner,
            file: joinRel(rel, '__init__.py'),
            message: `${joinRel(rel, '__init__.py')} defines load_tests: unittest does not discover below it, the tests it loads are not listed`,
          });
          continue;
        }
        walk(rel, depth + 1);
      }
    }
  };

  if (input.start !== input.top && !isPackage(input.start)) {
    diagnostics.push({
      severity: 'warning',
      code: 'START_NOT_IMPORTABLE',
      runner: input.runner,
      file: input.start || '.',
      message: `unittest start directory ${input.start || '.'} is not importable from ${input.top || '.'} (no __init__.py)`,
    });
    return { tests: [], files: [], diagnostics };
  }
  if (input.start !== input.top) load(joinRel(input.start, '__init__.py'));
  walk(input.start, 0);

  const tests: RawTest[] = [];
  const files: string[] = [];
  const seenIds = new Set<string>();
  for (const m of loaded) {
    const isTestFile = !m.file.endsWith('__init__.py');
    if (isTestFile) files.push(m.file);
    const before = tests.length;
    for (const c of moduleClasses(modules, m)) {
      if (!index.isTestCase(c)) continue;
      const meta = index.mro(c).find((k) => k.cls.keywords.metaclass);
      if (meta && c.mod === m)
        diagnostics.push({
          severity: 'info',
          code: 'DYNAMIC_TEST_CLASS',
          runner: input.runner,
          file: m.file,
          line: c.cls.line,
          message: `${c.mod.name}.${c.cls.name} gets a metaclass from ${meta.cls.name}: test methods it generates at import time are not listed`,
        });
      for (const t of testsOf(index, c, input)) {
        if (seenIds.has(t.id)) continue;
        seenIds.add(t.id);
        tests.push(t);
      }
    }
    if (!isTestFile && tests.length > before) files.push(m.file);
    if (m.module.bindings.has('load_tests') && isTestFile)
      diagnostics.push({ severity: 'info', code: 'LOAD_TESTS', runner: input.runner, file: m.file, message: `${m.file} defines load_tests: the tests it adds or removes are not reflected` });
  }
  for (const e of modules.errors)
    diagnostics.push({ severity: 'warning', code: 'PARSE_ERROR', runner: input.runner, file: e.file, line: e.line, message: e.message });
  return { tests, files, diagnostics };
}

/** The classes `dir(module)` shows: bound at module level, defined there or imported (also by `*`). */
function moduleClasses(modules: ModuleSet, m: RepoModule): ClassInfo[] {
  const out: ClassInfo[] = [];
  const take = (r: Ref) => {
    if (r.k === 'class') out.push({ mod: r.mod, cls: r.cls });
  };
  for (const name of m.module.bindings.keys()) if (!m.deleted.has(name)) take(modules.resolveName(m, name));
  for (const star of m.module.starImports) {
    const target = modules.load(modules.absoluteName(m, star.module, star.level));
    if (!target) continue;
    for (const name of target.module.bindings.keys())
      if (!name.startsWith('_') && !m.module.bindings.has(name) && !target.deleted.has(name) && !m.deleted.has(name)) take(modules.resolveName(target, name));
  }
  return out;
}

function testsOf(index: TestCaseIndex, c: ClassInfo, input: DiscoverInput): RawTest[] {
  const out: RawTest[] = [];
  const suite = `${c.mod.name}.${c.cls.name}`;
  for (const m of index.testMethods(c)) {
    const sameFile = m.owner.mod.file === c.mod.file;
    const requirements: string[] = [];
    const text = [c.mod.module.docstring, c.cls.docstring, m.owner.cls.docstring, m.fn?.commentsAbove, m.fn?.docstring, m.fn?.comments].filter(Boolean).join('\n');
    for (const r of text.match(input.requirementPattern) ?? []) if (!requirements.includes(r)) requirements.push(r);
    out.push({
      runner: input.runner,
      project: input.project,
      id: `${suite}.${m.name}`,
      file: c.mod.file,
      line: sameFile && m.fn ? m.fn.line : c.cls.line,
      titlePath: [suite, m.name],
      name: `${c.cls.name}.${m.name}`,
      markers: index.tagsOf(c, m),
      status: index.statusOf(c, m),
      dynamic: false,
      refs: { workflows: [], components: [], requirements },
    });
  }
  return out;
}
