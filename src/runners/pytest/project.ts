import path from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import type { Binding, PyClass, PyFunction, PyModule } from '../../languages/python/ast.js';
import type { ScanCache } from '../../cache/files.js';
import { SourceBodies, type FunctionBody } from '../../languages/python/body.js';
import { noteInput } from '../../util/inputs.js';
import { cachedPythonModule, storePythonModule } from '../_shared/python-cache.js';
import { loadModule, toLoadedModule, type LoadedModule, type LoadedParse } from './load.js';
import type { MroEntry, Resolved } from '../../languages/python/values/types.js';
import { dirnamePosix, joinPosix } from '../../util/paths.js';
import { baseDirOf } from '../../workspace/python-roots.js';
import { LIMITS } from '../../util/limits.js';

export type { MroEntry, Resolved } from '../../languages/python/values/types.js';

export const BUILTIN_NAMES = new Set(
  (
    'int str float bool bytes bytearray list dict tuple set frozenset object type complex range len repr ' +
    'sorted reversed enumerate zip map filter min max sum abs any all iter next print open isinstance ' +
    'issubclass getattr setattr hasattr callable id hash chr ord hex oct bin round divmod pow format vars dir ' +
    'super property staticmethod classmethod memoryview slice Exception BaseException ValueError TypeError ' +
    'KeyError IndexError AttributeError RuntimeError NotImplementedError ZeroDivisionError OverflowError ' +
    'AssertionError ImportError ModuleNotFoundError OSError IOError FileNotFoundError PermissionError ' +
    'StopIteration ArithmeticError LookupError NameError UnicodeError UnicodeDecodeError UnicodeEncodeError ' +
    'Warning UserWarning DeprecationWarning RuntimeWarning SyntaxError RecursionError TimeoutError ' +
    'ConnectionError EOFError MemoryError SystemError NotADirectoryError IsADirectoryError FileExistsError ' +
    'SystemExit KeyboardInterrupt GeneratorExit StopAsyncIteration FloatingPointError BufferError ' +
    'ChildProcessError BrokenPipeError ConnectionAbortedError ConnectionRefusedError ConnectionResetError ' +
    'InterruptedError ProcessLookupError ReferenceError IndentationError TabError UnboundLocalError ' +
    'UnicodeTranslateError EnvironmentError PendingDeprecationWarning SyntaxWarning ImportWarning ' +
    'UnicodeWarning BytesWarning ResourceWarning FutureWarning EncodingWarning ExceptionGroup BaseExceptionGroup ' +
    'NotImplemented Ellipsis ascii compile eval exec globals locals input breakpoint aiter anext delattr isinstance'
  ).split(' '),
);

export { loadModule, loadParsed, toLoadedModule, type LoadedModule, type LoadedParse } from './load.js';

/**
 * Reads and parses one Python file (load.ts); with the scan cache, a file whose content hash (from
 * the stat index) has a parsed module is neither read nor parsed, and a parsed one is kept.
 */
export function loadModuleCached(abs: string, maxFileBytes: number, cache?: ScanCache): LoadedModule {
  noteInput('file', abs);
  if (cache) {
    const hit = cachedPythonModule(cache, cache.hashes.hashOf(abs));
    if (hit) return { module: hit };
  }
  const loaded = loadModule(abs, maxFileBytes);
  if (cache && 'module' in loaded) storePythonModule(cache, cache.hashes.hashOf(abs), loaded.module);
  return loaded;
}

export interface ModuleEntry {
  file: string;
  module: PyModule;
}

/**
 * The Python side of one repository: parses modules on demand (each at most once), resolves
 * imports to repo files the way pytest's default `prepend` import mode would, and follows names
 * across modules.
 */
export class PythonProject {
  private readonly modules = new Map<string, ModuleEntry | null>();
  /** Files parsed elsewhere (a parse worker), converted to modules on first use. */
  private readonly parsed = new Map<string, LoadedParse>();
  private readonly starCache = new Map<string, Map<string, Binding & { via?: string }>>();
  /** Files that failed to read, with the reason (for diagnostics). */
  readonly readErrors = new Map<string, string>();

  constructor(
    readonly rootAbs: string,
    /** Every `.py` file of the repo, repo-relative POSIX. */
    readonly pyFiles: ReadonlySet<string>,
    /** Extra import roots (repo-relative): rootdir, `src`, `pythonpath` entries. */
    readonly importRoots: readonly string[],
    readonly maxFileBytes = LIMITS.pythonFileBytes,
    /** Parsed modules by content hash (`.seams/cache`); absent: every module is parsed. */
    readonly cache?: ScanCache,
  ) {}

