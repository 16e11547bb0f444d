/**
 * Static pytest collection: turns parsed modules into the items `pytest --collect-only` would
 * list, following `_pytest.python` (Module/Class/Function collectors, parametrization, fixture
 * params) and `_pytest.unittest`.
 */
import path from 'node:path';
import type { Binding, Bindings, Expr, PyClass, PyFunction, PyParam } from '../../languages/python/ast.js';
import type { Diagnostic, RawTest, TestStatus } from '../../core/types.js';
import { dirnamePosix } from '../../util/paths.js';
import type { PytestConfig } from './config.js';
import { idFromValue, makeUnique, type IdOptions } from './ids.js';
import { evaluateMarkExpr, evaluateKeywordExpr } from './markexpr.js';
import { isTestSupportPath, type MroEntry, type PythonProject, type Resolved } from './project.js';
import { Evaluator, isPytestAttr, markOf, truthy, Unresolvable, type Mark, type PyValue } from './values.js';

/** Fixtures every pytest provides (never parametrized). */
const BUILTIN_FIXTURES = new Set(
  'request tmp_path tmpdir tmp_path_factory tmpdir_factory monkeypatch capsys capfd capsysbinary capfdbinary caplog recwarn pytestconfig record_property record_xml_attribute record_testsuite_property cache doctest_namespace testdir pytester subtests'.split(' '),
);

const SCOPE_RANK: Record<string, number> = { session: 4, package: 3, module: 2, class: 1, function: 0 };

interface FixtureDef {
  name: string;
  file: string;
  fn: PyFunction;
  autouse: boolean;
  scope: number;
  argnames: string[];
  paramsExpr?: Expr;
  idsExpr?: Expr;
}

/** A set of fixture definitions visible at one level (plugin, conftest, module or class). */
interface FixtureLevel {
  byName: Map<string, FixtureDef>;
  autouse: string[];
  hasGenerateTests: boolean;
  hasMakeParametrizeId: boolean;
  label: string;
}

interface CallSpec {
  ids: string[];
  marks: Mark[];
}

interface ClassFrame {
  name: string;
  cls: PyClass;
  file: string;
  marks: Mark[];
  fixtures: FixtureLevel[];
}

export interface EngineOptions {
  project: PythonProject;
  cfg: PytestConfig;
  conftests: Map<string, string>;
  diagnostics: Diagnostic[];
  requirementPattern: RegExp;
}

export class PytestEngine {
  private readonly project: PythonProject;
  private readonly cfg: PytestConfig;
  private readonly evaluator: Evaluator;
  private readonly idOpts: IdOptions;
  private readonly levelCache = new Map<string, FixtureLevel>();
  private readonly classLevelCache = new WeakMap<PyClass, FixtureLevel>();
  private readonly markStringCache = new WeakMap<Mark, string[]>();
  /** Marks from module `pytestmark`s (their references come before class docstrings). */
  private readonly moduleMarks = new WeakSet<Mark>();
  private pluginLevels: FixtureLevel[] | undefined;

  constructor(private readonly opts: EngineOptions) {
    this.project = opts.project;
    this.cfg = opts.cfg;
    this.evaluator = new Evaluator(opts.project);
    this.idOpts = { noEscape: opts.cfg.noEscape };
  }

  private diag(d: Omit<Diagnostic, 'runner'>): void {
    this.opts.diagnostics.push({ runner: 'pytest', ...d });
  }

  /* -------------------------------------------------------------- conftest helpers */

  /** collect_ignore / collect_ignore_glob literals of a conftest. */
  private readonly ignoresCache = new Map<string, { ignore?: string[]; ignoreGlob?: string[] }>();

