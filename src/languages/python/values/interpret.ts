/**
 * Follows calls into Python functions: a repository function, a function defined inside one, or a
 * lambda, run statement by statement over statically known values. An `if` whose condition is
 * not known runs both ways; the call's value is what all the ways agree on (the same value, or
 * values with the same kind of id: instances, containers, or one class name). Anything else
 * (unknown loops, `global`, a body that is not available) raises `Unresolvable`.
 */
import type { Expr, Target } from '../ast.js';
import type { AssignTarget, BodyParam, FunctionBody, Stmt } from '../body.js';
import { assignTarget as bindTarget, binop, pyEquals, truthy } from './builtins.js';
import { fail, Unresolvable, type CallEvaluator, type Env, type PyValue } from './types.js';

type State = { env: Env; yields: PyValue[]; yieldsUnknown?: string };
type Outcome =
  | { k: 'normal'; st: State }
  | { k: 'return'; st: State; value: PyValue }
  | { k: 'break'; st: State }
  | { k: 'continue'; st: State }
  | { k: 'raise'; st: State };

const MAX_PATHS = 64;
const MAX_STEPS = 200_000;
const MAX_DEPTH = 12;

/** Methods that change the list, dict or set they are called on. */
const MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse', 'update', 'setdefault', 'add', 'discard', 'popitem']);

/** Decorators that leave a function callable as written. */
const TRANSPARENT_DECORATORS = /^(staticmethod|classmethod|functools\.(lru_cache|cache)|lru_cache|cache)$/;

export class Interpreter {
  private depth = 0;
  private steps = 0;
  constructor(private readonly ev: CallEvaluator) {}

  /** Whether a function is being followed (its limits may fail an evaluation that would succeed on its own). */
  get running(): boolean {
    return this.depth > 0;
  }

  /** Whether a repository function's decorators leave its body as what a call runs. */
  static transparent(decorators: Expr[]): boolean {
    return decorators.every((d) => {
      const target = d.t === 'call' ? d.fn : d;
      const text = target.t === 'name' ? target.id : target.t === 'attr' && target.obj.t === 'name' ? `${target.obj.id}.${target.name}` : '';
      return TRANSPARENT_DECORATORS.test(text);
    });
  }

  /** Runs a function body with arguments bound to its parameters; `env` is the enclosing scope of a closure. */
  run(body: FunctionBody, file: string, args: PyValue[], kwargs: Map<string, PyValue>, closure?: Env): PyValue {
    if (this.depth >= MAX_DEPTH) fail('calls nested too deeply');
    if (this.depth === 0) this.steps = 0;
    this.depth++;
    try {
      return this.ev.inScope(undefined, () => this.runInner(body, file, args, kwargs, closure));
    } finally {
      this.depth--;
    }
  }

  /** Calls a lambda: its body is one expression. */
  lambda(params: Array<{ name: string; default?: PyValue }>, body: Expr, file: string, args: PyValue[], kwargs: Map<string, PyValue>, closure?: Env): PyValue {
    const env: Env = new Map(closure ?? []);
    this.bind(
      params.map((p) => ({ name: p.name, kind: 'positional' as const })),
      params.map((p) => p.default),
      args,
      kwargs,
      env,
    );
    if (this.depth >= MAX_DEPTH) fail('calls nested too deeply');
    this.depth++;
    try {
      return this.ev.inScope(undefined, () => this.ev.evaluate(body, file, env));
    } finally {
      this.depth--;
    }
  }

  private runInner(body: FunctionBody, file: string, args: PyValue[], kwargs: Map<string, PyValue>, closure?: Env): PyValue {
    const env: Env = new Map(closure ?? []);
    const defaults = body.params.map((p) => (p.default ? this.ev.lenient(p.default, file, closure) : undefined));
    this.bind(body.params, defaults, args, kwargs, env);
    if (body.isAsync) return { k: 'named', name: body.name };
    const outcomes = this.block(body.body, { env, yields: [] }, file);
    if (body.isGenerator) {
      const runs = outcomes.filter((o) => o.k !== 'raise');
      if (!runs.length) fail(`${body.name}() always raises`);
      const lists = runs.map((o) => (o.st.yieldsUnknown ? undefined : o.st.yields));
      const first = lists[0];
      if (first && lists.every((l) => l && sameValues(l, first))) return { k: 'seq', kind: 'list', items: first, name: body.name };
      // Its items are not known, but a generator's id is its function's name.
      return { k: 'seq', kind: 'list', items: [{ k: 'unknown', reason: `${body.name}() yields values known at run time` }], name: body.name, unordered: true };
    }
    const values: PyValue[] = [];
    for (const o of outcomes) {
      if (o.k === 'return') values.push(o.value);
      else if (o.k === 'normal') values.push({ k: 'none' });
      else if (o.k === 'break' || o.k === 'continue') fail('break outside a loop');
    }
    if (!values.length) fail(`${body.name}() always raises`);
    return join(values, `${body.name}()`);
  }

