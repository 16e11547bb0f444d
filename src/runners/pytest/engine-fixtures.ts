import type { Binding, Expr, PyClass, PyFunction } from '../../languages/python/ast.js';
import { dirnamePosix } from '../../util/paths.js';
import { isTestSupportPath } from './project.js';
import { truthy } from '../../languages/python/values/index.js';
import { isPytestAttr } from './marks.js';
import { SCOPE_RANK, type FixtureDef, type FixtureLevel, funcArgNames } from './engine-shared.js';
import type { EngineContext, FixtureParts } from './engine-context.js';

/** Fixtures: definitions per module, conftest, plugin and class level, closures and parametrized fixtures. */
export class PytestFixtures implements FixtureParts {
  constructor(private readonly ctx: EngineContext) {}

  private readonly levelCache = new Map<string, FixtureLevel>();

  private readonly classLevelCache = new WeakMap<PyClass, FixtureLevel>();

  private pluginLevels: FixtureLevel[] | undefined;

  /** collect_ignore / collect_ignore_glob literals of a conftest. */
  private readonly ignoresCache = new Map<string, { ignore?: string[]; ignoreGlob?: string[] }>();

  conftestIgnores(conftest: string): { ignore?: string[]; ignoreGlob?: string[] } {
    const cached = this.ignoresCache.get(conftest);
    if (cached) return cached;
    const out: { ignore?: string[]; ignoreGlob?: string[] } = {};
    this.ignoresCache.set(conftest, out);
    const entry = this.ctx.project.getModule(conftest);
    if (!entry) return out;
    for (const [key, prop] of [
      ['collect_ignore', 'ignore'],
      ['collect_ignore_glob', 'ignoreGlob'],
    ] as const) {
      const b = entry.module.bindings.get(key);
      if (!b || b.kind !== 'value') continue;
      try {
        const v = this.ctx.evaluator.evaluate(b.expr, conftest);
        out[prop] = this.ctx.evaluator.iterate(v).map((x) => (x.k === 'str' ? x.v : '')).filter(Boolean);
      } catch (error) {
        this.ctx.diag({
          severity: 'warning',
          code: 'COLLECT_IGNORE_DYNAMIC',
          file: conftest,
          line: b.line,
          message: `${key} in ${conftest} is computed (${(error as Error).message}); it is not applied`,
        });
      }
    }
    return out;
  }

  private fixtureLevelOf(file: string, label: string): FixtureLevel {
    const cached = this.levelCache.get(file);
    if (cached) return cached;
    const level: FixtureLevel = { byName: new Map(), autouse: [], hasGenerateTests: false, hasMakeParametrizeId: false, label };
    this.levelCache.set(file, level);
    const entry = this.ctx.project.getModule(file);
    if (!entry) return level;
    const names = [...entry.module.bindings.keys()];
    if (this.ctx.engine.hasTestSupportStar(file)) for (const n of this.ctx.project.starBindings(file).keys()) if (!entry.module.bindings.has(n)) names.push(n);
    for (const name of names) {
      const b = this.ctx.project.moduleBinding(file, name)!;
      if (name === 'pytest_generate_tests' && b.kind === 'function') level.hasGenerateTests = true;
      if (name === 'pytest_make_parametrize_id' && b.kind === 'function') level.hasMakeParametrizeId = true;
      const def = this.fixtureFromBinding(file, b, false);
      if (def) this.addFixture(level, def);
    }
    return level;
  }

  private addFixture(level: FixtureLevel, def: FixtureDef): void {
    level.byName.set(def.name, def);
    if (def.autouse && !level.autouse.includes(def.name)) level.autouse.push(def.name);
  }

  private fixtureFromBinding(file: string, b: Binding, inClass: boolean): FixtureDef | undefined {
    let fn: PyFunction;
    let fnFile = file;
    if (b.kind === 'function') fn = b;
    else if (b.kind === 'import') {
      // Fixtures are imported from test support code; library imports are not followed
      // (following them would parse the whole library).
      if (b.name === undefined) return undefined;
      const target = this.ctx.project.importTarget(file, b);
      if (!target || !isTestSupportPath(target)) return undefined;
      const r = this.ctx.project.resolveBinding(file, b);
      if (r.k !== 'function') return undefined;
      fn = r.fn;
      fnFile = r.file;
    } else return undefined;
    const dec = fn.decorators.find((d) => this.isFixtureDecorator(d, fnFile));
    if (!dec) return undefined;
    const kwargs = dec.t === 'call' ? dec.kwargs : {};
    let name = fn.name;
    if (kwargs.name) {
      try {
        const v = this.ctx.evaluator.evaluate(kwargs.name, fnFile);
        if (v.k === 'str') name = v.v;
      } catch {
        /* keep the function name */
      }
    }
    let autouse = false;
    if (kwargs.autouse) {
      try {
        autouse = truthy(this.ctx.evaluator.evaluate(kwargs.autouse, fnFile));
      } catch {
        autouse = false;
      }
    }
    let scope = 0;
    if (kwargs.scope) {
      try {
        const v = this.ctx.evaluator.evaluate(kwargs.scope, fnFile);
        if (v.k === 'str') scope = SCOPE_RANK[v.v] ?? 0;
      } catch {
        scope = 0;
      }
    }
    const isStatic = fn.decorators.some((d) => d.t === 'name' && d.id === 'staticmethod');
    return {
      name,
      file: fnFile,
      fn,
      autouse,
      scope,
      argnames: funcArgNames(fn, inClass && !isStatic, 0),
      paramsExpr: kwargs.params,
      idsExpr: kwargs.ids,
    };
  }

