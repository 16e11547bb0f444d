import { declareStatements } from './env.js';
import { evaluate } from './evaluate.js';
import { iterableValues } from './methods.js';
import { binary } from './operators.js';
import { isFunctionNode, SKIP_KEYS, SUITE_BASES, CHAIN_MODS, type Chain, type Ctx, type Found, type Frame, type TestDialect } from './extract-model.js';
import { FnValue, isPlainObject, isUnknown, Unknown, type Binding, type Env } from './model.js';
import type { Node } from './parse.js';
import { ruleTesterRun, type RuleTesterRun } from './rule-tester.js';
import { analyzeCallee } from './test-apis.js';
import { expandTable } from './test-tables.js';
import { bindValue, endsWithReturn, evalCond, readOptions, titleOf, type TestOptions, type Title } from './test-values.js';

/** Loops longer than this are not unrolled. */
const MAX_UNROLL = 10000;

const NO_OPTIONS: TestOptions = { skip: false, only: false, todo: false, tags: [], annotations: [] };

interface TestExtra {
  dynamicReason?: string;
  opts: TestOptions;
  noBody: boolean;
}

/**
 * Walks a module's statements the way the runner would run its test definitions: suites are
 * entered, tests recorded, helper functions inlined with their arguments, constant loops unrolled.
 */
export class TestWalker {
  readonly found: Found[] = [];
  /** Local functions that may define tests, and whether a call of theirs was walked. */
  private readonly deferred = new Map<Node, { name: string; used: boolean }>();

  constructor(
    private readonly dialect: TestDialect,
    private readonly apis: ReadonlyMap<string, string>,
    /** The module environment (callee conditions are evaluated there). */
    private readonly moduleEnv: Env,
    private readonly lineOf: (offset: number) => number,
  ) {}

  /** Walks the module body, then the helpers nobody called (their tests listed once, as dynamic). */
  walkModule(program: Node): void {
    const root: Ctx = { env: this.moduleEnv, frames: [], inline: 0, scopeSkip: { skip: false } };
    this.walkStatements(program.body, root);
    for (const [fnNode, info] of this.deferred) {
      if (info.used) continue;
      info.used = true;
      this.walkFunctionBody(fnNode, { ...root, dynamicReason: `defined in function ${info.name}, which is not called directly` }, undefined);
    }
  }

  private walkFunctionBody(fn: Node, ctx: Ctx, args: unknown[] | undefined): void {
    const env = (fn.__env as Env | undefined)?.child() ?? ctx.env.child();
    if (args) fn.params.forEach((p: Node, i: number) => (p.type === 'RestElement' ? bindValue(env, p.argument, args.slice(i)) : bindValue(env, p, args[i])));
    else for (const p of fn.params) bindValue(env, p, undefined, true);
    const inner: Ctx = { ...ctx, env };
    if (fn.body.type === 'BlockStatement') this.walkStatements(fn.body.body, inner);
    else this.walk(fn.body, inner);
  }

  private defer(fn: Node, name: string, env: Env): void {
    fn.__env = env;
    if (!this.deferred.has(fn)) this.deferred.set(fn, { name, used: false });
  }

  private walkStatements(stmts: Node[], ctx: Ctx): void {
    declareStatements(ctx.env, stmts);
    // Function declarations are hoisted: register helpers before walking any call.
    for (const raw of stmts) {
      const s = unwrapExport(raw);
      if (s.type === 'FunctionDeclaration' && s.id) this.defer(s, s.id.name, ctx.env);
      else if (s.type === 'VariableDeclaration')
        for (const d of s.declarations) if (d.id.type === 'Identifier' && isFunctionNode(d.init)) this.defer(d.init, d.id.name, ctx.env);
    }
    for (const raw of stmts) {
      const s = unwrapExport(raw);
      if (s.type === 'FunctionDeclaration') continue;
      if (s.type === 'VariableDeclaration') {
        for (const d of s.declarations) {
          if (!d.init || (d.id.type === 'Identifier' && isFunctionNode(d.init))) continue;
          // the value as of this point of the program, before the changes the walk applies from here on
          for (const name of patternNames(d.id)) evaluate({ type: 'Identifier', name, start: d.start, end: d.end }, ctx.env);
          this.walk(d.init, ctx);
        }
        continue;
      }
      if (s.type === 'ReturnStatement') {
        if (s.argument) this.walk(s.argument, ctx);
        break;
      }
      this.walk(s, ctx);
      // `if (x === 'skip-me') return;` with a known condition ends the block here.
      if (s.type === 'IfStatement') {
        const v = evalCond(s.test, ctx.env);
        const branch = v === true ? s.consequent : v === false ? s.alternate : undefined;
        if (branch && endsWithReturn(branch)) break;
      }
    }
  }

