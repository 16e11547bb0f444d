/**
 * Static pytest collection: turns parsed modules into the items `pytest --collect-only` would
 * list, following `_pytest.python` (Module/Class/Function collectors, parametrization, fixture
 * params) and `_pytest.unittest`.
 */
import path from 'node:path';
import type { Binding, PyClass, PyFunction } from '../../languages/python/ast.js';
import type { Diagnostic, RawTest } from '../../core/types.js';
import { evaluateMarkExpr, evaluateKeywordExpr } from './markexpr.js';
import { isTestSupportPath, type Resolved } from './project.js';
import { Evaluator, type Mark } from '../../languages/python/values/index.js';
import { pytestValueHooks } from './marks.js';
import { PytestClasses } from './engine-classes.js';
import { PytestFixtures } from './engine-fixtures.js';
import { PytestMarks } from './engine-marks.js';
import { PytestParametrize } from './engine-parametrize.js';
import { type FixtureLevel, type ClassFrame, type EngineOptions, matchesPrefixOrGlobName } from './engine-shared.js';
import type { EngineContext, EngineParts } from './engine-context.js';

export type { MroEntry } from './project.js';
export type { EngineOptions } from './engine-shared.js';

export class PytestEngine implements EngineParts {
  private readonly ctx: EngineContext;

  constructor(opts: EngineOptions) {
    const evaluator: Evaluator = new Evaluator(opts.project, pytestValueHooks(opts.project, () => evaluator));
    const ctx = {
      project: opts.project,
      cfg: opts.cfg,
      evaluator,
      idOpts: { noEscape: opts.cfg.noEscape },
      opts,
      diag: (d: Omit<Diagnostic, 'runner'>) => opts.diagnostics.push({ runner: 'pytest', ...d }),
      engine: this,
    } as Omit<EngineContext, 'fixtures' | 'marks' | 'classes' | 'params'> as EngineContext;
    ctx.fixtures = new PytestFixtures(ctx);
    ctx.marks = new PytestMarks(ctx);
    ctx.classes = new PytestClasses(ctx);
    ctx.params = new PytestParametrize(ctx);
    this.ctx = ctx;
  }

  /** collect_ignore / collect_ignore_glob literals of a conftest. */
  conftestIgnores(conftest: string): { ignore?: string[]; ignoreGlob?: string[] } {
    return this.ctx.fixtures.conftestIgnores(conftest);
  }

