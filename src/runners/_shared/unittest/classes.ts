/**
 * unittest's view of classes, found statically: which classes are `TestCase` subclasses (across
 * modules of the repo), their method resolution order, the test methods `TestLoader` would list
 * (`dir(cls)` names starting with `test`, callable, sorted), Django `@tag`s, and the skip /
 * expected-failure decorators that can be read without running anything.
 */
import type { Binding, Expr, PyClass, PyFunction } from '../../../languages/python/ast.js';
import type { TestStatus } from '../../../core/types.js';
import type { ModuleSet, Ref, RepoModule } from './modules.js';

/** Dotted names of the TestCase classes of the standard library, Django and common test libraries. */
export const KNOWN_TESTCASES: ReadonlySet<string> = new Set([
  'unittest.TestCase',
  'unittest.case.TestCase',
  'unittest.IsolatedAsyncioTestCase',
  'unittest.async_case.IsolatedAsyncioTestCase',
  'unittest.FunctionTestCase',
  'django.test.TestCase',
  'django.test.SimpleTestCase',
  'django.test.TransactionTestCase',
  'django.test.LiveServerTestCase',
  'django.test.testcases.TestCase',
  'django.test.testcases.SimpleTestCase',
  'django.test.testcases.TransactionTestCase',
  'django.test.testcases.LiveServerTestCase',
  'django.contrib.staticfiles.testing.StaticLiveServerTestCase',
  'django.contrib.gis.tests.utils.TestCase',
  'rest_framework.test.APITestCase',
  'rest_framework.test.APISimpleTestCase',
  'rest_framework.test.APITransactionTestCase',
  'rest_framework.test.APILiveServerTestCase',
  'twisted.trial.unittest.TestCase',
  'twisted.trial.unittest.SynchronousTestCase',
  'absl.testing.absltest.TestCase',
  'absl.testing.parameterized.TestCase',
]);

export interface ClassInfo {
  mod: RepoModule;
  cls: PyClass;
}

export interface TestMethod {
  name: string;
  /** The class in the MRO that defines it. */
  owner: ClassInfo;
  fn?: PyFunction;
}

const keyOf = (c: ClassInfo) => `${c.mod.name}\u0000${c.mod.file}\u0000${c.cls.name}\u0000${c.cls.line}`;

/** The last part of a decorator's callee (`unittest.skip(...)` → `skip`). */
export function decoratorName(e: Expr): string | undefined {
  const fn = e.t === 'call' ? e.fn : e;
  if (fn.t === 'name') return fn.id;
  if (fn.t === 'attr') return fn.name;
  return undefined;
}

/** A literal condition's truth, undefined when it is computed at import time. */
function literalTruth(e: Expr | undefined): boolean | undefined {
  if (!e) return undefined;
  switch (e.t) {
    case 'bool':
      return e.v;
    case 'none':
      return false;
    case 'int':
      return e.v !== 0n;
    case 'str':
      return e.v !== '';
    case 'not': {
      const v = literalTruth(e.v);
      return v === undefined ? undefined : !v;
    }
    default:
      return undefined;
  }
}

/** Status from a list of decorators (class or method): skip wins over expected failure. */
export function statusOfDecorators(decorators: readonly Expr[]): TestStatus | undefined {
  let status: TestStatus | undefined;
  for (const d of decorators) {
    const name = decoratorName(d);
    const arg = d.t === 'call' ? d.args[0] : undefined;
    if (name === 'skip') return 'skip';
    if (name === 'skipIf' && literalTruth(arg) === true) return 'skip';
    if (name === 'skipUnless' && literalTruth(arg) === false) return 'skip';
    if (name === 'expectedFailure' && d.t !== 'call') status = 'xfail';
  }
  return status;
}

/** String arguments of `@tag("a", "b")` decorators. */
export function tagsOf(decorators: readonly Expr[]): string[] {
  const out: string[] = [];
  for (const d of decorators) {
    if (d.t !== 'call' || decoratorName(d) !== 'tag') continue;
    for (const a of d.args) if (a.t === 'str' && !out.includes(a.v)) out.push(a.v);
  }
  return out;
}

export class TestCaseIndex {
  private readonly testCaseMemo = new Map<string, boolean>();
  private readonly mroMemo = new Map<string, ClassInfo[]>();

  constructor(private readonly modules: ModuleSet) {}

  /** The bases of a class, resolved in its module's scope. */
  bases(c: ClassInfo): Ref[] {
    return c.cls.bases.map((b) => this.modules.resolveExpr(c.mod, b));
  }

