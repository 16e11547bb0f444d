/**
 * Calls with statically known results: builtins, itertools, pathlib, re, textwrap, methods of
 * literal values, and calls followed into the repository's own functions (`interpret.ts`).
 * A call whose result is an object without `__name__` (an instance) gives `object`, whose id is
 * argname + index; where the result could be a str, number, class or function, it stays unknown.
 */
import type { Expr } from '../ast.js';
import { exprName, OPAQUE_BUILTINS, posixPath, pyCompare, pyEquals, reEscape, setOrder, toInt, truthy } from './builtins.js';
import { dedent, pyAscii, pyRepr, pyStrOf, strFormat } from './format.js';
import { fail, MAX_ITEMS, Unresolvable, type CallEvaluator, type Env, type PyValue, type Resolved } from './types.js';
import { callMethod } from './methods.js';
import { externalCall } from './external.js';

const rootName = (e: Expr): string | undefined => (e.t === 'name' ? e.id : e.t === 'attr' ? rootName(e.obj) : undefined);

export function evalCall(ev: CallEvaluator, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  const fnRef = e.fn;
  const name = fnRef.t === 'name' ? fnRef.id : fnRef.t === 'attr' ? fnRef.name : '';
  const root = rootName(fnRef);
  const local = root !== undefined && !!env?.has(root);
  const args = () => ev.evalArgs(e.args, file, env);
  const kwargs = () => new Map(Object.entries(e.kwargs).map(([k, v]) => [k, ev.evaluate(v, file, env)] as [string, PyValue]));
  // a module imported inside the function being followed
  const localRef = local ? localModuleRef(ev, fnRef, env!) : undefined;
  if (!localRef && ((local && fnRef.t === 'name') || (fnRef.t !== 'name' && fnRef.t !== 'attr'))) return callExpression(ev, e, file, env);
  const target = localRef ?? (local || root === undefined ? undefined : ev.project.resolveExprRef(fnRef, file));
  // a function of the class body being evaluated (`_cases()` in a decorator inside the class)
  if (target?.k === 'unknown' && fnRef.t === 'name') return callExpression(ev, e, file, env);
  if (target?.k === 'builtin') return builtinCall(ev, name, e, file, env);
  // markupsafe.Markup (also re-exported by jinja2/flask) is a str subclass: its id is the text.
  if (target?.k === 'external' && name === 'Markup' && /^(markupsafe|jinja2|flask)(\.|$)/.test(target.module) && e.args.length === 1 && !Object.keys(e.kwargs).length) {
    const [v] = args();
    if (v?.k === 'str') return v;
    return { k: 'unknown', reason: 'Markup() of a computed value' };
  }
  if (target?.k === 'external' && (target.module === 'pathlib' || target.module === 'pathlib.Path') && /^(Pure)?(Posix)?Path$/.test(target.name)) {
    const parts = e.args.map((a) => (a.t === 'starred' ? ({ k: 'unknown', reason: 'starred' } as PyValue) : ev.lenient(a, file, env)));
    if (parts.every((p) => p.k === 'str' || (p.k === 'object' && p.str !== undefined)))
      return { k: 'object', what: 'Path()', str: posixPath(parts.map((p) => (p.k === 'str' ? p.v : (p as { str: string }).str))) };
    return { k: 'object', what: 'Path()' };
  }
  if (target?.k === 'value' && target.binding.expr.t === 'call') {
    // Instances of namedtuple / NamedTuple / make_dataclass types have no __name__.
    const factory = ev.project.resolveExprRef(target.binding.expr.fn, target.file);
    if (factory.k === 'external' && /^(namedtuple|NamedTuple|make_dataclass)$/.test(factory.name)) return { k: 'object', what: `${name}()` };
  }
  if (target?.k === 'external' && target.module === 're' && (target.name === 'compile' || target.name === 'escape')) {
    const [pattern] = args();
    if (pattern?.k !== 'str') return fail(`re.${target.name}() of a non-literal`);
    // A compiled pattern's id is its (escaped) pattern text, like a string's.
    return target.name === 'escape' ? { k: 'str', v: reEscape(pattern.v) } : pattern;
  }
  if (target?.k === 'external' && target.module === 'itertools') return itertoolsCall(ev, target.name, e, file, env);
  if (target?.k === 'external' && target.module === 'itertools.chain' && target.name === 'from_iterable')
    return { k: 'seq', kind: 'list', items: ev.iterate(args()[0]!).flatMap((x) => ev.iterate(x)) };
  // Methods: of values (`"-".join(…)`, `d.items()`, a local list), and of classes and instances.
  if (fnRef.t === 'attr' && (target === undefined || target.k === 'unknown' || target.k === 'value')) {
    let obj: PyValue;
    try {
      obj = ev.evaluate(fnRef.obj, file, env);
    } catch (error) {
      if (error instanceof Unresolvable && target?.k === 'value') return { k: 'unknown', reason: `${exprName(fnRef)}() is evaluated at run time` };
      throw error;
    }
    if (target?.k === 'value' && obj.k !== 'str' && obj.k !== 'bytes' && obj.k !== 'seq' && obj.k !== 'dict' && obj.k !== 'object' && obj.k !== 'named')
      return { k: 'unknown', reason: `${exprName(fnRef)}() is evaluated at run time` };
    return callMethod(ev, obj, fnRef.name, e, file, env);
  }
  if (target?.k === 'class') return ev.callValue({ k: 'named', name: target.cls.name, fn: { kind: 'class', cls: target.cls, file: target.file } }, [], new Map());
  if (target?.k === 'function') {
    const fn = target.fn;
    let bound: PyValue[] = [];
    if (fnRef.t === 'attr' && fn.decorators.some((d) => d.t === 'name' && d.id === 'classmethod')) {
      const owner = ev.project.resolveExprRef(fnRef.obj, file);
      if (owner.k !== 'class') return { k: 'unknown', reason: `${name}() is computed` };
      bound = [{ k: 'named', name: owner.cls.name, fn: { kind: 'class', cls: owner.cls, file: owner.file } }];
    }
    try {
      const v = ev.callValue({ k: 'named', name: fn.name, fn: { kind: 'def', fn, file: target.file } }, [...bound, ...args()], kwargs());
      return v.k === 'unknown' ? { k: 'unknown', reason: `${name}() is computed (${v.reason})` } : v;
    } catch (error) {
      if (!(error instanceof Unresolvable)) throw error;
      // A repo function may return anything (a class, a string); only its caller's use decides.
      return { k: 'unknown', reason: `${name}() is computed (${error.message})` };
    }
  }
  if (target?.k === 'value') {
    // a module-level callable: `idfn = lambda v: …`, `make = functools.partial(…)`
    const callee = ev.evaluate(fnRef, file, env);
    if (callee.k !== 'named' || !callee.fn) return fail(`call of ${name}()`);
    return ev.callValue(callee, args(), kwargs());
  }
  if (target?.k === 'external' || target?.k === 'module') {
    const module = target.k === 'external' ? target.module : target.dotted;
    const fname = target.k === 'external' ? target.name : '';
    return externalCall(ev, module, fname, e, file, env);
  }
  return fail(`call of ${name || 'an expression'}()`);
}

