import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { callBuiltin, mergeConfigValues, NODE_CONSTANTS, WRAPPERS } from './builtins.js';
import { declareStatements } from './env.js';
import { BuiltinValue, ClassValue, containsUnknownValue, FnValue, getPath, isPlainObject, isUnknown, Unknown, type Binding, type Env } from './model.js';
import { arrayMethod, arrayStatic, collectionMethod, iterableValues, newCollection, NO_MATCH, numberMethod, objectStatic, stringMethod, type Invoke } from './methods.js';
import { binary } from './operators.js';
import type { Node } from './parse.js';

/**
 * A small, safe static evaluator for the shapes configs and test titles are written in: literals,
 * object/array literals with spreads, template literals, simple operators, constants, imports of
 * constants from relative modules, `defineConfig`-style wrappers, `mergeConfig` and `path` helpers.
 * Nothing is ever executed; what cannot be known becomes an `Unknown` carrying the reason.
 */

export { BuiltinValue, ClassValue, Env, FnValue, isPlainObject, isUnknown, Unknown, type EvalHost } from './model.js';
export { declareStatements, moduleEnv } from './env.js';
export { mergeConfigValues } from './builtins.js';

function bindingValue(name: string, b: Binding, env: Env): unknown {
  if (b.state === 'done') return b.value;
  if (b.state === 'evaluating') return new Unknown(`circular reference to ${name}`);
  b.state = 'evaluating';
  let v: unknown;
  if (b.importFrom) {
    const { source, imported } = b.importFrom;
    if (source.startsWith('.') || source.startsWith('/')) {
      v = env.host.importValue ? env.host.importValue(env.file, source, imported) : new Unknown(`import from ${source}`);
    } else if (source === 'path' || source === 'node:path' || source === 'node:url' || source === 'url') {
      v = new BuiltinValue(source.replace(/^node:/, ''), imported);
    } else if (NODE_CONSTANTS[source.replace(/^node:/, '')]) {
      const mod = NODE_CONSTANTS[source.replace(/^node:/, '')]!;
      v = imported === 'default' || imported === '*' ? mod : imported in mod ? mod[imported] : new Unknown(`${imported} of ${source}`);
    } else {
      v = env.host.packageImport?.(source, imported) ?? new Unknown(`${imported} imported from ${source}`);
    }
  } else if (b.node) {
    v = getPath(evaluate(b.node, env), b.path ?? []);
  } else {
    v = new Unknown(`${name} has no initial value`);
  }
  b.value = v;
  b.state = 'done';
  return v;
}
/**
 * Binds a parameter or loop-variable pattern to a value, as JavaScript destructures it: defaults
 * for `undefined`, object and array patterns, rest elements. Where the value is not known, each
 * name gets `unknownOf(name)` (or the value's own `Unknown`).
 */
export function bindPattern(env: Env, pattern: Node | null | undefined, value: unknown, depth = 0, unknownOf?: (name: string) => Unknown): void {
  if (!pattern) return;
  const unknownFor = (name: string, v: unknown): Unknown => unknownOf?.(name) ?? (isUnknown(v) ? v : new Unknown(`${name} is destructured from a value that is not statically known`));
  switch (pattern.type) {
    case 'Identifier':
      env.set(pattern.name, value);
      return;
    case 'AssignmentPattern':
      return bindPattern(env, pattern.left, value === undefined ? evaluate(pattern.right, env, depth + 1) : value, depth, unknownOf);
    case 'ObjectPattern': {
      const known = isPlainObject(value) || Array.isArray(value) || typeof value === 'string';
      const used = new Set<string>();
      for (const p of pattern.properties) {
        if (p.type === 'RestElement') {
          const rest = isPlainObject(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => !used.has(k))) : undefined;
          bindPattern(env, p.argument, rest ?? unknownFor(patternName(p.argument), value), depth, rest ? unknownOf : undefined);
          continue;
        }
        const key = p.computed ? evaluate(p.key, env, depth + 1) : p.key.type === 'Identifier' ? p.key.name : p.key.value;
        if (!known || isUnknown(key)) {
          bindUnknown(env, p.value, (n) => unknownFor(n, isUnknown(key) ? key : value));
          continue;
        }
        used.add(String(key));
        const v = isPlainObject(value) ? (Object.prototype.hasOwnProperty.call(value, String(key)) ? value[String(key)] : undefined) : (value as unknown as Record<string, unknown>)[String(key)];
        bindPattern(env, p.value, v, depth, unknownOf);
      }
      return;
    }
    case 'ArrayPattern': {
      const items = iterableValues(value);
      pattern.elements.forEach((el: Node | null, i: number) => {
        if (!el) return;
        if (!items) return bindUnknown(env, el, (n) => unknownFor(n, value));
        if (el.type === 'RestElement') return bindPattern(env, el.argument, items.slice(i), depth, unknownOf);
        bindPattern(env, el, items[i], depth, unknownOf);
      });
      return;
    }
  }
}

