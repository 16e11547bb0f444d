import { findPythonModule as findModuleUncached, resolvePythonImport, submoduleOf, type PythonIndex, type PythonModule } from '../workspace/python-roots.js';
import type { PyImport, PyModuleOutline } from './python.js';

/**
 * Name-level reach through package re-exports. `from pkg import name` runs `pkg/__init__.py`,
 * but what the importing module goes on to use is `name`, defined in some submodule that the
 * `__init__.py` re-exports. This resolver follows the name through the package's own
 * `from .mod import name`, `from .mod import *` (honouring `__all__`), `import pkg.mod` /
 * `from . import mod` bindings to the module that defines it, recursively and with cycle
 * protection, so the importer reaches that module (and, through the graph, its imports) instead
 * of everything the package re-exports.
 *
 * A package is entered **whole** (every module its `__init__.py` imports at module level) when
 * the used name is defined in the `__init__.py` itself, cannot be resolved, or comes from
 * `from pkg import *`, and when a module binds a package (`import pkg`) but never reads an
 * attribute of it.
 */

type Binding = { kind: 'defined' } | { kind: 'from'; imp: PyImport; name: string } | { kind: 'import'; imp: PyImport };

export interface PythonNameSources {
  index: PythonIndex;
  /** The outline of a repo file (a full parse), or undefined when it cannot be read. */
  outline(file: string): PyModuleOutline | undefined;
  /** The text of a repo file (attribute uses of a bound package), or undefined. */
  read(file: string): string | undefined;
}

export class PythonNames {
  private readonly modules = new Map<string, PythonModule | undefined>();
  private readonly bindings = new Map<string, Map<string, Binding>>();
  private readonly exportsMemo = new Map<string, Set<string> | null>();
  private readonly names = new Map<string, string[]>();
  private readonly wholes = new Map<string, string[]>();
  private readonly busy = new Set<string>();
  private readonly uses = new Map<string, string[][]>();

  constructor(private readonly src: PythonNameSources) {}

  /** `findPythonModule`, once per folder, level and name (every module of a package asks the same). */
  private find(fromFile: string, level: number, module: string): PythonModule | undefined {
    const key = `${fromFile.slice(0, fromFile.lastIndexOf('/') + 1)}\0${level}\0${module}`;
    if (this.modules.has(key)) return this.modules.get(key);
    const hit = findModuleUncached(this.src.index, fromFile, level, module);
    this.modules.set(key, hit);
    return hit;
  }

  /**
   * The repo files one import statement of `fromFile` leads to: the packages and modules it
   * loads (every `__init__.py` on the way, which runs), and for each name it binds the module
   * that defines the name (or the whole package, see above).
   */
  targetsOf(fromFile: string, imp: PyImport): string[] {
    const out = new Set(resolvePythonImport(this.src.index, fromFile, imp).files);
    const add = (files: Iterable<string>) => {
      for (const f of files) out.add(f);
    };
    if (imp.from) {
      const mod = this.find(fromFile, imp.level, imp.module);
      if (!mod || mod.kind === 'module') return [...out];
      if (imp.star || imp.names.length === 0) {
        add(this.wholeOf(mod));
        return [...out];
      }
      imp.names.forEach((name, i) => {
        const local = imp.as?.[i] ?? name;
        const binding = mod.kind === 'package' ? this.bindingsOf(mod.file).get(name) : undefined;
        const sub = submoduleOf(this.src.index, mod.dir, name);
        // `from pkg import subpackage`: what the module then reads of it decides
        if (sub && sub.kind !== 'module' && (!binding || this.bindsSubmodule(mod, binding, sub))) add(this.withUses(sub, this.usesOf(fromFile, local)));
        else if (mod.kind === 'package') add(this.nameTargets(mod, name));
      });
      return [...out];
    }
    const mod = this.find(fromFile, 0, imp.module);
    if (!mod) return [...out];
    const aliased = imp.as?.[0];
    const first = imp.module.split('.')[0]!;
    const chains = this.usesOf(fromFile, aliased ?? first);
    if (aliased || chains.length === 0) add(this.withUses(mod, chains));
    else {
      const top = this.find(fromFile, 0, first);
      if (top) add(this.withUses(top, chains));
    }
    return [...out];
  }