  private addTest(title: Title, node: Node, chain: Chain, ctx: Ctx, extra: TestExtra): void {
    const mods = chain.mods;
    let skip = chain.base.startsWith('x') || mods.includes('skip') || mods.includes('fixme') || extra.opts.skip;
    let todo = mods.includes('todo') || extra.opts.todo || (this.dialect.todoWithoutBody && extra.noBody);
    if (this.conditionSkips(chain, ctx.env)) skip = true;
    const only = chain.base.startsWith('f') || mods.includes('only') || extra.opts.only;
    const frames = ctx.frames;
    if (frames.some((f) => f.skip) || ctx.scopeSkip.skip) skip = true;
    if (frames.some((f) => f.todo)) todo = true;
    const tags = [...frames.flatMap((f) => f.tags), ...extra.opts.tags];
    const annotations = [...frames.flatMap((f) => f.annotations), ...extra.opts.annotations];
    const dynamicReason = ('unknown' in title ? `test title: ${title.unknown}` : undefined) ?? extra.dynamicReason ?? ctx.dynamicReason;
    const name = 'title' in title ? title.title : `<dynamic line ${this.lineOf(node.start)}>`;
    this.found.push({
      titlePath: [...frames.map((f) => f.title).filter((t): t is string => t !== null), name],
      line: this.lineOf(node.start),
      status: todo ? 'todo' : skip ? 'skip' : 'active',
      dynamic: !!dynamicReason,
      ...(dynamicReason ? { dynamicReason } : {}),
      tags,
      annotations,
      only: only || frames.some((f) => f.only),
    });
  }

  /** Whether a `skipIf(true)` / `runIf(false)` in the chain skips the call. */
  private conditionSkips(chain: Chain, env: Env): boolean {
    let skip = false;
    for (const c of chain.conds) {
      const v = evalCond(c.node, env);
      if (v === true && c.mod === 'skipIf') skip = true;
      if (v === false && c.mod === 'runIf') skip = true;
    }
    return skip;
  }

  /** Handles a call of a test API; false when the walker should look inside it as an ordinary call. */
  private handleApiCall(node: Node, chain: Chain, ctx: Ctx): boolean {
    const mods = chain.mods;
    const isSuite = SUITE_BASES.has(chain.base) || mods.includes('describe') || (mods.includes('suite') && chain.base === 'test');
    const last = mods[mods.length - 1];
    const args: Node[] = node.arguments;
    // API calls that are not tests: hooks, steps, configure, use, expect …
    if (!mods.every((m) => CHAIN_MODS.has(m))) return true;
    if (!isSuite && this.scopeModifier(chain, last, args, ctx)) return true;
    if (last === 'extend' || last === 'scoped' || last === 'override') return false;

    let titleNode: Node | undefined = args[0];
    let rest = args.slice(1);
    if (isSuite && isFunctionNode(args[0])) {
      // Playwright anonymous describe: test.describe(() => {…})
      titleNode = undefined;
      rest = args;
    }
    const fnNode = rest.map((a) => this.bodyOf(a, ctx.env)).find((f): f is Node => !!f);
    const opts = readOptions(rest.find((a) => a.type === 'ObjectExpression'), ctx.env);
    if (isSuite) this.enterSuite(node, chain, ctx, titleNode, fnNode, opts);
    else this.recordTest(node, chain, ctx, titleNode, fnNode, opts);
    return true;
  }

  /**
   * Title-less scope modifiers (`test.skip()`, `test.skip(cond, reason)`, `test.fixme()`,
   * `test.fail()`, `test.slow()`) in dialects that have them: true when the call was one.
   */
  private scopeModifier(chain: Chain, last: string | undefined, args: Node[], ctx: Ctx): boolean {
    if (chain.base !== 'test' && chain.base !== 'it') return false;
    if (!(last === 'skip' || last === 'fixme' || last === 'fail' || last === 'slow' || last === 'only') || !this.dialect.scopeModifiers) return false;
    const firstIsTitle = args[0] && !isFunctionNode(args[0]) && args.length >= 2 && (isFunctionNode(args[1]) || isFunctionNode(args[2]));
    if (firstIsTitle) return false;
    if (last === 'skip' || last === 'fixme') {
      if (args.length === 0 || isFunctionNode(args[0]) || evalCond(args[0], ctx.env) === true) ctx.scopeSkip.skip = true;
    }
    return true;
  }