  /** All items of one test module. */
  collectModule(file: string): RawTest[] {
    const entry = this.ctx.project.getModule(file);
    if (!entry) {
      const reason = this.ctx.project.readErrors.get(file) ?? 'unreadable';
      this.ctx.diag({ severity: 'warning', code: 'UNREADABLE_FILE', file, message: `cannot scan ${file}: ${reason}` });
      return [];
    }
    if (entry.module.syntaxError) {
      const e = entry.module.syntaxError;
      this.ctx.diag({ severity: 'warning', code: 'PARSE_ERROR', file, line: e.line, message: `${file}:${e.line}: ${e.message}; pytest cannot collect it` });
      return [];
    }
    const out: RawTest[] = [];
    for (const skip of entry.module.importorskips ?? [])
      this.ctx.diag({
        severity: 'info',
        code: 'IMPORTORSKIP',
        file,
        line: skip.line,
        message: `${file} calls pytest.importorskip("${skip.module}"): pytest collects none of its tests when ${skip.module} is not installed`,
      });
    const moduleMarks = this.ctx.marks.pytestmarkOf(entry.module.bindings.get('pytestmark'), file);
    moduleMarks.forEach((m) => this.ctx.marks.moduleMarks.add(m));
    const levels = this.ctx.fixtures.moduleLevels(file);
    const names = [...entry.module.bindings.keys()];
    if (this.hasTestSupportStar(file))
      for (const n of this.ctx.project.starBindings(file).keys()) if (!entry.module.bindings.has(n)) names.push(n);
    for (const name of names) {
      const b = this.ctx.project.moduleBinding(file, name)!;
      const resolved = this.resolveCandidate(file, name, b);
      if (!resolved) {
        if (b.kind === 'value' && /^[A-Z]/.test(name) && matchesPrefixOrGlobName(name, this.ctx.cfg.pythonClasses) && b.expr.t === 'call') {
          const t = this.ctx.params.makeTest(file, [], name, '', b.line, moduleMarks, [], {});
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
        this.ctx.params.genFunction(out, {
          file,
          name,
          fn: resolved.fn,
          fnFile: resolved.file,
          classes: [],
          isMethod: false,
          marks: [...this.ctx.marks.marksFromDecorators(resolved.fn.decorators, resolved.file), ...moduleMarks],
          levels,
          line: resolved.file === file ? resolved.fn.line : line,
        });
      }
    }
    return out;
  }

  /** Whether a module star-imports test support code (whose names are then collected too). */
  hasTestSupportStar(file: string): boolean {
    const entry = this.ctx.project.getModule(file);
    if (!entry?.module.starImports.length) return false;
    return entry.module.starImports.some((s) => {
      const target = this.ctx.project.resolveModule(file, s.module, s.level);
      return target !== undefined && isTestSupportPath(target);
    });
  }

  /** Resolves a module-level name to a class or function worth looking at, cheaply. */
  private resolveCandidate(file: string, name: string, b: Binding): Resolved | undefined {
    if (b.kind === 'function' || b.kind === 'class') return this.ctx.project.resolveBinding(file, b);
    const mayMatter =
      matchesPrefixOrGlobName(name, this.ctx.cfg.pythonFunctions) ||
      matchesPrefixOrGlobName(name, this.ctx.cfg.pythonClasses) ||
      /^[A-Z]/.test(name);
    if (!mayMatter) return undefined;
    if (b.kind === 'import') {
      if (b.name === undefined) return undefined;
      const target = this.ctx.project.importTarget(file, b);
      if (!target) return undefined;
      // Names that are not test-like matter only as TestCase subclasses from test support code.
      const testLike = matchesPrefixOrGlobName(name, this.ctx.cfg.pythonFunctions) || matchesPrefixOrGlobName(name, this.ctx.cfg.pythonClasses);
      if (!testLike && !isTestSupportPath(target)) return undefined;
      const r = this.ctx.project.resolveBinding(file, b);
      return r.k === 'class' || r.k === 'function' ? r : undefined;
    }
    // Aliases (`test_b = test_a`, `TestB = TestA`) of test-like names only: values are converted lazily.
    const testLike = matchesPrefixOrGlobName(name, this.ctx.cfg.pythonFunctions) || matchesPrefixOrGlobName(name, this.ctx.cfg.pythonClasses);
    if (b.kind === 'value' && testLike && (b.expr.t === 'name' || b.expr.t === 'attr')) {
      const r = this.ctx.project.resolveExprRef(b.expr, file);
      return r.k === 'class' || r.k === 'function' ? r : undefined;
    }
    return undefined;
  }

  private isTestFunctionName(name: string, fn: PyFunction, fnFile: string): boolean {
    if (!matchesPrefixOrGlobName(name, this.ctx.cfg.pythonFunctions)) return false;
    // Fixtures named like tests are not tests.
    if (fn.decorators.some((d) => this.ctx.fixtures.isFixtureDecorator(d, fnFile))) return false;
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
    if (this.ctx.classes.isUnittestClass(cls, clsFile)) {
      if (outer.length) return; // nested TestCase classes are not collected by the unittest loader
      this.collectUnittest(out, file, name, cls, clsFile, parentMarks, line);
      return;
    }
    const dunder = this.ctx.classes.dunderTest(cls, clsFile);
    if (!(matchesPrefixOrGlobName(name, this.ctx.cfg.pythonClasses) || dunder === true)) return;
    if (this.ctx.classes.isAbstract(cls, clsFile)) return;
    if (dunder === false) return;
    if (this.ctx.classes.hasInitOrNew(cls, clsFile)) {
      this.ctx.diag({
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
      marks: [...this.ctx.marks.classMarks(cls, clsFile), ...parentMarks],
      fixtures: [this.ctx.fixtures.classFixtureLevel(cls, clsFile)],
    };
    const chain = [...outer, frame];
    const classLevels = [...chain.map((c) => c.fixtures[0]!).reverse(), ...levels];
    const seen = new Set<string>();
    const groups: RawTest[][] = [];
    for (const e of this.ctx.project.mro(cls, clsFile)) {
      if (e.k !== 'class') continue;
      const group: RawTest[] = [];
      for (const [memberName, b] of e.cls.body) {
        if (seen.has(memberName)) continue;
        seen.add(memberName);
        let target: Resolved | undefined;
        if (b.kind === 'function' || b.kind === 'class') target = this.ctx.project.resolveBinding(e.file, b);
        else if (b.kind === 'value') {
          if (!matchesPrefixOrGlobName(memberName, this.ctx.cfg.pythonFunctions) && !matchesPrefixOrGlobName(memberName, this.ctx.cfg.pythonClasses)) continue;
          if (b.expr.t !== 'name' && b.expr.t !== 'attr') continue;
          target = this.ctx.project.resolveExprRef(b.expr, e.file);
        } else if (b.kind === 'import') target = this.ctx.project.resolveBinding(e.file, b);
        if (!target) continue;
        if (target.k === 'function') {
          if (!this.isTestFunctionName(memberName, target.fn, target.file)) continue;
          const isStatic = target.fn.decorators.some((d) => d.t === 'name' && d.id === 'staticmethod');
          this.ctx.params.genFunction(group, {
            file,
            name: memberName,
            fn: target.fn,
            fnFile: target.file,
            classes: chain.map((c) => c.name),
            isMethod: !isStatic,
            marks: [...this.ctx.marks.marksFromDecorators(target.fn.decorators, target.file, e.cls.body), ...frame.marks],
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
    if (this.ctx.classes.dunderTest(cls, clsFile) === false) return;
    const classMarks = [...this.ctx.marks.classMarks(cls, clsFile), ...moduleMarks];
    const methods = new Map<string, { fn: PyFunction; file: string }>();
    const seen = new Set<string>();
    for (const e of this.ctx.project.mro(cls, clsFile)) {
      if (e.k !== 'class') continue;
      for (const [n, b] of e.cls.body) {
        if (seen.has(n)) continue;
        seen.add(n);
        if (!n.startsWith('test') && n !== 'runTest') continue;
        let r: Resolved | undefined;
        if (b.kind === 'function') r = { k: 'function', fn: b, file: e.file };
        else if (b.kind === 'value' && n.startsWith('test') && (b.expr.t === 'name' || b.expr.t === 'attr')) r = this.ctx.project.resolveExprRef(b.expr, e.file);
        else if (b.kind === 'import') r = this.ctx.project.resolveBinding(e.file, b);
        if (r?.k === 'function' && !r.fn.decorators.some((d) => d.t === 'name' && d.id === 'property')) methods.set(n, { fn: r.fn, file: r.file });
      }
    }
    let names = [...methods.keys()].filter((n) => n.startsWith('test')).sort();
    if (!names.length && methods.has('runTest')) names = ['runTest'];
    for (const n of names) {
      const m = methods.get(n)!;
      const marks = [...this.ctx.marks.marksFromDecorators(m.fn.decorators, m.file), ...classMarks];
      out.push(this.ctx.params.makeTest(file, [name], n, '', m.file === file ? m.fn.line : line, marks, [], { fn: m.fn, classes: [cls] }));
    }
  }

  /** Applies `-m`, `-k` and `--deselect` from addopts. */
  select(tests: RawTest[]): RawTest[] {
    const { markExpr, keywordExpr, deselect } = this.ctx.cfg;
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
    return [this.ctx.params.makeTest(file, [], base, '', 1, [], [], {})];
  }
}
