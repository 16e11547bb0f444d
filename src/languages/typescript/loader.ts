import { evaluate } from './evaluate.js';
import { moduleEnv } from './env.js';
import { ClassValue, Env, FnValue, getPath, isPlainObject, isUnknown, Unknown, type EvalHost } from './model.js';
import { parseModule, type Node } from './parse.js';

/**
 * Module loading for the evaluator: relative imports, exports (ES and CommonJS). Files are read
 * and imports resolved through `SourceFiles`, which the caller provides (workspace/js-loader.ts:
 * the disk), so nothing here does I/O or knows file extensions.
 */

/** How the loader reaches files (absolute paths). */
export interface SourceFiles {
  /** The text of a file; undefined when it cannot be read. */
  read(file: string): string | undefined;
  /** The file a relative import of `fromFile` (absolute) names; undefined when there is none. */
  resolve(fromFile: string, specifier: string): string | undefined;
}

/** No files at all: every relative import is unknown. */
export const NO_FILES: SourceFiles = { read: () => undefined, resolve: () => undefined };

/**
 * Loads relative modules (read + parse once each) and evaluates their exports on demand.
 * Shared by config evaluation and test-title evaluation.
 */
export class ModuleLoader implements EvalHost {
  private readonly envs = new Map<string, { env: Env; program: Node } | null>();
  constructor(
    private readonly packages: (source: string, name: string) => unknown = () => undefined,
    private readonly files: SourceFiles = NO_FILES,
  ) {}

  packageImport(source: string, name: string): unknown {
    return this.packages(source, name);
  }

  load(file: string): { env: Env; program: Node } | null {
    if (this.envs.has(file)) return this.envs.get(file)!;
    this.envs.set(file, null);
    const source = this.files.read(file);
    if (source === undefined) return null;
    if (file.endsWith('.json')) {
      try {
        const value = JSON.parse(source);
        const env = new Env(file, this);
        env.set('default', value);
        const entry = { env, program: { type: 'Program', start: 0, end: 0, body: [], json: value } as Node };
        this.envs.set(file, entry);
        return entry;
      } catch {
        return null;
      }
    }
    const parsed = parseModule(file, source);
    if (parsed.error) return null;
    const env = moduleEnv(file, parsed.program, this);
    const entry = { env, program: parsed.program };
    this.envs.set(file, entry);
    return entry;
  }

  importValue(fromFile: string, source: string, name: string): unknown {
    const file = this.files.resolve(fromFile, source);
    if (!file) return new Unknown(`cannot resolve ${source}`);
    const mod = this.load(file);
    if (!mod) return new Unknown(`cannot parse ${source}`);
    if (mod.program.json !== undefined) return name === 'default' || name === '*' ? mod.program.json : getPath(mod.program.json, [name]);
    return exportValue(mod.program, mod.env, name);
  }
}

/** The value of export `name` of a module ('*' gives an object of all named exports). */
export function exportValue(program: Node, env: Env, name: string): unknown {
  if (name === '*') {
    const out: Record<string, unknown> = {};
    for (const stmt of program.body) {
      if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration?.type === 'VariableDeclaration')
        for (const d of stmt.declaration.declarations) if (d.id.type === 'Identifier') out[d.id.name] = exportValue(program, env, d.id.name);
    }
    const cjs = commonJsExports(program, env);
    if (cjs !== undefined) return cjs;
    const def = exportValue(program, env, 'default');
    if (!isUnknown(def) && isPlainObject(def)) Object.assign(out, def);
    out.default = def;
    return out;
  }
  for (const stmt of program.body) {
    if (name === 'default' && stmt.type === 'ExportDefaultDeclaration') {
      const d = stmt.declaration;
      if (d.type === 'ClassDeclaration') return new ClassValue(d.id?.name ?? 'default');
      if (d.type === 'FunctionDeclaration') return new FnValue(d, env, d.id?.name ?? 'default');
      return evaluate(d, env);
    }
    if (stmt.type === 'ExportNamedDeclaration') {
      const d = stmt.declaration;
      if (d?.type === 'VariableDeclaration') {
        for (const decl of d.declarations) if (decl.id.type === 'Identifier' && decl.id.name === name) return evaluate(decl.id, env);
      } else if ((d?.type === 'ClassDeclaration' || d?.type === 'FunctionDeclaration') && d.id?.name === name) {
        return evaluate(d.id, env);
      }
      for (const s of stmt.specifiers ?? []) {
        const exported = s.exported.type === 'Identifier' ? s.exported.name : s.exported.value;
        if (exported !== name) continue;
        const local = s.local.type === 'Identifier' ? s.local.name : s.local.value;
        if (stmt.source) return env.host.importValue?.(env.file, String(stmt.source.value), local) ?? new Unknown('re-export');
        return evaluate({ type: 'Identifier', name: local, start: 0, end: 0 }, env);
      }
    }
  }
  if (name === 'default') {
    const cjs = commonJsExports(program, env);
    if (cjs !== undefined) return cjs;
  }
  for (const stmt of program.body) {
    if (stmt.type === 'ExportAllDeclaration' && !stmt.exported) {
      const v = env.host.importValue?.(env.file, String(stmt.source.value), name);
      if (v !== undefined && !isUnknown(v)) return v;
    }
  }
  return new Unknown(`no export ${name}`);
}

/** `module.exports = …` (last assignment wins) plus `module.exports.x = …` / `exports.x = …`. */
function commonJsExports(program: Node, env: Env): unknown {
  let value: unknown;
  for (const stmt of program.body) {
    if (stmt.type !== 'ExpressionStatement' || stmt.expression.type !== 'AssignmentExpression') continue;
    const left = stmt.expression.left;
    if (left.type !== 'MemberExpression') continue;
    const isModuleExports = (n: Node) => n.type === 'MemberExpression' && n.object.type === 'Identifier' && n.object.name === 'module' && n.property.name === 'exports';
    if (isModuleExports(left)) value = evaluate(stmt.expression.right, env);
    else if (isModuleExports(left.object) || (left.object.type === 'Identifier' && left.object.name === 'exports')) {
      if (value === undefined) value = {};
      if (isPlainObject(value)) value[left.property.name] = evaluate(stmt.expression.right, env);
    }
  }
  return value;
}