  /** The body of a test or suite: a function literal or a named local function (`describe('x', suiteBody)`). */
  private bodyOf(a: Node, env: Env): Node | undefined {
    if (isFunctionNode(a)) return a;
    if (a.type !== 'Identifier') return undefined;
    const b = env.lookup(a.name);
    const f = b?.node && isFunctionNode(b.node) ? b.node : b?.value instanceof FnValue ? b.value.node : undefined;
    if (f && this.deferred.has(f)) this.deferred.get(f)!.used = true;
    return f;
  }

  private enterSuite(node: Node, chain: Chain, ctx: Ctx, titleNode: Node | undefined, fnNode: Node | undefined, opts: TestOptions): void {
    const mods = chain.mods;
    const skipMod = chain.base.startsWith('x') || mods.includes('skip') || mods.includes('fixme') || opts.skip;
    const skip = this.conditionSkips(chain, ctx.env) || skipMod;
    const frameBase = {
      skip,
      todo: mods.includes('todo') || opts.todo,
      only: chain.base.startsWith('f') || mods.includes('only') || opts.only,
      tags: opts.tags,
      annotations: opts.annotations,
    };
    const runSuite = (title: Title | null, row: unknown[] | undefined, reason?: string) => {
      const frame: Frame = { ...frameBase, title: title === null ? null : 'title' in title ? title.title : `<dynamic line ${this.lineOf(node.start)}>` };
      const inner: Ctx = {
        ...ctx,
        frames: [...ctx.frames, frame],
        dynamicReason: ctx.dynamicReason ?? reason ?? (title && 'unknown' in title ? `suite title: ${title.unknown}` : undefined),
        scopeSkip: { skip: false },
      };
      // describe.todo('x') and suites without a body define no tests.
      if (fnNode) this.walkFunctionBody(fnNode, inner, row);
    };
    if (chain.table) {
      const { titles, rows, reason } = expandTable(chain, titleNode, ctx.env, this.dialect.eachTitles);
      titles.forEach((t, i) => runSuite(t, rows[i], reason));
    } else runSuite(titleNode === undefined ? null : titleOf(titleNode, ctx.env), undefined);
  }

  private recordTest(node: Node, chain: Chain, ctx: Ctx, titleNode: Node | undefined, fnNode: Node | undefined, opts: TestOptions): void {
    const noBody = !fnNode;
    if (chain.table) {
      const { titles, reason } = expandTable(chain, titleNode, ctx.env, this.dialect.eachTitles);
      for (const t of titles) this.addTest(t, node, chain, ctx, { dynamicReason: reason, opts, noBody });
      return;
    }
    this.addTest(titleOf(titleNode, ctx.env), node, chain, ctx, { opts, noBody });
    // Context subtests: test('outer', async (t) => { await t.test('inner', …) }) is `outer > inner`.
    const param = fnNode?.params?.[0];
    const outer = this.found[this.found.length - 1]!;
    // A skipped test's function never runs, so its subtests are not reported; a todo test's
    // function runs and its subtests pass or fail on their own (node --test marks only the parent TODO).
    if (this.dialect.contextSubtests && fnNode && param?.type === 'Identifier' && outer.status !== 'skip') {
      const frame: Frame = { title: outer.titlePath[outer.titlePath.length - 1]!, skip: false, todo: false, only: false, tags: [], annotations: [] };
      this.walkFunctionBody(fnNode, { ...ctx, frames: [...ctx.frames, frame], dynamicReason: outer.dynamicReason ?? ctx.dynamicReason, scopeSkip: { skip: false }, subtestParam: param.name }, undefined);
    }
  }

