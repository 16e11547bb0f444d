import { parseSync } from 'oxc-parser';
import { createLineIndex } from '../util/lines.js';
import { bindingUses, type BindingUse, type Tracked } from './js-uses.js';

/**
 * TypeScript / JavaScript imports and exports: parsing with oxc-parser. Resolving specifiers to
 * files is workspace/js-modules.ts; following names through barrels is graph/js-barrels.ts.
 */

export interface JsImport {
  specifier: string;
  line: number;
  /**
   * What the file takes from the module. Absent: the whole module (default import, side-effect
   * import, `require`, dynamic `import()`, a namespace used other than through `ns.member`).
   * `names`: only the bindings in `names` (named imports, `ns.member` uses of a namespace import;
   * `x.member` for a named import used only through members, in case `x` is a re-exported namespace).
   * `re-export`: the module is only re-exported (`export … from`, or an import whose bindings the
   * file only exports again, `import * as z from './x'; export { z }`).
   */
  use?: 'names' | 're-export';
  /** With `use: 'names'`: the names imported (as the module exports them), or member paths (`z.string`). */
  names?: string[];
}

/** Where an exported name of a module comes from. */
export interface JsReexport {
  specifier: string;
  line: number;
  /** The name in the source module; `*` for its namespace (`export * as ns from`, an exported `import * as ns`). */
  name: string;
}

/** What a module exports (runtime exports only), for following names through barrels. */
export interface JsExports {
  /** Names the module defines itself (`export const`, `export function`, `export default …`, `export { local }`); `default` for the default export. */
  own: string[];
  /** Names re-exported from another module, by exported name (`export { a as b } from`, `export * as ns from`, an imported binding exported again). */
  from: Record<string, JsReexport>;
  /** `export * from '…'` (every name but `default`). */
  star: { specifier: string; line: number }[];
  /** A script or CommonJS module (no import/export syntax): its exports are not visible. */
  unknown?: true;
}

export interface ParsedJs {
  imports: JsImport[];
  exports: JsExports;
  error?: string;
}

/**
 * Runtime imports and exports of a module: static imports and re-exports (type-only ones left
 * out: they vanish at runtime), dynamic `import('…')` with a literal, and `require('…')`.
 * Throws on a syntax error the parser cannot recover from (the caller reports it).
 */
