/** Calls with statically known results: builtins, itertools, pathlib, re, methods of literal values. */
import type { Expr } from '../ast.js';
import { exprName, opaqueExternal, OPAQUE_BUILTINS, posixPath, pyCompare, reEscape, setOrder, toInt, truthy } from './builtins.js';
import { fail, MAX_ITEMS, type CallEvaluator, type Env, type PyValue } from './types.js';

export function evalCall(ev: CallEvaluator, e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
  const fnRef = e.fn;
  const name = fnRef.t === 'name' ? fnRef.id : fnRef.t === 'attr' ? fnRef.name : '';
  const target = fnRef.t === 'name' && env?.has(fnRef.id) ? undefined : fnRef.t === 'name' || fnRef.t === 'attr' ? ev.project.resolveExprRef(fnRef, file) : undefined;
  const isBuiltin = target?.k === 'builtin';
  const fromItertools = target?.k === 'external' && target.module === 'itertools';
  const args = () => ev.evalArgs(e.args, file, env);
  if (isBuiltin) {
    switch (name) {
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
      case 'list':
      case 'tuple':
        return { k: 'seq', kind: name, items: e.args.length ? ev.iterate(args()[0]!) : [] };
      case 'set':
      case 'frozenset':
        return { k: 'seq', kind: 'set', items: e.args.length ? setOrder(ev.iterate(args()[0]!)) : [] };
      case 'sorted': {
        if (Object.keys(e.kwargs).length) fail('sorted() with key');
        return { k: 'seq', kind: 'list', items: [...ev.iterate(args()[0]!)].sort(pyCompare) };
      }
      case 'reversed':
        return { k: 'seq', kind: 'list', items: [...ev.iterate(args()[0]!)].reverse() };
      case 'enumerate': {
        const [it, start] = args();
        let i = start ? toInt(start) : 0n;
        return { k: 'seq', kind: 'list', items: ev.iterate(it!).map((v) => ({ k: 'seq', kind: 'tuple', items: [{ k: 'int', v: i++ }, v] })) };
      }
      case 'zip': {
        const lists = args().map((v) => ev.iterate(v));
        const n = Math.min(...lists.map((l) => l.length));
        const items: PyValue[] = [];
        for (let i = 0; i < n; i++) items.push({ k: 'seq', kind: 'tuple', items: lists.map((l) => l[i]!) });
        return { k: 'seq', kind: 'list', items };
      }
      case 'str': {
        const [v] = args();
        if (!v) return { k: 'str', v: '' };
        if (v.k === 'str') return v;
        if (v.k === 'int') return { k: 'str', v: v.v.toString() };
        if (v.k === 'object' && v.str !== undefined) return { k: 'str', v: v.str };
        return fail('str() of a non-literal');
      }
      case 'int': {
        const [v] = args();
        if (!v) return { k: 'int', v: 0n };
        if (v.k === 'int') return v;
        if (v.k === 'float') return { k: 'int', v: BigInt(Math.trunc(v.v)) };
        if (v.k === 'str' && /^\s*[-+]?\d+\s*$/.test(v.v)) return { k: 'int', v: BigInt(v.v.trim()) };
        return fail('int() of a non-literal');
      }
      case 'float': {
        const [v] = args();
        if (!v) return { k: 'float', v: 0 };
        if (v.k === 'int') return { k: 'float', v: Number(v.v) };
        if (v.k === 'float') return v;
        if (v.k === 'str') {
          const s = v.v.trim().toLowerCase();
          if (s === 'inf' || s === '+inf' || s === 'infinity') return { k: 'float', v: Infinity };
          if (s === '-inf' || s === '-infinity') return { k: 'float', v: -Infinity };
          if (s === 'nan' || s === '-nan' || s === '+nan') return { k: 'float', v: NaN };
          const n = Number(s);
          if (!Number.isNaN(n)) return { k: 'float', v: n };
        }
        return fail('float() of a non-literal');
      }
      case 'bool':
        return { k: 'bool', v: e.args.length ? truthy(args()[0]!) : false };
      case 'len': {
        const [v] = args();
        return { k: 'int', v: BigInt(ev.iterate(v!).length) };
      }
      case 'dict': {
        const entries: Array<[PyValue, PyValue]> = [];
        if (e.args.length) for (const item of ev.iterate(args()[0]!)) {
          const pair = ev.iterate(item);
          if (pair.length !== 2) fail('dict() of non-pairs');
          entries.push([pair[0]!, pair[1]!]);
        }
        for (const [k, v] of Object.entries(e.kwargs)) entries.push([{ k: 'str', v: k }, ev.evaluate(v, file, env)]);
        return { k: 'dict', entries };
      }
      case 'getattr': {
        // getattr(module, "name", default): a function or class of that module has `__name__`.
        const [obj, attr] = e.args;
        if (obj && attr?.t === 'str' && (obj.t === 'name' || obj.t === 'attr')) {
          const r = ev.project.resolveExprRef(obj, file);
          if (r.k === 'module' || (r.k === 'external' && r.name === '')) return { k: 'unknown', reason: `getattr(${exprName(obj)}, "${attr.v}") is looked up at run time` };
        }
        return { k: 'unknown', reason: 'getattr() is looked up at run time' };
      }
      default:
        // Exceptions and other classes give instances (no id); other builtins may return ids.
        if (/^[A-Z]/.test(name) || OPAQUE_BUILTINS.has(name)) return { k: 'object', what: `${name}()` };
        return { k: 'unknown', reason: `${name}() is evaluated at run time` };
    }
  }
  // markupsafe.Markup (also re-exported by jinja2/flask) is a str subclass: its id is the text.
  if (target?.k === 'external' && name === 'Markup' && /^(markupsafe|jinja2|flask)(\.|$)/.test(target.module) && e.args.length === 1 && !Object.keys(e.kwargs).length) {
    const [v] = args();
    if (v?.k === 'str') return v;
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
  if (fromItertools && target?.k === 'external') {
    const lists = args().map((v) => ev.iterate(v));
    switch (target.name) {
      case 'product': {
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
        const pool = lists[0] ?? [];
        const r = e.args[1] ? Number(toInt(ev.evaluate(e.args[1], file, env))) : pool.length;
        const out: PyValue[][] = [];
        const rec = (start: number, chosen: number[]) => {
          if (out.length > MAX_ITEMS) fail('too many combinations');
          if (chosen.length === r) {
            out.push(chosen.map((i) => pool[i]!));
            return;
          }
          for (let i = target.name === 'permutations' ? 0 : start; i < pool.length; i++) {
            if (target.name === 'permutations' && chosen.includes(i)) continue;
            rec(target.name === 'combinations' ? i + 1 : i, [...chosen, i]);
          }
        };
        rec(0, []);
        return { k: 'seq', kind: 'list', items: out.map((items) => ({ k: 'seq', kind: 'tuple', items })) };
      }
      case 'chain':
        return { k: 'seq', kind: 'list', items: lists.flat() };
      default:
        return fail(`itertools.${target.name}`);
    }
  }
  // Methods on literal values: dict.items(), "sep".join(...), str.split()
  if (fnRef.t === 'attr' && (target === undefined || target.k === 'unknown')) {
    const obj = ev.evaluate(fnRef.obj, file, env);
    // A method of an opaque object (`datetime.now().replace(…)`) gives another opaque object.
    if (obj.k === 'object') return { k: 'object', what: `${obj.what}.${fnRef.name}()` };
    const a = args();
    if (obj.k === 'dict') {
      if (fnRef.name === 'items') return { k: 'seq', kind: 'list', items: obj.entries.map(([k, v]) => ({ k: 'seq', kind: 'tuple', items: [k, v] })) };
      if (fnRef.name === 'keys') return { k: 'seq', kind: 'list', items: obj.entries.map(([k]) => k) };
      if (fnRef.name === 'values') return { k: 'seq', kind: 'list', items: obj.entries.map(([, v]) => v) };
    }
    if (obj.k === 'str') {
      if (fnRef.name === 'join') return { k: 'str', v: ev.iterate(a[0]!).map((x) => (x.k === 'str' ? x.v : fail('join of non-strings'))).join(obj.v) };
      if (fnRef.name === 'split') {
        if (a.length === 0) return { k: 'seq', kind: 'list', items: obj.v.split(/\s+/).filter(Boolean).map((v) => ({ k: 'str', v })) };
        if (a[0]!.k === 'str') return { k: 'seq', kind: 'list', items: obj.v.split(a[0]!.v).map((v) => ({ k: 'str', v })) };
      }
      if (fnRef.name === 'upper') return { k: 'str', v: obj.v.toUpperCase() };
      if (fnRef.name === 'lower') return { k: 'str', v: obj.v.toLowerCase() };
      if (fnRef.name === 'strip') return { k: 'str', v: obj.v.trim() };
      if (fnRef.name === 'format') fail('str.format()');
    }
    return fail(`call of .${fnRef.name}()`);
  }
  if (target?.k === 'class') return { k: 'object', what: `${target.cls.name}()` };
  // A repo function may return anything (a class, a string); only its caller's use decides.
  if (target?.k === 'function') return { k: 'unknown', reason: `${name}() is computed` };
  if (target?.k === 'external' || target?.k === 'module') {
    // A class gives an instance (no id: argname + index). A library function may return a
    // string, number or function, whose id pytest takes from the value: not known statically.
    if (/^[A-Z]/.test(name) || (target.k === 'external' && opaqueExternal(target.module, name))) return { k: 'object', what: `${name}()` };
    return { k: 'unknown', reason: `${exprName(fnRef)}() is evaluated at run time` };
  }
  return fail(`call of ${name || 'an expression'}()`);
}