  private walk(node: Node | null | undefined, ctx: Ctx): void {
    if (!node || typeof node !== 'object') return;
    switch (node.type) {
      case 'CallExpression':
        return this.walkCall(node, ctx);
      case 'ForOfStatement':
        return this.walkForOf(node, ctx);
      case 'ForInStatement':
        return this.walkForIn(node, ctx);
      case 'ForStatement':
        if (this.unrollFor(node, ctx)) return;
        return this.walkChildren(node, { ...ctx, dynamicReason: ctx.dynamicReason ?? 'inside a loop' });
      case 'WhileStatement':
      case 'DoWhileStatement':
        return this.walkChildren(node, { ...ctx, dynamicReason: ctx.dynamicReason ?? 'inside a loop' });
      case 'IfStatement': {
        const v = evalCond(node.test, ctx.env);
        if (v === true) return this.walk(node.consequent, ctx);
        if (v === false) return this.walk(node.alternate, ctx);
        this.walk(node.consequent, { ...ctx, uncertain: true });
        this.walk(node.alternate, { ...ctx, uncertain: true });
        return;
      }
      case 'BlockStatement':
        return this.walkStatements(node.body, { ...ctx, env: ctx.env.child() });
      case 'FunctionDeclaration':
        if (node.id) this.defer(node, node.id.name, ctx.env);
        return;
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        // A callback passed to something we do not know (a wrapper): assume it runs once.
        return this.walkFunctionBody(node, { ...ctx, uncertain: true }, undefined);
      case 'ImportDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSInterfaceDeclaration':
        return;
      case 'AssignmentExpression':
      case 'UpdateExpression':
        this.walkChildren(node, ctx);
        return applyMutation(node, ctx.env, !!(ctx.uncertain || ctx.dynamicReason));
      default:
        this.walkChildren(node, ctx);
    }
  }

  private walkCall(node: Node, ctx: Ctx): void {
    const callee = node.callee;
    if (ctx.subtestParam && callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === ctx.subtestParam && callee.property.name === 'test') {
      // the inner walk sees the subtest's own context parameter, not the outer one
      this.handleApiCall(node, { base: 'test', mods: [], conds: [] }, { ...ctx, subtestParam: undefined });
      return;
    }
    const chain = analyzeCallee(callee, this.apis, this.moduleEnv);
    if (chain && this.handleApiCall(node, chain, ctx)) return;
    if (callee.type === 'MemberExpression' && !callee.computed && MUTATING_METHODS.has(callee.property.name)) {
      this.walkChildren(node, ctx);
      return applyMutatingCall(node, ctx.env, !!(ctx.uncertain || ctx.dynamicReason));
    }
    const rules = ruleTesterRun(node, ctx.env);
    if (rules) return this.ruleTesterTests(node, rules, ctx);
    // arr.forEach(fn) / arr.map(fn) / map.forEach(fn) over a constant collection: unroll.
    const method = callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : undefined;
    // (a named local function as the callback is inlined like a helper call, with the same depth limit)
    const named = node.arguments[0]?.type === 'Identifier';
    const callback = method && ITERATING_METHODS.has(method) && node.arguments[0] && (!named || ctx.inline < 4) ? this.bodyOf(node.arguments[0], ctx.env) : undefined;
    if (method && callback) {
      const coll = evaluate(callee.object, ctx.env);
      this.walk(callee.object, ctx);
      const inner = named ? { ...ctx, inline: ctx.inline + 1 } : ctx;
      const calls = callbackArgs(coll, method);
      if (calls && this.iterate(calls, callback, inner)) return;
      this.walkFunctionBody(callback, { ...inner, dynamicReason: ctx.dynamicReason ?? `inside .${method}() over a value that is not statically known` }, undefined);
      return;
    }
    if (callee.type === 'Identifier' && this.inlineHelper(node, callee.name, ctx)) return;
    this.walkChildren(node, ctx);
  }

  /** The `describe(rule) > describe(valid|invalid) > it(case)` tests of an ESLint RuleTester run. */
  private ruleTesterTests(node: Node, run: RuleTesterRun, ctx: Ctx): void {
    const frame = (title: Title): Frame => ({ title: 'title' in title ? title.title : `<dynamic line ${this.lineOf(node.start)}>`, skip: false, todo: false, only: false, tags: [], annotations: [] });
    const ruleFrame = frame(run.ruleName);
    const inRule: Ctx = { ...ctx, frames: [...ctx.frames, ruleFrame], dynamicReason: ctx.dynamicReason ?? ('unknown' in run.ruleName ? `rule name: ${run.ruleName.unknown}` : undefined) };
    for (const g of run.groups) {
      const inGroup: Ctx = { ...inRule, frames: [...inRule.frames, frame({ title: g.title })] };
      const cases = Array.isArray(g.cases) ? g.cases : [{ title: g.cases, only: false }];
      for (const c of cases) this.addTest(c.title, node, { base: 'it', mods: c.only ? ['only'] : [], conds: [] }, inGroup, { opts: NO_OPTIONS, noBody: false });
    }
  }

