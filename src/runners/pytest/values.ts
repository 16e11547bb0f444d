/**
 * Static evaluation of the Python expressions that decide a pytest collection: parametrize
 * argvalues and ids, fixture params, marks. Only what can be known without running code is
 * evaluated; anything else raises `Unresolvable` with a reason the inventory reports.
 */
import type { Expr, Target } from '../../languages/python/ast.js';
import { pyFloatRepr } from './ids.js';
import type { PythonProject, Resolved } from './project.js';

export interface Mark {
  name: string;
  args: Expr[];
  kwargs: Record<string, Expr>;
  /** File the mark expression lives in (for evaluating its arguments). */
  file: string;
  /** Class body the decorator was written in: its names are visible to the arguments. */
  scope?: import('../../languages/python/ast.js').Bindings;
  /** `unittest.skip…` / `expectedFailure` decorators: status only, not a pytest marker. */
  unittest?: boolean;
}

export type PyValue =
  | { k: 'int'; v: bigint }
  | { k: 'float'; v: number }
  | { k: 'complex'; text: string }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'seq'; kind: 'list' | 'tuple' | 'set'; items: PyValue[] }
  | { k: 'dict'; entries: Array<[PyValue, PyValue]> }
  /** A class, function or module: its id is its `__name__`. */
  | { k: 'named'; name: string }
  | { k: 'param'; values: PyValue[]; id: string | null; marks: Mark[] }
  | { k: 'mark'; marks: Mark[] }
  /** An object with no usable id (pytest falls back to `argname + index`). */
  | { k: 'object'; what: string; /** `str()` when known (pathlib paths). */ str?: string }
  | { k: 'enum'; text: string }
  /** An element that could not be evaluated; fine as long as nobody needs its id or items. */
  | { k: 'unknown'; reason: string };

export class Unresolvable extends Error {}

const fail = (reason: string): never => {
  throw new Unresolvable(reason);
};

type Env = Map<string, PyValue>;

const MAX_ITEMS = 100_000;

export class Evaluator {
  private depth = 0;
  private classScope: import('../../languages/python/ast.js').Bindings | undefined;
  constructor(private readonly project: PythonProject) {}

  /** Runs `fn` with the names of a class body visible (decorator arguments inside a class). */
  inScope<T>(scope: import('../../languages/python/ast.js').Bindings | undefined, fn: () => T): T {
    const saved = this.classScope;
    this.classScope = scope;
    try {
      return fn();
    } finally {
      this.classScope = saved;
    }
  }

  evaluate(expr: Expr, file: string, env?: Env): PyValue {
    if (++this.depth > 200) {
      this.depth--;
      fail('expression too deeply nested');
    }
    try {
      return this.eval(expr, file, env);
    } finally {
      this.depth--;
    }
  }

