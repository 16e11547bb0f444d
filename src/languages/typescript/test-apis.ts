import { evaluate } from './evaluate.js';
import { ALL_BASES, CHAIN_MODS, type Chain } from './extract-model.js';
import { isUnknown, type Env } from './model.js';
import type { Node } from './parse.js';

/**
 * Which names of a module are test APIs (globals, imports with aliases, `.extend()` results),
 * and what a call's callee chain means (`test.skip.each(table)` → base, modifiers, table).
 */

/** Local name → the test API it stands for (`it`, `test`, `describe`, …). */
export function testApiNames(program: Node): Map<string, string> {
  // Which local names are test APIs: globals, imports (with aliases) and `.extend()` results.
  const apis = new Map<string, string>();
  const shadowed = new Set<string>();
  for (const b of ALL_BASES) apis.set(b, b);
  for (const stmt of program.body) {
    if (stmt.type === 'ImportDeclaration') {
      for (const s of stmt.specifiers ?? []) {
        if (s.type !== 'ImportSpecifier') continue;
        const imported = s.imported.name ?? s.imported.value;
        if (ALL_BASES.has(imported)) apis.set(s.local.name, imported);
        else if (s.local.name !== imported && apis.has(s.local.name)) shadowed.add(s.local.name);
      }
      for (const s of stmt.specifiers ?? []) {
        if (s.type === 'ImportDefaultSpecifier' && apis.has(s.local.name) && !ALL_BASES.has(s.local.name)) shadowed.add(s.local.name);
      }
    }
  }
  const extendRoot = (n: Node): string | undefined => {
    // base.extend(...)  /  base.extend<T>(...)  / test.extend(...).extend(...)
    let cur = n;
    while (cur && (cur.type === 'TSAsExpression' || cur.type === 'TSNonNullExpression' || cur.type === 'AwaitExpression')) cur = cur.expression ?? cur.argument;
    if (cur?.type === 'CallExpression' && cur.callee.type === 'MemberExpression' && ['extend', 'scoped', 'override'].includes(cur.callee.property?.name)) {
      const obj = cur.callee.object;
      if (obj.type === 'Identifier') return apis.get(obj.name);
      return extendRoot(obj);
    }
    if (cur?.type === 'Identifier') return apis.get(cur.name);
    return undefined;
  };
  // Two passes so `const a = base.extend(); const b = a.extend()` works in any order.
  for (let pass = 0; pass < 2; pass++) {
    const visitDecls = (stmts: Node[]) => {
      for (const raw of stmts) {
        const stmt = raw.type === 'ExportNamedDeclaration' && raw.declaration ? raw.declaration : raw;
        if (stmt.type !== 'VariableDeclaration') continue;
        for (const d of stmt.declarations) {
          if (d.id.type !== 'Identifier' || !d.init) continue;
          const root = extendRoot(d.init);
          if (root) apis.set(d.id.name, root === 'describe' ? 'describe' : root);
        }
      }
    };
    visitDecls(program.body);
  }
  // A module-level function or variable named like a test API (`function test(app) {…}`) shadows the global.
  for (const raw of program.body) {
    const stmt = raw.type === 'ExportNamedDeclaration' && raw.declaration ? raw.declaration : raw;
    if (stmt.type === 'FunctionDeclaration' && stmt.id && ALL_BASES.has(stmt.id.name)) shadowed.add(stmt.id.name);
    if (stmt.type === 'VariableDeclaration')
      for (const d of stmt.declarations)
        if (d.id.type === 'Identifier' && ALL_BASES.has(d.id.name) && !(d.init && extendRoot(d.init)) && !isRequireOfRunner(d.init)) shadowed.add(d.id.name);
  }
  for (const s of shadowed) if (apis.get(s) === s) apis.delete(s);
  return apis;
}

/** `const test = require('node:test')` / `const { it } = require('mocha')` style bindings. */
function isRequireOfRunner(init: Node | undefined): boolean {
  let cur = init;
  while (cur && cur.type === 'MemberExpression') cur = cur.object;
  return !!cur && cur.type === 'CallExpression' && cur.callee.type === 'Identifier' && cur.callee.name === 'require';
}

/** The test API a callee chain ends in, with its modifiers, `.each`/`.for` table and `skipIf`/`runIf` conditions; null when it is no test API. */
export function analyzeCallee(callee: Node, apis: ReadonlyMap<string, string>, env: Env): Chain | null {
  const mods: string[] = [];
  const conds: Chain['conds'] = [];
  let table: Chain['table'];
  let cur: Node = callee;
  for (;;) {
    if (cur.type === 'Identifier') {
      const base = apis.get(cur.name);
      if (!base) return null;
      mods.reverse();
      conds.reverse();
      return { base, mods, table, conds };
    }
    if (cur.type === 'MemberExpression' && !cur.computed) {
      const name = cur.property.name;
      if (!CHAIN_MODS.has(name) && mods.length === 0) {
        // test.step / test.beforeEach / test.use / describe.configure … : an API call that is not a test.
        mods.push(name);
      } else mods.push(name);
      cur = cur.object;
      continue;
    }
    if (cur.type === 'CallExpression') {
      const inner = cur.callee;
      if (inner.type !== 'MemberExpression' || inner.computed) return null;
      const name = inner.property.name;
      if (name === 'each' || name === 'for') {
        if (table) return null;
        table = { node: cur.arguments[0] ?? { type: 'Identifier', name: 'undefined', start: 0, end: 0 }, tagged: false, kind: name };
      } else if (name === 'skipIf' || name === 'runIf') {
        conds.push({ mod: name, node: cur.arguments[0] });
      } else if (name === 'extend' || name === 'scoped' || name === 'override') {
        /* test.extend({...})('title', fn) is not a thing; but test.extend(...).skip(...) is */
      } else return null;
      mods.push(name);
      cur = inner.object;
      continue;
    }
    if (cur.type === 'TaggedTemplateExpression') {
      const tag = cur.tag;
      if (tag.type !== 'MemberExpression' || (tag.property.name !== 'each' && tag.property.name !== 'for') || table) return null;
      table = { node: cur.quasi, tagged: true, kind: tag.property.name };
      mods.push(tag.property.name);
      cur = tag.object;
      continue;
    }
    if (cur.type === 'TSNonNullExpression' || cur.type === 'TSAsExpression') {
      cur = cur.expression;
      continue;
    }
    if (cur.type === 'ConditionalExpression' && mods.length === 0 && !table) {
      // (cond ? describe.skip : describe)('title', fn): take the branch the condition picks, else the running one.
      const a = analyzeCallee(cur.consequent, apis, env);
      const b = analyzeCallee(cur.alternate, apis, env);
      if (!a || !b) return null;
      const v = evaluate(cur.test, env);
      if (!isUnknown(v)) return v ? a : b;
      const skips = (c: Chain) => c.base.startsWith('x') || c.mods.includes('skip');
      return skips(a) && !skips(b) ? b : a;
    }
    return null;
  }
}