  /** Whether a class derives (transitively) from a TestCase. */
  isTestCase(c: ClassInfo, depth = 0): boolean {
    const key = keyOf(c);
    const memo = this.testCaseMemo.get(key);
    if (memo !== undefined) return memo;
    this.testCaseMemo.set(key, false); // cycles
    let yes = false;
    if (depth < 50)
      for (const b of this.bases(c)) {
        if (b.k === 'external' && isTestCaseName(b.dotted)) yes = true;
        else if (b.k === 'class' && this.isTestCase({ mod: b.mod, cls: b.cls }, depth + 1)) yes = true;
        if (yes) break;
      }
    this.testCaseMemo.set(key, yes);
    return yes;
  }

  /** The repo classes of the MRO, most derived first (DFS, each class at its last occurrence: C3 for the usual diamonds). */
  mro(c: ClassInfo): ClassInfo[] {
    const key = keyOf(c);
    const memo = this.mroMemo.get(key);
    if (memo) return memo;
    this.mroMemo.set(key, [c]);
    const order: ClassInfo[] = [];
    const visit = (x: ClassInfo, depth: number) => {
      order.push(x);
      if (depth > 50) return;
      for (const b of this.bases(x)) if (b.k === 'class') visit({ mod: b.mod, cls: b.cls }, depth + 1);
    };
    visit(c, 0);
    const keys = order.map(keyOf);
    const out = order.filter((x, i) => keys.lastIndexOf(keyOf(x)) === i);
    this.mroMemo.set(key, out);
    return out;
  }

  /** `TestLoader.getTestCaseNames`: names from `dir(cls)` starting with `test` that are callable, sorted. */
  testMethods(c: ClassInfo): TestMethod[] {
    const seen = new Map<string, { owner: ClassInfo; binding: Binding }>();
    for (const k of this.mro(c))
      for (const [name, binding] of k.cls.body) if (!seen.has(name)) seen.set(name, { owner: k, binding });
    const out: TestMethod[] = [];
    for (const [name, { owner, binding }] of seen) {
      if (!name.startsWith('test') || !this.callable(owner, binding)) continue;
      out.push({ name, owner, fn: binding.kind === 'function' ? binding : undefined });
    }
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!out.length) {
      const run = seen.get('runTest');
      if (run && this.callable(run.owner, run.binding)) out.push({ name: 'runTest', owner: run.owner, fn: run.binding.kind === 'function' ? run.binding : undefined });
    }
    return out;
  }

  private callable(owner: ClassInfo, b: Binding): boolean {
    if (b.kind === 'function' || b.kind === 'class' || b.kind === 'import') return true;
    const e = b.expr;
    if (e.t === 'lambda') return true;
    if (e.t === 'name') {
      const inClass = owner.cls.body.get(e.id);
      if (inClass && inClass !== b) return this.callable(owner, inClass);
      const r = this.modules.resolveName(owner.mod, e.id);
      return r.k === 'class' || r.k === 'external' || (r.k === 'value' && r.binding.kind !== 'value');
    }
    if (e.t === 'attr') return true;
    return false;
  }

  /** Status of a test: method decorators, then class decorators along the MRO (inherited attributes). */
  statusOf(c: ClassInfo, m: TestMethod): TestStatus {
    const own = m.fn ? statusOfDecorators(m.fn.decorators) : undefined;
    if (own === 'skip') return 'skip';
    let status: TestStatus = own ?? 'active';
    for (const k of this.mro(c)) {
      const s = statusOfDecorators(k.cls.decorators);
      if (s === 'skip') return 'skip';
      if (s === 'xfail') status = 'xfail';
    }
    return status;
  }

  /** Django tags: the class's (merged along the MRO) and the method's. */
  tagsOf(c: ClassInfo, m: TestMethod): string[] {
    const out: string[] = [];
    for (const k of [...this.mro(c)].reverse()) for (const t of tagsOf(k.cls.decorators)) if (!out.includes(t)) out.push(t);
    if (m.fn) for (const t of tagsOf(m.fn.decorators)) if (!out.includes(t)) out.push(t);
    return out;
  }
}

/** A base named like a test case by a library seams does not know (`FooTestCase`). */
function isTestCaseName(dotted: string): boolean {
  if (KNOWN_TESTCASES.has(dotted)) return true;
  return /TestCase$/.test(dotted.split('.').pop() ?? '');
}