  private bind(params: BodyParam[] | Array<{ name: string; kind: BodyParam['kind'] }>, defaults: Array<PyValue | undefined>, args: PyValue[], kwargs: Map<string, PyValue>, env: Env): void {
    const rest = new Map(kwargs);
    let i = 0;
    params.forEach((p, idx) => {
      if (p.kind === 'varargs') {
        env.set(p.name, { k: 'seq', kind: 'tuple', items: args.slice(i) });
        i = args.length;
      } else if (p.kind === 'varkw') {
        env.set(p.name, { k: 'dict', entries: [...rest].map(([k, v]) => [{ k: 'str', v: k }, v] as [PyValue, PyValue]) });
        rest.clear();
      } else if (p.kind === 'positional' && i < args.length) {
        if (rest.has(p.name)) fail(`${p.name} given twice`);
        env.set(p.name, args[i++]!);
      } else if (rest.has(p.name)) {
        env.set(p.name, rest.get(p.name)!);
        rest.delete(p.name);
      } else if (defaults[idx] !== undefined) env.set(p.name, defaults[idx]!);
      else fail(`missing argument ${p.name}`);
    });
    if (i < args.length) fail('too many arguments');
    if (rest.size) fail(`unexpected argument ${[...rest.keys()][0]}`);
  }

  private block(stmts: Stmt[], start: State, file: string): Outcome[] {
    let live: State[] = [start];
    const done: Outcome[] = [];
    for (const stmt of stmts) {
      const next: State[] = [];
      for (const st of live)
        for (const o of this.stmt(stmt, st, file)) {
          if (o.k === 'normal') next.push(o.st);
          else done.push(o);
        }
      live = next;
      if (live.length + done.length > MAX_PATHS) fail('too many paths through the function');
      if (!live.length) break;
    }
    return [...done, ...live.map((st) => ({ k: 'normal' as const, st }))];
  }

  private value(e: Expr, st: State, file: string): PyValue {
    return this.ev.lenient(e, file, st.env);
  }