/** A call of a local callable or of an expression's value (`make()(cls)`, `fns[0](x)`). */
function callExpression(ev: CallEvaluator, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  try {
    const callee = ev.evaluate(e.fn, file, env);
    const kw = new Map(Object.entries(e.kwargs).map(([k, v]) => [k, ev.evaluate(v, file, env)] as [string, PyValue]));
    return ev.callValue(callee, ev.evalArgs(e.args, file, env), kw);
  } catch (error) {
    if (!(error instanceof Unresolvable)) throw error;
    // `decorator(...)(cls)`: a class decorator gives back a class of the same name, as for
    // `@decorator` on a class statement.
    if (e.fn.t === 'call' && e.args.length === 1 && !Object.keys(e.kwargs).length && e.args[0]!.t !== 'starred') {
      const arg = ev.lenient(e.args[0]!, file, env);
      if (isClassValue(arg)) return arg;
    }
    throw error;
  }
}

/** `mod.attr…` where `mod` was imported inside the function being followed: what it refers to. */
export function localModuleRef(ev: CallEvaluator, ref: Expr, env: Env): Resolved | undefined {
  if (ref.t === 'name') {
    const v = env.get(ref.id);
    return v?.k === 'named' && v.fn?.kind === 'external' && v.fn.module !== 'builtins.str' ? { k: 'external', module: v.fn.module, name: v.fn.name } : undefined;
  }
  if (ref.t !== 'attr') return undefined;
  const base = localModuleRef(ev, ref.obj, env);
  return base ? ev.project.resolveAttr(base, ref.name) : undefined;
}