/** Binds every name a pattern declares to an unknown value. */
export function bindUnknown(env: Env, pattern: Node | null | undefined, unknownOf: (name: string) => Unknown): void {
  if (!pattern) return;
  if (pattern.type === 'Identifier') env.set(pattern.name, unknownOf(pattern.name));
  else if (pattern.type === 'AssignmentPattern') bindUnknown(env, pattern.left, unknownOf);
  else if (pattern.type === 'RestElement') bindUnknown(env, pattern.argument, unknownOf);
  else if (pattern.type === 'ObjectPattern') for (const p of pattern.properties) bindUnknown(env, p.type === 'RestElement' ? p.argument : p.value, unknownOf);
  else if (pattern.type === 'ArrayPattern') for (const el of pattern.elements) bindUnknown(env, el, unknownOf);
}

function patternName(p: Node): string {
  return p?.type === 'Identifier' ? p.name : 'a pattern';
}

export function callFunction(fn: FnValue, args: unknown[], depth: number): unknown {
  if (depth > 20) return new Unknown('call depth exceeded');
  const node = fn.node;
  const env = fn.env.child();
  node.params.forEach((p: Node, i: number) => {
    if (p.type === 'RestElement') bindPattern(env, p.argument, args.slice(i), depth + 1);
    else bindPattern(env, p, args[i], depth + 1);
  });
  const body = node.body;
  if (body.type !== 'BlockStatement') return evaluate(body, env, depth + 1);
  const r = runBlock(body.body, env, depth + 1);
  return r === FELL_THROUGH ? new Unknown(`function ${fn.name || '<anonymous>'} has no plain return`) : r;
}

const FELL_THROUGH = Symbol('no return');

/**
 * Runs a function body for its return value: declarations, `if`/`else` on known conditions, nested
 * blocks and `return`. Other statements are ignored (their effects are not modelled), as before.
 */
function runBlock(stmts: readonly Node[], env: Env, depth: number): unknown {
  declareStatements(env, stmts);
  for (const stmt of stmts) {
    if (stmt.type === 'ReturnStatement') return stmt.argument ? evaluate(stmt.argument, env, depth + 1) : undefined;
    if (stmt.type === 'IfStatement') {
      const t = evaluate(stmt.test, env, depth + 1);
      if (isUnknown(t)) return t;
      const branch = t ? stmt.consequent : stmt.alternate;
      if (!branch) continue;
      const r = runBlock(branch.type === 'BlockStatement' ? branch.body : [branch], env.child(), depth + 1);
      if (r !== FELL_THROUGH) return r;
    } else if (stmt.type === 'BlockStatement') {
      const r = runBlock(stmt.body, env.child(), depth + 1);
      if (r !== FELL_THROUGH) return r;
    } else if (stmt.type === 'SwitchStatement' || stmt.type === 'ForStatement' || stmt.type === 'ForOfStatement' || stmt.type === 'ForInStatement' || stmt.type === 'WhileStatement' || stmt.type === 'DoWhileStatement' || stmt.type === 'TryStatement') {
      // a return inside these is not followed
      if (containsReturn(stmt)) return new Unknown(`a return inside a ${stmt.type}`);
    }
  }
  return FELL_THROUGH;
}

function containsReturn(n: Node): boolean {
  if (!n || typeof n !== 'object') return false;
  if (n.type === 'ReturnStatement') return true;
  if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') return false;
  for (const k in n) {
    const v = n[k];
    if (Array.isArray(v)) {
      if (v.some((c) => c && typeof c.type === 'string' && containsReturn(c))) return true;
    } else if (v && typeof v === 'object' && typeof v.type === 'string' && containsReturn(v)) return true;
  }
  return false;
}

function memberName(node: Node, env: Env, depth: number): string | number | Unknown {
  if (!node.computed) return node.property.name;
  const k = evaluate(node.property, env, depth + 1);
  if (typeof k === 'string' || typeof k === 'number') return k;
  return isUnknown(k) ? k : new Unknown('computed member');
}