  private stmt(s: Stmt, st: State, file: string): Outcome[] {
    if (++this.steps > MAX_STEPS) fail('function runs too long to follow');
    const normal: Outcome[] = [{ k: 'normal', st }];
    switch (s.s) {
      case 'pass':
        return normal;
      case 'assign': {
        const v = this.value(s.value, st, file);
        for (const t of s.targets) this.assign(t, v, st, file);
        this.taintMutated(s.value, st, file);
        return normal;
      }
      case 'augassign': {
        if (s.target.t !== 'name') {
          this.assign(s.target, { k: 'unknown', reason: 'augmented assignment' }, st, file);
          return normal;
        }
        const cur = this.value({ t: 'name', id: s.target.id }, st, file);
        const v = this.value(s.value, st, file);
        if (s.op === '+' && cur.k === 'seq' && cur.kind === 'list' && !cur.unordered) {
          // `lst += it` extends the list in place
          try {
            cur.items.push(...this.ev.iterate(v));
          } catch (error) {
            if (!(error instanceof Unresolvable)) throw error;
            st.env.set(s.target.id, opaque(cur));
          }
          return normal;
        }
        let out: PyValue;
        try {
          out = binop(s.op, cur, v);
        } catch (error) {
          if (!(error instanceof Unresolvable)) throw error;
          out = { k: 'unknown', reason: error.message };
        }
        st.env.set(s.target.id, out);
        return normal;
      }
      case 'return':
        return [{ k: 'return', st, value: s.value ? this.value(s.value, st, file) : { k: 'none' } }];
      case 'yield': {
        if (!s.value) st.yields.push({ k: 'none' });
        else if (s.from) {
          try {
            st.yields.push(...this.ev.iterate(this.ev.evaluate(s.value, file, st.env)));
          } catch (error) {
            if (!(error instanceof Unresolvable)) throw error;
            st.yieldsUnknown = error.message;
          }
        } else st.yields.push(this.value(s.value, st, file));
        return normal;
      }
      case 'expr':
        this.exprStatement(s.e, st, file);
        return normal;
      case 'if': {
        let cond: boolean | undefined;
        try {
          cond = truthy(this.ev.evaluate(s.cond, file, st.env));
        } catch (error) {
          if (!(error instanceof Unresolvable)) throw error;
        }
        if (cond === true) return this.block(s.body, st, file);
        if (cond === false) return this.block(s.orelse, st, file);
        return [...this.block(s.body, cloneState(st), file), ...this.block(s.orelse, st, file)];
      }
      case 'for': {
        const items = this.ev.iterate(this.ev.evaluate(s.iter, file, st.env));
        return this.loop(items.length, (i, cur) => {
          this.assignLoopTarget(s.target, items[i]!, cur);
          return true;
        }, s.body, s.orelse, st, file);
      }
      case 'while':
        return this.loop(10_000, (_i, cur) => truthy(this.ev.evaluate(s.cond, file, cur.env)), s.body, s.orelse, st, file, true);
      case 'with':
        for (const item of s.items) {
          const v = this.value(item.e, st, file);
          if (item.as) this.assign(item.as, v.k === 'unknown' ? v : { k: 'unknown', reason: 'value of a with statement' }, st, file);
        }
        return this.block(s.body, st, file);
      case 'try': {
        const out: Outcome[] = [];
        for (const o of this.block(s.body, st, file)) {
          if (o.k === 'raise') {
            if (!s.handlers.length) out.push(o);
            for (const h of s.handlers) out.push(...this.block(h, cloneState(o.st), file));
          } else if (o.k === 'normal') out.push(...this.block(s.orelse, o.st, file));
          else out.push(o);
        }
        if (!s.final.length) return out;
        return out.flatMap((o) =>
          this.block(s.final, o.st, file).map((f) => (f.k === 'normal' ? o : f.k === 'return' || f.k === 'raise' ? f : fail('break in finally'))),
        );
      }
      case 'raise':
        return [{ k: 'raise', st }];
      case 'break':
        return [{ k: 'break', st }];
      case 'continue':
        return [{ k: 'continue', st }];
      case 'def': {
        const fn = s.fn;
        if (fn.decorators.length) st.env.set(fn.name, { k: 'unknown', reason: `${fn.name} is decorated` });
        else st.env.set(fn.name, { k: 'named', name: fn.name, fn: { kind: 'local', body: fn, file, env: st.env } });
        return normal;
      }
      case 'class': {
        const bases = s.bases.map((b) => this.value(b, st, file));
        st.env.set(s.name, { k: 'named', name: s.name, fn: { kind: 'madeclass', bases, members: s.members } });
        return normal;
      }
      case 'bind':
        for (const n of s.names) {
          // an import inside the function: followed as a library module
          const imp = s.imports?.find((i) => i.name === n);
          if (imp) st.env.set(n, { k: 'named', name: imp.attr ?? imp.module, fn: { kind: 'external', module: imp.module, name: imp.attr ?? '' } });
          else st.env.set(n, { k: 'unknown', reason: `${n} is imported at run time` });
        }
        return normal;
      case 'other':
        return fail(`statement ${s.kind} in a followed function`);
    }
  }

  private loop(count: number, enter: (i: number, st: State) => boolean, body: Stmt[], orelse: Stmt[], st: State, file: string, isWhile = false): Outcome[] {
    let live: State[] = [st];
    const done: Outcome[] = [];
    for (let i = 0; i < count && live.length; i++) {
      const next: State[] = [];
      for (const cur of live) {
        if (!enter(i, cur)) {
          done.push(...this.block(orelse, cur, file));
          continue;
        }
        for (const o of this.block(body, cur, file)) {
          if (o.k === 'normal' || o.k === 'continue') next.push(o.st);
          else if (o.k === 'break') done.push({ k: 'normal', st: o.st });
          else done.push(o);
        }
      }
      live = next;
      if (live.length + done.length > MAX_PATHS) fail('too many paths through the function');
      if (isWhile && i === count - 1 && live.length) fail('loop runs too long to follow');
    }
    if (!isWhile) for (const cur of live) done.push(...this.block(orelse, cur, file));
    return done;
  }