  isFixtureDecorator(d: Expr, file: string): boolean {
    const target = d.t === 'call' ? d.fn : d;
    if (isPytestAttr(target, 'fixture', file, this.ctx.project) || isPytestAttr(target, 'yield_fixture', file, this.ctx.project)) return true;
    if (target.t === 'attr' && target.name === 'fixture' && target.obj.t === 'name') {
      const r = this.ctx.project.resolveName(file, target.obj.id);
      return r.k === 'external' && /^(pytest_asyncio|pytest_trio|pytest_twisted)$/.test(r.module);
    }
    if (target.t === 'name') {
      const r = this.ctx.project.resolveName(file, target.id);
      return r.k === 'external' && /^pytest/.test(r.module) && r.name === 'fixture';
    }
    return false;
  }

  classFixtureLevel(cls: PyClass, file: string): FixtureLevel {
    const cached = this.classLevelCache.get(cls);
    if (cached) return cached;
    const level: FixtureLevel = { byName: new Map(), autouse: [], hasGenerateTests: false, hasMakeParametrizeId: false, label: cls.name };
    this.classLevelCache.set(cls, level);
    const seen = new Set<string>();
    for (const e of this.ctx.project.mro(cls, file)) {
      if (e.k !== 'class') continue;
      for (const [name, b] of e.cls.body) {
        if (seen.has(name)) continue;
        seen.add(name);
        if (name === 'pytest_generate_tests' && b.kind === 'function') level.hasGenerateTests = true;
        const def = this.fixtureFromBinding(e.file, b, true);
        if (def) this.addFixture(level, def);
      }
    }
    return level;
  }

  /** Plugins named in the rootdir conftest's `pytest_plugins` (repo modules only). */
  private plugins(): FixtureLevel[] {
    if (this.pluginLevels) return this.pluginLevels;
    this.pluginLevels = [];
    const rootConftest = this.ctx.opts.conftests.get('');
    if (!rootConftest) return this.pluginLevels;
    const b = this.ctx.project.getModule(rootConftest)?.module.bindings.get('pytest_plugins');
    if (!b || b.kind !== 'value') return this.pluginLevels;
    try {
      const v = this.ctx.evaluator.evaluate(b.expr, rootConftest);
      const names = v.k === 'str' ? [v.v] : this.ctx.evaluator.iterate(v).map((x) => (x.k === 'str' ? x.v : ''));
      for (const n of names) {
        const f = n && this.ctx.project.resolveModule(rootConftest, n, 0);
        if (f) this.pluginLevels.push(this.fixtureLevelOf(f, f));
      }
    } catch {
      /* computed plugin lists are ignored */
    }
    return this.pluginLevels;
  }

  /** Fixture levels for a module, closest first: module, conftests up to the rootdir, plugins. */
  moduleLevels(file: string): FixtureLevel[] {
    const levels: FixtureLevel[] = [this.fixtureLevelOf(file, file)];
    let dir: string | undefined = dirnamePosix(file);
    for (;;) {
      const c = this.ctx.opts.conftests.get(dir);
      if (c) levels.push(this.fixtureLevelOf(c, c));
      if (dir === '') break;
      dir = dirnamePosix(dir);
    }
    levels.push(...this.plugins());
    return levels;
  }

  private lookupFixture(levels: FixtureLevel[], name: string): FixtureDef[] {
    const out: FixtureDef[] = [];
    for (const l of levels) {
      const d = l.byName.get(name);
      if (d) out.push(d);
    }
    return out;
  }

  /** getfixtureclosure: autouse + usefixtures + arguments, transitively, sorted by scope. */
  fixtureClosure(levels: FixtureLevel[], usefixtures: string[], argnames: string[]): string[] {
    const autouse: string[] = [];
    for (const l of [...levels].reverse()) for (const n of l.autouse) autouse.push(n);
    const closure: string[] = [];
    const add = (n: string) => {
      if (!closure.includes(n)) closure.push(n);
    };
    [...autouse, ...usefixtures, ...argnames].forEach(add);
    for (let i = 0; i < closure.length && closure.length < 500; i++) {
      const name = closure[i]!;
      const defs = this.lookupFixture(levels, name);
      for (const d of defs) {
        d.argnames.forEach((a) => a !== name && add(a));
        if (!d.argnames.includes(name)) break;
      }
    }
    const scopeOf = (n: string) => this.lookupFixture(levels, n)[0]?.scope ?? 0;
    return closure
      .map((n, i) => ({ n, i, s: scopeOf(n) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .map((x) => x.n);
  }

  /** The closest definition of a fixture that has params, following overrides that request their super fixture. */
  paramFixture(levels: FixtureLevel[], name: string): FixtureDef | undefined {
    for (const d of this.lookupFixture(levels, name)) {
      if (d.paramsExpr) return d;
      if (!d.argnames.includes(name)) return undefined;
    }
    return undefined;
  }
}
