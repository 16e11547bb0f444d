import { declareStatements, Env, evaluate, FnValue, ClassValue, isPlainObject, isUnknown, type EvalHost } from './evaluate.js';
import { expandEachTitles, tableHeadings, type EachTitleStyle } from './format.js';
import { parseModule, type Node } from './parse.js';

/**
 * Finds the tests a JS/TS test file defines, statically: describe/suite/context and
 * it/test/specify calls with their modifiers, `.each`/`.for` tables, helper functions called with
 * constant arguments, loops over constant arrays. Names are formatted the way the runner does.
 */

/**
 * What differs between the runners' test APIs, as far as finding tests goes. Each runner plugin
 * passes its own (src/runners/<id>/dialect.ts); nothing here knows runner names.
 */
export interface TestDialect {
  /** How `.each`/`.for` titles and tagged-template table headings are formatted. */
  eachTitles: EachTitleStyle;
  /** A test call without a function body is a todo (`it('later')`). */
  todoWithoutBody: boolean;
  /** Title-less `test.skip()`/`test.fixme()`/`test.fail()`/`test.slow()`/`test.only()` calls modify the enclosing scope. */
  scopeModifiers: boolean;
  /** A test's first parameter is a context whose `.test()` defines subtests (`t.test('inner', …)`). */
  contextSubtests: boolean;
}

export interface ExtractedTest {
  titlePath: string[];
  line: number;
  status: 'active' | 'skip' | 'todo';
  dynamic: boolean;
  dynamicReason?: string;
  /** Tags from `{ tag }` options (with their `@`) plus `@word` tokens in titles. */
  tags: string[];
  /** Annotation descriptions/types (Playwright `annotation`), for requirement references. */
  annotations: string[];
}

export interface ExtractResult {
  tests: ExtractedTest[];
  parseError?: { message: string; line: number };
}

const SUITE_BASES = new Set(['describe', 'suite', 'context', 'fdescribe', 'xdescribe', 'xcontext', 'xsuite']);
const TEST_BASES = new Set(['it', 'test', 'specify', 'fit', 'xit', 'xtest', 'xspecify']);
const ALL_BASES = new Set([...SUITE_BASES, ...TEST_BASES]);
const CHAIN_MODS = new Set([
  'skip', 'only', 'todo', 'concurrent', 'sequential', 'fails', 'failing', 'skipIf', 'runIf', 'each', 'for',
  'parallel', 'serial', 'fixme', 'fail', 'shuffle', 'describe', 'extend', 'scoped', 'override', 'suite',
]);

interface Chain {
  base: string;
  mods: string[];
  table?: { node: Node; tagged: boolean; kind: 'each' | 'for' };
  conds: { mod: 'skipIf' | 'runIf'; node: Node }[];
}

interface Frame {
  title: string | null;
  skip: boolean;
  todo: boolean;
  only: boolean;
  tags: string[];
  annotations: string[];
}

interface Ctx {
  env: Env;
  frames: Frame[];
  dynamicReason?: string;
  inline: number;
  /** A scope-level `test.skip()` / `test.fixme()` seen in the current suite body. */
  scopeSkip: { skip: boolean };
  /** node:test: the name of the enclosing test's context parameter, whose `.test()` defines subtests. */
  subtestParam?: string;
}

interface Found extends ExtractedTest {
  only: boolean;
}