  /** A call of a local helper function that defines tests: inline it with its arguments. */
  private inlineHelper(node: Node, name: string, ctx: Ctx): boolean {
    const b = ctx.env.lookup(name);
    const fnNode = b?.node && isFunctionNode(b.node) ? b.node : b?.value instanceof FnValue ? b.value.node : undefined;
    if (!fnNode || !this.deferred.has(fnNode)) return false;
    this.deferred.get(fnNode)!.used = true;
    for (const a of node.arguments) this.walk(a, ctx);
    if (ctx.inline < 4) {
      const args = node.arguments.map((a: Node) => (a.type === 'SpreadElement' ? undefined : evaluate(a, ctx.env)));
      this.walkFunctionBody(fnNode, { ...ctx, inline: ctx.inline + 1 }, args);
    }
    return true;
  }

  /** Walks a callback once per argument list. */
  private iterate(calls: unknown[][], fn: Node, ctx: Ctx): boolean {
    if (calls.length > MAX_UNROLL) return false;
    for (const args of calls) this.walkFunctionBody(fn, ctx, args);
    return true;
  }

  private walkForOf(node: Node, ctx: Ctx): void {
    const arr = iterableValues(evaluate(node.right, ctx.env));
    const decl = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : node.left;
    if (arr && arr.length <= MAX_UNROLL) {
      for (const item of arr) {
        const env = ctx.env.child();
        bindValue(env, decl, item);
        this.walkLoopBody(node.body, { ...ctx, env });
      }
      return;
    }
    const env = ctx.env.child();
    bindValue(env, decl, undefined, true);
    this.walkLoopBody(node.body, { ...ctx, env, dynamicReason: ctx.dynamicReason ?? 'inside a loop over a value that is not statically known' });
  }

  private walkForIn(node: Node, ctx: Ctx): void {
    const obj = evaluate(node.right, ctx.env);
    const decl = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : node.left;
    if (isPlainObject(obj)) {
      for (const key of Object.keys(obj)) {
        const env = ctx.env.child();
        bindValue(env, decl, key);
        this.walkLoopBody(node.body, { ...ctx, env });
      }
      return;
    }
    this.walkLoopBody(node.body, { ...ctx, dynamicReason: ctx.dynamicReason ?? 'inside a loop' });
  }

  private walkLoopBody(body: Node, ctx: Ctx): void {
    if (body.type === 'BlockStatement') this.walkStatements(body.body, ctx);
    else this.walk(body, ctx);
  }

  /**
   * A classic `for (init; test; update)` whose variables, test and update are statically known
   * (`let i = 0, n = xs.length; i < n; i++`, `i += 2`, `i--`, `i = i * 2`): run the loop header
   * to get each iteration's values, then walk the body once per iteration. The body must not
   * assign the loop variables.
   */
  private unrollFor(node: Node, ctx: Ctx): boolean {
    const init = node.init;
    if (init?.type !== 'VariableDeclaration' || !node.test) return false;
    const env = ctx.env.child();
    const names: string[] = [];
    for (const d of init.declarations) {
      if (d.id.type !== 'Identifier') return false;
      const v = evaluate(d.init, env);
      if (isUnknown(v)) return false;
      env.set(d.id.name, v);
      names.push(d.id.name);
    }
    if (assignsAny(node.body, names)) return false;
    const iterations: Map<string, unknown>[] = [];
    for (;;) {
      const t = evaluate(node.test, env);
      if (isUnknown(t)) return false;
      if (!t) break;
      if (iterations.length >= MAX_UNROLL) return false;
      iterations.push(new Map(names.map((n) => [n, env.lookup(n)!.value])));
      if (!applyUpdate(node.update, env, names)) return false;
    }
    for (const values of iterations) {
      const body = ctx.env.child();
      for (const [n, v] of values) body.set(n, v);
      this.walkLoopBody(node.body, { ...ctx, env: body });
    }
    return true;
  }

  private walkChildren(node: Node, ctx: Ctx): void {
    for (const key in node) {
      if (SKIP_KEYS.has(key) || key.startsWith('__')) continue;
      const v = node[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof c.type === 'string') this.walk(c, ctx);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') this.walk(v, ctx);
    }
  }
}