export function parseJsImports(file: string, source: string): ParsedJs {
  const result = parseSync(file, source);
  const lineAt = createLineIndex(source);
  const imports: JsImport[] = [];
  const exports: JsExports = { own: [], from: {}, star: [] };
  const mod = result.module;

  // Import bindings, by local name: what each stands for (a named export or the namespace of a module).
  const bindings = new Map<string, { specifier: string; line: number; name: string; index: number }>();
  type Pending = { specifier: string; line: number; whole: boolean; names: Set<string>; locals: string[] };
  const pending: Pending[] = [];
  for (const imp of mod.staticImports) {
    const specifier = imp.moduleRequest.value;
    const line = lineAt(imp.start);
    if (imp.entries.length > 0 && imp.entries.every((e) => e.isType)) continue;
    const p: Pending = { specifier, line, whole: imp.entries.length === 0, names: new Set(), locals: [] };
    for (const e of imp.entries) {
      if (e.isType) continue;
      const name = e.importName.kind === 'NamespaceObject' ? '*' : e.importName.kind === 'Default' ? 'default' : e.importName.name!;
      bindings.set(e.localName.value, { specifier, line, name, index: pending.length });
      p.locals.push(e.localName.value);
    }
    pending.push(p);
  }

  // Exports. oxc turns `import { a } from './m'; export { a }` into an indirect export from './m'
  // (with the import's span): an `export … from` entry is the one that comes before its request.
  const exportedLocals = new Map<string, string[]>();
  for (const exp of mod.staticExports) {
    for (const e of exp.entries) {
      if (e.isType) continue;
      const req = e.moduleRequest;
      if (req && e.start < req.start) {
        const line = lineAt(exp.start);
        if (e.importName.kind === 'AllButDefault') exports.star.push({ specifier: req.value, line });
        else if (e.exportName.name !== null)
          exports.from[e.exportName.name] = { specifier: req.value, line, name: e.importName.kind === 'All' ? '*' : e.importName.name! };
        continue;
      }
      const exported = e.exportName.kind === 'Default' ? 'default' : e.exportName.name;
      if (exported === null) continue;
      const local = req ? findLocal(bindings, req.value, e.importName.name) : e.localName.name;
      const binding = local === null || local === undefined ? undefined : bindings.get(local);
      if (binding && local) {
        exports.from[exported] = { specifier: binding.specifier, line: binding.line, name: binding.name };
        exportedLocals.set(local, [...(exportedLocals.get(local) ?? []), exported]);
      } else exports.own.push(exported);
    }
  }

  // How each import binding is used: a namespace through `ns.member` only, a binding only
  // exported again. The AST is read only when the answer can change what is followed.
  const tracked: Tracked[] = [];
  // Named bindings are tracked too: a named import may be a namespace re-exported under a name
  // (`import * as z from './external'; export { z }`), so `z.string()` is followed as `z.string`.
  for (const [local, b] of bindings) if (b.name !== 'default' || exportedLocals.has(local)) tracked.push({ local, members: b.name !== 'default' });
  // Reading the AST costs more than parsing: skip it when no tracked binding can have a member
  // read (`x.` / `x?.` nowhere in the text) and none is a namespace or exported again.
  // A file with syntax errors has a partial AST: its bindings count as used whole.
  const needsAst = !result.errors.length && tracked.some((t) => bindings.get(t.local)!.name === '*' || exportedLocals.has(t.local) || memberRead(source, t.local));
  const uses = needsAst ? bindingUses(result.program as unknown as Parameters<typeof bindingUses>[0], tracked) : new Map<string, BindingUse>();

  for (const p of pending) {
    let onlyExported = p.locals.length > 0;
    for (const local of p.locals) {
      const b = bindings.get(local)!;
      const u = uses.get(local);
      const exportedOnly = u !== undefined && !u.other && u.members.size === 0 && exportedLocals.has(local);
      if (!exportedOnly) onlyExported = false;
      if (exportedOnly) continue;
      if (b.name === 'default') p.whole = true;
      else if (b.name === '*') {
        if (!u || u.other) p.whole = true;
        else for (const m of u.members) p.names.add(m);
      } else if (!u || u.other || u.members.size === 0) p.names.add(b.name);
      else for (const m of u.members) p.names.add(`${b.name}.${m}`);
    }
    if (onlyExported) {
      imports.push({ specifier: p.specifier, line: p.line, use: 're-export' });
    } else if (p.whole || p.locals.length === 0) imports.push({ specifier: p.specifier, line: p.line });
    else if (p.names.size) imports.push({ specifier: p.specifier, line: p.line, use: 'names', names: [...p.names] });
    else imports.push({ specifier: p.specifier, line: p.line, use: 'names', names: [] });
  }
  for (const exp of mod.staticExports) {
    const froms = exp.entries.filter((e) => e.moduleRequest && !e.isType && e.start < e.moduleRequest.start);
    if (!froms.length) continue;
    imports.push({ specifier: froms[0]!.moduleRequest!.value, line: lineAt(exp.start), use: 're-export' });
  }
  for (const dyn of mod.dynamicImports) {
    const text = source.slice(dyn.moduleRequest.start, dyn.moduleRequest.end).trim();
    const m = /^(['"`])([^'"`$]+)\1$/.exec(text);
    if (m) imports.push({ specifier: m[2]!, line: lineAt(dyn.start) });
  }
  for (const m of source.matchAll(/\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g)) imports.push({ specifier: m[2]!, line: lineAt(m.index) });
  if (!mod.hasModuleSyntax) exports.unknown = true;
  const error = result.errors.length && !mod.staticImports.length && !mod.staticExports.length ? result.errors[0]!.message : undefined;
  return { imports, exports, error };
}

/** Whether `name.` or `name?.` occurs in the text (a cheap test before reading the AST; comments may match). */
function memberRead(source: string, name: string): boolean {
  for (let i = source.indexOf(name); i >= 0; i = source.indexOf(name, i + 1)) {
    const before = i > 0 ? source.charCodeAt(i - 1) : 32;
    if (isIdentChar(before)) continue;
    let j = i + name.length;
    while (source[j] === ' ' || source[j] === '\n' || source[j] === '\t' || source[j] === '\r') j++;
    if (source[j] === '.' || (source[j] === '?' && source[j + 1] === '.')) return true;
  }
  return false;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c > 127;
}

/** The local binding an indirect export entry stands for: the import of `name` from `specifier`. */
function findLocal(bindings: Map<string, { specifier: string; name: string }>, specifier: string, name: string | null): string | undefined {
  for (const [local, b] of bindings) if (b.specifier === specifier && b.name === (name ?? '*')) return local;
  return undefined;
}