function isFunctionNode(n: Node | undefined): boolean {
  return !!n && (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression');
}

const SKIP_KEYS = new Set(['type', 'start', 'end', 'typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'decorators', 'range', 'loc']);

export interface ExtractOptions {
  dialect: TestDialect;
  host: EvalHost;
  /** Absolute file path (for relative imports in titles). */
  absFile: string;
}

/** Parses and extracts the tests of one file. */
export function extractTests(source: string, opts: ExtractOptions): ExtractResult {
  const parsed = parseModule(opts.absFile, source);
  if (parsed.error) return { tests: [], parseError: parsed.error };
  return { tests: extractFromProgram(parsed.program, parsed.lineOf, opts) };
}

export function extractFromProgram(program: Node, lineOf: (o: number) => number, opts: ExtractOptions): ExtractedTest[] {
  const dialect = opts.dialect;
  const eachStyle = dialect.eachTitles;
  const env = new Env(opts.absFile, opts.host);
  declareStatements(env, program.body);

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

  const found: Found[] = [];
  const deferred = new Map<Node, { name: string; used: boolean }>();

  const analyzeCallee = (callee: Node): Chain | null => {
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
        const a = analyzeCallee(cur.consequent);
        const b = analyzeCallee(cur.alternate);
        if (!a || !b) return null;
        const v = evaluate(cur.test, env);
        if (!isUnknown(v)) return v ? a : b;
        const skips = (c: Chain) => c.base.startsWith('x') || c.mods.includes('skip');
        return skips(a) && !skips(b) ? b : a;
      }
      return null;
    }
  };

  const titleOf = (node: Node | undefined, env: Env): { title: string } | { unknown: string } => {
    if (!node) return { unknown: 'no title' };
    const v = evaluate(node, env);
    if (typeof v === 'string') return { title: v };
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return { title: String(v) };
    if (v instanceof ClassValue) return { title: v.name };
    if (v instanceof FnValue) return { title: v.name || '<anonymous>' };
    if (isUnknown(v)) return { unknown: v.reason };
    return { unknown: 'title is not a string' };
  };

  const readOptions = (node: Node | undefined, env: Env) => {
    const out = { skip: false, only: false, todo: false, tags: [] as string[], annotations: [] as string[] };
    if (!node || node.type !== 'ObjectExpression') return out;
    const v = evaluate(node, env);
    if (!isPlainObject(v)) return out;
    if (v.skip === true || typeof v.skip === 'string') out.skip = true;
    if (v.only === true) out.only = true;
    if (v.todo === true || typeof v.todo === 'string') out.todo = true;
    const tag = v.tag ?? v.tags;
    for (const t of Array.isArray(tag) ? tag : [tag]) if (typeof t === 'string') out.tags.push(t);
    const ann = v.annotation;
    for (const a of Array.isArray(ann) ? ann : [ann]) {
      if (isPlainObject(a)) {
        if (typeof a.type === 'string') out.annotations.push(a.type);
        if (typeof a.description === 'string') out.annotations.push(a.description);
      }
    }
    return out;
  };

  const evalCond = (node: Node | undefined, env: Env): boolean | undefined => {
    const v = evaluate(node, env);
    return isUnknown(v) ? undefined : !!v;
  };

  const bindParams = (fn: Node, env: Env, args: unknown[]) => {
    fn.params.forEach((p: Node, i: number) => bindValue(env, p.type === 'AssignmentPattern' ? p.left : p, args[i]));
  };

  const walkFunctionBody = (fn: Node, ctx: Ctx, args: unknown[] | undefined) => {
    const env = (fn.__env as Env | undefined)?.child() ?? ctx.env.child();
    if (args) bindParams(fn, env, args);
    else for (const p of fn.params) bindValue(env, p, undefined, true);
    const inner: Ctx = { ...ctx, env };
    if (fn.body.type === 'BlockStatement') walkStatements(fn.body.body, inner);
    else walk(fn.body, inner);
  };

  const defer = (fn: Node, name: string, env: Env) => {
    fn.__env = env;
    if (!deferred.has(fn)) deferred.set(fn, { name, used: false });
  };

  const walkStatements = (stmts: Node[], ctx: Ctx) => {
    declareStatements(ctx.env, stmts);
    // Function declarations are hoisted: register helpers before walking any call.
    for (const raw of stmts) {
      const s = (raw.type === 'ExportNamedDeclaration' || raw.type === 'ExportDefaultDeclaration') && raw.declaration ? raw.declaration : raw;
      if (s.type === 'FunctionDeclaration' && s.id) defer(s, s.id.name, ctx.env);
      else if (s.type === 'VariableDeclaration')
        for (const d of s.declarations) if (d.id.type === 'Identifier' && isFunctionNode(d.init)) defer(d.init, d.id.name, ctx.env);
    }
    for (const raw of stmts) {
      const s = (raw.type === 'ExportNamedDeclaration' || raw.type === 'ExportDefaultDeclaration') && raw.declaration ? raw.declaration : raw;
      if (s.type === 'FunctionDeclaration') continue;
      if (s.type === 'VariableDeclaration') {
        for (const d of s.declarations) if (d.init && !(d.id.type === 'Identifier' && isFunctionNode(d.init))) walk(d.init, ctx);
        continue;
      }
      if (s.type === 'ReturnStatement') {
        if (s.argument) walk(s.argument, ctx);
        break;
      }
      walk(s, ctx);
      // `if (x === 'skip-me') return;` with a known condition ends the block here.
      if (s.type === 'IfStatement') {
        const v = evalCond(s.test, ctx.env);
        const branch = v === true ? s.consequent : v === false ? s.alternate : undefined;
        if (branch && endsWithReturn(branch)) break;
      }
    }
  };

  const addTest = (title: { title: string } | { unknown: string }, node: Node, chain: Chain, ctx: Ctx, extra: { dynamicReason?: string; opts: ReturnType<typeof readOptions>; noBody: boolean }) => {
    const mods = chain.mods;
    let skip = chain.base.startsWith('x') || mods.includes('skip') || mods.includes('fixme') || extra.opts.skip;
    let todo = mods.includes('todo') || extra.opts.todo || (dialect.todoWithoutBody && extra.noBody);
    for (const c of chain.conds) {
      const v = evalCond(c.node, ctx.env);
      if (v === true && c.mod === 'skipIf') skip = true;
      if (v === false && c.mod === 'runIf') skip = true;
    }
    const only = chain.base.startsWith('f') || mods.includes('only') || extra.opts.only;
    const frames = ctx.frames;
    if (frames.some((f) => f.skip) || ctx.scopeSkip.skip) skip = true;
    if (frames.some((f) => f.todo)) todo = true;
    const tags = [...frames.flatMap((f) => f.tags), ...extra.opts.tags];
    const annotations = [...frames.flatMap((f) => f.annotations), ...extra.opts.annotations];
    const dynamicReason = ('unknown' in title ? `test title: ${title.unknown}` : undefined) ?? extra.dynamicReason ?? ctx.dynamicReason;
    const name = 'title' in title ? title.title : `<dynamic line ${lineOf(node.start)}>`;
    found.push({
      titlePath: [...frames.map((f) => f.title).filter((t): t is string => t !== null), name],
      line: lineOf(node.start),
      status: todo ? 'todo' : skip ? 'skip' : 'active',
      dynamic: !!dynamicReason,
      ...(dynamicReason ? { dynamicReason } : {}),
      tags,
      annotations,
      only: only || frames.some((f) => f.only),
    });
  };

  /** Expands `.each`/`.for` tables into titles (and rows, for binding describe callbacks). */
  const expandTable = (chain: Chain, titleNode: Node | undefined, ctx: Ctx): { titles: ({ title: string } | { unknown: string })[]; rows: unknown[][]; reason?: string } => {
    const t = chain.table!;
    const title = titleOf(titleNode, ctx.env);
    let table: unknown;
    if (t.tagged) {
      const quasi = t.node;
      const headings = tableHeadings(quasi.quasis[0].value.cooked ?? quasi.quasis[0].value.raw, eachStyle);
      const values = quasi.expressions.map((e: Node) => evaluate(e, ctx.env));
      if (!headings.length || headings.some((h) => !h)) return { titles: [title], rows: [[]], reason: 'table heading not understood' };
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i + headings.length <= values.length; i += headings.length) {
        const row: Record<string, unknown> = {};
        headings.forEach((h, j) => (row[h] = values[i + j]));
        rows.push(row);
      }
      table = rows;
    } else table = evaluate(t.node, ctx.env);
    if (!Array.isArray(table)) {
      const reason = isUnknown(table) ? `each table: ${table.reason}` : 'each table is not an array';
      return { titles: [title], rows: [[]], reason };
    }
    if ('unknown' in title) return { titles: table.map(() => title), rows: table.map((r) => (Array.isArray(r) ? r : [r])) };
    // Unknown cells are formatted as a sentinel: a title that shows one is dynamic, others are exact.
    const SENTINEL = '\u0000seams-unknown\u0000';
    const masked = table.map((row) => maskUnknown(row, SENTINEL));
    const titles = expandEachTitles(eachStyle, t.kind, title.title, masked);
    return {
      titles: titles.map((s) => (s.includes(SENTINEL) || s.includes('seams-unknown') ? { unknown: 'table row not statically known' } : { title: s })),
      rows: table.map((r) => (t.kind === 'each' && Array.isArray(r) && table.every(Array.isArray) ? r : [r])),
    };
  };

  const handleApiCall = (node: Node, chain: Chain, ctx: Ctx): boolean => {
    const mods = chain.mods;
    const isSuite = SUITE_BASES.has(chain.base) || mods.includes('describe') || (mods.includes('suite') && chain.base === 'test');
    const last = mods[mods.length - 1];
    const args: Node[] = node.arguments;
    // API calls that are not tests: hooks, steps, configure, use, expect …
    const known = mods.every((m) => CHAIN_MODS.has(m));
    if (!known) return true;
    if (chain.base === 'test' || chain.base === 'it') {
      // Playwright scope modifiers: test.skip(), test.skip(cond, reason), test.fixme(), test.fail(), test.slow()
      if (!isSuite && (last === 'skip' || last === 'fixme' || last === 'fail' || last === 'slow' || last === 'only') && dialect.scopeModifiers) {
        const firstIsTitle = args[0] && !isFunctionNode(args[0]) && args.length >= 2 && (isFunctionNode(args[1]) || isFunctionNode(args[2]));
        if (!firstIsTitle) {
          if (last === 'skip' || last === 'fixme') {
            if (args.length === 0 || isFunctionNode(args[0]) || evalCond(args[0], ctx.env) === true) ctx.scopeSkip.skip = true;
          }
          return true;
        }
      }
    }
    if (last === 'extend' || last === 'scoped' || last === 'override') return false;

    let titleNode: Node | undefined = args[0];
    let rest = args.slice(1);
    if (isSuite && isFunctionNode(args[0])) {
      // Playwright anonymous describe: test.describe(() => {…})
      titleNode = undefined;
      rest = args;
    }
    // the body may be a function literal or a named local function: describe('x', suiteBody)
    const fnOf = (a: Node): Node | undefined => {
      if (isFunctionNode(a)) return a;
      if (a.type !== 'Identifier') return undefined;
      const b = ctx.env.lookup(a.name);
      const f = b?.node && isFunctionNode(b.node) ? b.node : b?.value instanceof FnValue ? b.value.node : undefined;
      if (f && deferred.has(f)) deferred.get(f)!.used = true;
      return f;
    };
    const fnNode = rest.map(fnOf).find((f): f is Node => !!f);
    const optNode = rest.find((a) => a.type === 'ObjectExpression');
    const opts = readOptions(optNode, ctx.env);

    if (isSuite) {
      const skipMod = chain.base.startsWith('x') || mods.includes('skip') || mods.includes('fixme') || opts.skip;
      let skip = skipMod;
      for (const c of chain.conds) {
        const v = evalCond(c.node, ctx.env);
        if (v === true && c.mod === 'skipIf') skip = true;
        if (v === false && c.mod === 'runIf') skip = true;
      }
      const frameBase = {
        skip,
        todo: mods.includes('todo') || opts.todo,
        only: chain.base.startsWith('f') || mods.includes('only') || opts.only,
        tags: opts.tags,
        annotations: opts.annotations,
      };
      const runSuite = (title: { title: string } | { unknown: string } | null, row: unknown[] | undefined, reason?: string) => {
        const frame: Frame = { ...frameBase, title: title === null ? null : 'title' in title ? title.title : `<dynamic line ${lineOf(node.start)}>` };
        if (title) addTitleTags(frame, 'title' in title ? title.title : '');
        const inner: Ctx = {
          ...ctx,
          frames: [...ctx.frames, frame],
          dynamicReason: ctx.dynamicReason ?? reason ?? (title && 'unknown' in title ? `suite title: ${title.unknown}` : undefined),
          scopeSkip: { skip: false },
        };
        if (fnNode) walkFunctionBody(fnNode, inner, row);
        else if (frame.todo || !fnNode) {
          /* describe.todo('x') – no tests */
        }
      };
      if (chain.table) {
        const { titles, rows, reason } = expandTable(chain, titleNode, ctx);
        titles.forEach((t, i) => runSuite(t, rows[i], reason));
      } else runSuite(titleNode === undefined ? null : titleOf(titleNode, ctx.env), undefined);
      return true;
    }

    // A test.
    const noBody = !fnNode;
    if (chain.table) {
      const { titles, reason } = expandTable(chain, titleNode, ctx);
      for (const t of titles) addTest(t, node, chain, ctx, { dynamicReason: reason, opts, noBody });
    } else {
      addTest(titleOf(titleNode, ctx.env), node, chain, ctx, { opts, noBody });
      // node:test subtests: test('outer', async (t) => { await t.test('inner', …) }) is `outer > inner`.
      const param = fnNode?.params?.[0];
      const outer = found[found.length - 1]!;
      // A skipped test's function never runs, so its subtests are not reported; a todo test's
      // function runs and its subtests pass or fail on their own (node --test marks only the parent TODO).
      if (dialect.contextSubtests && fnNode && param?.type === 'Identifier' && outer.status !== 'skip') {
        const frame: Frame = { title: outer.titlePath[outer.titlePath.length - 1]!, skip: false, todo: false, only: false, tags: [], annotations: [] };
        walkFunctionBody(fnNode, { ...ctx, frames: [...ctx.frames, frame], dynamicReason: outer.dynamicReason ?? ctx.dynamicReason, scopeSkip: { skip: false }, subtestParam: param.name }, undefined);
      }
    }
    return true;
  };

  const iterate = (items: unknown[], fn: Node, ctx: Ctx, mkArgs: (item: unknown, i: number) => unknown[]) => {
    if (items.length > 10000) return false;
    items.forEach((item, i) => walkFunctionBody(fn, ctx, mkArgs(item, i)));
    return true;
  };

  const walk = (node: Node | null | undefined, ctx: Ctx): void => {
    if (!node || typeof node !== 'object') return;
    switch (node.type) {
      case 'CallExpression': {
        const cal = node.callee;
        if (ctx.subtestParam && cal.type === 'MemberExpression' && !cal.computed && cal.object.type === 'Identifier' && cal.object.name === ctx.subtestParam && cal.property.name === 'test') {
          // the inner walk sees the subtest's own context parameter, not the outer one
          handleApiCall(node, { base: 'test', mods: [], conds: [] }, { ...ctx, subtestParam: undefined });
          return;
        }
        const chain = analyzeCallee(node.callee);
        if (chain) {
          if (handleApiCall(node, chain, ctx)) return;
        }
        const callee = node.callee;
        // arr.forEach(fn) / arr.map(fn) over a constant array: unroll.
        if (callee.type === 'MemberExpression' && !callee.computed && ['forEach', 'map', 'flatMap'].includes(callee.property.name) && isFunctionNode(node.arguments[0])) {
          const arr = evaluate(callee.object, ctx.env);
          walk(callee.object, ctx);
          if (Array.isArray(arr) && iterate(arr, node.arguments[0], ctx, (item, i) => [item, i, arr])) return;
          walkFunctionBody(node.arguments[0], { ...ctx, dynamicReason: ctx.dynamicReason ?? `inside .${callee.property.name}() over a value that is not statically known` }, undefined);
          return;
        }
        // A call of a local helper function that defines tests: inline it with its arguments.
        if (callee.type === 'Identifier') {
          const b = ctx.env.lookup(callee.name);
          const fnNode = b?.node && isFunctionNode(b.node) ? b.node : b?.value instanceof FnValue ? b.value.node : undefined;
          if (fnNode && deferred.has(fnNode)) {
            deferred.get(fnNode)!.used = true;
            for (const a of node.arguments) walk(a, ctx);
            if (ctx.inline < 4) {
              const args = node.arguments.map((a: Node) => (a.type === 'SpreadElement' ? undefined : evaluate(a, ctx.env)));
              walkFunctionBody(fnNode, { ...ctx, inline: ctx.inline + 1 }, args);
            }
            return;
          }
        }
        walkChildren(node, ctx);
        return;
      }
      case 'ForOfStatement': {
        const arr = evaluate(node.right, ctx.env);
        const decl = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : node.left;
        if (Array.isArray(arr) && arr.length <= 10000) {
          for (const item of arr) {
            const env = ctx.env.child();
            bindValue(env, decl, item);
            walkLoopBody(node.body, { ...ctx, env });
          }
          return;
        }
        const env = ctx.env.child();
        bindValue(env, decl, undefined, true);
        walkLoopBody(node.body, { ...ctx, env, dynamicReason: ctx.dynamicReason ?? 'inside a loop over a value that is not statically known' });
        return;
      }
      case 'ForInStatement': {
        const obj = evaluate(node.right, ctx.env);
        const decl = node.left.type === 'VariableDeclaration' ? node.left.declarations[0].id : node.left;
        if (isPlainObject(obj)) {
          for (const key of Object.keys(obj)) {
            const env = ctx.env.child();
            bindValue(env, decl, key);
            walkLoopBody(node.body, { ...ctx, env });
          }
          return;
        }
        walkLoopBody(node.body, { ...ctx, dynamicReason: ctx.dynamicReason ?? 'inside a loop' });
        return;
      }
      case 'ForStatement': {
        if (unrollFor(node, ctx)) return;
        walkChildren(node, { ...ctx, dynamicReason: ctx.dynamicReason ?? 'inside a loop' });
        return;
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
        walkChildren(node, { ...ctx, dynamicReason: ctx.dynamicReason ?? 'inside a loop' });
        return;
      case 'IfStatement': {
        const v = evalCond(node.test, ctx.env);
        if (v === true) return walk(node.consequent, ctx);
        if (v === false) return walk(node.alternate, ctx);
        walk(node.consequent, ctx);
        walk(node.alternate, ctx);
        return;
      }
      case 'BlockStatement': {
        walkStatements(node.body, { ...ctx, env: ctx.env.child() });
        return;
      }
      case 'FunctionDeclaration':
        if (node.id) defer(node, node.id.name, ctx.env);
        return;
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        // A callback passed to something we do not know (a wrapper): assume it runs once.
        walkFunctionBody(node, ctx, undefined);
        return;
      case 'ImportDeclaration':
      case 'TSTypeAliasDeclaration':
      case 'TSInterfaceDeclaration':
        return;
      default:
        walkChildren(node, ctx);
    }
  };

  const walkLoopBody = (body: Node, ctx: Ctx) => {
    if (body.type === 'BlockStatement') walkStatements(body.body, ctx);
    else walk(body, ctx);
  };

  /** for (let i = 0; i < N; i++) with a constant N. */
  const unrollFor = (node: Node, ctx: Ctx): boolean => {
    const init = node.init;
    if (init?.type !== 'VariableDeclaration' || init.declarations.length !== 1) return false;
    const d = init.declarations[0];
    if (d.id.type !== 'Identifier') return false;
    const start = evaluate(d.init, ctx.env);
    const test = node.test;
    const update = node.update;
    if (typeof start !== 'number' || test?.type !== 'BinaryExpression' || test.left.type !== 'Identifier' || test.left.name !== d.id.name) return false;
    const end = evaluate(test.right, ctx.env);
    if (typeof end !== 'number') return false;
    const inc = update?.type === 'UpdateExpression' && update.argument.name === d.id.name && update.operator === '++';
    if (!inc || !['<', '<='].includes(test.operator)) return false;
    const last = test.operator === '<' ? end : end + 1;
    if (last - start > 10000) return false;
    for (let i = start; i < last; i++) {
      const env = ctx.env.child();
      env.set(d.id.name, i);
      walkLoopBody(node.body, { ...ctx, env });
    }
    return true;
  };

  const walkChildren = (node: Node, ctx: Ctx) => {
    for (const key in node) {
      if (SKIP_KEYS.has(key) || key.startsWith('__')) continue;
      const v = node[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof c.type === 'string') walk(c, ctx);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') walk(v, ctx);
    }
  };

  const root: Ctx = { env, frames: [], inline: 0, scopeSkip: { skip: false } };
  walkStatements(program.body, root);
  // Helper functions that define tests but are never called by name here: list their tests once, as dynamic.
  for (const [fnNode, info] of deferred) {
    if (info.used) continue;
    info.used = true;
    walkFunctionBody(fnNode, { ...root, dynamicReason: `defined in function ${info.name}, which is not called directly` }, undefined);
  }

  // `.only` in a file: every other test of the file is skipped.
  if (found.some((t) => t.only)) for (const t of found) if (!t.only && t.status === 'active') t.status = 'skip';

  // Dynamic titles stand for values only known at run time; number repeats so ids stay unique.
  const seenDynamic = new Map<string, number>();
  for (const t of found) {
    if (!t.dynamic || !t.titlePath.some((p) => p.startsWith('<dynamic line '))) continue;
    const key = t.titlePath.join('\u0000');
    const n = (seenDynamic.get(key) ?? 0) + 1;
    seenDynamic.set(key, n);
    if (n > 1) t.titlePath = [...t.titlePath.slice(0, -1), `${t.titlePath[t.titlePath.length - 1]} #${n}`];
  }
  return found.map(({ only: _only, ...t }) => {
    const titleTags: string[] = [];
    for (const part of t.titlePath) for (const m of part.matchAll(/(?:^|\s)(@[\w:./-]+)/g)) titleTags.push(m[1]!);
    return { ...t, tags: unique([...t.tags, ...titleTags]) };
  });
}

function addTitleTags(_frame: Frame, _title: string): void {
  /* title tags are collected from the full title path at the end */
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function bindValue(env: Env, pattern: Node, value: unknown, unknown = false): void {
  if (!pattern) return;
  if (pattern.type === 'AssignmentPattern') return bindValue(env, pattern.left, value === undefined && !unknown ? evaluate(pattern.right, env) : value, unknown);
  if (pattern.type === 'Identifier') {
    env.set(pattern.name, unknown ? new UnknownParam(pattern.name) : value);
    return;
  }
  if (pattern.type === 'ObjectPattern') {
    for (const p of pattern.properties) {
      if (p.type === 'RestElement') {
        bindValue(env, p.argument, undefined, true);
        continue;
      }
      const key = !p.computed && p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
      const v = !unknown && key !== undefined && isPlainObject(value) ? value[key] : undefined;
      bindValue(env, p.value, v, unknown || key === undefined || !isPlainObject(value));
    }
    return;
  }
  if (pattern.type === 'ArrayPattern') {
    pattern.elements.forEach((el: Node | null, i: number) => {
      if (!el) return;
      if (el.type === 'RestElement') return bindValue(env, el.argument, Array.isArray(value) ? value.slice(i) : undefined, unknown || !Array.isArray(value));
      bindValue(env, el, Array.isArray(value) ? value[i] : undefined, unknown || !Array.isArray(value));
    });
  }
}

import { Unknown } from './evaluate.js';
class UnknownParam extends Unknown {
  constructor(name: string) {
    super(`${name} is a parameter whose value is not statically known`);
  }
}

function maskUnknown(v: unknown, sentinel: string, depth = 0): unknown {
  if (isUnknown(v)) return sentinel;
  if (depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => maskUnknown(x, sentinel, depth + 1));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskUnknown(x, sentinel, depth + 1)]));
  return v;
}

