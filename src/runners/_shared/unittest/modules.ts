/**
 * The Python modules of a repository as unittest imports them: dotted names resolved against
 * import roots (the discovery top level first, like `sys.path[0]`), parsed once, with names
 * resolved across `import` / `from … import …` (also relative and star imports).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Binding, Expr, PyClass, PyModule } from '../../../languages/python/ast.js';
import type { ScanCache } from '../../../cache/files.js';
import { noteInput } from '../../../util/inputs.js';
import { parsePythonCached } from '../python-cache.js';
import { joinPosix } from '../../../util/paths.js';

/** A parsed repo module. */
export interface RepoModule {
  /** Dotted name (`apps.billing.tests.test_api`). */
  name: string;
  /** Repo-relative POSIX file. */
  file: string;
  isPackage: boolean;
  module: PyModule;
  /** Names removed by a module-level `del` (the idiom that hides an abstract test base). */
  deleted: ReadonlySet<string>;
}

/** What a Python name or attribute resolves to. */
export type Ref =
  | { k: 'module'; mod: RepoModule }
  | { k: 'class'; mod: RepoModule; cls: PyClass }
  | { k: 'external'; dotted: string }
  | { k: 'value'; mod: RepoModule; binding: Binding }
  | { k: 'unknown' };

const MAX_FILE_BYTES = 2 * 1024 * 1024;

export class ModuleSet {
  private readonly parsed = new Map<string, RepoModule | null>();
  readonly errors: { file: string; message: string; line?: number }[] = [];

  /**
   * @param rootAbs absolute repository root
   * @param files every repo file (repo-relative POSIX)
   * @param importRoots repo-relative folders on `sys.path`, first wins
   */
  constructor(
    readonly rootAbs: string,
    private readonly files: ReadonlySet<string>,
    private readonly importRoots: readonly string[],
    private readonly cache?: ScanCache,
  ) {}

  /** The repo file of a dotted module, or undefined when it is not in the repository. */
  fileOf(dotted: string): { file: string; isPackage: boolean; root: string } | undefined {
    const rel = dotted.split('.').join('/');
    for (const root of this.importRoots) {
      const mod = joinPosix(root, `${rel}.py`);
      const pkg = joinPosix(root, rel, '__init__.py');
      if (this.files.has(pkg)) return { file: pkg, isPackage: true, root };
      if (this.files.has(mod)) return { file: mod, isPackage: false, root };
    }
    return undefined;
  }

  /** Whether a dotted name is a package (regular or namespace folder) of the repo. */
  private isFolder(dotted: string): boolean {
    const rel = dotted.split('.').join('/');
    for (const root of this.importRoots) {
      const prefix = `${joinPosix(root, rel)}/`;
      for (const f of this.files) if (f.startsWith(prefix)) return true;
    }
    return false;
  }

