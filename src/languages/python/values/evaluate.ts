/**
 * Static evaluation of Python expressions: literals, names the repository defines, builtins and
 * the few library calls whose results are known without running code. Anything else raises
 * `Unresolvable` with a reason the inventory reports.
 */
import type { Expr } from '../ast.js';
import type { PyClass } from '../ast.js';
import { assignTarget, binop, compare, enumKind, isConstantName, isEnumClass, imaginaryText, negateComplex, pyEquals, STDLIB_CONSTANTS, subscript, truthy } from './builtins.js';
import { builtinValueCall, evalCall, localModuleRef, setValue } from './calls.js';
import { dedent, formatField } from './format.js';
import { cloneValue, Interpreter } from './interpret.js';
import { fail, MAX_ITEMS, Unresolvable, type CallEvaluator, type Env, type Mark, type PythonResolver, type PyValue, type Resolved, type ValueHooks } from './types.js';

/** A key for a call whose arguments are all str, numbers, bools, None or names; undefined otherwise. */
function callKey(args: PyValue[], kwargs: Map<string, PyValue>): string | undefined {
  const part = (v: PyValue): string | undefined => {
    switch (v.k) {
      case 'str':
      case 'bytes':
        return `${v.k}:${JSON.stringify(v.v)}`;
      case 'int':
        return `int:${v.v}`;
      case 'float':
        return `float:${Object.is(v.v, -0) ? '-0' : v.v}`;
      case 'bool':
        return `bool:${v.v}`;
      case 'none':
        return 'none';
      default:
        return undefined;
    }
  };
  const parts: string[] = [];
  for (const a of args) {
    const p = part(a);
    if (p === undefined) return undefined;
    parts.push(p);
  }
  for (const [k, v] of [...kwargs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const p = part(v);
    if (p === undefined) return undefined;
    parts.push(`${k}=${p}`);
  }
  return parts.join('\u0000');
}

/** Builtin classes whose instances are str, bytes or numbers: a subclass's instances have the value's id. */
const PRIMITIVE_BUILTINS = new Set(['str', 'bytes', 'int', 'float', 'complex', 'bool']);

export class Evaluator implements CallEvaluator {
  private depth = 0;
  private classScope: import('../ast.js').Bindings | undefined;
  private readonly interpreter = new Interpreter(this);
  constructor(
    readonly project: PythonResolver,
    private readonly hooks: ValueHooks = {},
  ) {}

  /** Runs `fn` with the names of a class body visible (decorator arguments inside a class). */
  inScope<T>(scope: import('../ast.js').Bindings | undefined, fn: () => T): T {
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
          if (part.spec?.includes('{')) fail('f-string nested format spec');
          out += formatField(this.evaluate(part.e, file, env), part.conv, part.spec);
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
        // A set's own id is argname + index whatever its order; iterating it needs the order.
        if (e.t === 'set') return setValue(items);
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
        if (inClass?.kind === 'function') return { k: 'named', name: inClass.name, fn: { kind: 'def', fn: inClass, file } };
        if (inClass?.kind === 'class') return { k: 'named', name: inClass.name };
        return this.fromResolved(this.project.resolveName(file, e.id), e.id);
      }
      case 'attr':
        return this.evalAttr(e, file, env);
      case 'call':
        if (e.hasStarStar) fail('call with **kwargs');
        return this.hooks.call?.(e, file, env) ?? evalCall(this, e, file, env);
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
        const keys: PyValue[] = [];
        this.runComp(e.clauses, 0, new Map(env ?? []), file, (scope) => {
          if (e.key) keys.push(this.evaluate(e.key, file, scope));
          out.push(this.evaluate(e.elt, file, scope));
          if (out.length > MAX_ITEMS) fail('too many values');
        });
        if (e.kind === 'dict') return builtinValueCall(this, 'dict', [{ k: 'seq', kind: 'list', items: keys.map((k, i) => ({ k: 'seq', kind: 'tuple', items: [k, out[i]!] })) }]);
        if (e.kind === 'set') return setValue(out);
        // A generator object's own id is its __name__, `<genexpr>`.
        return e.kind === 'gen' ? { k: 'seq', kind: 'list', items: out, name: '<genexpr>' } : { k: 'seq', kind: 'list', items: out };
      }
      case 'subscript':
        return subscript(this.evaluate(e.obj, file, env), e.index.t === 'slice' ? this.evalSlice(e.index, file, env) : this.evaluate(e.index, file, env));
      case 'starred':
        return fail('starred expression');
      case 'lambda':
        if (!e.params || !e.body) return { k: 'named', name: '<lambda>' };
        return {
          k: 'named',
          name: '<lambda>',
          fn: { kind: 'lambda', params: e.params.map((p) => ({ name: p.name, default: p.default ? this.lenient(p.default, file, env) : undefined })), body: e.body, file, env },
        };
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
    if (v.k === 'seq') {
      if (v.unordered) fail('set iteration order is not known statically');
      if (v.infinite) fail('an endless iterator');
      return v.items;
    }
    if (v.k === 'dict') return v.entries.map(([k]) => k);
    if (v.k === 'str') return [...v.v].map((c) => ({ k: 'str', v: c }));
    if (v.k === 'bytes') return [...v.v].map((c) => ({ k: 'int', v: BigInt(c.charCodeAt(0)) }));
    if (v.k === 'unknown') return fail(v.reason);
    if (v.k === 'named' && v.fn?.kind === 'class' && isEnumClass(this.project, v.fn.cls, v.fn.file)) return this.enumMembers(v.fn.cls, v.fn.file);
    return fail(`cannot iterate over ${v.k === 'object' ? v.what : v.k}`);
  }

  /** The members of an enum class in definition order, aliases left out (`for m in Color`). */
  private enumMembers(cls: PyClass, file: string): PyValue[] {
    const kind = enumKind(this.project, cls, file);
    if (kind === 'Flag' || kind === 'IntFlag') fail('iteration over a Flag');
    if (this.project.mro(cls, file).some((e) => e.k === 'class' && e !== undefined && e.cls !== cls && [...e.cls.body.values()].some((b) => b.kind === 'value')))
      fail('enum with inherited members');
    const out: PyValue[] = [];
    const seen: PyValue[] = [];
    for (const [name, b] of cls.body) {
      if (b.kind !== 'value' || name.startsWith('_') || b.expr.t === 'lambda') continue;
      const member = this.enumMember(cls, file, name);
      const value = member.k === 'enum' ? (member.value ?? fail(`value of ${member.text}`)) : member;
      if (seen.some((s) => pyEquals(s, value))) continue; // an alias
      seen.push(value);
      out.push(member);
    }
    return out;
  }

  items(v: PyValue): PyValue[] {
    if (v.k === 'seq' && v.unordered) return v.items;
    return this.iterate(v);
  }

  callValue(callee: PyValue, args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
    if (callee.k === 'unknown') return fail(callee.reason);
    // `pytest.mark.x(...)(f)`: the mark applied to a function (pytest appends it to the function's marks)
    if (callee.k === 'mark' && !callee.applied && args.length === 1 && !kwargs.size && args[0]!.k === 'mark' && args[0]!.applied)
      return { k: 'mark', marks: [...args[0]!.marks, ...callee.marks], applied: true };
    if (callee.k !== 'named' || !callee.fn) return fail(`call of ${callee.k === 'named' ? callee.name : callee.k === 'object' ? callee.what : callee.k}`);
    const fn = callee.fn;
    switch (fn.kind) {
      case 'lambda':
        return this.interpreter.lambda(fn.params, fn.body, fn.file, args, kwargs, fn.env);
      case 'local':
        return this.interpreter.run(fn.body, fn.file, args, kwargs, fn.env);
      case 'def': {
        if (!Interpreter.transparent(fn.fn.decorators)) return fail(`${fn.fn.name}() is decorated`);
        const body = this.project.functionBody?.(fn.fn, fn.file);
        if (!body) return fail(`${fn.fn.name}() is computed`);
        // the same call with the same simple arguments (a factory in many decorators) runs once
        const key = callKey(args, kwargs);
        let memo = key === undefined ? undefined : this.callMemo.get(fn.fn);
        const hit = key === undefined ? undefined : memo?.get(key);
        if (hit) return cloneValue(hit);
        const v = this.interpreter.run(body, fn.file, args, kwargs);
        if (key !== undefined && v.k !== 'unknown') {
          if (!memo) this.callMemo.set(fn.fn, (memo = new Map()));
          memo.set(key, v);
        }
        return key === undefined ? v : cloneValue(v);
      }
      case 'builtin':
        if (kwargs.size) fail(`${fn.name}() with keyword arguments`);
        return builtinValueCall(this, fn.name, args);
      case 'class':
        return this.instantiate(fn.cls, fn.file);
      case 'madeclass':
        return this.instantiateMade(callee.name, fn.bases, fn.members);
      case 'external':
        if (`${fn.module}.${fn.name}` === 'textwrap.dedent' && args[0]?.k === 'str') return { k: 'str', v: dedent(args[0].v) };
        if (fn.module === 'builtins.str' && args.length === 1 && args[0]!.k === 'str')
          return this.evaluate({ t: 'call', fn: { t: 'attr', obj: { t: 'name', id: '\0self' }, name: fn.name }, args: [], kwargs: {}, hasStarStar: false }, '', new Map([['\0self', args[0]!]]));
        return fail(`${fn.module}.${fn.name}() is evaluated at run time`);
    }
  }

  /**
   * An instance of a repository class: argname + index, unless the class could give its
   * instances an id (an enum, a str/number subclass, `__getattr__`, a `__name__` attribute, a
   * metaclass of the repository).
   */
  private instantiate(cls: PyClass, file: string): PyValue {
    if (isEnumClass(this.project, cls, file)) return { k: 'unknown', reason: `${cls.name}() is an enum member` };
    for (const e of this.project.mro(cls, file)) {
      if (e.k === 'external') {
        if ((e.module === 'builtins' && PRIMITIVE_BUILTINS.has(e.name)) || /(^|\.)(Markup|UserString|StrEnum)$/.test(`${e.module}.${e.name}`))
          return { k: 'unknown', reason: `${cls.name} is a ${e.name} subclass` };
        continue;
      }
      if (e.k !== 'class') continue;
      // `__new__` is not looked into: it gives an instance of the class in practice (sympy's
      // Symbol, Matrix); a str or number subclass is caught by its base above.
      for (const m of ['__getattr__', '__getattribute__', '__name__'])
        if (e.cls.body.has(m)) return { k: 'unknown', reason: `${e.cls.name} defines ${m}` };
      const meta = e.cls.keywords.metaclass;
      if (meta && this.project.resolveExprRef(meta, e.file).k === 'class') return { k: 'unknown', reason: `${e.cls.name} has a metaclass of the repository` };
    }
    return { k: 'object', what: `${cls.name}()`, cls: { cls, file } };
  }

  private instantiateMade(name: string, bases: PyValue[], members: string[]): PyValue {
    if (members.some((m) => m === '?' || m === '__new__' || m === '__getattr__' || m === '__getattribute__' || m === '__name__'))
      return { k: 'unknown', reason: `${name} defines its instances' attributes at run time` };
    for (const b of bases) {
      if (b.k !== 'named') return { k: 'unknown', reason: `${name} has a base known at run time` };
      if (b.fn?.kind === 'builtin' && PRIMITIVE_BUILTINS.has(b.fn.name)) return { k: 'unknown', reason: `${name} is a ${b.fn.name} subclass` };
      if (b.fn?.kind === 'class' || b.fn?.kind === 'madeclass') {
        const inst = this.callValue(b, [], new Map());
        if (inst.k !== 'object') return inst;
      }
    }
    return { k: 'object', what: `${name}()` };
  }

  private fromResolved(r: Resolved, label: string): PyValue {
    switch (r.k) {
      case 'value': {
        const owner = r.owner;
        if (owner && isEnumClass(this.project, owner, r.file)) return this.enumMember(owner, r.file, label);
        if (owner) return this.evaluate(r.binding.expr, r.file);
        return this.moduleValue(r.binding, r.file);
      }
      case 'function':
        return { k: 'named', name: r.fn.name, fn: { kind: 'def', fn: r.fn, file: r.file } };
      case 'class':
        return { k: 'named', name: r.cls.name, fn: { kind: 'class', cls: r.cls, file: r.file } };
      case 'module':
        return { k: 'named', name: r.dotted };
      case 'builtin':
        return { k: 'named', name: r.name, fn: { kind: 'builtin', name: r.name } };
      case 'external': {
        if (!r.name) return { k: 'named', name: r.module };
        const known = STDLIB_CONSTANTS[`${r.module}.${r.name}`];
        if (known) return known;
        if (isConstantName(r.name)) return fail(`${r.module}.${r.name} is imported from outside the repository`);
        // Stream and mapping objects have no __name__: pytest uses argname + index for them.
        if ((r.module === 'sys' && /^(__)?std(in|out|err)(__)?$/.test(r.name)) || (r.module === 'os' && r.name === 'environ'))
          return { k: 'object', what: `${r.module}.${r.name}` };
        if (r.module === 'sys' || r.module === 'os' || r.module === 'os.environ') return { k: 'unknown', reason: `${r.module}.${r.name} is a runtime value` };
        if (r.module === 'builtins.str' || r.module === 'str') return { k: 'named', name: r.name, fn: { kind: 'external', module: 'builtins.str', name: r.name } };
        return { k: 'named', name: r.name, fn: { kind: 'external', module: r.module, name: r.name } };
      }
      case 'unknown':
        return fail(r.reason);
    }
  }

  private readonly callMemo = new WeakMap<object, Map<string, PyValue>>();

  /** Module-level values, evaluated once (a factory call may be long to follow); containers are copied out. */
  private readonly moduleValues = new WeakMap<object, { v: PyValue } | { err: string }>();

  private moduleValue(b: { expr: Expr }, file: string): PyValue {
    const hit = this.moduleValues.get(b);
    if (hit) return 'err' in hit ? fail(hit.err) : cloneValue(hit.v);
    const cacheable = () => !this.interpreter.running && this.depth < 50;
    try {
      const v = this.inScope(undefined, () => this.evaluate(b.expr, file));
      this.moduleValues.set(b, { v });
      return cloneValue(v);
    } catch (error) {
      if (error instanceof Unresolvable && cacheable()) this.moduleValues.set(b, { err: error.message });
      throw error;
    }
  }

  private enumMember(owner: import('../ast.js').PyClass, file: string, member: string): PyValue {
    const kind = enumKind(this.project, owner, file);
    if (kind === 'Enum' || kind === 'Flag') {
      const b = owner.body.get(member);
      const value = b?.kind === 'value' && !(b.expr.t === 'call' && ((b.expr.fn.t === 'name' && b.expr.fn.id === 'auto') || (b.expr.fn.t === 'attr' && b.expr.fn.name === 'auto'))) ? this.lenient(b.expr, file) : undefined;
      return { k: 'enum', text: `${owner.name}.${member}`, ...(value && value.k !== 'unknown' ? { value } : {}) };
    }
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
    // a library's own objects (pytest.mark.NAME)
    const own = this.hooks.attr?.(e, file);
    if (own) return own;
    const rootLocal = (x: Expr): boolean => (x.t === 'name' ? !!env?.has(x.id) : x.t === 'attr' ? rootLocal(x.obj) : true);
    if (rootLocal(e.obj)) {
      const ref = env ? localModuleRef(this, e, env) : undefined;
      if (ref) return this.fromResolved(ref, e.name);
      return this.attrOfValue(this.evaluate(e.obj, file, env), e.name);
    }
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
    if (r.k === 'unknown' && base.k === 'value') return this.attrOfValue(this.evaluate(e.obj, file, env), e.name);
    if (r.k === 'unknown' && base.k === 'builtin' && base.name === 'str') return { k: 'named', name: e.name, fn: { kind: 'external', module: 'builtins.str', name: e.name } };
    return this.fromResolved(r, e.name);
  }

  /** `value.name` for a computed value: a class's or function's `__name__`, a str method reference. */
  private attrOfValue(v: PyValue, name: string): PyValue {
    if (v.k === 'unknown') return fail(v.reason);
    // the same name the value's own id uses (a class, function, module)
    if (name === '__name__' && v.k === 'named') return { k: 'str', v: v.name };
    if (name === '__name__' && v.k === 'seq' && v.name !== undefined) return { k: 'str', v: v.name };
    if (v.k === 'enum' && name === 'name') return { k: 'str', v: v.text.slice(v.text.lastIndexOf('.') + 1) };
    if (v.k === 'enum' && name === 'value' && v.value) return v.value;
    if (v.k === 'named' && v.fn?.kind === 'builtin' && v.fn.name === 'str') return { k: 'named', name, fn: { kind: 'external', module: 'builtins.str', name } };
    if (v.k === 'named' && v.fn?.kind === 'class') {
      const r = this.project.resolveAttr({ k: 'class', cls: v.fn.cls, file: v.fn.file }, name);
      if (r.k !== 'unknown') return this.fromResolved(r, name);
    }
    return fail(`attribute .${name} of a computed value`);
  }

  evalArgs(args: Expr[], file: string, env?: Env): PyValue[] {
    if (args.length === 1 && args[0]!.t === 'comp' && args[0]!.kind === 'gen') {
      // f(x for x in …): the generator is consumed by the call, it is not an element
      const v = this.evaluate(args[0]!, file, env);
      return [v.k === 'seq' ? { ...v, name: undefined } : v];
    }
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
