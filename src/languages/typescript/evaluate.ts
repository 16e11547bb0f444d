import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { callBuiltin, mergeConfigValues, NODE_CONSTANTS, WRAPPERS } from './builtins.js';
import { declareStatements } from './env.js';
import { BuiltinValue, ClassValue, containsUnknownValue, FnValue, getPath, isPlainObject, isUnknown, Unknown, type Binding, type Env } from './model.js';
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
export function callFunction(fn: FnValue, args: unknown[], depth: number): unknown {
  if (depth > 20) return new Unknown('call depth exceeded');
  const node = fn.node;
  const env = fn.env.child();
  node.params.forEach((p: Node, i: number) => {
    const target = p.type === 'AssignmentPattern' ? p.left : p;
    if (target.type === 'Identifier') env.set(target.name, i < args.length ? (args[i] === undefined && p.type === 'AssignmentPattern' ? evaluate(p.right, env, depth + 1) : args[i]) : p.type === 'AssignmentPattern' ? evaluate(p.right, env, depth + 1) : undefined);
    else if (target.type === 'ObjectPattern')
      for (const prop of target.properties)
        if (prop.type !== 'RestElement' && prop.value?.type === 'Identifier') env.set(prop.value.name, new Unknown(`parameter ${prop.value.name}`));
  });
  const body = node.body;
  if (body.type !== 'BlockStatement') return evaluate(body, env, depth + 1);
  declareStatements(env, body.body);
  for (const stmt of body.body) if (stmt.type === 'ReturnStatement') return stmt.argument ? evaluate(stmt.argument, env, depth + 1) : undefined;
  return new Unknown(`function ${fn.name || '<anonymous>'} has no plain return`);
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
/** Returned by the method helpers when the method is not one they handle. */
const NO_MATCH = Symbol('no match');

/** `obj.name(…)`: the methods of built-ins and known values that are safe to run. */
function callMethod(node: Node, env: Env, depth: number, args: () => unknown[]): unknown {
  const callee = node.callee;
  const obj = evaluate(callee.object, env, depth + 1);
  const name = memberName(callee, env, depth);
  if (isUnknown(name)) return name;
  if (obj instanceof BuiltinValue && (obj.member === 'default' || obj.member === '*')) return callBuiltin(new BuiltinValue(obj.module, String(name)), args());
  if (callee.object.type === 'Identifier' && callee.object.name === 'JSON' && !env.lookup('JSON') && name === 'stringify') {
    const a = args();
    if (a.some(containsUnknownValue)) return new Unknown('JSON.stringify of a value that is not statically known');
    if (a.length > 1 && a[1] !== undefined && a[1] !== null) return new Unknown('JSON.stringify with a replacer');
    return JSON.stringify(a[0], null, a[2] as number | string | undefined);
  }
  if (callee.object.type === 'Identifier' && callee.object.name === 'Object' && !env.lookup('Object')) {
    const [a] = args();
    if (isPlainObject(a)) {
      if (name === 'keys') return Object.keys(a);
      if (name === 'values') return Object.values(a);
      if (name === 'entries') return Object.entries(a);
      if (name === 'assign') return Object.assign({}, ...args().filter(isPlainObject));
    }
    if (name === 'freeze' && a !== undefined) return a;
  }
  if (Array.isArray(obj)) {
    const r = arrayMethod(obj, name, node, env, depth, args);
    if (r !== NO_MATCH) return r;
  }
  if (typeof obj === 'string') {
    const r = stringMethod(obj, name, args());
    if (r !== NO_MATCH) return r;
  }
  if (obj instanceof URL && name === 'toString') return obj.href;
  if (obj instanceof Set && name === 'has') return obj.has(args()[0]);
  if (isPlainObject(obj) && name === 'toString' && !Object.prototype.hasOwnProperty.call(obj, 'toString')) return '[object Object]';
  if ((typeof obj === 'number' || typeof obj === 'boolean') && name === 'toString' && node.arguments.length === 0) return String(obj);
  if (typeof obj === 'number' && name === 'toFixed') {
    const [d] = args();
    return typeof d === 'number' || d === undefined ? obj.toFixed(d as number | undefined) : new Unknown('toFixed');
  }
  return new Unknown(`call of .${String(name)}()`);
}

/** Array methods; `NO_MATCH` when `name` is not one we run. */
function arrayMethod(obj: unknown[], name: string | number, node: Node, env: Env, depth: number, args: () => unknown[]): unknown {
  if (name === 'concat') return obj.concat(...args());
  if (name === 'slice' || name === 'splice') return obj.slice(...(args() as number[]).slice(0, 1), name === 'splice' && args()[1] !== undefined ? (args()[0] as number) + (args()[1] as number) : undefined);
  if (name === 'join' || name === 'toString') {
    if (obj.some((x) => containsUnknownValue(x))) return new Unknown(`${name} of values that are not statically known`);
    return name === 'join' ? obj.join(...(args() as string[])) : obj.toString();
  }
  if (name === 'includes') return obj.includes(args()[0]);
  if (name === 'indexOf') return obj.indexOf(args()[0]);
  if ((name === 'map' || name === 'filter' || name === 'flatMap') && node.arguments[0]) {
    const f = evaluate(node.arguments[0], env, depth + 1);
    if (f instanceof FnValue) {
      const out: unknown[] = [];
      for (let i = 0; i < obj.length; i++) {
        const r = callFunction(f, [obj[i], i], depth + 1);
        if (isUnknown(r)) return r;
        if (name === 'map') out.push(r);
        else if (name === 'filter') {
          if (r) out.push(obj[i]);
        } else if (Array.isArray(r)) out.push(...r);
        else out.push(r);
      }
      return out;
    }
  }
  return NO_MATCH;
}

/** String methods with string or number arguments; `NO_MATCH` otherwise. */
function stringMethod(obj: string, name: string | number, a: unknown[]): unknown {
  if (a.every((x) => typeof x === 'string' || typeof x === 'number')) {
    if (name === 'toString' || name === 'valueOf') return obj;
    if (name === 'toUpperCase') return obj.toUpperCase();
    if (name === 'toLowerCase') return obj.toLowerCase();
    if (name === 'trim') return obj.trim();
    if (name === 'replace' || name === 'replaceAll') return obj[name](String(a[0]), String(a[1]));
    if (name === 'repeat') return obj.repeat(Number(a[0]));
    if (name === 'padStart' || name === 'padEnd') return obj[name](Number(a[0]), a[1] === undefined ? undefined : String(a[1]));
    if (name === 'slice') return obj.slice(...(a as number[]));
    if (name === 'concat') return obj.concat(...a.map(String));
  }
  return NO_MATCH;
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
      if (Array.isArray(v)) out.push(...v);
      else if (typeof v === 'string') out.push(...v);
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
  if (node.callee.type === 'Identifier' && node.callee.name === 'Set' && !env.lookup('Set')) {
    const a = node.arguments[0] ? evaluate(node.arguments[0], env, depth + 1) : [];
    if (Array.isArray(a) && !a.some((x) => containsUnknownValue(x))) return new Set(a);
    return new Unknown('new Set of values that are not statically known');
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
