import { ClassValue, Env, FnValue, type EvalHost } from './model.js';
import type { Node } from './parse.js';

/** Declarations: binding the names a module or function body declares into an `Env`. */

function bindPattern(env: Env, pattern: Node, init: Node | undefined, prefix: (string | number)[]): void {
  if (!pattern) return;
  if (pattern.type === 'Identifier') {
    env.vars.set(pattern.name, { node: init, path: prefix });
  } else if (pattern.type === 'ObjectPattern') {
    for (const p of pattern.properties) {
      if (p.type === 'RestElement') continue;
      const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
      if (key === undefined) continue;
      bindPattern(env, p.value.type === 'AssignmentPattern' ? p.value.left : p.value, init, [...prefix, key]);
    }
  } else if (pattern.type === 'ArrayPattern') {
    pattern.elements.forEach((el: Node | null, i: number) => {
      if (el && el.type !== 'RestElement') bindPattern(env, el.type === 'AssignmentPattern' ? el.left : el, init, [...prefix, i]);
    });
  }
}

/** Adds the declarations of a list of statements (module body or function block) to `env`. */
export function declareStatements(env: Env, body: readonly Node[]): void {
  for (const raw of body) {
    let stmt = raw;
    if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration) stmt = stmt.declaration;
    if (stmt.type === 'ExportDefaultDeclaration') {
      const d = stmt.declaration;
      if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
        declareStatements(env, [d]);
      }
      continue;
    }
    if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) bindPattern(env, d.id, d.init ?? undefined, []);
    } else if (stmt.type === 'FunctionDeclaration' && stmt.id) {
      env.vars.set(stmt.id.name, { value: new FnValue(stmt, env, stmt.id.name), state: 'done' });
    } else if (stmt.type === 'ClassDeclaration' && stmt.id) {
      env.vars.set(stmt.id.name, { value: new ClassValue(stmt.id.name), state: 'done' });
    } else if (stmt.type === 'ImportDeclaration' && stmt.importKind !== 'type') {
      const source = String(stmt.source.value);
      for (const s of stmt.specifiers ?? []) {
        const imported =
          s.type === 'ImportDefaultSpecifier'
            ? 'default'
            : s.type === 'ImportNamespaceSpecifier'
              ? '*'
              : s.imported.type === 'Identifier'
                ? s.imported.name
                : String(s.imported.value);
        env.vars.set(s.local.name, { importFrom: { source, imported } });
      }
    }
  }
}

/** Creates the module-level environment of a parsed program. */
export function moduleEnv(file: string, program: Node, host: EvalHost): Env {
  const env = new Env(file, host);
  declareStatements(env, program.body);
  // CommonJS `const x = require('./y')` is handled as an import in evaluateCall.
  return env;
}