function evaluateCall(node: Node, env: Env, depth: number): unknown {
  const callee = node.callee;
  const args = (): unknown[] =>
    node.arguments.flatMap((a: Node) => {
      if (a.type === 'SpreadElement') {
        const v = evaluate(a.argument, env, depth + 1);
        return Array.isArray(v) ? v : [new Unknown('spread argument')];
      }
      return [evaluate(a, env, depth + 1)];
    });
  // require('./x') / require('pkg')
  if (callee.type === 'Identifier' && callee.name === 'require' && !env.lookup('require')) {
    const src = node.arguments[0];
    if (src?.type === 'Literal' && typeof src.value === 'string') {
      if (src.value.startsWith('.')) return env.host.importValue?.(env.file, src.value, '*') ?? new Unknown('require');
      if (src.value === 'path' || src.value === 'node:path') return new BuiltinValue('path', '*');
      const constants = NODE_CONSTANTS[src.value.replace(/^node:/, '')];
      if (constants) return constants;
      return env.host.packageImport?.(src.value, '*') ?? new Unknown(`require('${src.value}')`);
    }
    return new Unknown('dynamic require');
  }
  if (callee.type === 'Identifier' && WRAPPERS.has(callee.name) && (!env.lookup(callee.name) || env.lookup(callee.name)?.importFrom)) {
    const a = args()[0];
    return a instanceof FnValue ? callFunction(a, [{ mode: 'test', command: 'serve' }], depth) : a;
  }
  if (callee.type === 'Identifier' && callee.name === 'mergeConfig') {
    const [a, b] = args();
    const ra = a instanceof FnValue ? callFunction(a, [], depth) : a;
    const rb = b instanceof FnValue ? callFunction(b, [], depth) : b;
    return mergeConfigValues(ra, rb);
  }
  if (callee.type === 'MemberExpression') return callMethod(node, env, depth, args);
  const fn = evaluate(callee, env, depth + 1);
  if (fn instanceof BuiltinValue) return callBuiltin(fn, args());
  if (fn instanceof FnValue) return callFunction(fn, args(), depth + 1);
  if (callee.type === 'Identifier' && (callee.name === 'String' || callee.name === 'Number') && !env.lookup(callee.name)) {
    const [a] = args();
    if (isUnknown(a)) return a;
    return callee.name === 'String' ? String(a) : Number(a);
  }
  return isUnknown(fn) ? fn : new Unknown(`call of ${callee.type === 'Identifier' ? callee.name : 'an expression'}()`);
}
/** `obj.name(…)`: the methods of built-ins and known values that are safe to run. */
function callMethod(node: Node, env: Env, depth: number, args: () => unknown[]): unknown {
  const callee = node.callee;
  const global = (name: string) => callee.object.type === 'Identifier' && callee.object.name === name && !env.lookup(name);
  const name = memberName(callee, env, depth);
  if (isUnknown(name)) return name;
  const invoke: Invoke = (fn, a) => callFunction(fn, a, depth + 1);
  if (global('JSON') && name === 'stringify') {
    const a = args();
    if (a.some(containsUnknownValue)) return new Unknown('JSON.stringify of a value that is not statically known');
    if (a.length > 1 && a[1] !== undefined && a[1] !== null) return new Unknown('JSON.stringify with a replacer');
    return JSON.stringify(a[0], null, a[2] as number | string | undefined);
  }
  if (global('Object')) {
    const r = objectStatic(String(name), args());
    if (r !== NO_MATCH) return r;
  }
  if (global('Array')) {
    const r = arrayStatic(String(name), args(), invoke);
    if (r !== NO_MATCH) return r;
  }
  const obj = evaluate(callee.object, env, depth + 1);
  if (isUnknown(obj)) return obj;
  if (obj instanceof BuiltinValue && (obj.member === 'default' || obj.member === '*')) return callBuiltin(new BuiltinValue(obj.module, String(name)), args());
  let r: unknown = NO_MATCH;
  if (Array.isArray(obj)) r = arrayMethod(obj, name, args(), invoke);
  else if (typeof obj === 'string') r = stringMethod(obj, name, args());
  else if (obj instanceof Map || obj instanceof Set) r = collectionMethod(obj, name, args());
  else if (typeof obj === 'number' || typeof obj === 'boolean') r = numberMethod(obj, name, args());
  else if (obj instanceof URL && name === 'toString') r = obj.href;
  else if (isPlainObject(obj) && name === 'toString' && !Object.prototype.hasOwnProperty.call(obj, 'toString')) r = '[object Object]';
  else if (isPlainObject(obj) && obj[name] instanceof FnValue) r = callFunction(obj[name] as FnValue, args(), depth + 1);
  if (r !== NO_MATCH) return r;
  return new Unknown(`call of .${String(name)}()`);
}