  private eval(e: Expr, file: string, env?: Env): PyValue {
    switch (e.t) {
      case 'int':
        return { k: 'int', v: e.v };
      case 'float':
        return { k: 'float', v: e.v };
      case 'complex':
        return { k: 'complex', text: imaginaryText(e.text) };
      case 'str':
        if (e.fstring) fail('f-string');
        return { k: 'str', v: e.v };
      case 'bytes':
        return { k: 'bytes', v: e.v };
      case 'fstr': {
        let out = '';
        for (const part of e.parts) {
          if (typeof part === 'string') {
            out += part;
            continue;
          }
          if (part.spec) fail('f-string format spec');
          const v = this.evaluate(part.e, file, env);
          if (part.conv === 'r' || part.conv === 'a') fail('f-string !r');
          out += pyStr(v);
        }
        return { k: 'str', v: out };
      }
      case 'bool':
        return { k: 'bool', v: e.v };
      case 'none':
        return { k: 'none' };
      case 'ellipsis':
        return { k: 'object', what: 'Ellipsis' };
      case 'list':
      case 'tuple':
      case 'set': {
        const items: PyValue[] = [];
        for (const item of e.items) {
          if (item.t === 'starred') items.push(...this.iterate(this.evaluate(item.v, file, env)));
          else items.push(this.lenient(item, file, env));
        }
        if (e.t === 'set') return { k: 'seq', kind: 'set', items: setOrder(items) };
        return { k: 'seq', kind: e.t, items };
      }
      case 'dict': {
        const entries: Array<[PyValue, PyValue]> = [];
        for (const [k, v] of e.entries) {
          if (k.t === 'other') fail('dict unpacking');
          entries.push([this.evaluate(k, file, env), this.evaluate(v, file, env)]);
        }
        return { k: 'dict', entries };
      }
      case 'name': {
        const local = env?.get(e.id);
        if (local) return local;
        const inClass = this.classScope?.get(e.id);
        if (inClass?.kind === 'value') return this.evaluate(inClass.expr, file, env);
        if (inClass?.kind === 'function') return { k: 'named', name: inClass.name };
        if (inClass?.kind === 'class') return { k: 'named', name: inClass.name };
        return this.fromResolved(this.project.resolveName(file, e.id), e.id);
      }
      case 'attr':
        return this.evalAttr(e, file, env);
      case 'call':
        return this.evalCall(e, file, env);
      case 'unary': {
        const v = this.evaluate(e.v, file, env);
        if (e.op === '-') {
          if (v.k === 'int') return { k: 'int', v: -v.v };
          if (v.k === 'float') return { k: 'float', v: -v.v };
          if (v.k === 'bool') return { k: 'int', v: v.v ? -1n : 0n };
          if (v.k === 'complex') return { k: 'complex', text: negateComplex(v.text) };
        }
        if (e.op === '+' && (v.k === 'int' || v.k === 'float')) return v;
        if (e.op === '~' && v.k === 'int') return { k: 'int', v: ~v.v };
        return fail(`unary ${e.op}`);
      }
      case 'not':
        return { k: 'bool', v: !truthy(this.evaluate(e.v, file, env)) };
      case 'boolop': {
        const l = this.evaluate(e.l, file, env);
        if (e.op === 'and') return truthy(l) ? this.evaluate(e.r, file, env) : l;
        return truthy(l) ? l : this.evaluate(e.r, file, env);
      }
      case 'ifexp':
        return truthy(this.evaluate(e.cond, file, env)) ? this.evaluate(e.body, file, env) : this.evaluate(e.orelse, file, env);
      case 'binop':
        return binop(e.op, this.evaluate(e.l, file, env), this.evaluate(e.r, file, env));
      case 'compare': {
        let left = this.evaluate(e.operands[0]!, file, env);
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.evaluate(e.operands[i + 1]!, file, env);
          if (!compare(e.ops[i]!, left, right)) return { k: 'bool', v: false };
          left = right;
        }
        return { k: 'bool', v: true };
      }
      case 'comp': {
        const out: PyValue[] = [];
        this.runComp(e.clauses, 0, new Map(env ?? []), file, (scope) => {
          out.push(this.evaluate(e.elt, file, scope));
          if (out.length > MAX_ITEMS) fail('too many values');
        });
        return { k: 'seq', kind: e.kind === 'set' ? 'set' : 'list', items: e.kind === 'set' ? setOrder(out) : out };
      }
      case 'subscript':
        return subscript(this.evaluate(e.obj, file, env), e.index.t === 'slice' ? this.evalSlice(e.index, file, env) : this.evaluate(e.index, file, env));
      case 'starred':
        return fail('starred expression');
      case 'lambda':
        return { k: 'named', name: '<lambda>' };
      case 'slice':
        return fail('slice');
      case 'other':
        return fail(`unsupported expression (${e.kind})`);
    }
  }

  /** Evaluates an element whose value may not matter (a list item, a pytest.param value). */
  lenient(e: Expr, file: string, env?: Env): PyValue {
    try {
      return this.evaluate(e, file, env);
    } catch (error) {
      if (error instanceof Unresolvable) return { k: 'unknown', reason: error.message };
      throw error;
    }
  }

  private evalSlice(e: Extract<Expr, { t: 'slice' }>, file: string, env?: Env): PyValue {
    const part = (x?: Expr) => (x ? this.evaluate(x, file, env) : ({ k: 'none' } as PyValue));
    return { k: 'seq', kind: 'tuple', items: [{ k: 'str', v: '\0slice' }, part(e.lower), part(e.upper), part(e.step)] };
  }

  private runComp(clauses: Extract<Expr, { t: 'comp' }>['clauses'], i: number, env: Env, file: string, emit: (env: Env) => void): void {
    if (i === clauses.length) {
      emit(env);
      return;
    }
    const c = clauses[i]!;
    if (c.kind === 'if') {
      if (truthy(this.evaluate(c.cond, file, env))) this.runComp(clauses, i + 1, env, file, emit);
      return;
    }
    for (const item of this.iterate(this.evaluate(c.iter, file, env))) {
      const scope = new Map(env);
      assignTarget(c.target, item, scope);
      this.runComp(clauses, i + 1, scope, file, emit);
    }
  }

  /** The items of an iterable value. */
  iterate(v: PyValue): PyValue[] {
    if (v.k === 'seq') return v.items;
    if (v.k === 'dict') return v.entries.map(([k]) => k);
    if (v.k === 'str') return [...v.v].map((c) => ({ k: 'str', v: c }));
    if (v.k === 'bytes') return [...v.v].map((c) => ({ k: 'int', v: BigInt(c.charCodeAt(0)) }));
    if (v.k === 'unknown') return fail(v.reason);
    return fail(`cannot iterate over ${v.k === 'object' ? v.what : v.k}`);
  }

  private fromResolved(r: Resolved, label: string): PyValue {
    switch (r.k) {
      case 'value': {
        const owner = r.owner;
        if (owner && isEnumClass(this.project, owner, r.file)) return this.enumMember(owner, r.file, label);
        return this.evaluate(r.binding.expr, r.file);
      }
      case 'function':
        return { k: 'named', name: r.fn.name };
      case 'class':
        return { k: 'named', name: r.cls.name };
      case 'module':
        return { k: 'named', name: r.dotted };
      case 'builtin':
        return { k: 'named', name: r.name };
      case 'external': {
        if (!r.name) return { k: 'named', name: r.module };
        const known = STDLIB_CONSTANTS[`${r.module}.${r.name}`];
        if (known) return known;
        if (isConstantName(r.name)) return fail(`${r.module}.${r.name} is imported from outside the repository`);
        // Stream and mapping objects have no __name__: pytest uses argname + index for them.
        if ((r.module === 'sys' && /^(__)?std(in|out|err)(__)?$/.test(r.name)) || (r.module === 'os' && r.name === 'environ'))
          return { k: 'object', what: `${r.module}.${r.name}` };
        if (r.module === 'sys' || r.module === 'os' || r.module === 'os.environ') return { k: 'unknown', reason: `${r.module}.${r.name} is a runtime value` };
        return { k: 'named', name: r.name };
      }
      case 'unknown':
        return fail(r.reason);
    }
  }

  private enumMember(owner: import('../../languages/python/ast.js').PyClass, file: string, member: string): PyValue {
    const kind = enumKind(this.project, owner, file);
    if (kind === 'Enum' || kind === 'Flag') return { k: 'enum', text: `${owner.name}.${member}` };
    // IntEnum / StrEnum / IntFlag: str() is the value's str() (Python 3.11+).
    const isAuto = (e: Expr) => e.t === 'call' && ((e.fn.t === 'name' && e.fn.id === 'auto') || (e.fn.t === 'attr' && e.fn.name === 'auto'));
    let last: PyValue | undefined;
    for (const [name, b] of owner.body) {
      if (b.kind !== 'value' || name.startsWith('_')) continue;
      let v: PyValue;
      if (isAuto(b.expr)) {
        // enum.auto(): StrEnum uses the lower-cased name, IntEnum the last value + 1, IntFlag the next power of two.
        if (kind === 'StrEnum') v = { k: 'str', v: name.toLowerCase() };
        else if (kind === 'IntFlag') {
          let n = 1n;
          while (last?.k === 'int' && n <= last.v) n <<= 1n;
          v = { k: 'int', v: n };
        } else v = { k: 'int', v: last?.k === 'int' ? last.v + 1n : 1n };
      } else v = this.evaluate(b.expr, file);
      last = v;
      if (name === member) {
        if (v.k === 'int' || v.k === 'str') return v;
        break;
      }
    }
    return fail(`enum member ${owner.name}.${member}`);
  }

  private evalAttr(e: Extract<Expr, { t: 'attr' }>, file: string, env?: Env): PyValue {
    // Marks: pytest.mark.NAME
    const mark = markOf(e, file, this.project);
    if (mark) return { k: 'mark', marks: [mark] };
    if (e.obj.t === 'name' && env?.has(e.obj.id)) fail(`attribute .${e.name} of a loop variable`);
    const base = this.project.resolveExprRef(e.obj, file);
    if (base.k === 'class' && isEnumClass(this.project, base.cls, base.file)) {
      const b = base.cls.body.get(e.name);
      if (b && b.kind === 'value') return this.enumMember(base.cls, base.file, e.name);
    }
    const r = this.project.resolveAttr(base, e.name);
    if (r.k === 'external' && STDLIB_CONSTANTS[`${r.module}.${r.name}`]) return STDLIB_CONSTANTS[`${r.module}.${r.name}`]!;
    if (r.k === 'external' && isConstantName(e.name)) fail(`${r.module}.${r.name} is defined outside the repository`);
    if (r.k === 'unknown' && base.k !== 'unknown' && base.k !== 'value') {
      if (base.k === 'class') return fail(r.reason);
    }
    if (r.k === 'unknown' && base.k === 'value') fail(`attribute .${e.name} of a computed value`);
    return this.fromResolved(r, e.name);
  }

  private evalCall(e: Extract<Expr, { t: 'call' }>, file: string, env?: Env): PyValue {
    if (e.hasStarStar) fail('call with **kwargs');
    const fnRef = e.fn;
    // pytest.param(...)
    if (isPytestAttr(fnRef, 'param', file, this.project)) {
      const values = e.args.some((a) => a.t === 'starred') ? this.evalArgs(e.args, file, env) : e.args.map((a) => this.lenient(a, file, env));
      let id: string | null = null;
      if (e.kwargs.id) {
        const idv = this.evaluate(e.kwargs.id, file, env);
        if (idv.k === 'str') id = idv.v;
        else if (idv.k !== 'none') fail('pytest.param id is not a string');
      }
      const marks = e.kwargs.marks ? this.marksOf(e.kwargs.marks, file, env) : [];
      return { k: 'param', values, id, marks };
    }
    // pytest.mark.NAME(...)
    if (fnRef.t === 'attr') {
      const m = markOf(fnRef, file, this.project);
      if (m) return { k: 'mark', marks: [{ ...m, args: e.args, kwargs: e.kwargs }] };
    }
    const name = fnRef.t === 'name' ? fnRef.id : fnRef.t === 'attr' ? fnRef.name : '';
    const target = fnRef.t === 'name' && env?.has(fnRef.id) ? undefined : fnRef.t === 'name' || fnRef.t === 'attr' ? this.project.resolveExprRef(fnRef, file) : undefined;
    const isBuiltin = target?.k === 'builtin';
    const fromItertools = target?.k === 'external' && target.module === 'itertools';
    const args = () => this.evalArgs(e.args, file, env);
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
          return { k: 'seq', kind: name, items: e.args.length ? this.iterate(args()[0]!) : [] };
        case 'set':
        case 'frozenset':
          return { k: 'seq', kind: 'set', items: e.args.length ? setOrder(this.iterate(args()[0]!)) : [] };
        case 'sorted': {
          if (Object.keys(e.kwargs).length) fail('sorted() with key');
          return { k: 'seq', kind: 'list', items: [...this.iterate(args()[0]!)].sort(pyCompare) };
        }
        case 'reversed':
          return { k: 'seq', kind: 'list', items: [...this.iterate(args()[0]!)].reverse() };
        case 'enumerate': {
          const [it, start] = args();
          let i = start ? toInt(start) : 0n;
          return { k: 'seq', kind: 'list', items: this.iterate(it!).map((v) => ({ k: 'seq', kind: 'tuple', items: [{ k: 'int', v: i++ }, v] })) };
        }
        case 'zip': {
          const lists = args().map((v) => this.iterate(v));
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
          return { k: 'int', v: BigInt(this.iterate(v!).length) };
        }
        case 'dict': {
          const entries: Array<[PyValue, PyValue]> = [];
          if (e.args.length) for (const item of this.iterate(args()[0]!)) {
            const pair = this.iterate(item);
            if (pair.length !== 2) fail('dict() of non-pairs');
            entries.push([pair[0]!, pair[1]!]);
          }
          for (const [k, v] of Object.entries(e.kwargs)) entries.push([{ k: 'str', v: k }, this.evaluate(v, file, env)]);
          return { k: 'dict', entries };
        }
        case 'getattr': {
          // getattr(module, "name", default): a function or class of that module has `__name__`.
          const [obj, attr] = e.args;
          if (obj && attr?.t === 'str' && (obj.t === 'name' || obj.t === 'attr')) {
            const r = this.project.resolveExprRef(obj, file);
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
      const parts = e.args.map((a) => (a.t === 'starred' ? ({ k: 'unknown', reason: 'starred' } as PyValue) : this.lenient(a, file, env)));
      if (parts.every((p) => p.k === 'str' || (p.k === 'object' && p.str !== undefined)))
        return { k: 'object', what: 'Path()', str: posixPath(parts.map((p) => (p.k === 'str' ? p.v : (p as { str: string }).str))) };
      return { k: 'object', what: 'Path()' };
    }
    if (target?.k === 'value' && target.binding.expr.t === 'call') {
      // Instances of namedtuple / NamedTuple / make_dataclass types have no __name__.
      const factory = this.project.resolveExprRef(target.binding.expr.fn, target.file);
      if (factory.k === 'external' && /^(namedtuple|NamedTuple|make_dataclass)$/.test(factory.name)) return { k: 'object', what: `${name}()` };
    }
    if (target?.k === 'external' && target.module === 're' && (target.name === 'compile' || target.name === 'escape')) {
      const [pattern] = args();
      if (pattern?.k !== 'str') return fail(`re.${target.name}() of a non-literal`);
      // A compiled pattern's id is its (escaped) pattern text, like a string's.
      return target.name === 'escape' ? { k: 'str', v: reEscape(pattern.v) } : pattern;
    }
    if (fromItertools && target?.k === 'external') {
      const lists = args().map((v) => this.iterate(v));
      switch (target.name) {
        case 'product': {
          let repeat = 1;
          if (e.kwargs.repeat) repeat = Number(toInt(this.evaluate(e.kwargs.repeat, file, env)));
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
          const r = e.args[1] ? Number(toInt(this.evaluate(e.args[1], file, env))) : pool.length;
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
      const obj = this.evaluate(fnRef.obj, file, env);
      // A method of an opaque object (`datetime.now().replace(…)`) gives another opaque object.
      if (obj.k === 'object') return { k: 'object', what: `${obj.what}.${fnRef.name}()` };
      const a = args();
      if (obj.k === 'dict') {
        if (fnRef.name === 'items') return { k: 'seq', kind: 'list', items: obj.entries.map(([k, v]) => ({ k: 'seq', kind: 'tuple', items: [k, v] })) };
        if (fnRef.name === 'keys') return { k: 'seq', kind: 'list', items: obj.entries.map(([k]) => k) };
        if (fnRef.name === 'values') return { k: 'seq', kind: 'list', items: obj.entries.map(([, v]) => v) };
      }
      if (obj.k === 'str') {
        if (fnRef.name === 'join') return { k: 'str', v: this.iterate(a[0]!).map((x) => (x.k === 'str' ? x.v : fail('join of non-strings'))).join(obj.v) };
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

  private evalArgs(args: Expr[], file: string, env?: Env): PyValue[] {
    const out: PyValue[] = [];
    for (const a of args) {
      if (a.t === 'starred') out.push(...this.iterate(this.evaluate(a.v, file, env)));
      else out.push(this.evaluate(a, file, env));
    }
    return out;
  }

  /** The marks an expression stands for: a mark, a list of marks, a name bound to marks. */
  marksOf(expr: Expr, file: string, env?: Env): Mark[] {
    const v = this.evaluate(expr, file, env);
    const out: Mark[] = [];
    const take = (x: PyValue) => {
      if (x.k === 'mark') out.push(...x.marks);
      else if (x.k === 'seq') x.items.forEach(take);
      else fail('not a mark');
    };
    take(v);
    return out;
  }
}

/** Builtins whose results have no id (pytest falls back to argname + index). */
const OPAQUE_BUILTINS = new Set(['object', 'bytearray', 'memoryview', 'slice', 'iter', 'map', 'filter', 'open', 'property', 'staticmethod', 'classmethod', 'super', 'type', 'vars', 'globals', 'locals']);

/** Lower-case library callables known to return objects without an id (instances, arrays, mocks). */
function opaqueExternal(module: string, name: string): boolean {
  const root = module.split('.')[0]!;
  if (/^(datetime|decimal|fractions|uuid|collections|functools|array|numpy|pandas|torch|mock|weakref|threading|queue|io|tempfile|ipaddress|zoneinfo|pathlib|socket|ssl|subprocess|logging|argparse|email|http|urllib|xml|sqlite3|contextlib|types|typing)$/.test(root)) return true;
  if (module === 'unittest.mock' || module === 'unittest') return true;
  if (module === '' && /^(date|datetime|time|timedelta|timezone|deque|defaultdict|partial|namedtuple)$/.test(name)) return true;
  return false;
}

function exprName(e: Expr): string {
  if (e.t === 'name') return e.id;
  if (e.t === 'attr') return `${exprName(e.obj)}.${e.name}`;
  return 'an expression';
}

function assignTarget(target: Target, value: PyValue, env: Env): void {
  if (target === null) return fail('unsupported loop target');
  if (typeof target === 'string') {
    env.set(target, value);
    return;
  }
  const items = value.k === 'seq' ? value.items : value.k === 'param' ? value.values : fail('cannot unpack');
  if (items.length !== target.length) fail('unpacking length mismatch');
  target.forEach((t, i) => assignTarget(t, items[i]!, env));
}

/** Standard-library constants that are the same on every CPython 3.8+ (64-bit). */
const STDLIB_CONSTANTS: Record<string, PyValue> = {
  'pickle.HIGHEST_PROTOCOL': { k: 'int', v: 5n },
  'sys.maxsize': { k: 'int', v: 2n ** 63n - 1n },
  'math.pi': { k: 'float', v: Math.PI },
  'math.e': { k: 'float', v: Math.E },
  'math.tau': { k: 'float', v: 2 * Math.PI },
  'math.inf': { k: 'float', v: Infinity },
  'math.nan': { k: 'float', v: NaN },
  'string.ascii_lowercase': { k: 'str', v: 'abcdefghijklmnopqrstuvwxyz' },
  'string.ascii_uppercase': { k: 'str', v: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  'string.ascii_letters': { k: 'str', v: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ' },
  'string.digits': { k: 'str', v: '0123456789' },
  'string.hexdigits': { k: 'str', v: '0123456789abcdefABCDEF' },
  'string.octdigits': { k: 'str', v: '01234567' },
  'string.punctuation': { k: 'str', v: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' },
  'string.whitespace': { k: 'str', v: ' \t\n\r\x0b\x0c' },
};

function isConstantName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(name) && name.length > 1;
}

function imaginaryText(text: string): string {
  const v = Number(text);
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}j`;
  return `${v}j`;
}

function negateComplex(text: string): string {
  // -(3j) is (-0-3j) in Python.
  return `(-0-${text})`;
}

/** `str()` of a simple value. */
function pyStr(v: PyValue): string {
  switch (v.k) {
    case 'str':
      return v.v;
    case 'int':
      return v.v.toString();
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'float':
      return pyFloatRepr(v.v);
    case 'enum':
      return v.text;
    default:
      return fail(`str() of ${v.k}`);
  }
}

/** `str(pathlib.PurePosixPath(*parts))`: joined, `.` segments and repeated or trailing slashes dropped. */
function posixPath(parts: string[]): string {
  let path = '';
  for (const p of parts) path = p.startsWith('/') ? p : path && p ? `${path}/${p}` : path || p;
  const abs = path.startsWith('/');
  const lead = abs && path.startsWith('//') && !path.startsWith('///') ? '//' : abs ? '/' : '';
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  const out = lead + segs.join('/');
  return out === '' ? '.' : out;
}

/** Python's `re.escape` (3.7+). */
function reEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => '\\' + c);
}

export function truthy(v: PyValue): boolean {
  switch (v.k) {
    case 'int':
      return v.v !== 0n;
    case 'float':
      return v.v !== 0;
    case 'str':
    case 'bytes':
      return v.v.length > 0;
    case 'bool':
      return v.v;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'dict':
      return v.entries.length > 0;
    case 'unknown':
      return fail(v.reason);
    default:
      return true;
  }
}

function toInt(v: PyValue): bigint {
  if (v.k === 'int') return v.v;
  if (v.k === 'bool') return v.v ? 1n : 0n;
  return fail('not an integer');
}

function num(v: PyValue): number | bigint | undefined {
  if (v.k === 'unknown') return fail(v.reason);
  if (v.k === 'int') return v.v;
  if (v.k === 'bool') return v.v ? 1n : 0n;
  if (v.k === 'float') return v.v;
  return undefined;
}

function binop(op: string, l: PyValue, r: PyValue): PyValue {
  const a = num(l);
  const b = num(r);
  if (a !== undefined && b !== undefined) {
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      switch (op) {
        case '+':
          return { k: 'int', v: a + b };
        case '-':
          return { k: 'int', v: a - b };
        case '*':
          return { k: 'int', v: a * b };
        case '//':
          if (b === 0n) fail('division by zero');
          return { k: 'int', v: floorDiv(a, b) };
        case '%':
          if (b === 0n) fail('division by zero');
          return { k: 'int', v: a - floorDiv(a, b) * b };
        case '**':
          if (b < 0n) return { k: 'float', v: Number(a) ** Number(b) };
          return { k: 'int', v: a ** b };
        case '/':
          if (b === 0n) fail('division by zero');
          return { k: 'float', v: Number(a) / Number(b) };
        case '<<':
          return { k: 'int', v: a << b };
        case '>>':
          return { k: 'int', v: a >> b };
        case '|':
          return { k: 'int', v: a | b };
        case '&':
          return { k: 'int', v: a & b };
        case '^':
          return { k: 'int', v: a ^ b };
      }
    } else {
      const x = Number(a);
      const y = Number(b);
      switch (op) {
        case '+':
          return { k: 'float', v: x + y };
        case '-':
          return { k: 'float', v: x - y };
        case '*':
          return { k: 'float', v: x * y };
        case '/':
          if (y === 0) fail('division by zero');
          return { k: 'float', v: x / y };
        case '**':
          return { k: 'float', v: x ** y };
      }
    }
    return fail(`operator ${op}`);
  }
  if (op === '+') {
    if (l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v };
    if (l.k === 'bytes' && r.k === 'bytes') return { k: 'bytes', v: l.v + r.v };
    if (l.k === 'seq' && r.k === 'seq' && l.kind === r.kind) return { k: 'seq', kind: l.kind, items: [...l.items, ...r.items] };
  }
  if (op === '*') {
    const [s, n] = l.k === 'int' ? [r, l] : [l, r];
    if (n.k === 'int' && n.v < 10_000n) {
      const times = Math.max(0, Number(n.v));
      if (s.k === 'str') return { k: 'str', v: s.v.repeat(times) };
      if (s.k === 'seq' && s.kind !== 'set') return { k: 'seq', kind: s.kind, items: Array.from({ length: times }, () => s.items).flat() };
    }
  }
  // pathlib-style joins and set unions of opaque objects stay opaque objects.
  if (op === '/' && l.k === 'object' && l.str !== undefined && (r.k === 'str' || (r.k === 'object' && r.str !== undefined)))
    return { k: 'object', what: 'Path()', str: posixPath([l.str, r.k === 'str' ? r.v : r.str!]) };
  if ((op === '/' || op === '|') && l.k === 'object') return { k: 'object', what: `(${op})` };
  if (op === '|' && l.k === 'dict' && r.k === 'dict') return { k: 'dict', entries: mergeDict(l.entries, r.entries) };
  if (op === '|' && l.k === 'seq' && r.k === 'seq' && l.kind === 'set' && r.kind === 'set') return { k: 'seq', kind: 'set', items: setOrder([...l.items, ...r.items]) };
  return fail(`operator ${op} on ${l.k} and ${r.k}`);
}

function mergeDict(a: Array<[PyValue, PyValue]>, b: Array<[PyValue, PyValue]>): Array<[PyValue, PyValue]> {
  const out = [...a];
  for (const [k, v] of b) {
    const i = out.findIndex(([x]) => pyEquals(x, k));
    if (i >= 0) out[i] = [out[i]![0], v];
    else out.push([k, v]);
  }
  return out;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function pyEquals(a: PyValue, b: PyValue): boolean {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return typeof x === typeof y ? x === y : Number(x) === Number(y);
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'str':
    case 'bytes':
      return a.v === (b as typeof a).v;
    case 'none':
      return true;
    case 'seq': {
      const bb = b as typeof a;
      return a.items.length === bb.items.length && a.items.every((v, i) => pyEquals(v, bb.items[i]!));
    }
    case 'named':
      return a.name === (b as typeof a).name;
    case 'enum':
      return a.text === (b as typeof a).text;
    default:
      return fail('comparison of objects');
  }
}

function pyCompare(a: PyValue, b: PyValue): number {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) {
    const fx = typeof x === 'bigint' && typeof y === 'bigint' ? x : Number(x);
    const fy = typeof x === 'bigint' && typeof y === 'bigint' ? y : Number(y);
    return fx < fy ? -1 : fx > fy ? 1 : 0;
  }
  if (a.k === 'str' && b.k === 'str') return codepointCompare(a.v, b.v);
  if (a.k === 'bytes' && b.k === 'bytes') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if (a.k === 'seq' && b.k === 'seq') {
    for (let i = 0; i < Math.min(a.items.length, b.items.length); i++) {
      const c = pyCompare(a.items[i]!, b.items[i]!);
      if (c) return c;
    }
    return a.items.length - b.items.length;
  }
  return fail(`cannot order ${a.k} and ${b.k}`);
}

function codepointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

function compare(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return pyCompare(a, b) < 0;
    case '<=':
      return pyCompare(a, b) <= 0;
    case '>':
      return pyCompare(a, b) > 0;
    case '>=':
      return pyCompare(a, b) >= 0;
    case 'in':
    case 'not in': {
      let r: boolean;
      if (b.k === 'str' && a.k === 'str') r = b.v.includes(a.v);
      else if (b.k === 'dict') r = b.entries.some(([k]) => pyEquals(k, a));
      else if (b.k === 'seq') r = b.items.some((x) => pyEquals(x, a));
      else return fail('in on a non-container');
      return op === 'in' ? r : !r;
    }
    case 'is':
      return a.k === 'none' ? b.k === 'none' : a.k === 'bool' && b.k === 'bool' ? a.v === b.v : fail('is');
    case 'is not':
      return a.k === 'none' ? b.k !== 'none' : a.k === 'bool' && b.k === 'bool' ? a.v !== b.v : fail('is not');
    default:
      return fail(`comparison ${op}`);
  }
}

function subscript(obj: PyValue, index: PyValue): PyValue {
  if (index.k === 'seq' && index.items[0]?.k === 'str' && index.items[0].v === '\0slice') {
    const [, lo, hi, st] = index.items;
    const seq = obj.k === 'seq' ? obj.items : obj.k === 'str' ? [...obj.v].map((c) => ({ k: 'str', v: c }) as PyValue) : fail('slice of a non-sequence');
    const n = seq.length;
    const step = st!.k === 'none' ? 1 : Number(toInt(st!));
    if (step === 0) fail('slice step 0');
    const norm = (v: PyValue, dflt: number) => {
      if (v.k === 'none') return dflt;
      let i = Number(toInt(v));
      if (i < 0) i += n;
      return step > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
    };
    const start = norm(lo!, step > 0 ? 0 : n - 1);
    const stop = norm(hi!, step > 0 ? n : -1);
    const items: PyValue[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) items.push(seq[i]!);
    if (obj.k === 'str') return { k: 'str', v: items.map((c) => (c as { v: string }).v).join('') };
    return { k: 'seq', kind: (obj as { kind: 'list' | 'tuple' }).kind, items };
  }
  if (obj.k === 'seq' && obj.kind !== 'set') {
    let i = Number(toInt(index));
    if (i < 0) i += obj.items.length;
    return obj.items[i] ?? fail('index out of range');
  }
  if (obj.k === 'str') {
    const chars = [...obj.v];
    let i = Number(toInt(index));
    if (i < 0) i += chars.length;
    return chars[i] !== undefined ? { k: 'str', v: chars[i]! } : fail('index out of range');
  }
  if (obj.k === 'dict') {
    const hit = obj.entries.find(([k]) => pyEquals(k, index));
    return hit ? hit[1] : fail('key not found');
  }
  return fail('subscript of a computed value');
}

/** Iteration order of a set: known for small non-negative ints (hash order), unknown for strings. */
function setOrder(items: PyValue[]): PyValue[] {
  const unique: PyValue[] = [];
  for (const it of items) if (!unique.some((u) => pyEquals(u, it))) unique.push(it);
  if (unique.length <= 1) return unique;
  if (unique.every((u) => u.k === 'int' && u.v >= 0n && u.v < 1n << 30n)) {
    let size = 8;
    while (size * 3 < unique.length * 5) size *= 2;
    // CPython sets of small ints iterate in hash-slot order when no collisions occur.
    const slots = new Map<number, PyValue>();
    for (const u of unique) {
      const slot = Number((u as { v: bigint }).v) % size;
      if (slots.has(slot)) return fail('set iteration order');
      slots.set(slot, u);
    }
    return [...slots.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
  return fail('set iteration order is not known statically');
}

/* ------------------------------------------------------------------ pytest names */

function isPytestModule(expr: Expr, file: string, project: PythonProject): boolean {
  if (expr.t !== 'name') return false;
  const r = project.resolveName(file, expr.id);
  return r.k === 'external' && r.name === '' && (r.module === 'pytest' || r.module === '_pytest');
}

/** `pytest.NAME` or `NAME` imported from pytest. */
export function isPytestAttr(expr: Expr, name: string, file: string, project: PythonProject): boolean {
  if (expr.t === 'attr') return expr.name === name && isPytestModule(expr.obj, file, project);
  if (expr.t === 'name') {
    const r = project.resolveName(file, expr.id);
    return r.k === 'external' && (r.module === 'pytest' || r.module.startsWith('_pytest')) && r.name === name;
  }
  return false;
}

/** The mark an attribute chain names: `pytest.mark.slow`, `mark.slow` (mark from pytest). */
export function markOf(expr: Extract<Expr, { t: 'attr' }>, file: string, project: PythonProject): Mark | undefined {
  const obj = expr.obj;
  if (obj.t === 'attr' && obj.name === 'mark' && isPytestModule(obj.obj, file, project))
    return { name: expr.name, args: [], kwargs: {}, file };
  if (obj.t === 'name') {
    const r = project.resolveName(file, obj.id);
    if (r.k === 'external' && (r.module === 'pytest' || r.module.startsWith('_pytest')) && r.name === 'mark')
      return { name: expr.name, args: [], kwargs: {}, file };
    if (r.k === 'external' && r.name === '' && (r.module === 'pytest.mark' || r.module === '_pytest.mark'))
      return { name: expr.name, args: [], kwargs: {}, file };
  }
  return undefined;
}

const ENUM_BASES: Record<string, 'Enum' | 'Flag' | 'IntEnum' | 'StrEnum' | 'IntFlag'> = {
  Enum: 'Enum',
  Flag: 'Flag',
  IntEnum: 'IntEnum',
  StrEnum: 'StrEnum',
  IntFlag: 'IntFlag',
};

function enumKind(project: PythonProject, cls: import('../../languages/python/ast.js').PyClass, file: string): string | undefined {
  for (const e of project.mro(cls, file)) {
    if (e.k === 'external' && e.module === 'enum' && ENUM_BASES[e.name]) return ENUM_BASES[e.name];
  }
  return undefined;
}

function isEnumClass(project: PythonProject, cls: import('../../languages/python/ast.js').PyClass, file: string): boolean {
  return enumKind(project, cls, file) !== undefined;
}