  conftestIgnores(conftest: string): { ignore?: string[]; ignoreGlob?: string[] } {
    const cached = this.ignoresCache.get(conftest);
    if (cached) return cached;
    const out: { ignore?: string[]; ignoreGlob?: string[] } = {};
    this.ignoresCache.set(conftest, out);
    const entry = this.project.getModule(conftest);
    if (!entry) return out;
    for (const [key, prop] of [
      ['collect_ignore', 'ignore'],
      ['collect_ignore_glob', 'ignoreGlob'],
    ] as const) {
      const b = entry.module.bindings.get(key);
      if (!b || b.kind !== 'value') continue;
      try {
        const v = this.evaluator.evaluate(b.expr, conftest);
        out[prop] = this.evaluator.iterate(v).map((x) => (x.k === 'str' ? x.v : '')).filter(Boolean);
      } catch (error) {
        this.diag({
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
    const entry = this.project.getModule(file);
    if (!entry) return level;
    const names = [...entry.module.bindings.keys()];
    if (this.hasTestSupportStar(file)) for (const n of this.project.starBindings(file).keys()) if (!entry.module.bindings.has(n)) names.push(n);
    for (const name of names) {
      const b = this.project.moduleBinding(file, name)!;
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
      const target = this.project.importTarget(file, b);
      if (!target || !isTestSupportPath(target)) return undefined;
      const r = this.project.resolveBinding(file, b);
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
        const v = this.evaluator.evaluate(kwargs.name, fnFile);
        if (v.k === 'str') name = v.v;
      } catch {
        /* keep the function name */
      }
    }
    let autouse = false;
    if (kwargs.autouse) {
      try {
        autouse = truthy(this.evaluator.evaluate(kwargs.autouse, fnFile));
      } catch {
        autouse = false;
      }
    }
    let scope = 0;
    if (kwargs.scope) {
      try {
        const v = this.evaluator.evaluate(kwargs.scope, fnFile);
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

  private isFixtureDecorator(d: Expr, file: string): boolean {
    const target = d.t === 'call' ? d.fn : d;
    if (isPytestAttr(target, 'fixture', file, this.project) || isPytestAttr(target, 'yield_fixture', file, this.project)) return true;
    if (target.t === 'attr' && target.name === 'fixture' && target.obj.t === 'name') {
      const r = this.project.resolveName(file, target.obj.id);
      return r.k === 'external' && /^(pytest_asyncio|pytest_trio|pytest_twisted)$/.test(r.module);
    }
    if (target.t === 'name') {
      const r = this.project.resolveName(file, target.id);
      return r.k === 'external' && /^pytest/.test(r.module) && r.name === 'fixture';
    }
    return false;
  }

  private classFixtureLevel(cls: PyClass, file: string): FixtureLevel {
    const cached = this.classLevelCache.get(cls);
    if (cached) return cached;
    const level: FixtureLevel = { byName: new Map(), autouse: [], hasGenerateTests: false, hasMakeParametrizeId: false, label: cls.name };
    this.classLevelCache.set(cls, level);
    const seen = new Set<string>();
    for (const e of this.project.mro(cls, file)) {
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
    const rootConftest = this.opts.conftests.get('');
    if (!rootConftest) return this.pluginLevels;
    const b = this.project.getModule(rootConftest)?.module.bindings.get('pytest_plugins');
    if (!b || b.kind !== 'value') return this.pluginLevels;
    try {
      const v = this.evaluator.evaluate(b.expr, rootConftest);
      const names = v.k === 'str' ? [v.v] : this.evaluator.iterate(v).map((x) => (x.k === 'str' ? x.v : ''));
      for (const n of names) {
        const f = n && this.project.resolveModule(rootConftest, n, 0);
        if (f) this.pluginLevels.push(this.fixtureLevelOf(f, f));
      }
    } catch {
      /* computed plugin lists are ignored */
    }
    return this.pluginLevels;
  }

  /** Fixture levels for a module, closest first: module, conftests up to the rootdir, plugins. */
  private moduleLevels(file: string): FixtureLevel[] {
    const levels: FixtureLevel[] = [this.fixtureLevelOf(file, file)];
    let dir: string | undefined = dirnamePosix(file);
    for (;;) {
      const c = this.opts.conftests.get(dir);
      if (c) levels.push(this.fixtureLevelOf(c, c));
      if (dir === '') break;
      dir = dirnamePosix(dir);
    }
    levels.push(...this.plugins());
    return levels;
  }

  /* -------------------------------------------------------------- marks */

  private marksFromDecorators(decorators: Expr[], file: string, scope?: Bindings): Mark[] {
    const out: Mark[] = [];
    // Decorators apply bottom-up; pytest lists the closest one first.
    for (const d of [...decorators].reverse()) {
      const m = this.decoratorMark(d, file);
      if (m) out.push(scope ? { ...m, scope } : m);
    }
    return out;
  }

  private decoratorMark(d: Expr, file: string): Mark | undefined {
    const target = d.t === 'call' ? d.fn : d;
    if (target.t === 'attr') {
      const m = markOf(target, file, this.project);
      if (m) return d.t === 'call' ? { ...m, args: d.args, kwargs: d.kwargs } : m;
    }
    // A name bound to a mark (`slow = pytest.mark.slow`), possibly imported.
    if (target.t === 'name' || target.t === 'attr') {
      const r =
        target.t === 'name'
          ? this.project.resolveName(file, target.id)
          : this.project.resolveAttr(this.project.resolveExprRef(target.obj, file), target.name);
      if (r.k === 'external' && (r.module === 'pytest.mark' || r.module === '_pytest.mark'))
        return { name: r.name, args: d.t === 'call' ? d.args : [], kwargs: d.t === 'call' ? d.kwargs : {}, file };
      if (r.k === 'value') {
        try {
          const v = this.evaluator.evaluate(r.binding.expr, r.file);
          if (v.k === 'mark' && v.marks.length === 1)
            return d.t === 'call' ? { ...v.marks[0]!, args: d.args, kwargs: d.kwargs } : v.marks[0];
        } catch {
          /* not a mark */
        }
      }
      if (r.k === 'external' && r.module === 'unittest' && /^(skip|skipIf|skipUnless|expectedFailure)$/.test(r.name))
        return { name: `unittest.${r.name}`, args: d.t === 'call' ? d.args : [], kwargs: {}, file, unittest: true };
      if (target.t === 'attr' && target.obj.t === 'name' && /^(skip|skipIf|skipUnless|expectedFailure)$/.test(target.name)) {
        const base = this.project.resolveName(file, target.obj.id);
        if (base.k === 'external' && base.module === 'unittest' && base.name === '')
          return { name: `unittest.${target.name}`, args: d.t === 'call' ? d.args : [], kwargs: {}, file, unittest: true };
      }
    }
    return undefined;
  }

  /** `pytestmark` of a module or class body (a mark or a list of marks). */
  private pytestmarkOf(b: Binding | undefined, file: string): Mark[] {
    if (!b || b.kind !== 'value') return [];
    try {
      return this.evaluator.marksOf(b.expr, file);
    } catch (error) {
      this.diag({ severity: 'info', code: 'PYTESTMARK_DYNAMIC', file, line: b.line, message: `pytestmark is computed (${(error as Error).message})` });
      return [];
    }
  }

  /** Own marks of a class with its bases' (pytest ≥ 7.2 considers the MRO). */
  private classMarks(cls: PyClass, file: string): Mark[] {
    const out: Mark[] = [];
    for (const e of this.project.mro(cls, file)) {
      if (e.k !== 'class') continue;
      out.push(...this.pytestmarkOf(e.cls.body.get('pytestmark'), e.file));
      out.push(...this.marksFromDecorators(e.cls.decorators, e.file));
    }
    return out;
  }

  /* -------------------------------------------------------------- classes */

  private classAttr(cls: PyClass, file: string, name: string): { binding: Binding; file: string } | undefined {
    for (const e of this.project.mro(cls, file)) {
      if (e.k !== 'class') continue;
      const b = e.cls.body.get(name);
      if (b) return { binding: b, file: e.file };
    }
    return undefined;
  }

  /** `__test__` as a boolean when set in the class or its bases. */
  private dunderTest(cls: PyClass, file: string): boolean | undefined {
    const attr = this.classAttr(cls, file, '__test__');
    if (!attr || attr.binding.kind !== 'value') return undefined;
    try {
      return truthy(this.evaluator.evaluate(attr.binding.expr, attr.file));
    } catch {
      return undefined;
    }
  }

  private isUnittestClass(cls: PyClass, file: string): boolean {
    return this.project.mro(cls, file).some(
      (e) =>
        e.k === 'external' &&
        ((e.module === 'unittest' && /TestCase$/.test(e.name)) ||
          (e.module.startsWith('unittest.') && /TestCase$/.test(e.name)) ||
          /TestCase$/.test(e.name) ||
          (e.name === '' && /TestCase$/.test(e.module))),
    );
  }

  private hasInitOrNew(cls: PyClass, file: string): boolean {
    for (const e of this.project.mro(cls, file)) {
      if (e.k === 'class') {
        if (e.cls.body.has('__init__') || e.cls.body.has('__new__')) return true;
      } else if (e.k === 'external' && e.module === 'builtins' && e.name !== 'object') return true;
    }
    return false;
  }

  private isAbstract(cls: PyClass, file: string): boolean {
    const mro = this.project.mro(cls, file);
    const isAbc = mro.some(
      (e) =>
        (e.k === 'external' && e.module === 'abc' && (e.name === 'ABC' || e.name === 'ABCMeta')) ||
        (e.k === 'class' && e.cls.keywords.metaclass && /ABCMeta$/.test(exprText(e.cls.keywords.metaclass))),
    );
    if (!isAbc) return false;
    const decided = new Set<string>();
    for (const e of mro) {
      if (e.k !== 'class') continue;
      for (const [name, b] of e.cls.body) {
        if (decided.has(name)) continue;
        decided.add(name);
        if (b.kind === 'function' && b.decorators.some((d) => /abstract(method|property|classmethod|staticmethod)$/.test(exprText(d))))
          return true;
      }
    }
    return false;
  }

  /* -------------------------------------------------------------- collection */

  /** All items of one test module. */
  collectModule(file: string): RawTest[] {
    const entry = this.project.getModule(file);
    if (!entry) {
      const reason = this.project.readErrors.get(file) ?? 'unreadable';
      this.diag({ severity: 'warning', code: 'UNREADABLE_FILE', file, message: `cannot scan ${file}: ${reason}` });
      return [];
    }
    if (entry.module.syntaxError) {
      const e = entry.module.syntaxError;
      this.diag({ severity: 'warning', code: 'PARSE_ERROR', file, line: e.line, message: `${file}:${e.line}: ${e.message}; pytest cannot collect it` });
      return [];
    }
    const out: RawTest[] = [];
    for (const skip of entry.module.importorskips ?? [])
      this.diag({
        severity: 'info',
        code: 'IMPORTORSKIP',
        file,
        line: skip.line,
        message: `${file} calls pytest.importorskip("${skip.module}"): pytest collects none of its tests when ${skip.module} is not installed`,
      });
    const moduleMarks = this.pytestmarkOf(entry.module.bindings.get('pytestmark'), file);
    moduleMarks.forEach((m) => this.moduleMarks.add(m));
    const levels = this.moduleLevels(file);
    const names = [...entry.module.bindings.keys()];
    if (this.hasTestSupportStar(file))
      for (const n of this.project.starBindings(file).keys()) if (!entry.module.bindings.has(n)) names.push(n);
    for (const name of names) {
      const b = this.project.moduleBinding(file, name)!;
      const resolved = this.resolveCandidate(file, name, b);
      if (!resolved) {
        if (b.kind === 'value' && /^[A-Z]/.test(name) && matchesPrefixOrGlobName(name, this.cfg.pythonClasses) && b.expr.t === 'call') {
          const t = this.makeTest(file, [], name, '', b.line, moduleMarks, [], {});
          t.dynamic = true;
          t.dynamicReason = `${name} is created by a call at run time; its tests are not known statically`;
          out.push(t);
        }
        continue;
      }
      const line = b.kind === 'import' || b.kind === 'value' ? b.line : resolved.k === 'function' ? resolved.fn.line : resolved.k === 'class' ? resolved.cls.line : 0;
      if (resolved.k === 'class') {
        this.collectClassCandidate(out, file, name, resolved.cls, resolved.file, [], moduleMarks, levels, resolved.file === file ? resolved.cls.line : line);
      } else if (resolved.k === 'function') {
        if (!this.isTestFunctionName(name, resolved.fn, resolved.file)) continue;
        this.genFunction(out, {
          file,
          name,
          fn: resolved.fn,
          fnFile: resolved.file,
          classes: [],
          isMethod: false,
          marks: [...this.marksFromDecorators(resolved.fn.decorators, resolved.file), ...moduleMarks],
          levels,
          line: resolved.file === file ? resolved.fn.line : line,
        });
      }
    }
    return out;
  }

  /** Whether a module star-imports test support code (whose names are then collected too). */
  private hasTestSupportStar(file: string): boolean {
    const entry = this.project.getModule(file);
    if (!entry?.module.starImports.length) return false;
    return entry.module.starImports.some((s) => {
      const target = this.project.resolveModule(file, s.module, s.level);
      return target !== undefined && isTestSupportPath(target);
    });
  }

  /** Resolves a module-level name to a class or function worth looking at, cheaply. */
  private resolveCandidate(file: string, name: string, b: Binding): Resolved | undefined {
    if (b.kind === 'function' || b.kind === 'class') return this.project.resolveBinding(file, b);
    const mayMatter =
      matchesPrefixOrGlobName(name, this.cfg.pythonFunctions) ||
      matchesPrefixOrGlobName(name, this.cfg.pythonClasses) ||
      /^[A-Z]/.test(name);
    if (!mayMatter) return undefined;
    if (b.kind === 'import') {
      if (b.name === undefined) return undefined;
      const target = this.project.importTarget(file, b);
      if (!target) return undefined;
      // Names that are not test-like matter only as TestCase subclasses from test support code.
      const testLike = matchesPrefixOrGlobName(name, this.cfg.pythonFunctions) || matchesPrefixOrGlobName(name, this.cfg.pythonClasses);
      if (!testLike && !isTestSupportPath(target)) return undefined;
      const r = this.project.resolveBinding(file, b);
      return r.k === 'class' || r.k === 'function' ? r : undefined;
    }
    // Aliases (`test_b = test_a`, `TestB = TestA`) of test-like names only: values are converted lazily.
    const testLike = matchesPrefixOrGlobName(name, this.cfg.pythonFunctions) || matchesPrefixOrGlobName(name, this.cfg.pythonClasses);
    if (b.kind === 'value' && testLike && (b.expr.t === 'name' || b.expr.t === 'attr')) {
      const r = this.project.resolveExprRef(b.expr, file);
      return r.k === 'class' || r.k === 'function' ? r : undefined;
    }
    return undefined;
  }

  private isTestFunctionName(name: string, fn: PyFunction, fnFile: string): boolean {
    if (!matchesPrefixOrGlobName(name, this.cfg.pythonFunctions)) return false;
    // Fixtures named like tests are not tests.
    if (fn.decorators.some((d) => this.isFixtureDecorator(d, fnFile))) return false;
    if (fn.decorators.some((d) => d.t === 'name' && d.id === 'property')) return false;
    return true;
  }

  private collectClassCandidate(
    out: RawTest[],
    file: string,
    name: string,
    cls: PyClass,
    clsFile: string,
    outer: ClassFrame[],
    parentMarks: Mark[],
    levels: FixtureLevel[],
    line: number,
  ): void {
    if (this.isUnittestClass(cls, clsFile)) {
      if (outer.length) return; // nested TestCase classes are not collected by the unittest loader
      this.collectUnittest(out, file, name, cls, clsFile, parentMarks, line);
      return;
    }
    const dunder = this.dunderTest(cls, clsFile);
    if (!(matchesPrefixOrGlobName(name, this.cfg.pythonClasses) || dunder === true)) return;
    if (this.isAbstract(cls, clsFile)) return;
    if (dunder === false) return;
    if (this.hasInitOrNew(cls, clsFile)) {
      this.diag({
        severity: 'info',
        code: 'CLASS_HAS_INIT',
        file,
        line,
        message: `${file}::${[...outer.map((o) => o.name), name].join('::')} has a constructor; pytest does not collect it`,
      });
      return;
    }
    const frame: ClassFrame = {
      name,
      cls,
      file: clsFile,
      marks: [...this.classMarks(cls, clsFile), ...parentMarks],
      fixtures: [this.classFixtureLevel(cls, clsFile)],
    };
    const chain = [...outer, frame];
    const classLevels = [...chain.map((c) => c.fixtures[0]!).reverse(), ...levels];
    const seen = new Set<string>();
    const groups: RawTest[][] = [];
    for (const e of this.project.mro(cls, clsFile)) {
      if (e.k !== 'class') continue;
      const group: RawTest[] = [];
      for (const [memberName, b] of e.cls.body) {
        if (seen.has(memberName)) continue;
        seen.add(memberName);
        let target: Resolved | undefined;
        if (b.kind === 'function' || b.kind === 'class') target = this.project.resolveBinding(e.file, b);
        else if (b.kind === 'value') {
          if (!matchesPrefixOrGlobName(memberName, this.cfg.pythonFunctions) && !matchesPrefixOrGlobName(memberName, this.cfg.pythonClasses)) continue;
          if (b.expr.t !== 'name' && b.expr.t !== 'attr') continue;
          target = this.project.resolveExprRef(b.expr, e.file);
        } else if (b.kind === 'import') target = this.project.resolveBinding(e.file, b);
        if (!target) continue;
        if (target.k === 'function') {
          if (!this.isTestFunctionName(memberName, target.fn, target.file)) continue;
          const isStatic = target.fn.decorators.some((d) => d.t === 'name' && d.id === 'staticmethod');
          this.genFunction(group, {
            file,
            name: memberName,
            fn: target.fn,
            fnFile: target.file,
            classes: chain.map((c) => c.name),
            isMethod: !isStatic,
            marks: [...this.marksFromDecorators(target.fn.decorators, target.file, e.cls.body), ...frame.marks],
            levels: classLevels,
            line: target.file === file ? target.fn.line : line,
            classFrames: chain,
          });
        } else if (target.k === 'class') {
          this.collectClassCandidate(group, file, memberName, target.cls, target.file, chain, frame.marks, levels, target.file === file ? target.cls.line : line);
        }
      }
      groups.push(group);
    }
    // Base-class members come first (reverse MRO), as in PyCollector.collect.
    for (const g of groups.reverse()) out.push(...g);
  }

  private collectUnittest(out: RawTest[], file: string, name: string, cls: PyClass, clsFile: string, moduleMarks: Mark[], line: number): void {
    if (this.dunderTest(cls, clsFile) === false) return;
    const classMarks = [...this.classMarks(cls, clsFile), ...moduleMarks];
    const methods = new Map<string, { fn: PyFunction; file: string }>();
    const seen = new Set<string>();
    for (const e of this.project.mro(cls, clsFile)) {
      if (e.k !== 'class') continue;
      for (const [n, b] of e.cls.body) {
        if (seen.has(n)) continue;
        seen.add(n);
        if (!n.startsWith('test') && n !== 'runTest') continue;
        let r: Resolved | undefined;
        if (b.kind === 'function') r = { k: 'function', fn: b, file: e.file };
        else if (b.kind === 'value' && n.startsWith('test') && (b.expr.t === 'name' || b.expr.t === 'attr')) r = this.project.resolveExprRef(b.expr, e.file);
        else if (b.kind === 'import') r = this.project.resolveBinding(e.file, b);
        if (r?.k === 'function' && !r.fn.decorators.some((d) => d.t === 'name' && d.id === 'property')) methods.set(n, { fn: r.fn, file: r.file });
      }
    }
    let names = [...methods.keys()].filter((n) => n.startsWith('test')).sort();
    if (!names.length && methods.has('runTest')) names = ['runTest'];
    for (const n of names) {
      const m = methods.get(n)!;
      const marks = [...this.marksFromDecorators(m.fn.decorators, m.file), ...classMarks];
      out.push(this.makeTest(file, [name], n, '', m.file === file ? m.fn.line : line, marks, [], { fn: m.fn, classes: [cls] }));
    }
  }

  /* -------------------------------------------------------------- functions and parametrization */

  private genFunction(
    out: RawTest[],
    f: {
      file: string;
      name: string;
      fn: PyFunction;
      fnFile: string;
      classes: string[];
      isMethod: boolean;
      marks: Mark[];
      levels: FixtureLevel[];
      line: number;
      classFrames?: ClassFrame[];
    },
  ): void {
    const argnames = funcArgNames(f.fn, f.isMethod, mockPatchCount(f.fn));
    const parametrizeMarks = f.marks.filter((m) => m.name === 'parametrize');
    let callspecs: CallSpec[] = [{ ids: [], marks: [] }];
    let dynamic: string | undefined;
    const directArgnames = new Set<string>();
    const parsed: Array<{ argnames: string[]; mark: Mark }> = [];
    for (const m of parametrizeMarks) {
      try {
        const names = this.evaluator.inScope(m.scope, () => this.parametrizeArgnames(m));
        names.forEach((n) => directArgnames.add(n));
        parsed.push({ argnames: names, mark: m });
      } catch (error) {
        dynamic ??= `parametrize argnames are computed (${(error as Error).message})`;
      }
    }
    try {
      // 1. parametrized fixtures in the closure (FixtureManager.pytest_generate_tests runs first)
      const usefixtures: string[] = [];
      for (const m of f.marks)
        if (m.name === 'usefixtures')
          for (const a of m.args) {
            const v = this.evaluator.evaluate(a, m.file);
            if (v.k === 'str') usefixtures.push(v.v);
          }
      const closure = this.fixtureClosure(f.levels, usefixtures, argnames);
      for (const argname of closure) {
        if (directArgnames.has(argname)) continue;
        const def = this.paramFixture(f.levels, argname);
        if (!def) continue;
        callspecs = this.applyParametrize(callspecs, [argname], def.paramsExpr!, def.idsExpr, def.file, true, `fixture ${argname}`);
      }
      // 2. @pytest.mark.parametrize, closest first
      for (const p of parsed) {
        const m = p.mark;
        const valuesExpr = m.args[1] ?? m.kwargs.argvalues;
        if (!valuesExpr) throw new Unresolvable('parametrize without argvalues');
        const forceTuple = this.evaluator.inScope(m.scope, () => this.argnamesIsSingleString(m));
        callspecs = this.evaluator.inScope(m.scope, () =>
          this.applyParametrize(callspecs, p.argnames, valuesExpr, m.kwargs.ids, m.file, forceTuple, 'parametrize'),
        );
      }
      // 3. pytest_generate_tests hooks may parametrize arguments nothing else provides
      const hookLevel = f.levels.find((l) => l.hasGenerateTests);
      if (hookLevel) {
        const provided = (n: string) => directArgnames.has(n) || BUILTIN_FIXTURES.has(n) || f.levels.some((l) => l.byName.has(n));
        const unknown = [...argnames, ...usefixtures].filter((n) => !provided(n));
        if (unknown.length) dynamic ??= `pytest_generate_tests in ${hookLevel.label} may parametrize ${unknown.join(', ')}`;
      }
      if (callspecs.some((c) => c.ids.length) && f.levels.some((l) => l.hasMakeParametrizeId))
        dynamic ??= 'pytest_make_parametrize_id hook may change the ids';
    } catch (error) {
      if (!(error instanceof Unresolvable)) throw error;
      dynamic ??= error.message;
    }
    for (const d of f.fn.decorators) {
      const target = d.t === 'call' ? d.fn : d;
      if (target.t !== 'name' && target.t !== 'attr') continue;
      const r = this.project.resolveExprRef(target, f.fnFile);
      if (r.k === 'function' && r.fn.appliesMarks && !this.isFixtureDecorator(d, f.fnFile))
        dynamic ??= `decorator ${exprText(target)} (${r.file}:${r.fn.line}) applies pytest marks when the module is imported`;
    }
    const refSource: RefSource = { fn: f.fn, classes: f.classFrames?.map((c) => c.cls) };
    if (dynamic) {
      const t = this.makeTest(f.file, f.classes, f.name, '', f.line, f.marks, [], refSource);
      t.dynamic = true;
      t.dynamicReason = dynamic;
      out.push(t);
      return;
    }
    for (const c of callspecs) {
      const suffix = c.ids.length ? `[${c.ids.join('-')}]` : '';
      out.push(this.makeTest(f.file, f.classes, f.name, suffix, f.line, f.marks, c.marks, refSource));
    }
  }

  private argnamesIsSingleString(m: Mark): boolean {
    const a = m.args[0] ?? m.kwargs.argnames;
    if (!a) return false;
    try {
      const v = this.evaluator.evaluate(a, m.file);
      return v.k === 'str' && v.v.split(',').filter((s) => s.trim()).length === 1;
    } catch {
      return false;
    }
  }

  private parametrizeArgnames(m: Mark): string[] {
    const a = m.args[0] ?? m.kwargs.argnames;
    if (!a) throw new Unresolvable('parametrize without argnames');
    const v = this.evaluator.evaluate(a, m.file);
    if (v.k === 'str') return v.v.split(',').map((s) => s.trim()).filter(Boolean);
    return this.evaluator.iterate(v).map((x) => (x.k === 'str' ? x.v : (() => { throw new Unresolvable('argnames is not a string list'); })()));
  }

  /** Metafunc.parametrize: the Cartesian product of the existing callspecs with one more parameter set list. */
  private applyParametrize(
    callspecs: CallSpec[],
    argnames: string[],
    valuesExpr: Expr,
    idsExpr: Expr | undefined,
    file: string,
    forceTuple: boolean,
    what: string,
  ): CallSpec[] {
    let values: PyValue[];
    try {
      values = this.evaluator.iterate(this.evaluator.evaluate(valuesExpr, file));
    } catch (error) {
      throw new Unresolvable(`${what} values are computed (${(error as Error).message})`);
    }
    let sets = values.map((v) => {
      if (v.k === 'param') return { values: v.values, id: v.id, marks: v.marks };
      if (v.k === 'unknown' && !forceTuple) throw new Unresolvable(`${what} values are computed (${v.reason})`);
      if (forceTuple) return { values: [v], id: null as string | null, marks: [] as Mark[] };
      return { values: this.evaluator.iterate(v), id: null as string | null, marks: [] as Mark[] };
    });
    let emptyMark: Mark[] = [];
    if (!sets.length) {
      const markName = this.cfg.emptyParameterSetMark === 'xfail' ? 'xfail' : 'skip';
      emptyMark = [{ name: markName, args: [], kwargs: {}, file }];
      sets = [{ values: argnames.map(() => ({ k: 'object', what: 'NOTSET' }) as PyValue), id: null, marks: emptyMark }];
    }
    let ids: Array<PyValue | null> | undefined;
    if (idsExpr) {
      let idsValue: PyValue;
      try {
        idsValue = this.evaluator.evaluate(idsExpr, file);
      } catch (error) {
        throw new Unresolvable(`${what} ids are computed (${(error as Error).message})`);
      }
      if (idsValue.k === 'none') ids = undefined;
      else if (idsValue.k === 'named') throw new Unresolvable(`${what} ids come from a function (${idsValue.name})`);
      else ids = this.evaluator.iterate(idsValue).map((v) => (v.k === 'none' ? null : v));
    }
    const rawIds = sets.map((s, idx) => {
      if (s.id !== null) return this.cfg.noEscape ? s.id : idFromValue({ k: 'str', v: s.id }, this.idOpts)!;
      const given = ids?.[idx];
      if (given) {
        const id = idFromValue(given, this.idOpts);
        if (id === undefined) throw new Unresolvable(`${what} ids[${idx}] is not a string or number`);
        return id;
      }
      if (s.values.length !== argnames.length && !(s.values.length === 0 && argnames.length === 0))
        throw new Unresolvable(`${what}: ${argnames.length} names but ${s.values.length} values in set ${idx}`);
      return s.values
        .map((v, i) => {
          if (v.k === 'object' && v.what === 'NOTSET') return 'NOTSET';
          if (v.k === 'unknown') throw new Unresolvable(`${what} value is computed (${v.reason})`);
          return idFromValue(v, this.idOpts) ?? `${argnames[i]}${idx}`;
        })
        .join('-');
    });
    const unique = makeUnique(rawIds);
    const next: CallSpec[] = [];
    for (const c of callspecs)
      sets.forEach((s, i) => {
        next.push({ ids: [...c.ids, unique[i]!], marks: [...c.marks, ...s.marks] });
      });
    return next;
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
  private fixtureClosure(levels: FixtureLevel[], usefixtures: string[], argnames: string[]): string[] {
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
  private paramFixture(levels: FixtureLevel[], name: string): FixtureDef | undefined {
    for (const d of this.lookupFixture(levels, name)) {
      if (d.paramsExpr) return d;
      if (!d.argnames.includes(name)) return undefined;
    }
    return undefined;
  }

  /* -------------------------------------------------------------- items */

  private makeTest(
    file: string,
    classes: string[],
    name: string,
    suffix: string,
    line: number,
    marks: Mark[],
    paramMarks: Mark[],
    src: RefSource,
  ): RawTest {
    const all = [...paramMarks, ...marks];
    const id = [file, ...classes, name + suffix].join('::');
    const markers: string[] = [];
    for (const m of all) if (!m.unittest && !HIDDEN_MARKS.has(m.name) && !markers.includes(m.name)) markers.push(m.name);
    return {
      runner: 'pytest',
      project: null,
      id,
      file,
      line,
      titlePath: [...classes, name + suffix],
      name: [...classes, name + suffix].join('::'),
      markers,
      status: this.statusOf(all),
      dynamic: false,
      refs: this.refsOf(file, all, markers, src),
      // Internal: all mark names for -m selection; stripped before output.
      ...({ _allMarks: all.map((m) => m.name) } as object),
    } as RawTest;
  }

  /**
   * References of one test, de-duplicated, outermost first: the module docstring, class
   * docstrings, marker arguments (module `pytestmark`, class, function; `workflow`/`component`
   * name workflows and components, `requirement`/`req`/`covers`/`verifies` requirement ids),
   * marker names matching the requirement pattern, comments directly above the function, its
   * docstring and the comments in its body.
   */
  private refsOf(file: string, all: Mark[], markers: string[], src: RefSource): RawTest['refs'] {
    const workflows: string[] = [];
    const components: string[] = [];
    const requirements: string[] = [];
    const add = (list: string[], v: string) => {
      if (v && !list.includes(v)) list.push(v);
    };
    const fromText = (text: string | undefined) => {
      if (!text) return;
      for (const m of text.match(this.opts.requirementPattern) ?? []) add(requirements, m);
    };
    fromText(this.project.getModule(file)?.module.docstring);
    const fromMark = (m: Mark) => {
      const kind = REF_MARKS.get(m.name);
      if (!kind) return;
      for (const v of this.markStrings(m)) {
        if (kind === 'workflow') add(workflows, v);
        else if (kind === 'component') add(components, v);
        else {
          const found = v.match(this.opts.requirementPattern);
          if (found?.length) found.forEach((r) => add(requirements, r));
          else add(requirements, v);
        }
      }
    };
    // Marks are stored closest first (function, class, module); references read outermost first.
    const outermostFirst = [...all].reverse();
    outermostFirst.filter((m) => this.moduleMarks.has(m)).forEach(fromMark);
    for (const c of src.classes ?? []) fromText(c.docstring);
    outermostFirst.filter((m) => !this.moduleMarks.has(m)).forEach(fromMark);
    fromText(markers.join('\n'));
    // Comments above the function, its docstring, then the comments in its body (source order).
    if (src.fn) fromText([src.fn.commentsAbove ?? '', src.fn.docstring ?? '', src.fn.comments ?? ''].join('\n'));
    return { workflows, components, requirements };
  }

  /** String arguments of a reference mark: positional strings, list/tuple literals, constants. */
  private markStrings(m: Mark): string[] {
    const cached = this.markStringCache.get(m);
    if (cached) return cached;
    const out: string[] = [];
    const take = (v: PyValue) => {
      if (v.k === 'str') out.push(v.v.trim());
      else if (v.k === 'seq') v.items.forEach(take);
    };
    for (const a of [...m.args, ...Object.values(m.kwargs)]) {
      try {
        const e = a.t === 'starred' ? a.v : a;
        take(this.evaluator.inScope(m.scope, () => this.evaluator.evaluate(e, m.file)));
      } catch {
        /* a computed argument names nothing statically */
      }
    }
    this.markStringCache.set(m, out);
    return out;
  }

  private statusOf(marks: Mark[]): TestStatus {
    let status: TestStatus = 'active';
    for (const m of marks) {
      const cond = m.args[0];
      const holds = (): boolean => {
        if (!cond) return true;
        try {
          const v = this.evaluator.inScope(m.scope, () => this.evaluator.evaluate(cond, m.file));
          if (v.k === 'str') return false; // string conditions are evaluated by pytest at run time
          return truthy(v);
        } catch {
          return false;
        }
      };
      if (m.name === 'skip' || m.name === 'unittest.skip') return 'skip';
      if (m.name === 'skipif' && holds()) return 'skip';
      if (m.name === 'unittest.skipIf' && holds()) return 'skip';
      if (m.name === 'unittest.skipUnless' && cond) {
        try {
          if (!truthy(this.evaluator.evaluate(cond, m.file))) return 'skip';
        } catch {
          /* unknown */
        }
      }
      if (m.name === 'xfail') {
        const xcond = m.args[0] ?? m.kwargs.condition;
        if (!xcond || (m.args[0] ? holds() : false)) status = 'xfail';
      }
      if (m.name === 'unittest.expectedFailure') status = 'xfail';
    }
    return status;
  }

  /* -------------------------------------------------------------- selection */

  /** Applies `-m`, `-k` and `--deselect` from addopts. */
  select(tests: RawTest[]): RawTest[] {
    const { markExpr, keywordExpr, deselect } = this.cfg;
    if (!markExpr && !keywordExpr && !deselect.length) return tests;
    return tests.filter((t) => {
      if (deselect.some((d) => t.id === d || t.id.startsWith(`${d}::`) || t.id.startsWith(`${d}[`))) return false;
      const all = (t as unknown as { _allMarks: string[] })._allMarks ?? t.markers;
      if (markExpr && !evaluateMarkExpr(markExpr, (n) => all.includes(n))) return false;
      if (keywordExpr) {
        const names = [...t.titlePath, path.posix.basename(t.file), ...t.file.split('/').slice(0, -1), ...all];
        const lower = names.map((n) => n.toLowerCase());
        if (!evaluateKeywordExpr(keywordExpr, (k) => lower.some((n) => n.includes(k.toLowerCase())))) return false;
      }
      return true;
    });
  }

  /** Doctest text file: one item named after the file when it has examples. */
  collectTextFile(file: string, text: string): RawTest[] {
    if (!/^[ \t]*>>>/m.test(text)) return [];
    const base = path.posix.basename(file);
    return [this.makeTest(file, [], base, '', 1, [], [], {})];
  }
}

const HIDDEN_MARKS = new Set(['parametrize', 'usefixtures', 'filterwarnings']);

/** Markers whose arguments name what a test covers. */
const REF_MARKS = new Map<string, 'workflow' | 'component' | 'requirement'>([
  ['workflow', 'workflow'],
  ['workflows', 'workflow'],
  ['component', 'component'],
  ['components', 'component'],
  ['requirement', 'requirement'],
  ['requirements', 'requirement'],
  ['req', 'requirement'],
  ['covers', 'requirement'],
  ['verifies', 'requirement'],
]);

/** Where a test's references are read from besides its marks. */
interface RefSource {
  fn?: PyFunction;
  classes?: PyClass[];
}

/** `getfuncargnames`: arguments without defaults, minus `self`/`cls` and mock.patch arguments. */
export function funcArgNames(fn: PyFunction, isMethod: boolean, mockPatches: number): string[] {
  const params: PyParam[] = fn.params.filter((p) => (p.kind === 'positional' || p.kind === 'kwonly') && !p.hasDefault);
  let positional = params.filter((p) => p.kind === 'positional');
  const kwonly = params.filter((p) => p.kind === 'kwonly');
  const isClassMethod = fn.decorators.some((d) => d.t === 'name' && d.id === 'classmethod');
  if ((isMethod || isClassMethod) && fn.params[0]?.kind === 'positional') {
    if (positional[0] === fn.params[0]) positional = positional.slice(1);
  }
  positional = positional.slice(mockPatches);
  let names = [...positional, ...kwonly].map((p) => p.name);
  // hypothesis' @given hides the arguments it provides from pytest.
  const given = fn.decorators.find((d) => d.t === 'call' && /(^|\.)given$/.test(exprText(d.fn)));
  if (given && given.t === 'call') {
    const byName = new Set(Object.keys(given.kwargs));
    names = names.filter((n) => !byName.has(n));
    const posCount = given.args.length;
    if (posCount) {
      const pos = names.filter((n) => positional.some((p) => p.name === n));
      const drop = new Set(pos.slice(Math.max(0, pos.length - posCount)));
      names = names.filter((n) => !drop.has(n));
    }
  }
  return names;
}

function mockPatchCount(fn: PyFunction): number {
  let n = 0;
  for (const d of fn.decorators) {
    if (d.t !== 'call') continue;
    const text = exprText(d.fn);
    if (/(^|\.)patch$/.test(text) && !d.kwargs.new && d.args.length < 2) n++;
    else if (/(^|\.)patch\.object$/.test(text) && !d.kwargs.new && d.args.length < 3) n++;
  }
  return n;
}

function matchesPrefixOrGlobName(name: string, options: readonly string[]): boolean {
  for (const option of options) {
    if (name.startsWith(option)) return true;
    if (/[*?[]/.test(option) && globRegex(option).test(name)) return true;
  }
  return false;
}

const globCache = new Map<string, RegExp>();
function globRegex(p: string): RegExp {
  let re = globCache.get(p);
  if (!re) {
    re = new RegExp(
      '^' +
        p
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.') +
        '$',
      's',
    );
    globCache.set(p, re);
  }
  return re;
}

/** Dotted text of a name/attribute chain (for pattern checks on decorators and metaclasses). */
export function exprText(e: Expr): string {
  if (e.t === 'name') return e.id;
  if (e.t === 'attr') return `${exprText(e.obj)}.${e.name}`;
  if (e.t === 'call') return exprText(e.fn);
  return '';
}

export type { MroEntry };