/** The declaration inside `export …` / `export default …`, else the statement itself. */
function unwrapExport(raw: Node): Node {
  return (raw.type === 'ExportNamedDeclaration' || raw.type === 'ExportDefaultDeclaration') && raw.declaration ? raw.declaration : raw;
}

/** Callback methods the walker unrolls when their receiver is known. */
const ITERATING_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter']);

/** The argument lists a callback method passes, once per element: arrays `(item, index, array)`, `Map#forEach` `(value, key, map)`, `Set#forEach` `(value, value, set)`. */
function callbackArgs(coll: unknown, method: string): unknown[][] | undefined {
  if (Array.isArray(coll)) return coll.map((item, i) => [item, i, coll]);
  if (method !== 'forEach') return undefined;
  if (coll instanceof Map) return [...coll].map(([k, v]) => [v, k, coll]);
  if (coll instanceof Set) return [...coll].map((v) => [v, v, coll]);
  return undefined;
}

/** Whether a loop body assigns (or increments) one of `names`. */
function assignsAny(n: Node, names: readonly string[]): boolean {
  if (!n || typeof n !== 'object') return false;
  if ((n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && names.includes(n.left.name)) || (n.type === 'UpdateExpression' && n.argument.type === 'Identifier' && names.includes(n.argument.name))) return true;
  for (const k in n) {
    if (k.startsWith('__')) continue;
    const v = n[k];
    if (Array.isArray(v)) {
      if (v.some((c) => c && typeof c.type === 'string' && assignsAny(c, names))) return true;
    } else if (v && typeof v === 'object' && typeof v.type === 'string' && assignsAny(v, names)) return true;
  }
  return false;
}

/** Runs a for-loop update (`i++`, `--i`, `i += 2`, `i = i * 2`, or a sequence of them) on `env`; false when it cannot. */
function applyUpdate(update: Node | null, env: Env, names: readonly string[]): boolean {
  if (!update) return true;
  if (update.type === 'SequenceExpression') return update.expressions.every((e: Node) => applyUpdate(e, env, names));
  if (update.type === 'UpdateExpression' && update.argument.type === 'Identifier' && names.includes(update.argument.name)) {
    const v = env.lookup(update.argument.name)!.value;
    if (typeof v !== 'number') return false;
    env.set(update.argument.name, update.operator === '++' ? v + 1 : v - 1);
    return true;
  }
  if (update.type === 'AssignmentExpression' && update.left.type === 'Identifier' && names.includes(update.left.name)) {
    const right = evaluate(update.right, env);
    if (isUnknown(right)) return false;
    const v = update.operator === '=' ? right : binary(update.operator.slice(0, -1), env.lookup(update.left.name)!.value, right);
    if (isUnknown(v)) return false;
    env.set(update.left.name, v);
    return true;
  }
  return false;
}

/*
 * Changes made while the tests are being defined (module scope, describe bodies, loops — what the
 * walker walks, in program order) are applied to the values the evaluator holds, so that
 * `const cases = []; cases.push({ name: 'a' }); for (const c of cases) it(c.name, …)` and
 * `let label = 'x'; label += '!'; it(label, …)` name their tests as the runner does. A change it
 * cannot apply makes the value unknown instead of leaving it stale.
 */

