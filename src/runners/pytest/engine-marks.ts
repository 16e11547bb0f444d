import type { Binding, Bindings, Expr, PyClass } from '../../languages/python/ast.js';
import type { RawTest, TestStatus } from '../../core/types.js';
import { truthy, Unresolvable, type Mark, type PyValue } from '../../languages/python/values/index.js';
import { markOf } from './marks.js';
import { REF_MARKS, type RefSource } from './engine-shared.js';
import type { EngineContext, MarkParts } from './engine-context.js';

/** Marks: decorators, `pytestmark`, class marks through the MRO, the status and references they give a test. */
export class PytestMarks implements MarkParts {
  constructor(private readonly ctx: EngineContext) {}

  private readonly markStringCache = new WeakMap<Mark, string[]>();

  /** Decorators of the repository whose marks were found by following them (`mark_dualiter(...)`). */
  readonly followedDecorators = new WeakSet<Expr>();

  /** Marks from module `pytestmark`s (their references come before class docstrings). */
  readonly moduleMarks = new WeakSet<Mark>();

  marksFromDecorators(decorators: Expr[], file: string, scope?: Bindings): Mark[] {
    const out: Mark[] = [];
    // Decorators apply bottom-up; pytest lists the closest one first.
    for (const d of [...decorators].reverse()) {
      const m = this.decoratorMark(d, file);
      if (m) out.push(scope ? { ...m, scope } : m);
      else out.push(...this.followedMarks(d, file, scope));
    }
    return out;
  }

  /**
   * A decorator of the repository that applies pytest marks when the module is imported
   * (`def mark_dualiter(p, f): def decorator(fn): return pytest.mark.parametrize(p, …)(fn)`):
   * followed with the decorated function standing for a function without marks. When it cannot
   * be followed the test is dynamic (engine-parametrize.ts).
   */
  private followedMarks(d: Expr, file: string, scope?: Bindings): Mark[] {
    const target = d.t === 'call' ? d.fn : d;
    if (target.t !== 'name' && target.t !== 'attr') return [];
    const r = this.ctx.project.resolveExprRef(target, file);
    if (r.k !== 'function' || !r.fn.appliesMarks || this.ctx.fixtures.isFixtureDecorator(d, file)) return [];
    try {
      const ev = this.ctx.evaluator;
      const decorator = ev.inScope(scope, () => ev.evaluate(d, file));
      const result = ev.callValue(decorator, [{ k: 'mark', marks: [], applied: true }], new Map());
      if (result.k !== 'mark' || !result.applied) return [];
      this.followedDecorators.add(d);
      // application order: the first applied is the closest, as in the decorator list
      return result.marks.map((m) => (scope ? { ...m, scope } : m));
    } catch (error) {
      if (error instanceof Unresolvable) return [];
      throw error;
    }
  }

  private decoratorMark(d: Expr, file: string): Mark | undefined {
    const target = d.t === 'call' ? d.fn : d;
    if (target.t === 'attr') {
      const m = markOf(target, file, this.ctx.project);
      if (m) return d.t === 'call' ? { ...m, args: d.args, kwargs: d.kwargs } : m;
    }
    // A name bound to a mark (`slow = pytest.mark.slow`), possibly imported.
    if (target.t === 'name' || target.t === 'attr') {
      const r =
        target.t === 'name'
          ? this.ctx.project.resolveName(file, target.id)
          : this.ctx.project.resolveAttr(this.ctx.project.resolveExprRef(target.obj, file), target.name);
      if (r.k === 'external' && (r.module === 'pytest.mark' || r.module === '_pytest.mark'))
        return { name: r.name, args: d.t === 'call' ? d.args : [], kwargs: d.t === 'call' ? d.kwargs : {}, file };
      if (r.k === 'value') {
        try {
          const v = this.ctx.evaluator.evaluate(r.binding.expr, r.file);
          if (v.k === 'mark' && v.marks.length === 1)
            return d.t === 'call' ? { ...v.marks[0]!, args: d.args, kwargs: d.kwargs } : v.marks[0];
        } catch {
          /* not a mark */
        }
      }
      if (r.k === 'external' && r.module === 'unittest' && /^(skip|skipIf|skipUnless|expectedFailure)$/.test(r.name))
        return { name: `unittest.${r.name}`, args: d.t === 'call' ? d.args : [], kwargs: {}, file, unittest: true };
      if (target.t === 'attr' && target.obj.t === 'name' && /^(skip|skipIf|skipUnless|expectedFailure)$/.test(target.name)) {
        const base = this.ctx.project.resolveName(file, target.obj.id);
        if (base.k === 'external' && base.module === 'unittest' && base.name === '')
          return { name: `unittest.${target.name}`, args: d.t === 'call' ? d.args : [], kwargs: {}, file, unittest: true };
      }
    }
    return undefined;
  }