export function isClassValue(v: PyValue): boolean {
  return v.k === 'named' && (v.fn?.kind === 'class' || v.fn?.kind === 'madeclass');
}

/** The values of a call's keyword arguments. */
function kwValues(ev: CallEvaluator, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): Map<string, PyValue> {
  return new Map(Object.entries(e.kwargs).map(([k, v]) => [k, ev.evaluate(v, file, env)] as [string, PyValue]));
}

function sortItems(ev: CallEvaluator, items: PyValue[], key: PyValue | undefined, reverse: boolean): PyValue[] {
  const keyed = items.map((v) => ({ v, key: key && key.k !== 'none' ? ev.callValue(key, [v], new Map()) : v }));
  // Python's sort is stable, also with reverse=True (equal items keep their order).
  keyed.sort((a, b) => (reverse ? -1 : 1) * pyCompare(a.key, b.key));
  return keyed.map((x) => x.v);
}

function builtinCall(ev: CallEvaluator, name: string, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  const args = () => ev.evalArgs(e.args, file, env);
  switch (name) {
    case 'getattr': {
      // getattr(module, "name", default): which one it gives depends on the installed module.
      const [obj, attr] = e.args;
      if (obj && attr?.t === 'str' && (obj.t === 'name' || obj.t === 'attr')) {
        const r = ev.project.resolveExprRef(obj, file);
        if (r.k === 'module' || (r.k === 'external' && r.name === '')) return { k: 'unknown', reason: `getattr(${exprName(obj)}, "${attr.v}") is looked up at run time` };
      }
      if (obj && attr?.t === 'str' && attr.v === '__name__' && e.args.length <= 3) {
        // getattr(value, "__name__", default): what pytest's own id rule looks at
        const v = ev.lenient(obj, file, env);
        const dflt = () => (e.args[2] ? ev.evaluate(e.args[2], file, env) : fail('no __name__'));
        if (v.k === 'named') return { k: 'str', v: v.name };
        if (v.k === 'seq' && v.name !== undefined) return { k: 'str', v: v.name };
        if (v.k === 'str' || v.k === 'bytes' || v.k === 'int' || v.k === 'float' || v.k === 'bool' || v.k === 'none' || v.k === 'complex' || v.k === 'seq' || v.k === 'dict' || v.k === 'object') return dflt();
      }
      return { k: 'unknown', reason: 'getattr() is looked up at run time' };
    }
    case 'range': {
      const a = args().map((v) => toInt(v));
      const [start, stop, step] = a.length === 1 ? [0n, a[0]!, 1n] : [a[0]!, a[1]!, a[2] ?? 1n];
      if (step === 0n) fail('range step 0');
      const items: PyValue[] = [];
      for (let i = start; step > 0n ? i < stop : i > stop; i += step) {
        items.push({ k: 'int', v: i });
        if (items.length > MAX_ITEMS) fail('range too large');
      }
      return { k: 'seq', kind: 'list', items };
    }
    case 'sorted': {
      const kw = kwValues(ev, e, file, env);
      for (const k of kw.keys()) if (k !== 'key' && k !== 'reverse') fail(`sorted() with ${k}`);
      const reverse = kw.has('reverse') ? truthy(kw.get('reverse')!) : false;
      return { k: 'seq', kind: 'list', items: sortItems(ev, [...ev.items(args()[0]!)], kw.get('key'), reverse) };
    }
    case 'min':
    case 'max': {
      const kw = kwValues(ev, e, file, env);
      for (const k of kw.keys()) if (k !== 'key') fail(`${name}() with ${k}`);
      const a = args();
      const items = a.length === 1 ? ev.items(a[0]!) : a;
      if (!items.length) fail(`${name}() of an empty sequence`);
      const sorted = sortItems(ev, [...items], kw.get('key'), false);
      // ties: the first one wins
      if (name === 'min') return sorted[0]!;
      const last = sorted[sorted.length - 1]!;
      const key = kw.get('key');
      const k = (v: PyValue) => (key ? ev.callValue(key, [v], new Map()) : v);
      return items.find((v) => pyCompare(k(v), k(last)) === 0) ?? last;
    }
    default:
      break;
  }
  if (Object.keys(e.kwargs).length && !['dict', 'enumerate', 'zip'].includes(name)) {
    if (/^[A-Z]/.test(name)) return { k: 'object', what: `${name}()` };
    return fail(`${name}() with keyword arguments`);
  }
  return builtinValueCall(ev, name, args(), () => kwValues(ev, e, file, env));
}