const MUTATING_METHODS = new Set(['push', 'unshift', 'pop', 'shift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

/** The binding an expression's root identifier names (`cases` in `cases[0].x`). */
function rootBinding(n: Node, env: Env): Binding | undefined {
  let cur = n;
  while (cur && (cur.type === 'MemberExpression' || cur.type === 'TSNonNullExpression' || cur.type === 'TSAsExpression' || cur.type === 'ParenthesizedExpression')) cur = cur.object ?? cur.expression;
  return cur?.type === 'Identifier' ? env.lookup(cur.name) : undefined;
}

function spoil(b: Binding | undefined, why: string): void {
  if (!b) return;
  b.value = new Unknown(why);
  b.state = 'done';
  delete b.importFrom;
}

function applyMutatingCall(node: Node, env: Env, uncertain: boolean): void {
  const callee = node.callee;
  const method = callee.property.name as string;
  const target = evaluate(callee.object, env);
  const known = Array.isArray(target) || target instanceof Map || target instanceof Set;
  if (uncertain) {
    if (known) spoil(rootBinding(callee.object, env), `changed by .${method}() in code that may not run once`);
    return;
  }
  const args: unknown[] = node.arguments.map((a: Node) => (a.type === 'SpreadElement' ? iterableValues(evaluate(a.argument, env)) ?? new Unknown('spread argument') : [evaluate(a, env)])).flat();
  if (Array.isArray(target) && (method === 'push' || method === 'unshift') && !node.arguments.some((a: Node) => a.type === 'SpreadElement' && !iterableValues(evaluate(a.argument, env)))) {
    target[method](...args);
    return;
  }
  if (Array.isArray(target) && (method === 'pop' || method === 'shift') && args.length === 0) {
    target[method]();
    return;
  }
  if (Array.isArray(target) && method === 'splice' && args.length >= 1 && args.slice(0, 2).every((a) => typeof a === 'number') && !args.some(isUnknown)) {
    target.splice(args[0] as number, args.length > 1 ? (args[1] as number) : target.length, ...args.slice(2));
    return;
  }
  // only known arrays, maps and sets are the receivers changed here; a method of anything else is not a mutation we know of
  if (known) spoil(rootBinding(callee.object, env), `changed by .${method}() while the tests are defined`);
}

function applyMutation(node: Node, env: Env, uncertain: boolean): void {
  const target = node.type === 'UpdateExpression' ? node.argument : node.left;
  if (uncertain) {
    if (target.type === 'Identifier' || target.type === 'MemberExpression') spoil(rootBinding(target, env), 'changed in code that may not run once');
    else bindUnknownNames(target, env);
    return;
  }
  if (target.type === 'Identifier') {
    const b = env.lookup(target.name);
    if (!b) return;
    const old = b.state === 'done' || b.node || b.importFrom ? evaluate(target, env) : undefined;
    let v: unknown;
    if (node.type === 'UpdateExpression') v = typeof old === 'number' ? old + (node.operator === '++' ? 1 : -1) : new Unknown(`${target.name}${node.operator} of a value that is not a known number`);
    else {
      const right = evaluate(node.right, env);
      if (node.operator === '=') v = right;
      else if (node.operator === '||=') v = isUnknown(old) ? old : old || right;
      else if (node.operator === '&&=') v = isUnknown(old) ? old : old && right;
      else if (node.operator === '??=') v = isUnknown(old) ? old : old ?? right;
      else v = binary(node.operator.slice(0, -1), old, right);
    }
    b.value = v;
    b.state = 'done';
    delete b.importFrom;
    delete b.node;
    return;
  }
  if (target.type === 'MemberExpression') {
    const obj = evaluate(target.object, env);
    const key = target.computed ? evaluate(target.property, env) : target.property.name;
    const ok = (isPlainObject(obj) || Array.isArray(obj)) && (typeof key === 'string' || typeof key === 'number') && node.type === 'AssignmentExpression' && node.operator === '=';
    if (ok) (obj as Record<string | number, unknown>)[key as string] = evaluate(node.right, env);
    else if (isPlainObject(obj) || Array.isArray(obj)) spoil(rootBinding(target.object, env), 'changed while the tests are defined');
    return;
  }
  // destructuring assignment ([a, b] = …): the names it assigns are no longer known
  bindUnknownNames(target, env);
}

function bindUnknownNames(pattern: Node, env: Env): void {
  if (!pattern) return;
  if (pattern.type === 'Identifier') return spoil(env.lookup(pattern.name), `${pattern.name} is assigned by destructuring`);
  if (pattern.type === 'AssignmentPattern') return bindUnknownNames(pattern.left, env);
  if (pattern.type === 'RestElement') return bindUnknownNames(pattern.argument, env);
  if (pattern.type === 'ObjectPattern') for (const p of pattern.properties) bindUnknownNames(p.type === 'RestElement' ? p.argument : p.value, env);
  if (pattern.type === 'ArrayPattern') for (const el of pattern.elements) bindUnknownNames(el, env);
}

/** The names a declaration pattern binds. */
function patternNames(p: Node | null | undefined): string[] {
  if (!p) return [];
  if (p.type === 'Identifier') return [p.name];
  if (p.type === 'AssignmentPattern') return patternNames(p.left);
  if (p.type === 'RestElement') return patternNames(p.argument);
  if (p.type === 'ObjectPattern') return p.properties.flatMap((q: Node) => patternNames(q.type === 'RestElement' ? q.argument : q.value));
  if (p.type === 'ArrayPattern') return p.elements.flatMap((q: Node | null) => patternNames(q));
  return [];
}