  private assignLoopTarget(target: Target, v: PyValue, st: State): void {
    bindTarget(target, v, st.env);
  }

  private assign(t: AssignTarget, v: PyValue, st: State, file: string): void {
    switch (t.t) {
      case 'name':
        st.env.set(t.id, v);
        return;
      case 'tuple': {
        let items: PyValue[] | undefined;
        try {
          items = v.k === 'unknown' ? undefined : this.ev.iterate(v);
        } catch (error) {
          if (!(error instanceof Unresolvable)) throw error;
        }
        if (items && items.length !== t.items.length) fail('unpacking length mismatch');
        t.items.forEach((x, i) => this.assign(x, items ? items[i]! : { k: 'unknown', reason: v.k === 'unknown' ? v.reason : 'unpacked value' }, st, file));
        return;
      }
      case 'subscript': {
        const obj = this.value(t.obj, st, file);
        if (obj.k === 'dict') {
          const key = this.value(t.index, st, file);
          try {
            const i = obj.entries.findIndex(([k]) => pyEquals(k, key));
            if (i >= 0) obj.entries[i] = [obj.entries[i]![0], v];
            else obj.entries.push([key, v]);
            return;
          } catch (error) {
            if (!(error instanceof Unresolvable)) throw error;
          }
        } else if (obj.k === 'seq' && obj.kind === 'list' && !obj.unordered) {
          const idx = this.value(t.index, st, file);
          if (idx.k === 'int') {
            const i = Number(idx.v < 0n ? idx.v + BigInt(obj.items.length) : idx.v);
            if (i >= 0 && i < obj.items.length) {
              obj.items[i] = v;
              return;
            }
          }
        }
        if (t.obj.t === 'name' && st.env.has(t.obj.id)) st.env.set(t.obj.id, opaque(obj));
        return;
      }
      case 'attr': {
        if (t.name === '__name__' || t.name === '__qualname__') {
          // a class renamed at run time: its id follows the new name when it is known
          if (t.obj.t === 'name' && st.env.has(t.obj.id)) {
            const cur = st.env.get(t.obj.id)!;
            if (t.name === '__name__' && cur.k === 'named' && v.k === 'str') st.env.set(t.obj.id, { ...cur, name: v.v });
            else if (t.name === '__name__') st.env.set(t.obj.id, { k: 'unknown', reason: '__name__ set at run time' });
          } else fail('__name__ set at run time');
        }
        return;
      }
      case 'other':
        return fail('unsupported assignment target');
    }
  }

  /** Statements such as `out.append(x)`: applied to local lists, dicts and sets; other calls make the containers they reach opaque. */
  private exprStatement(e: Expr, st: State, file: string): void {
    if (e.t === 'call' && e.fn.t === 'attr' && e.fn.obj.t === 'name' && st.env.has(e.fn.obj.id) && MUTATORS.has(e.fn.name) && !e.hasStarStar) {
      const name = e.fn.obj.id;
      const obj = st.env.get(name)!;
      try {
        if (this.mutate(obj, e.fn.name, e, st, file)) return;
      } catch (error) {
        if (!(error instanceof Unresolvable)) throw error;
      }
      st.env.set(name, opaque(obj));
      return;
    }
    if (e.t === 'call') {
      const fn = e.fn;
      if (fn.t === 'name' && (fn.id === 'setattr' || fn.id === 'delattr')) {
        const target = e.args[0];
        if (target?.t === 'name' && st.env.has(target.id)) {
          const attr = e.args[1];
          if (!(attr?.t === 'str' && attr.v !== '__name__' && attr.v !== '__qualname__')) st.env.set(target.id, { k: 'unknown', reason: 'attributes set at run time' });
        }
        return;
      }
    }
    this.taintReached(e, st);
  }