/** A builtin called with known argument values (also `ids=str`, `key=len`, `map(str, …)`). */
export function builtinValueCall(ev: CallEvaluator, name: string, a: PyValue[], kw: () => Map<string, PyValue> = () => new Map()): PyValue {
  switch (name) {
    case 'list':
    case 'tuple':
      return { k: 'seq', kind: name, items: a.length ? [...ev.iterate(a[0]!)] : [] };
    case 'set':
    case 'frozenset':
      return a.length ? setValue(ev.items(a[0]!)) : { k: 'seq', kind: 'set', items: [] };
    case 'reversed':
      return { k: 'seq', kind: 'list', items: [...ev.iterate(a[0]!)].reverse() };
    case 'enumerate': {
      const [it, start0] = a;
      const start = start0 ?? kw().get('start');
      let i = start ? toInt(start) : 0n;
      return { k: 'seq', kind: 'list', items: ev.iterate(it!).map((v) => ({ k: 'seq', kind: 'tuple', items: [{ k: 'int', v: i++ }, v] })) };
    }
    case 'zip': {
      const k = kw();
      const strict = k.has('strict') && truthy(k.get('strict')!);
      // itertools.repeat(x) without a count is endless: the other iterables decide the length
      const lists = a.map((v) => (v.k === 'seq' && v.infinite ? undefined : ev.iterate(v)));
      const finite = lists.filter((l): l is PyValue[] => l !== undefined);
      if (!finite.length) fail('zip of endless iterators');
      const n = Math.min(...finite.map((l) => l.length));
      if (strict && finite.some((l) => l.length !== n)) fail('zip(strict=True) of unequal lengths');
      const items: PyValue[] = [];
      for (let i = 0; i < n; i++) items.push({ k: 'seq', kind: 'tuple', items: lists.map((l, j) => (l ? l[i]! : (a[j] as { items: PyValue[] }).items[0]!)) });
      return { k: 'seq', kind: 'list', items };
    }
    case 'map': {
      const [fn, ...its] = a;
      const lists = its.map((v) => ev.iterate(v));
      const n = Math.min(...lists.map((l) => l.length));
      const items: PyValue[] = [];
      for (let i = 0; i < n; i++) items.push(ev.callValue(fn!, lists.map((l) => l[i]!), new Map()));
      return { k: 'seq', kind: 'list', items };
    }
    case 'filter': {
      const [fn, it] = a;
      return { k: 'seq', kind: 'list', items: ev.iterate(it!).filter((v) => truthy(fn!.k === 'none' ? v : ev.callValue(fn!, [v], new Map()))) };
    }
    case 'str': {
      const [v] = a;
      if (!v) return { k: 'str', v: '' };
      return { k: 'str', v: pyStrOf(v) };
    }
    case 'repr':
      return { k: 'str', v: pyRepr(a[0]!) };
    case 'ascii':
      return { k: 'str', v: pyAscii(a[0]!) };
    case 'format': {
      const [v, spec] = a;
      return { k: 'str', v: strFormat(`{:${spec?.k === 'str' ? spec.v : ''}}`, [v!], new Map(), (o) => o) };
    }
    case 'int': {
      const [v, base] = a;
      if (!v) return { k: 'int', v: 0n };
      if (base) {
        if (v.k !== 'str' || base.k !== 'int') fail('int() with a base');
        const b = Number((base as { v: bigint }).v);
        const s = (v as { v: string }).v.trim().replace(/_/g, '').toLowerCase().replace(b === 16 ? /^0x/ : b === 8 ? /^0o/ : b === 2 ? /^0b/ : /^$/, '');
        const n = parseInt(s, b);
        if (Number.isNaN(n) || !/^[-+]?[0-9a-z]+$/.test(s)) fail('int() of a non-number');
        return { k: 'int', v: BigInt(n) };
      }
      if (v.k === 'int') return v;
      if (v.k === 'bool') return { k: 'int', v: v.v ? 1n : 0n };
      if (v.k === 'float' && Number.isFinite(v.v)) return { k: 'int', v: BigInt(Math.trunc(v.v)) };
      if (v.k === 'str' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(v.v)) return { k: 'int', v: BigInt(v.v.trim().replace(/_/g, '')) };
      return fail('int() of a non-literal');
    }
    case 'float': {
      const [v] = a;
      if (!v) return { k: 'float', v: 0 };
      if (v.k === 'int') return { k: 'float', v: Number(v.v) };
      if (v.k === 'bool') return { k: 'float', v: v.v ? 1 : 0 };
      if (v.k === 'float') return v;
      if (v.k === 'str') {
        const s = v.v.trim().toLowerCase();
        if (s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity') return { k: 'float', v: Infinity };
        if (s === '-inf' || s === '-infinity') return { k: 'float', v: -Infinity };
        if (s === 'nan' || s === '-nan' || s === '+nan') return { k: 'float', v: NaN };
        if (/^[-+]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)(e[-+]?\d+)?$/.test(s)) return { k: 'float', v: Number(s.replace(/_/g, '')) };
      }
      return fail('float() of a non-literal');
    }
    case 'bool':
      return { k: 'bool', v: a.length ? truthy(a[0]!) : false };
    case 'len': {
      const [v] = a;
      if (v?.k === 'dict') return { k: 'int', v: BigInt(v.entries.length) };
      if (v?.k === 'str') return { k: 'int', v: BigInt([...v.v].length) };
      return { k: 'int', v: BigInt(ev.items(v!).length) };
    }
    case 'abs': {
      const [v] = a;
      if (v?.k === 'int') return { k: 'int', v: v.v < 0n ? -v.v : v.v };
      if (v?.k === 'float') return { k: 'float', v: Math.abs(v.v) };
      if (v?.k === 'bool') return { k: 'int', v: v.v ? 1n : 0n };
      return fail('abs() of a non-number');
    }
    case 'sum': {
      let acc: PyValue = a[1] ?? { k: 'int', v: 0n };
      for (const x of ev.items(a[0]!)) acc = binopAdd(acc, x);
      return acc;
    }
    case 'any':
      return { k: 'bool', v: ev.items(a[0]!).some(truthy) };
    case 'all':
      return { k: 'bool', v: ev.items(a[0]!).every(truthy) };
    case 'chr':
      return a[0]?.k === 'int' ? { k: 'str', v: String.fromCodePoint(Number(a[0].v)) } : fail('chr() of a non-integer');
    case 'ord':
      return a[0]?.k === 'str' && [...a[0].v].length === 1 ? { k: 'int', v: BigInt(a[0].v.codePointAt(0)!) } : fail('ord() of a non-character');
    case 'hex':
    case 'oct':
    case 'bin': {
      const v = a[0]?.k === 'int' ? a[0].v : fail(`${name}() of a non-integer`);
      const base = name === 'hex' ? 16 : name === 'oct' ? 8 : 2;
      const prefix = name === 'hex' ? '0x' : name === 'oct' ? '0o' : '0b';
      return { k: 'str', v: (v < 0n ? '-' : '') + prefix + (v < 0n ? -v : v).toString(base) };
    }
    case 'isinstance':
      return isinstance(a[0]!, a[1]!);
    case 'callable': {
      const v = a[0]!;
      if (v.k === 'named') return { k: 'bool', v: true };
      if (v.k === 'object' || v.k === 'unknown') return fail('callable() of an object');
      return { k: 'bool', v: false };
    }
    case 'dict': {
      const entries: Array<[PyValue, PyValue]> = [];
      if (a.length) {
        const src = a[0]!;
        if (src.k === 'dict') entries.push(...src.entries);
        else
          for (const item of ev.iterate(src)) {
            const pair = ev.iterate(item);
            if (pair.length !== 2) fail('dict() of non-pairs');
            entries.push([pair[0]!, pair[1]!]);
          }
      }
      for (const [k, v] of kw()) entries.push([{ k: 'str', v: k }, v]);
      const out: Array<[PyValue, PyValue]> = [];
      for (const [k, v] of entries) {
        const i = out.findIndex(([x]) => pyEquals(x, k));
        if (i >= 0) out[i] = [out[i]![0], v];
        else out.push([k, v]);
      }
      return { k: 'dict', entries: out };
    }
    case 'type': {
      if (a.length === 3) {
        const [n, bases] = a;
        if (n?.k !== 'str') return fail('type() of a computed name');
        return { k: 'named', name: n.v, fn: { kind: 'madeclass', bases: bases?.k === 'seq' ? bases.items : [], members: a[2]?.k === 'dict' ? a[2].entries.map(([k]) => (k.k === 'str' ? k.v : '?')) : ['?'] } };
      }
      const v = a[0];
      const prim: Record<string, string> = { int: 'int', float: 'float', str: 'str', bytes: 'bytes', bool: 'bool', none: 'NoneType', complex: 'complex', dict: 'dict' };
      if (v && prim[v.k]) return { k: 'named', name: prim[v.k]!, fn: { kind: 'builtin', name: prim[v.k]! } };
      if (v?.k === 'seq' && v.name === undefined) return { k: 'named', name: v.kind, fn: { kind: 'builtin', name: v.kind } };
      if (v?.k === 'object' && v.cls) return { k: 'named', name: v.cls.cls.name, fn: { kind: 'class', cls: v.cls.cls, file: v.cls.file } };
      return { k: 'unknown', reason: 'type() of a computed value' };
    }
    case 'getattr':
      return { k: 'unknown', reason: 'getattr() is looked up at run time' };
    case 'staticmethod':
    case 'classmethod':
      // Python 3.10+: the wrapper has the function's __name__
      return a[0]?.k === 'named' && a[0].fn?.kind !== 'class' && a[0].fn?.kind !== 'madeclass' ? { k: 'named', name: a[0].name } : { k: 'unknown', reason: `${name}() of a computed value` };
    default:
      // Exceptions and other classes give instances (no id); other builtins may return ids.
      if (/^[A-Z]/.test(name) || OPAQUE_BUILTINS.has(name)) return { k: 'object', what: `${name}()` };
      return { k: 'unknown', reason: `${name}() is evaluated at run time` };
  }
}

