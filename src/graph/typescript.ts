import { parseSync } from 'oxc-parser';
import { nestingLimitError } from '../languages/typescript/parse.js';
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
   * `re-export`: the module is re-exported (`export … from`, or an import whose bindings the file
   * exports again, `import * as z from './x'; export { z }`; when the file also uses them, the
   * import is listed twice: once with its use, once as `re-export`).
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

/** An import binding whose uses the AST can tell more about (see graph/js-uses.ts). */
export interface JsCandidate extends Tracked {
  specifier: string;
}

/** A module's imports and exports as the module record gives them, before the AST is read. */
export interface JsModule {
  /** Static imports with their runtime bindings; `name` is `default`, `*` or an export name. */
  statics: { specifier: string; line: number; bindings: { local: string; name: string }[] }[];
  /** Re-exports (`export … from`), dynamic imports and `require()` calls. */
  rest: JsImport[];
  exports: JsExports;
  /** Bindings exported again (`import * as z from './x'; export { z }`). */
  exportedLocals: string[];
  /** Bindings whose uses decide what is followed: namespaces, bindings exported again, bindings with a member read in the text. */
  candidates: JsCandidate[];
  error?: string;
}

/**
 * Runtime imports and exports of a module: static imports and re-exports (type-only ones left
 * out: they vanish at runtime), dynamic `import('…')` with a literal, and `require('…')`, with
 * what the module uses of each (`jsImports`, once the uses of the candidate bindings are known).
 * `program` reads the AST (the costly part of parsing) on demand. Throws on a syntax error the
 * parser cannot recover from (the caller reports it).
 */