  private mutate(obj: PyValue, method: string, e: Extract<Expr, { t: 'call' }>, st: State, file: string): boolean {
    const args = this.ev.evalArgs(e.args, file, st.env);
    if (Object.keys(e.kwargs).length && !(obj.k === 'dict' && method === 'update')) return false;
    if (obj.k === 'seq' && obj.kind === 'list' && !obj.unordered) {
      const items = obj.items;
      switch (method) {
        case 'append':
          if (args.length !== 1) return false;
          items.push(args[0]!);
          return true;
        case 'extend':
          items.push(...this.ev.iterate(args[0]!));
          return true;
        case 'insert': {
          const at = args[0]?.k === 'int' ? Number(args[0].v) : NaN;
          if (Number.isNaN(at) || args.length !== 2) return false;
          items.splice(at < 0 ? Math.max(0, items.length + at) : at, 0, args[1]!);
          return true;
        }
        case 'clear':
          items.length = 0;
          return true;
        case 'reverse':
          items.reverse();
          return true;
        case 'pop': {
          if (!items.length) return false;
          const at = args[0]?.k === 'int' ? Number(args[0].v) : args.length ? NaN : -1;
          if (Number.isNaN(at)) return false;
          items.splice(at < 0 ? items.length + at : at, 1);
          return true;
        }
        case 'remove': {
          const i = items.findIndex((x) => pyEquals(x, args[0]!));
          if (i < 0) return false;
          items.splice(i, 1);
          return true;
        }
        default:
          return false;
      }
    }
    if (obj.k === 'dict') {
      switch (method) {
        case 'update': {
          const add: Array<[PyValue, PyValue]> = [];
          if (args[0]) {
            if (args[0].k === 'dict') add.push(...args[0].entries);
            else return false;
          }
          for (const [k, v] of Object.entries(e.kwargs)) add.push([{ k: 'str', v: k }, this.value(v, st, file)]);
          for (const [k, v] of add) {
            const i = obj.entries.findIndex(([x]) => pyEquals(x, k));
            if (i >= 0) obj.entries[i] = [obj.entries[i]![0], v];
            else obj.entries.push([k, v]);
          }
          return true;
        }
        case 'setdefault': {
          const i = obj.entries.findIndex(([x]) => pyEquals(x, args[0]!));
          if (i < 0) obj.entries.push([args[0]!, args[1] ?? { k: 'none' }]);
          return true;
        }
        case 'pop': {
          const i = obj.entries.findIndex(([x]) => pyEquals(x, args[0]!));
          if (i >= 0) obj.entries.splice(i, 1);
          else if (args.length < 2) return false;
          return true;
        }
        case 'clear':
          obj.entries.length = 0;
          return true;
        default:
          return false;
      }
    }
    if (obj.k === 'seq' && obj.kind === 'set') {
      switch (method) {
        case 'add':
          if (!obj.items.some((x) => pyEquals(x, args[0]!))) {
            obj.items.push(args[0]!);
            obj.unordered = true;
          }
          return true;
        case 'discard':
        case 'remove': {
          const i = obj.items.findIndex((x) => pyEquals(x, args[0]!));
          if (i >= 0) obj.items.splice(i, 1);
          else if (method === 'remove') return false;
          return true;
        }
        default:
          return false;
      }
    }
    return false;
  }

  /** Mutating method calls inside an expression (`x = lst.pop()`): the container is no longer known. */
  private taintMutated(e: Expr, st: State, file: string): void {
    void file;
    walkCalls(e, (c) => {
      if (c.fn.t === 'attr' && c.fn.obj.t === 'name' && MUTATORS.has(c.fn.name) && st.env.has(c.fn.obj.id)) {
        const v = st.env.get(c.fn.obj.id)!;
        if (v.k === 'seq' || v.k === 'dict') st.env.set(c.fn.obj.id, opaque(v));
      }
    });
  }

  /** A call the interpreter does not run may change the local containers it is given. */
  private taintReached(e: Expr, st: State): void {
    walkCalls(e, (c) => {
      const reached = [...c.args, ...Object.values(c.kwargs)];
      if (c.fn.t === 'attr') reached.push(c.fn.obj);
      for (const a of reached) {
        const n = a.t === 'starred' ? a.v : a;
        if (n.t !== 'name' || !st.env.has(n.id)) continue;
        const v = st.env.get(n.id)!;
        if (v.k === 'seq' || v.k === 'dict') st.env.set(n.id, opaque(v));
      }
    });
  }
}