function binopAdd(a: PyValue, b: PyValue): PyValue {
  if (a.k === 'int' && b.k === 'int') return { k: 'int', v: a.v + b.v };
  const x = a.k === 'int' ? Number(a.v) : a.k === 'float' ? a.v : a.k === 'bool' ? Number(a.v) : fail('sum() of non-numbers');
  const y = b.k === 'int' ? Number(b.v) : b.k === 'float' ? b.v : b.k === 'bool' ? Number(b.v) : fail('sum() of non-numbers');
  if (a.k !== 'float' && b.k !== 'float') return { k: 'int', v: BigInt(x + y) };
  return { k: 'float', v: x + y };
}

/** `isinstance(value, type_or_tuple)` for builtin types and repository classes. */
function isinstance(v: PyValue, t: PyValue): PyValue {
  const types = t.k === 'seq' && t.kind === 'tuple' ? t.items : [t];
  const kindOf: Record<string, string[]> = {
    int: ['int', 'bool'],
    bool: ['bool'],
    float: ['float'],
    complex: ['complex'],
    str: ['str'],
    bytes: ['bytes'],
    list: ['list'],
    tuple: ['tuple'],
    set: ['set'],
    frozenset: [],
    dict: ['dict'],
    object: ['*'],
  };
  const kind = v.k === 'seq' ? (v.name !== undefined ? 'generator' : v.kind) : v.k === 'none' ? 'none' : v.k;
  for (const ty of types) {
    if (ty.k !== 'named' || ty.fn?.kind !== 'builtin') return fail('isinstance() of a class known at run time');
    const accepts = kindOf[ty.name];
    if (!accepts) return fail(`isinstance(…, ${ty.name})`);
    if (v.k === 'unknown' || v.k === 'object' || v.k === 'named' || v.k === 'enum' || v.k === 'param' || v.k === 'mark') return fail('isinstance() of an object');
    if (accepts.includes('*') || accepts.includes(kind)) return { k: 'bool', v: true };
  }
  return { k: 'bool', v: false };
}