/** Evaluates an expression statically. Returns an `Unknown` for what cannot be known. */
export function evaluate(node: Node | null | undefined, env: Env, depth = 0): unknown {
  if (!node) return undefined;
  if (depth > 200) return new Unknown('expression too deep');
  switch (node.type) {
    case 'Literal':
      if (node.regex) {
        try {
          return new RegExp(node.regex.pattern, node.regex.flags);
        } catch {
          return new Unknown('invalid regex');
        }
      }
      if (node.bigint !== undefined && node.bigint !== null) return BigInt(node.bigint);
      return node.value;
    case 'TemplateLiteral':
      return evalTemplate(node, env, depth);
    case 'Identifier':
      return evalIdentifier(node, env, depth);
    case 'ArrayExpression':
      return evalArray(node, env, depth);
    case 'ObjectExpression':
      return evalObject(node, env, depth);
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'TSInstantiationExpression':
    case 'ParenthesizedExpression':
    case 'ChainExpression':
      return evaluate(node.expression, env, depth + 1);
    case 'AwaitExpression':
      return evaluate(node.argument, env, depth + 1);
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return new FnValue(node, env, node.id?.name ?? '');
    case 'ClassExpression':
      return new ClassValue(node.id?.name ?? '');
    case 'UnaryExpression':
      return evalUnary(node, env, depth);
    case 'BinaryExpression':
      return binary(node.operator, evaluate(node.left, env, depth + 1), evaluate(node.right, env, depth + 1));
    case 'LogicalExpression': {
      const a = evaluate(node.left, env, depth + 1);
      if (isUnknown(a)) return a;
      if (node.operator === '&&') return a ? evaluate(node.right, env, depth + 1) : a;
      if (node.operator === '||') return a ? a : evaluate(node.right, env, depth + 1);
      return a ?? evaluate(node.right, env, depth + 1);
    }
    case 'ConditionalExpression': {
      const t = evaluate(node.test, env, depth + 1);
      if (isUnknown(t)) return t;
      return evaluate(t ? node.consequent : node.alternate, env, depth + 1);
    }
    case 'MemberExpression':
      return evalMember(node, env, depth);
    case 'CallExpression':
      return evaluateCall(node, env, depth);
    case 'NewExpression':
      return evalNew(node, env, depth);
    case 'TaggedTemplateExpression':
      return evalTaggedTemplate(node, env, depth);
    case 'SequenceExpression':
      return evaluate(node.expressions[node.expressions.length - 1], env, depth + 1);
    default:
      return new Unknown(`${node.type} is not statically known`);
  }
}

function evalTemplate(node: Node, env: Env, depth: number): unknown {
  let s = '';
  for (let i = 0; i < node.quasis.length; i++) {
    s += node.quasis[i].value.cooked ?? node.quasis[i].value.raw;
    if (i < node.expressions.length) {
      const v = evaluate(node.expressions[i], env, depth + 1);
      if (isUnknown(v)) return v;
      if (v instanceof ClassValue) s += `class ${v.name} {}`;
      else if (typeof v === 'object' && v !== null && !(v instanceof RegExp) && !Array.isArray(v)) return new Unknown('object in template literal');
      else s += String(v);
    }
  }
  return s;
}

function evalIdentifier(node: Node, env: Env, depth: number): unknown {
  if (node.name === 'undefined' && !env.lookup('undefined')) return undefined;
  const b = env.lookup(node.name);
  if (b) return bindingValue(node.name, b, env);
  if (node.name === '__dirname') return path.dirname(env.file);
  if (node.name === '__filename') return env.file;
  if (node.name === 'NaN') return NaN;
  if (node.name === 'Infinity') return Infinity;
  return new Unknown(`${node.name} is not a known constant`);
}

function evalArray(node: Node, env: Env, depth: number): unknown {
  const out: unknown[] = [];
  for (const el of node.elements) {
    if (!el) out.push(undefined);
    else if (el.type === 'SpreadElement') {
      const v = evaluate(el.argument, env, depth + 1);
      const items = iterableValues(v);
      if (items) out.push(...items);
      else return isUnknown(v) ? v : new Unknown('spread of a non-array');
    } else out.push(evaluate(el, env, depth + 1));
  }
  return out;
}