/** `const test = require('node:test')` / `const { it } = require('mocha')` style bindings. */
function isRequireOfRunner(init: Node | undefined): boolean {
  let cur = init;
  while (cur && cur.type === 'MemberExpression') cur = cur.object;
  return !!cur && cur.type === 'CallExpression' && cur.callee.type === 'Identifier' && cur.callee.name === 'require';
}

function endsWithReturn(n: Node): boolean {
  if (n.type === 'ReturnStatement') return true;
  if (n.type === 'BlockStatement') return n.body.length > 0 && endsWithReturn(n.body[n.body.length - 1]);
  return false;
}

/**
 * Vitest's type-check collector (`typecheck.enabled`), reproduced: it does not run the file, it
 * walks the AST once and takes every `it/test/describe/suite` call literally — the title is the
 * source text inside the quotes (no `.each` expansion, no template evaluation), nesting comes from
 * source ranges, and `skipIf`/`runIf` always mean skip.
 */
export function extractTypecheckTests(source: string, absFile: string): ExtractResult {
  const parsed = parseModule(absFile, source);
  if (parsed.error) return { tests: [], parseError: parsed.error };
  const NAMES = ['it', 'test', 'describe', 'suite'];
  const getName = (callee: Node | null | undefined): string | null => {
    if (!callee) return null;
    if (callee.type === 'Identifier') return callee.name;
    if (callee.type === 'CallExpression') return getName(callee.callee);
    if (callee.type === 'TaggedTemplateExpression') return getName(callee.tag);
    if (callee.type === 'MemberExpression') {
      if (callee.object?.type === 'Identifier' && NAMES.includes(callee.object.name)) return callee.object.name;
      return getName(callee.object?.property);
    }
    return null;
  };
  interface Def { start: number; end: number; name: string; type: 'test' | 'suite'; mode: string; line: number }
  const defs: Def[] = [];
  const visit = (node: Node) => {
    if (node.type === 'CallExpression') {
      const callee = node.callee;
      const name = getName(callee);
      if (name && NAMES.includes(name)) {
        const property = callee?.property?.name;
        let mode = !property || property === name ? 'run' : property;
        if (!['each', 'for', 'skipIf', 'runIf'].includes(mode)) {
          const start = callee.type === 'CallExpression' ? callee.end : callee.type === 'TaggedTemplateExpression' ? callee.end + 1 : node.start;
          const msg = node.arguments[0];
          const message = !msg ? '' : msg.type === 'Literal' || msg.type === 'TemplateLiteral' ? source.slice(msg.start + 1, msg.end - 1) : source.slice(msg.start, msg.end);
          if (mode === 'skipIf' || mode === 'runIf') mode = 'skip';
          defs.push({ start, end: node.end, name: message, type: name === 'it' || name === 'test' ? 'test' : 'suite', mode, line: parsed.lineOf(node.start) });
        }
      }
    }
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const v = node[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof c.type === 'string') visit(c);
      } else if (v && typeof v === 'object' && typeof v.type === 'string') visit(v);
    }
  };
  visit(parsed.program);
  defs.sort((a, b) => a.start - b.start);
  const stack: (Def & { effMode: string })[] = [];
  const tests: ExtractedTest[] = [];
  let hasOnly = false;
  for (const d of defs) {
    while (stack.length && stack[stack.length - 1]!.end < d.start) stack.pop();
    const parent = stack[stack.length - 1];
    const effMode = parent && parent.effMode !== 'run' ? parent.effMode : d.mode;
    if (d.mode === 'only') hasOnly = true;
    if (d.type === 'suite') {
      stack.push({ ...d, effMode });
      continue;
    }
    tests.push({
      titlePath: [...stack.map((s) => s.name), d.name],
      line: d.line,
      status: effMode === 'skip' ? 'skip' : effMode === 'todo' ? 'todo' : 'active',
      dynamic: false,
      tags: [],
      annotations: [],
    });
  }
  void hasOnly;
  return { tests };
}