/** A set value: its iteration order when known (small ints), else an unordered set. */
export function setValue(items: PyValue[]): PyValue {
  try {
    return { k: 'seq', kind: 'set', items: setOrder(items) };
  } catch (error) {
    if (!(error instanceof Unresolvable)) throw error;
  }
  const unique: PyValue[] = [];
  try {
    for (const it of items) if (!unique.some((u) => pyEquals(u, it))) unique.push(it);
  } catch (error) {
    if (!(error instanceof Unresolvable)) throw error;
    return { k: 'object', what: 'a set of objects' };
  }
  return { k: 'seq', kind: 'set', items: unique, unordered: unique.length > 1 };
}

function itertoolsCall(ev: CallEvaluator, fname: string, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  const args = ev.evalArgs(e.args, file, env);
  switch (fname) {
    case 'product': {
      const lists = args.map((v) => ev.iterate(v));
      let repeat = 1;
      if (e.kwargs.repeat) repeat = Number(toInt(ev.evaluate(e.kwargs.repeat, file, env)));
      const pools: PyValue[][] = [];
      for (let r = 0; r < repeat; r++) pools.push(...lists);
      let acc: PyValue[][] = [[]];
      for (const pool of pools) {
        const next: PyValue[][] = [];
        for (const a of acc) for (const x of pool) next.push([...a, x]);
        acc = next;
        if (acc.length > MAX_ITEMS) fail('product too large');
      }
      return { k: 'seq', kind: 'list', items: acc.map((items) => ({ k: 'seq', kind: 'tuple', items })) };
    }
    case 'combinations':
    case 'permutations':
    case 'combinations_with_replacement': {
      const pool = args[0] ? ev.iterate(args[0]) : [];
      const rArg = args[1] ?? (e.kwargs.r ? ev.evaluate(e.kwargs.r, file, env) : undefined);
      const r = rArg ? Number(toInt(rArg)) : pool.length;
      const out: PyValue[][] = [];
      const rec = (start: number, chosen: number[]) => {
        if (out.length > MAX_ITEMS) fail('too many combinations');
        if (chosen.length === r) {
          out.push(chosen.map((i) => pool[i]!));
          return;
        }
        for (let i = fname === 'permutations' ? 0 : start; i < pool.length; i++) {
          if (fname === 'permutations' && chosen.includes(i)) continue;
          rec(fname === 'combinations' ? i + 1 : i, [...chosen, i]);
        }
      };
      rec(0, []);
      return { k: 'seq', kind: 'list', items: out.map((items) => ({ k: 'seq', kind: 'tuple', items })) };
    }
    case 'chain':
      return { k: 'seq', kind: 'list', items: args.flatMap((v) => ev.iterate(v)) };
    case 'repeat': {
      const n = args[1] ?? (e.kwargs.times ? ev.evaluate(e.kwargs.times, file, env) : undefined);
      if (!n) return { k: 'seq', kind: 'list', items: [args[0]!], infinite: true };
      const times = Number(toInt(n));
      if (times > MAX_ITEMS) fail('too many values');
      return { k: 'seq', kind: 'list', items: Array.from({ length: Math.max(0, times) }, () => args[0]!) };
    }
    case 'islice': {
      const items = ev.iterate(args[0]!);
      const nums = args.slice(1).map((v) => (v.k === 'none' ? undefined : Number(toInt(v))));
      const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0] ?? 0, nums[1], nums[2] ?? 1];
      const out: PyValue[] = [];
      for (let i = start; i < (stop ?? items.length) && i < items.length; i += step) out.push(items[i]!);
      return { k: 'seq', kind: 'list', items: out };
    }
    default:
      return fail(`itertools.${fname}`);
  }
}

export { callMethod, externalCall };