function walkCalls(e: Expr, visit: (c: Extract<Expr, { t: 'call' }>) => void): void {
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    switch (x.t) {
      case 'call':
        visit(x);
        stack.push(x.fn, ...x.args, ...Object.values(x.kwargs));
        break;
      case 'attr':
        stack.push(x.obj);
        break;
      case 'list':
      case 'tuple':
      case 'set':
        stack.push(...x.items);
        break;
      case 'dict':
        for (const [k, v] of x.entries) stack.push(k, v);
        break;
      case 'binop':
      case 'boolop':
        stack.push(x.l, x.r);
        break;
      case 'unary':
      case 'not':
      case 'starred':
        stack.push(x.v);
        break;
      case 'compare':
        stack.push(...x.operands);
        break;
      case 'ifexp':
        stack.push(x.body, x.cond, x.orelse);
        break;
      case 'subscript':
        stack.push(x.obj, x.index);
        break;
      default:
        break;
    }
  }
}

/** A container whose items are no longer known: its id is still argname + index. */
function opaque(v: PyValue): PyValue {
  if (v.k === 'seq' || v.k === 'dict') return { k: 'object', what: 'a container changed at run time' };
  return v;
}

/** A copy of a value whose lists, dicts and sets are new (sharing between them kept). */
export function cloneValue(v: PyValue, memo: Map<PyValue, PyValue> = new Map()): PyValue {
  if (v.k !== 'seq' && v.k !== 'dict') return v;
  const hit = memo.get(v);
  if (hit) return hit;
  if (v.k === 'seq') {
    const copy: PyValue = { ...v, items: [] };
    memo.set(v, copy);
    (copy as { items: PyValue[] }).items = v.items.map((x) => cloneValue(x, memo));
    return copy;
  }
  const copy: PyValue = { k: 'dict', entries: [] };
  memo.set(v, copy);
  (copy as { entries: Array<[PyValue, PyValue]> }).entries = v.entries.map(([k, x]) => [cloneValue(k, memo), cloneValue(x, memo)]);
  return copy;
}

/** A copy of a path's state for the other branch of an `if` (containers copied, sharing kept). */
function cloneState(st: State): State {
  const memo = new Map<PyValue, PyValue>();
  const env: Env = new Map();
  for (const [k, v] of st.env) env.set(k, cloneValue(v, memo));
  return { env, yields: st.yields.map((v) => cloneValue(v, memo)), yieldsUnknown: st.yieldsUnknown };
}

function sameValue(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'seq': {
      const bb = b as typeof a;
      return a.kind === bb.kind && a.name === bb.name && !a.unordered && !bb.unordered && sameValues(a.items, bb.items);
    }
    case 'dict': {
      const bb = b as typeof a;
      return a.entries.length === bb.entries.length && a.entries.every(([k, v], i) => sameValue(k, bb.entries[i]![0]) && sameValue(v, bb.entries[i]![1]));
    }
    case 'named':
      return a.name === (b as typeof a).name;
    case 'unknown':
    case 'object':
    case 'param':
    case 'mark':
      return false;
    default:
      try {
        return pyEquals(a, b) && JSON.stringify(a, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) === JSON.stringify(b, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
      } catch {
        return false;
      }
  }
}

function sameValues(a: PyValue[], b: PyValue[]): boolean {
  return a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
}

/** The value several paths through a function agree on, as far as a test id can tell. */
function join(values: PyValue[], what: string): PyValue {
  const first = values[0]!;
  if (values.every((v) => sameValue(v, first))) return first;
  const unknown = values.find((v) => v.k === 'unknown');
  if (unknown) return unknown;
  // lists or tuples of one length: joined item by item (each may be a parameter set)
  const f = first as { kind?: string; items?: PyValue[] };
  if (values.every((v) => v.k === 'seq' && v.kind === f.kind && v.kind !== 'set' && !v.unordered && !v.infinite && v.name === undefined && v.items.length === f.items!.length))
    return { k: 'seq', kind: f.kind as 'list' | 'tuple', items: (first as { items: PyValue[] }).items.map((_, i) => join(values.map((v) => (v as { items: PyValue[] }).items[i]!), what)) };
  // Instances and containers all give argname + index.
  if (values.every((v) => v.k === 'object' || ((v.k === 'seq' || v.k === 'dict') && !(v.k === 'seq' && v.name !== undefined))))
    return { k: 'object', what: `${what} (an instance or container)` };
  if (values.every((v) => v.k === 'named' && v.name === (first as { name: string }).name)) return { k: 'named', name: (first as { name: string }).name };
  return { k: 'unknown', reason: `${what} returns different values depending on run-time state` };
}
