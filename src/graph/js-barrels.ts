import type { JsResolution } from '../workspace/js-modules.js';
import type { JsExports } from './typescript.js';

/**
 * Following imported names through barrels: `import { x } from './lib'`, where lib/index.ts
 * re-exports (`export * from`, `export { a as x } from`, `export * as ns from`, an imported
 * binding exported again), leads to the module that defines `x`, through any chain of barrels,
 * not to every module the barrel re-exports.
 *
 * The answer is three sets: modules entered whole (a module that defines a used name, or that
 * cannot be followed by name), barrels passed through (they run, but only the re-exports of the
 * used names are followed: `names` edges), and external packages a name comes from.
 * Conservative: a name defined in the barrel itself, or found nowhere, means the whole barrel.
 */

export interface BarrelHost {
  resolve(fromFile: string, specifier: string): JsResolution;
  /** Runtime exports of a repo file; undefined when it is not a module seams reads (JSON, unreadable, syntax error). */
  exportsOf(file: string): JsExports | undefined;
}

export interface NameTargets {
  whole: Set<string>;
  names: Set<string>;
  externals: Set<string>;
}

type Found = { whole: string[]; names: string[]; externals: string[] };

const isBarrel = (ex: JsExports | undefined): boolean => ex !== undefined && !ex.unknown && (ex.star.length > 0 || Object.keys(ex.from).length > 0);

export class JsBarrels {
  /** resolveName results by `file \0 name`; `null`: not exported there. */
  private readonly memo = new Map<string, Found | null>();
  private readonly active = new Set<string>();

  constructor(private readonly host: BarrelHost) {}

  /** Whether a repo file re-exports (so that the names imported from it matter). */
  isBarrel(file: string): boolean {
    return isBarrel(this.host.exportsOf(file));
  }

  /** What an import of `names` from `file` reaches. A file that re-exports nothing is simply entered whole. */
  follow(file: string, names: readonly string[]): NameTargets {
    const out: NameTargets = { whole: new Set(), names: new Set(), externals: new Set() };
    if (!isBarrel(this.host.exportsOf(file))) {
      out.whole.add(file);
      return out;
    }
    out.names.add(file);
    for (const name of names) {
      const found = this.resolveName(file, name);
      if (!found) {
        out.whole.add(file);
        continue;
      }
      for (const f of found.whole) out.whole.add(f);
      for (const f of found.names) out.names.add(f);
      for (const m of found.externals) out.externals.add(m);
    }
    for (const f of out.whole) out.names.delete(f);
    return out;
  }

  /** Where `name`, as `file` exports it, is defined; null when `file` does not export it. */
  private resolveName(file: string, name: string): Found | null {
    const key = `${file}\0${name}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    if (this.active.has(key)) return null; // a cycle of re-exports: not found along this path
    this.active.add(key);
    const found = this.lookup(file, name);
    this.active.delete(key);
    this.memo.set(key, found);
    return found;
  }

  /** `name` may be a member path (`core.JSONSchemaGenerator`: the member of a namespace re-export). */
  private lookup(file: string, name: string): Found | null {
    const ex = this.host.exportsOf(file);
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const rest = dot < 0 ? '' : name.slice(dot + 1);
    if (!ex) return { whole: [file], names: [], externals: [] };
    if (ex.own.includes(head)) return { whole: [file], names: [], externals: [] };
    const re = ex.from[head];
    if (re) return this.into(file, re.specifier, re.name, rest) ?? { whole: [file], names: [], externals: [] };
    if (head === 'default') return null;
    const found: Found = { whole: [], names: [], externals: [] };
    const externalStars: string[] = [];
    let any = false;
    for (const star of ex.star) {
      const r = this.host.resolve(file, star.specifier);
      if ('external' in r) externalStars.push(r.external);
      if (!('file' in r)) continue;
      const target = this.host.exportsOf(r.file);
      let hit: Found | null;
      // a module whose exports seams cannot see (CommonJS, JSON) may export the name
      if (target === undefined || target.unknown) hit = { whole: [r.file], names: [], externals: [] };
      else if (isBarrel(target)) hit = this.resolveName(r.file, name);
      else hit = target.own.includes(head) ? { whole: [r.file], names: [], externals: [] } : null;
      if (!hit) continue;
      any = true;
      if (isBarrel(target)) found.names.push(r.file);
      found.whole.push(...hit.whole);
      found.names.push(...hit.names);
      found.externals.push(...hit.externals);
    }
    if (any) return found;
    if (externalStars.length) return { whole: [], names: [], externals: externalStars };
    return null;
  }

  /**
   * `name` (then the member path `rest`) of the module `specifier` (from `file`) re-exports; `*`
   * is its namespace, followed by `rest` when there is one. Null when the module is not found.
   */
  private into(file: string, specifier: string, name: string, rest: string): Found | null {
    const r = this.host.resolve(file, specifier);
    if ('external' in r) return { whole: [], names: [], externals: [r.external] };
    if (!('file' in r)) return null;
    const target = this.host.exportsOf(r.file);
    const wanted = name === '*' ? rest : rest ? `${name}.${rest}` : name;
    if (!wanted || !isBarrel(target)) return { whole: [r.file], names: [], externals: [] };
    const sub = this.resolveName(r.file, wanted);
    if (!sub) return { whole: [r.file], names: [], externals: [] };
    return { whole: sub.whole, names: [r.file, ...sub.names], externals: sub.externals };
  }
}