function evalObject(node: Node, env: Env, depth: number): unknown {
  const out: Record<string, unknown> = {};
  for (const p of node.properties) {
    if (p.type === 'SpreadElement') {
      const v = evaluate(p.argument, env, depth + 1);
      if (isPlainObject(v)) Object.assign(out, v);
      else if (v === undefined || v === null || v === false) continue;
      else return isUnknown(v) ? v : new Unknown('spread of a non-object');
      continue;
    }
    let key: unknown;
    if (p.computed) key = evaluate(p.key, env, depth + 1);
    else key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
    if (isUnknown(key)) continue; // unknown key: drop the property
    out[String(key)] = p.value.type === 'FunctionExpression' || p.value.type === 'ArrowFunctionExpression'
      ? new FnValue(p.value, env, String(key))
      : evaluate(p.value, env, depth + 1);
  }
  return out;
}

function evalUnary(node: Node, env: Env, depth: number): unknown {
  if (node.operator === 'typeof') {
    const v = evaluate(node.argument, env, depth + 1);
    return isUnknown(v) ? v : typeof v;
  }
  const v = evaluate(node.argument, env, depth + 1);
  if (isUnknown(v)) return v;
  if (node.operator === '!') return !v;
  if (node.operator === '-') return -(v as number);
  if (node.operator === '+') return +(v as number);
  if (node.operator === 'void') return undefined;
  return new Unknown(`operator ${node.operator}`);
}

function evalMember(node: Node, env: Env, depth: number): unknown {
  if (node.object.type === 'MetaProperty') {
    const prop = node.property.name;
    if (prop === 'url') return pathToFileURL(env.file).href;
    if (prop === 'dirname') return path.dirname(env.file);
    if (prop === 'filename') return env.file;
    return new Unknown('import.meta');
  }
  if (node.object.type === 'Identifier' && node.object.name === 'process' && !env.lookup('process')) {
    return new Unknown('process.* depends on the environment');
  }
  const obj = evaluate(node.object, env, depth + 1);
  if (isUnknown(obj)) return obj;
  const key = memberName(node, env, depth);
  if (isUnknown(key)) return key;
  if (obj instanceof ClassValue) return key === 'name' ? obj.name : new Unknown(`static member ${String(key)}`);
  if (obj instanceof BuiltinValue && (obj.member === 'default' || obj.member === '*')) return new BuiltinValue(obj.module, String(key));
  if ((obj instanceof Map || obj instanceof Set) && key === 'size') return obj.size;
  if (obj === null || obj === undefined) return node.optional ? undefined : new Unknown(`cannot read ${String(key)} of ${String(obj)}`);
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (key === 'length') return obj.length;
    if (typeof key === 'number' || /^\d+$/.test(String(key))) return (obj as unknown[])[Number(key)];
    return new Unknown(`member ${String(key)}`);
  }
  if (isPlainObject(obj)) return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key as string] : undefined;
  if (obj instanceof URL && key === 'pathname') return obj.pathname;
  return new Unknown(`member ${String(key)}`);
}

function evalNew(node: Node, env: Env, depth: number): unknown {
  if (node.callee.type === 'Identifier' && node.callee.name === 'URL') {
    const [a, b] = node.arguments.map((x: Node) => evaluate(x, env, depth + 1));
    if (typeof a === 'string' && (b === undefined || typeof b === 'string')) {
      try {
        return new URL(a, b);
      } catch {
        return new Unknown('invalid URL');
      }
    }
  }
  if (node.callee.type === 'Identifier' && (node.callee.name === 'Set' || node.callee.name === 'Map') && !env.lookup(node.callee.name)) {
    return newCollection(node.callee.name, node.arguments[0] ? evaluate(node.arguments[0], env, depth + 1) : undefined);
  }
  if (node.callee.type === 'Identifier' && node.callee.name === 'RegExp') {
    const [a, b] = node.arguments.map((x: Node) => evaluate(x, env, depth + 1));
    if (typeof a === 'string' && (b === undefined || typeof b === 'string')) {
      try {
        return new RegExp(a, b);
      } catch {
        return new Unknown('invalid regex');
      }
    }
  }
  return new Unknown('new expression');
}

function evalTaggedTemplate(node: Node, env: Env, depth: number): unknown {
  const tag = node.tag;
  if (tag.type === 'MemberExpression' && tag.object.type === 'Identifier' && tag.object.name === 'String' && tag.property.name === 'raw' && !env.lookup('String')) {
    let s = '';
    for (let i = 0; i < node.quasi.quasis.length; i++) {
      s += node.quasi.quasis[i].value.raw;
      if (i < node.quasi.expressions.length) {
        const v = evaluate(node.quasi.expressions[i], env, depth + 1);
        if (isUnknown(v)) return v;
        s += String(v);
      }
    }
    return s;
  }
  return new Unknown('tagged template');
}