  /**
   * The repo modules a package's `__init__.py` imports at module level, resolved the same way:
   * what entering the package whole reaches beyond the `__init__.py`. A plain module is itself.
   */
  wholeOf(mod: PythonModule): string[] {
    if (mod.kind !== 'package') return mod.kind === 'module' ? [mod.file] : [];
    const key = mod.file;
    const memo = this.wholes.get(key);
    if (memo) return memo;
    const busyKey = `whole\0${key}`;
    if (this.busy.has(busyKey)) return [mod.file];
    this.busy.add(busyKey);
    const out = new Set<string>([mod.file]);
    for (const imp of this.src.outline(mod.file)?.imports ?? []) {
      if (imp.scope) continue;
      for (const f of this.targetsOf(mod.file, imp)) out.add(f);
    }
    this.busy.delete(busyKey);
    const files = [...out];
    this.wholes.set(key, files);
    return files;
  }

  /**
   * Whether an import target of `file` is a re-export edge: every repo module an `__init__.py`
   * imports. What a name leads to is resolved for the importer; the rest of the package is
   * reached only when it is taken whole (`wholeOf`, which covers the same imports).
   */
  static isReexport(file: string, target: string): boolean {
    return isPackageInit(file) && target !== file;
  }

  /** The module defining `name` as package `pkg` exposes it, with the modules loaded on the way. */
  private nameTargets(pkg: PythonModule & { kind: 'package' }, name: string): string[] {
    const key = `${pkg.file}\0${name}`;
    const memo = this.names.get(key);
    if (memo) return memo;
    if (this.busy.has(key)) return [pkg.file];
    this.busy.add(key);
    const out = new Set<string>([pkg.file]);
    const add = (files: Iterable<string>) => {
      for (const f of files) out.add(f);
    };
    const binding = this.bindingsOf(pkg.file).get(name);
    const viaImport = (imp: PyImport, wanted: string) => {
      const target = this.find(pkg.file, imp.level, imp.module);
      add(resolvePythonImport(this.src.index, pkg.file, { ...imp, names: [wanted], star: undefined } as PyImport).files);
      if (!target || target.kind === 'module') return;
      const sub = submoduleOf(this.src.index, target.dir, wanted);
      const inner = target.kind === 'package' ? this.bindingsOf(target.file).get(wanted) : undefined;
      if (sub && sub.kind !== 'module' && !inner) add(this.wholeOf(sub));
      else if (target.kind === 'package') add(this.nameTargets(target, wanted));
    };
    if (binding?.kind === 'defined') add(this.wholeOf(pkg));
    else if (binding?.kind === 'from') viaImport(binding.imp, binding.name);
    else if (binding?.kind === 'import') {
      add(resolvePythonImport(this.src.index, pkg.file, binding.imp).files);
      const target = this.find(pkg.file, 0, binding.imp.as ? binding.imp.module : binding.imp.module.split('.')[0]!);
      if (target) add(this.wholeOf(target));
    } else {
      const outline = this.src.outline(pkg.file);
      const star = [...(outline?.imports ?? [])].reverse().find((imp) => {
        if (!imp.star || imp.scope) return false;
        const target = this.find(pkg.file, imp.level, imp.module);
        return target !== undefined && (this.exportsOf(target)?.has(name) ?? false);
      });
      const sub = submoduleOf(this.src.index, pkg.dir, name);
      if (star) viaImport(star, name);
      else if (sub) add(this.wholeOf(sub));
      else add(this.wholeOf(pkg));
    }
    this.busy.delete(key);
    const files = [...out];
    this.names.set(key, files);
    return files;
  }

  /** The names `from mod import *` binds: `__all__`, else every public module-level name; null when unknown. */
  private exportsOf(mod: PythonModule): Set<string> | null {
    if (mod.kind === 'namespace') return new Set();
    const memo = this.exportsMemo.get(mod.file);
    if (memo !== undefined) return memo;
    if (this.busy.has(`exports\0${mod.file}`)) return new Set();
    this.busy.add(`exports\0${mod.file}`);
    const outline = this.src.outline(mod.file);
    let names: Set<string> | null = null;
    if (outline?.all) names = new Set(outline.all);
    else if (outline) {
      names = new Set([...this.bindingsOf(mod.file).keys()].filter((n) => !n.startsWith('_')));
      for (const imp of outline.imports) {
        if (!imp.star || imp.scope) continue;
        const target = this.find(mod.file, imp.level, imp.module);
        for (const n of (target && this.exportsOf(target)) ?? []) if (!n.startsWith('_')) names.add(n);
      }
    }
    this.busy.delete(`exports\0${mod.file}`);
    this.exportsMemo.set(mod.file, names);
    return names;
  }

