import { parseSync } from 'oxc-parser';
import { createLineIndex } from '../util/lines.js';

/**
 * TypeScript / JavaScript imports: parsing with oxc-parser. Resolving them to files is
 * workspace/js-modules.ts.
 */

export interface JsImport {
  specifier: string;
  line: number;
}

/**
 * Runtime imports of a module: static imports and re-exports (type-only ones left out: they
 * vanish at runtime), dynamic `import('…')` with a literal, and `require('…')`.
 * Throws on a syntax error the parser cannot recover from (the caller reports it).
 */
export function parseJsImports(file: string, source: string): { imports: JsImport[]; error?: string } {
  const result = parseSync(file, source);
  const lineAt = createLineIndex(source);
  const imports: JsImport[] = [];
  const mod = result.module;
  for (const imp of mod.staticImports) {
    if (imp.entries.length > 0 && imp.entries.every((e) => e.isType)) continue;
    if (/^import\s+type\s/.test(source.slice(imp.start, imp.start + 12))) continue;
    imports.push({ specifier: imp.moduleRequest.value, line: lineAt(imp.start) });
  }
  for (const exp of mod.staticExports) {
    const froms = exp.entries.filter((e) => e.moduleRequest && !e.isType);
    if (!froms.length || /^export\s+type\s/.test(source.slice(exp.start, exp.start + 12))) continue;
    imports.push({ specifier: froms[0]!.moduleRequest!.value, line: lineAt(exp.start) });
  }
  for (const dyn of mod.dynamicImports) {
    const text = source.slice(dyn.moduleRequest.start, dyn.moduleRequest.end).trim();
    const m = /^(['"`])([^'"`$]+)\1$/.exec(text);
    if (m) imports.push({ specifier: m[2]!, line: lineAt(dyn.start) });
  }
  for (const m of source.matchAll(/\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g))
    imports.push({ specifier: m[2]!, line: lineAt(m.index) });
  const error = result.errors.length && !mod.staticImports.length && !mod.staticExports.length ? result.errors[0]!.message : undefined;
  return { imports, error };
}