  /** Parses a repo file (cached). Null when unreadable, binary or too large. */
  getModule(file: string): ModuleEntry | null {
    const hit = this.modules.get(file);
    if (hit !== undefined) return hit;
    const parsed = this.parsed.get(file);
    if (parsed) {
      this.parsed.delete(file);
      return this.prime(file, toLoadedModule(parsed), true);
    }
    return this.prime(file, loadModuleCached(path.join(this.rootAbs, file), this.maxFileBytes, this.cache));
  }

  /** Keeps a file parsed elsewhere (a parse worker) unless it is already loaded. */
  primeParsed(file: string, loaded: LoadedParse): void {
    if (!this.isLoaded(file)) this.parsed.set(file, loaded);
  }

  /** Stores a module loaded elsewhere (a parse worker: `parsed`, kept in the scan cache too). */
  prime(file: string, loaded: LoadedModule, parsed = false): ModuleEntry | null {
    const entry = 'module' in loaded ? { file, module: loaded.module } : null;
    noteInput('file', path.join(this.rootAbs, file));
    if (parsed && entry && this.cache) storePythonModule(this.cache, this.cache.hashes.hashOf(path.join(this.rootAbs, file)), entry.module);
    if ('error' in loaded) this.readErrors.set(file, loaded.error);
    this.modules.set(file, entry);
    return entry;
  }

  isLoaded(file: string): boolean {
    return this.modules.has(file) || this.parsed.has(file);
  }

  /** Function bodies of the few files whose functions the evaluator follows (the last 8 files). */
  private readonly bodies = new Map<string, SourceBodies | null>();

  /** The body of a repository function, parsed from its file on first use. */
  functionBody(fn: PyFunction, file: string): FunctionBody | undefined {
    let src = this.bodies.get(file);
    if (src === undefined) {
      try {
        const abs = path.join(this.rootAbs, file);
        noteInput('file', abs);
        src = statSync(abs).size > this.maxFileBytes ? null : new SourceBodies(readFileSync(abs, 'utf8'));
      } catch {
        src = null;
      }
      if (this.bodies.size >= 8) this.bodies.delete(this.bodies.keys().next().value!);
      this.bodies.set(file, src);
    }
    return src?.at(fn.line);
  }

  /** Loads a module from the scan cache when it is there (true), without parsing anything. */
  primeFromCache(file: string): boolean {
    if (!this.cache) return false;
    const abs = path.join(this.rootAbs, file);
    const hit = cachedPythonModule(this.cache, this.cache.hashes.hashOf(abs));
    if (!hit) return false;
    noteInput('file', abs);
    this.prime(file, { module: hit });
    return true;
  }

  /** The directory pytest puts on sys.path for a module: the first ancestor without `__init__.py`. */
  private readonly basedirCache = new Map<string, string>();
  private readonly moduleCache = new Map<string, string | undefined>();

  basedirOf(file: string): string {
    const key = dirnamePosix(file);
    const hit = this.basedirCache.get(key);
    if (hit !== undefined) return hit;
    const v = baseDirOf(key, this.pyFiles);
    this.basedirCache.set(key, v);
    return v;
  }

  /**
   * Where an import binding points (the repo file), without parsing anything; undefined for
   * external modules.
   */
  importTarget(file: string, b: Extract<Binding, { kind: 'import' }>): string | undefined {
    const pre = (b as { resolvedFile?: string }).resolvedFile;
    if (pre) return pre;
    return this.resolveModule(file, b.module, b.level);
  }

  /** Dotted module name → repo file, trying the module's own basedir then the import roots. */
  resolveModule(fromFile: string, dotted: string, level: number): string | undefined {
    const key = `${level > 0 ? fromFile : this.basedirOf(fromFile)}\0${level}\0${dotted}`;
    if (this.moduleCache.has(key)) return this.moduleCache.get(key);
    const v = this.computeModule(fromFile, dotted, level);
    this.moduleCache.set(key, v);
    return v;
  }

  private computeModule(fromFile: string, dotted: string, level: number): string | undefined {
    if (level > 0) {
      let dir = dirnamePosix(fromFile);
      for (let i = 1; i < level; i++) dir = dirnamePosix(dir);
      return this.moduleFileIn(dir, dotted);
    }
    const roots = [this.basedirOf(fromFile), ...this.importRoots];
    for (const r of roots) {
      const f = this.moduleFileIn(r, dotted);
      if (f) return f;
    }
    return undefined;
  }