  /** Loads a module by its file and the name it is imported under. */
  loadFile(file: string, name: string): RepoModule | null {
    const key = `${name}\u0000${file}`;
    if (this.parsed.has(key)) return this.parsed.get(key)!;
    let mod: RepoModule | null = null;
    try {
      const abs = path.join(this.rootAbs, file);
      noteInput('file', abs);
      if (statSync(abs).size <= MAX_FILE_BYTES) {
        const source = readFileSync(abs, 'utf8');
        const module = parsePythonCached(this.cache, source);
        if (module.syntaxError) this.errors.push({ file, line: module.syntaxError.line, message: `${file}:${module.syntaxError.line}: ${module.syntaxError.message}` });
        mod = { name, file, isPackage: file.endsWith('/__init__.py') || file === '__init__.py', module, deleted: deletedNames(source) };
      } else this.errors.push({ file, message: `${file} is larger than ${MAX_FILE_BYTES} bytes; not read` });
    } catch (error) {
      this.errors.push({ file, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
    }
    this.parsed.set(key, mod);
    return mod;
  }

  load(dotted: string): RepoModule | null {
    const found = this.fileOf(dotted);
    return found ? this.loadFile(found.file, dotted) : null;
  }

  /** The absolute module name of `from <dots><module> import …` inside `from`. */
  absoluteName(from: RepoModule, module: string, level: number): string {
    if (level === 0) return module;
    const parts = from.name.split('.');
    const pkg = from.isPackage ? parts : parts.slice(0, -1);
    const base = pkg.slice(0, Math.max(0, pkg.length - (level - 1)));
    return [...base, ...(module ? module.split('.') : [])].join('.');
  }

  /** Resolves a name bound at module level of `mod`. */
  resolveName(mod: RepoModule, name: string, seen = new Set<string>()): Ref {
    const key = `${mod.name}:${name}`;
    if (seen.has(key)) return { k: 'unknown' };
    seen.add(key);
    const b = mod.module.bindings.get(name);
    if (!b) {
      for (const star of mod.module.starImports) {
        const target = this.absoluteName(mod, star.module, star.level);
        const m = this.load(target);
        if (m) {
          const r = this.resolveName(m, name, seen);
          if (r.k !== 'unknown') return r;
        }
      }
      return { k: 'unknown' };
    }
    return this.resolveBinding(mod, b, seen);
  }

  private resolveBinding(mod: RepoModule, b: Binding, seen: Set<string>): Ref {
    if (b.kind === 'class') return { k: 'class', mod, cls: b };
    if (b.kind === 'import') {
      const target = this.absoluteName(mod, b.module, b.level);
      if (b.name === undefined) {
        // `import a.b as c` binds a.b; `import a.b` binds a (the parser gives the bound module).
        const m = this.load(target);
        return m ? { k: 'module', mod: m } : { k: 'external', dotted: target };
      }
      const sub = this.load(`${target}.${b.name}`);
      if (sub) return { k: 'module', mod: sub };
      const m = this.load(target);
      if (!m) {
        if (this.isFolder(target) || this.fileOf(target)) return { k: 'unknown' };
        return { k: 'external', dotted: `${target}.${b.name}` };
      }
      return this.resolveName(m, b.name, seen);
    }
    if (b.kind === 'value') {
      const r = this.resolveExpr(mod, b.expr, seen);
      return r.k === 'unknown' ? { k: 'value', mod, binding: b } : r;
    }
    return { k: 'value', mod, binding: b };
  }

  /** Resolves a name or attribute expression in the module scope of `mod`. */
  resolveExpr(mod: RepoModule, e: Expr, seen = new Set<string>()): Ref {
    if (e.t === 'name') {
      const r = this.resolveName(mod, e.id, seen);
      if (r.k === 'unknown' && !mod.module.bindings.has(e.id) && !mod.module.starImports.length) return { k: 'external', dotted: e.id };
      return r;
    }
    if (e.t === 'attr') {
      const obj = this.resolveExpr(mod, e.obj, seen);
      if (obj.k === 'external') {
        // `import pkg` of a namespace folder, then `pkg.mod.Class`
        const sub = this.load(`${obj.dotted}.${e.name}`);
        return sub ? { k: 'module', mod: sub } : { k: 'external', dotted: `${obj.dotted}.${e.name}` };
      }
      if (obj.k === 'module') {
        const sub = this.load(`${obj.mod.name}.${e.name}`);
        if (sub && !obj.mod.module.bindings.has(e.name)) return { k: 'module', mod: sub };
        return this.resolveName(obj.mod, e.name, seen);
      }
      if (obj.k === 'class') {
        const inner = obj.cls.body.get(e.name);
        if (inner?.kind === 'class') return { k: 'class', mod: obj.mod, cls: inner };
      }
      return { k: 'unknown' };
    }
    return { k: 'unknown' };
  }
}

/** Names of module-level `del a, b` statements (column 0, so not inside a block or a string). */
function deletedNames(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/^del[ \t]+([\w \t,]+?)[ \t]*(?:#.*)?$/gm)) for (const n of m[1]!.split(',')) if (n.trim()) out.add(n.trim());
  return out;
}