export function readJsModule(file: string, source: string): { module: JsModule; program: () => unknown } {
  // oxc's native parser crashes the process on a file nested thousands deep: such a file is this module's error
  const tooDeep = nestingLimitError(source);
  if (tooDeep) throw new Error(tooDeep.message);
  // astType 'js': the AST without TypeScript's type annotations (smaller, faster to read; types never count)
  const result = parseSync(file, source, { astType: 'js' });
  const lineAt = createLineIndex(source);
  const exports: JsExports = { own: [], from: {}, star: [] };
  const mod = result.module;

  // Import bindings, by local name: what each stands for (a named export or the namespace of a module).
  const bindings = new Map<string, { specifier: string; line: number; name: string }>();
  const statics: JsModule['statics'] = [];
  for (const imp of mod.staticImports) {
    const specifier = imp.moduleRequest.value;
    const line = lineAt(imp.start);
    if (imp.entries.length > 0 && imp.entries.every((e) => e.isType)) continue;
    const entry: JsModule['statics'][number] = { specifier, line, bindings: [] };
    for (const e of imp.entries) {
      if (e.isType) continue;
      const name = e.importName.kind === 'NamespaceObject' ? '*' : e.importName.kind === 'Default' ? 'default' : e.importName.name!;
      bindings.set(e.localName.value, { specifier, line, name });
      entry.bindings.push({ local: e.localName.value, name });
    }
    statics.push(entry);
  }

  // Exports. oxc turns `import { a } from './m'; export { a }` into an indirect export from './m'
  // (with the import's span): an `export … from` entry is the one that comes before its request.
  const exportedLocals = new Set<string>();
  const rest: JsImport[] = [];
  for (const exp of mod.staticExports) {
    let reexport = false;
    for (const e of exp.entries) {
      if (e.isType) continue;
      const req = e.moduleRequest;
      if (req && e.start < req.start) {
        const line = lineAt(exp.start);
        if (!reexport) rest.push({ specifier: req.value, line, use: 're-export' });
        reexport = true;
        if (e.importName.kind === 'AllButDefault') exports.star.push({ specifier: req.value, line });
        else if (e.exportName.name !== null) exports.from[e.exportName.name] = { specifier: req.value, line, name: e.importName.kind === 'All' ? '*' : e.importName.name! };
        continue;
      }
      const exported = e.exportName.kind === 'Default' ? 'default' : e.exportName.name;
      if (exported === null) continue;
      const local = req ? findLocal(bindings, req.value, e.importName.name) : e.localName.name;
      const binding = local === null || local === undefined ? undefined : bindings.get(local);
      if (binding && local) {
        exports.from[exported] = { specifier: binding.specifier, line: binding.line, name: binding.name };
        exportedLocals.add(local);
      } else exports.own.push(exported);
    }
  }
  for (const dyn of mod.dynamicImports) {
    const text = source.slice(dyn.moduleRequest.start, dyn.moduleRequest.end).trim();
    const m = /^(['"`])([^'"`$]+)\1$/.exec(text);
    if (m) rest.push({ specifier: m[2]!, line: lineAt(dyn.start) });
  }
  for (const m of source.matchAll(/\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g)) rest.push({ specifier: m[2]!, line: lineAt(m.index) });
  if (!mod.hasModuleSyntax) exports.unknown = true;

  // Candidates for the AST: namespaces (`ns.member` reads or an escaping use), bindings exported
  // again (only exported, or also used), and named bindings read as `x.member` somewhere in the
  // text: a named import may be a namespace re-exported under a name (`import * as z from
  // './external'; export { z }`), so `z.string()` is followed as `z.string`. A file with syntax
  // errors has a partial AST: it has no candidates, and its bindings count as used whole.
  const candidates: JsCandidate[] = [];
  if (!result.errors.length)
    for (const [local, b] of bindings)
      if (b.name === '*' || exportedLocals.has(local) || (b.name !== 'default' && memberRead(source, local)))
        candidates.push({ local, specifier: b.specifier, members: b.name !== 'default' });
  const error = result.errors.length && !mod.staticImports.length && !mod.staticExports.length ? result.errors[0]!.message : undefined;
  return { module: { statics, rest, exports, exportedLocals: [...exportedLocals], candidates, error }, program: () => result.program };
}

/** The imports of a module, given the uses of (some of) its candidate bindings; a binding without a known use counts as used whole. */
export function jsImports(mod: JsModule, uses: ReadonlyMap<string, BindingUse>): JsImport[] {
  const exportedLocals = new Set(mod.exportedLocals);
  const imports: JsImport[] = [];
  for (const p of mod.statics) {
    let whole = p.bindings.length === 0;
    let onlyExported = p.bindings.length > 0;
    const names = new Set<string>();
    for (const b of p.bindings) {
      const u = uses.get(b.local);
      const exportedOnly = u !== undefined && !u.other && u.members.size === 0 && exportedLocals.has(b.local);
      if (!exportedOnly) onlyExported = false;
      if (exportedOnly) continue;
      if (b.name === 'default') whole = true;
      else if (b.name === '*') {
        if (!u || u.other) whole = true;
        else for (const m of u.members) names.add(m);
      } else if (!u || u.other || u.members.size === 0) names.add(b.name);
      else for (const m of u.members) names.add(`${b.name}.${m}`);
    }
    if (onlyExported) imports.push({ specifier: p.specifier, line: p.line, use: 're-export' });
    else {
      if (whole) imports.push({ specifier: p.specifier, line: p.line });
      else imports.push({ specifier: p.specifier, line: p.line, use: 'names', names: [...names] });
      // a binding used here and also exported again: the module re-exports it as well
      if (p.bindings.some((b) => exportedLocals.has(b.local))) imports.push({ specifier: p.specifier, line: p.line, use: 're-export' });
    }
  }
  imports.push(...mod.rest);
  return imports;
}

/** `readJsModule` with the AST read for every candidate binding, then `jsImports`. */
export function parseJsImports(file: string, source: string): ParsedJs {
  const { module, program } = readJsModule(file, source);
  const uses = module.candidates.length ? bindingUses(program() as Parameters<typeof bindingUses>[0], module.candidates, source) : new Map<string, BindingUse>();
  return { imports: jsImports(module, uses), exports: module.exports, error: module.error };
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