  private moduleFileIn(dir: string, dotted: string): string | undefined {
    if (dotted === '') {
      const init = joinPosix(dir, '__init__.py');
      return this.pyFiles.has(init) ? init : undefined;
    }
    const rel = joinPosix(dir, dotted.split('.').join('/'));
    if (this.pyFiles.has(`${rel}.py`)) return `${rel}.py`;
    if (this.pyFiles.has(`${rel}/__init__.py`)) return `${rel}/__init__.py`;
    return undefined;
  }

  /** The binding of `name` in a module, including names from `from x import *`. */
  moduleBinding(file: string, name: string): Binding | undefined {
    const entry = this.getModule(file);
    if (!entry) return undefined;
    const own = entry.module.bindings.get(name);
    if (own) return own;
    if (entry.module.starImports.length === 0) return undefined;
    return this.starBindings(file).get(name);
  }

  /** Names a module gets through star imports, as import bindings pointing at their source. */
  starBindings(file: string, depth = 0): Map<string, Binding> {
    const cached = this.starCache.get(file);
    if (cached) return cached;
    const out = new Map<string, Binding>();
    this.starCache.set(file, out);
    const entry = this.getModule(file);
    if (!entry || depth > 8) return out;
    for (const star of entry.module.starImports) {
      const target = this.resolveModule(file, star.module, star.level);
      if (!target) continue;
      const targetEntry = this.getModule(target);
      if (!targetEntry) continue;
      const names = new Set<string>();
      for (const n of targetEntry.module.bindings.keys()) if (!n.startsWith('_')) names.add(n);
      for (const n of this.starBindings(target, depth + 1).keys()) if (!n.startsWith('_')) names.add(n);
      for (const n of names)
        if (!out.has(n)) out.set(n, { kind: 'import', module: '', level: 0, name: n, line: 0, resolvedFile: target } as Binding);
    }
    return out;
  }

  /** Resolves a name as seen from a module's global scope. */
  resolveName(file: string, name: string, depth = 0): Resolved {
    if (depth > 20) return { k: 'unknown', reason: `import cycle at ${name}` };
    const b = this.moduleBinding(file, name);
    if (!b) {
      if (BUILTIN_NAMES.has(name)) return { k: 'builtin', name };
      return { k: 'unknown', reason: `name ${name} is not defined in ${file}` };
    }
    return this.resolveBinding(file, b, depth);
  }

  resolveBinding(file: string, b: Binding, depth = 0): Resolved {
    if (depth > 20) return { k: 'unknown', reason: 'import chain too long' };
    switch (b.kind) {
      case 'function':
        return { k: 'function', fn: b, file };
      case 'class':
        return { k: 'class', cls: b, file };
      case 'value':
        return { k: 'value', binding: b, file };
      case 'import': {
        const pre = (b as { resolvedFile?: string }).resolvedFile;
        if (pre) return this.resolveName(pre, b.name!, depth + 1);
        if (b.name === undefined) {
          const target = this.resolveModule(file, b.module, b.level);
          if (target) return { k: 'module', file: target, dotted: b.module };
          return { k: 'external', module: b.module, name: '' };
        }
        const modFile = this.resolveModule(file, b.module, b.level);
        if (modFile) {
          // `from pkg import sub` may name a submodule rather than an attribute.
          const inModule = this.moduleBinding(modFile, b.name);
          if (inModule === b || modFile === file) {
            const sub = this.resolveModule(file, b.module ? `${b.module}.${b.name}` : b.name, b.level);
            if (sub) return { k: 'module', file: sub, dotted: `${b.module}.${b.name}` };
            if (inModule === b && b.prev) return this.resolveBinding(file, b.prev, depth + 1);
            if (inModule === b) return { k: 'unknown', reason: `${b.name} imports itself` };
          }
          if (inModule) return this.resolveBinding(modFile, inModule, depth + 1);
          const sub = this.resolveModule(file, b.module ? `${b.module}.${b.name}` : b.name, b.level);
          if (sub) return { k: 'module', file: sub, dotted: `${b.module}.${b.name}` };
          return { k: 'unknown', reason: `${b.name} not found in ${modFile}` };
        }
        if (b.level > 0) return { k: 'unknown', reason: `relative import ${'.'.repeat(b.level)}${b.module} not found` };
        return { k: 'external', module: b.module, name: b.name };
      }
    }
  }