  /** `pytestmark` of a module or class body (a mark or a list of marks). */
  pytestmarkOf(b: Binding | undefined, file: string): Mark[] {
    if (!b || b.kind !== 'value') return [];
    try {
      return this.ctx.evaluator.marksOf(b.expr, file);
    } catch (error) {
      this.ctx.diag({ severity: 'info', code: 'PYTESTMARK_DYNAMIC', file, line: b.line, message: `pytestmark is computed (${(error as Error).message})` });
      return [];
    }
  }

  /** Own marks of a class with its bases' (pytest ≥ 7.2 considers the MRO). */
  classMarks(cls: PyClass, file: string): Mark[] {
    const out: Mark[] = [];
    for (const e of this.ctx.project.mro(cls, file)) {
      if (e.k !== 'class') continue;
      out.push(...this.pytestmarkOf(e.cls.body.get('pytestmark'), e.file));
      out.push(...this.marksFromDecorators(e.cls.decorators, e.file));
    }
    return out;
  }

  /**
   * References of one test, de-duplicated, outermost first: the module docstring, class
   * docstrings, marker arguments (module `pytestmark`, class, function; `workflow`/`component`
   * name workflows and components, `requirement`/`req`/`covers`/`verifies` requirement ids),
   * marker names matching the requirement pattern, comments directly above the function, its
   * docstring and the comments in its body.
   */
  refsOf(file: string, all: Mark[], markers: string[], src: RefSource): RawTest['refs'] {
    const workflows: string[] = [];
    const components: string[] = [];
    const requirements: string[] = [];
    const add = (list: string[], v: string) => {
      if (v && !list.includes(v)) list.push(v);
    };
    const fromText = (text: string | undefined) => {
      if (!text) return;
      for (const m of text.match(this.ctx.opts.requirementPattern) ?? []) add(requirements, m);
    };
    fromText(this.ctx.project.getModule(file)?.module.docstring);
    const fromMark = (m: Mark) => {
      const kind = REF_MARKS.get(m.name);
      if (!kind) return;
      for (const v of this.markStrings(m)) {
        if (kind === 'workflow') add(workflows, v);
        else if (kind === 'component') add(components, v);
        else {
          const found = v.match(this.ctx.opts.requirementPattern);
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
        take(this.ctx.evaluator.inScope(m.scope, () => this.ctx.evaluator.evaluate(e, m.file)));
      } catch {
        /* a computed argument names nothing statically */
      }
    }
    this.markStringCache.set(m, out);
    return out;
  }

  statusOf(marks: Mark[]): TestStatus {
    let status: TestStatus = 'active';
    for (const m of marks) {
      const cond = m.args[0];
      const holds = (): boolean => {
        if (!cond) return true;
        try {
          const v = this.ctx.evaluator.inScope(m.scope, () => this.ctx.evaluator.evaluate(cond, m.file));
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
          if (!truthy(this.ctx.evaluator.evaluate(cond, m.file))) return 'skip';
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
}