  /** Module-level bindings of a file: imports in source order, then its own defs (which win). */
  private bindingsOf(file: string): Map<string, Binding> {
    let map = this.bindings.get(file);
    if (map) return map;
    map = new Map();
    const outline = this.src.outline(file);
    for (const imp of outline?.imports ?? []) {
      if (imp.scope || imp.star) continue;
      if (imp.from) imp.names.forEach((name, i) => map!.set(imp.as?.[i] ?? name, { kind: 'from', imp, name }));
      else map.set(imp.as?.[0] ?? imp.module.split('.')[0]!, { kind: 'import', imp });
    }
    for (const name of outline?.defined ?? []) map.set(name, { kind: 'defined' });
    this.bindings.set(file, map);
    return map;
  }

  /** Whether a package binding is just its own submodule (`from . import sub`, `import pkg.sub`). */
  private bindsSubmodule(pkg: PythonModule, binding: Binding, sub: PythonModule): boolean {
    if (binding.kind === 'defined' || pkg.kind !== 'package') return false;
    if (binding.kind === 'from') {
      const target = this.find(pkg.file, binding.imp.level, binding.imp.module);
      return target !== undefined && target.kind !== 'module' && target.dir === pkg.dir;
    }
    const target = this.find(pkg.file, 0, binding.imp.module);
    return target !== undefined && target.kind !== 'namespace' && sub.kind !== 'namespace' && target.file === sub.file;
  }

  /** What a module reaches through a bound package (or module) given the attribute chains it reads of it. */
  private withUses(mod: PythonModule, chains: string[][]): string[] {
    if (mod.kind === 'module') return [mod.file];
    if (chains.length === 0) return this.wholeOf(mod);
    const out = new Set<string>();
    for (const chain of chains) for (const f of this.chainTargets(mod, chain)) out.add(f);
    return [...out];
  }

  /** `pkg.sub.name`: descend through submodules, then resolve the first other name in the package that holds it. */
  private chainTargets(start: PythonModule, chain: string[]): string[] {
    const out: string[] = [];
    let cur = start;
    for (const name of chain) {
      if (cur.kind === 'module') return out;
      if (cur.kind === 'package') out.push(cur.file);
      const binding = cur.kind === 'package' ? this.bindingsOf(cur.file).get(name) : undefined;
      const sub = submoduleOf(this.src.index, cur.dir, name);
      if (sub && (!binding || this.bindsSubmodule(cur, binding, sub))) {
        if (sub.kind === 'module') {
          out.push(sub.file);
          return out;
        }
        cur = sub;
        continue;
      }
      if (cur.kind === 'package') out.push(...this.nameTargets(cur, name));
      return out;
    }
    out.push(...this.wholeOf(cur));
    return out;
  }

  /**
   * The attribute chains a file reads of a bound name (`click.echo` → `['echo']`,
   * `pkg.sub.name` → `['sub', 'name']`), read from the text outside import statements (a
   * regular expression, not the tree: a mention inside a string or comment counts too, which can
   * only add reach; an import continued over several lines may count, likewise).
   */
  private usesOf(file: string, name: string): string[][] {
    const key = `${file}\0${name}`;
    const memo = this.uses.get(key);
    if (memo) return memo;
    const text = this.src.read(file) ?? '';
    const chains: string[][] = [];
    const seen = new Set<string>();
    const re = new RegExp(`(?<![\\w.])${name}((?:[ \\t]*\\.[ \\t]*[A-Za-z_]\\w*)+)`, 'g');
    for (const m of text.matchAll(re)) {
      // the import statements themselves (`import pkg.sub`, `from pkg.sub import x`) are no uses
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      if (/^[ \t]*(?:import|from)[ \t]/.test(text.slice(lineStart, m.index + 1))) continue;
      const chain = m[1]!.split('.').map((s) => s.trim()).filter(Boolean);
      const k = chain.join('.');
      if (seen.has(k)) continue;
      seen.add(k);
      chains.push(chain);
    }
    this.uses.set(key, chains);
    return chains;
  }
}

/** Whether a file is a package's `__init__.py` (or `.pyi`). */
export function isPackageInit(file: string): boolean {
  return file === '__init__.py' || file.endsWith('/__init__.py') || file.endsWith('/__init__.pyi');
}