  /** Resolves `base.attr`. */
  resolveAttr(base: Resolved, attr: string, depth = 0): Resolved {
    switch (base.k) {
      case 'module': {
        const b = this.moduleBinding(base.file, attr);
        if (b) return this.resolveBinding(base.file, b, depth + 1);
        const sub = this.moduleFileIn(dirnamePosix(base.file), attr);
        if (sub && base.file.endsWith('__init__.py')) return { k: 'module', file: sub, dotted: `${base.dotted}.${attr}` };
        return { k: 'unknown', reason: `${attr} not found in ${base.file}` };
      }
      case 'external':
        return { k: 'external', module: base.name ? `${base.module}.${base.name}` : base.module, name: attr };
      case 'class': {
        for (const c of this.mro(base.cls, base.file)) {
          if (c.k !== 'class') continue;
          const b = c.cls.body.get(attr);
          if (!b) continue;
          if (b.kind === 'value') return { k: 'value', binding: b, file: c.file, owner: c.cls };
          return this.resolveBinding(c.file, b, depth + 1);
        }
        return { k: 'unknown', reason: `${base.cls.name}.${attr} not found` };
      }
      default:
        return { k: 'unknown', reason: `cannot resolve .${attr}` };
    }
  }

  private readonly mroCache = new WeakMap<PyClass, MroEntry[]>();

  /**
   * The method resolution order (C3) of a class, local classes with their files, external and
   * unresolved bases as terminal entries.
   */
  mro(cls: PyClass, file: string, stack: PyClass[] = []): MroEntry[] {
    const cached = this.mroCache.get(cls);
    if (cached) return cached;
    if (stack.includes(cls) || stack.length > 30) return [{ k: 'class', cls, file }];
    const baseEntries: MroEntry[] = cls.bases
      .filter((b) => b.t !== 'starred' && b.t !== 'other')
      .map((b) => {
        const r = this.resolveExprRef(b, file);
        if (r.k === 'class') return { k: 'class', cls: r.cls, file: r.file } as MroEntry;
        if (r.k === 'external') return { k: 'external', module: r.module, name: r.name } as MroEntry;
        if (r.k === 'builtin') return { k: 'external', module: 'builtins', name: r.name } as MroEntry;
        return { k: 'unresolved', text: r.k === 'unknown' ? r.reason : r.k } as MroEntry;
      });
    const seqs: MroEntry[][] = baseEntries.map((e) =>
      e.k === 'class' ? this.mro(e.cls, e.file, [...stack, cls]) : [e],
    );
    seqs.push([...baseEntries]);
    const result: MroEntry[] = [{ k: 'class', cls, file }];
    const key = (e: MroEntry) => (e.k === 'class' ? e.cls : e.k === 'external' ? `${e.module}.${e.name}` : e.text);
    // C3 merge; falls back to depth-first order when the hierarchy is inconsistent.
    const work = seqs.map((s) => [...s]);
    for (;;) {
      const nonEmpty = work.filter((s) => s.length);
      if (!nonEmpty.length) break;
      let picked: MroEntry | undefined;
      for (const s of nonEmpty) {
        const head = s[0]!;
        if (!nonEmpty.some((t) => t.slice(1).some((x) => key(x) === key(head)))) {
          picked = head;
          break;
        }
      }
      if (!picked) {
        for (const s of nonEmpty) for (const e of s) if (!result.some((r) => key(r) === key(e))) result.push(e);
        break;
      }
      result.push(picked);
      for (const s of work) if (s.length && key(s[0]!) === key(picked)) s.shift();
    }
    this.mroCache.set(cls, result);
    return result;
  }

  /** Resolves a name or attribute chain expression to what it refers to. */
  resolveExprRef(expr: import('../../languages/python/ast.js').Expr, file: string, depth = 0): Resolved {
    if (depth > 20) return { k: 'unknown', reason: 'too deep' };
    if (expr.t === 'name') {
      const r = this.resolveName(file, expr.id);
      if (r.k === 'value' && (r.binding.expr.t === 'name' || r.binding.expr.t === 'attr'))
        return this.resolveExprRef(r.binding.expr, r.file, depth + 1);
      return r;
    }
    if (expr.t === 'attr') {
      const base = this.resolveExprRef(expr.obj, file, depth + 1);
      const r = this.resolveAttr(base, expr.name);
      if (r.k === 'value' && (r.binding.expr.t === 'name' || r.binding.expr.t === 'attr'))
        return this.resolveExprRef(r.binding.expr, r.file, depth + 1);
      return r;
    }
    return { k: 'unknown', reason: 'not a name' };
  }
}

/** Test support code: test directories, conftests, fixture and testing helper modules. */
export function isTestSupportPath(file: string): boolean {
  return /(^|\/)(tests?|testing|testsuite|test_?utils?|fixtures?|conftest\.py|test_[^/]*\.py|[^/]*_tests?\.py)(\/|$)|fixture/i.test(file);
}

