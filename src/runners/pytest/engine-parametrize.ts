import type { Expr } from '../../languages/python/ast.js';
import type { RawTest } from '../../core/types.js';
import { idFromValue, makeUnique } from './ids.js';
import { Unresolvable, type Env, type Mark, type PyValue } from '../../languages/python/values/index.js';
import { BUILTIN_FIXTURES, type CallSpec, HIDDEN_MARKS, type RefSource, funcArgNames, mockPatchCount, exprText } from './engine-shared.js';
import type { EngineContext, FunctionCandidate, ParametrizeParts } from './engine-context.js';

/** Functions and parametrization: call specs from `parametrize` marks and fixture params, the items they make. */
export class PytestParametrize implements ParametrizeParts {
  constructor(private readonly ctx: EngineContext) {}

  genFunction(out: RawTest[], f: FunctionCandidate): void {
    const argnames = funcArgNames(f.fn, f.isMethod, mockPatchCount(f.fn));
    const parametrizeMarks = f.marks.filter((m) => m.name === 'parametrize');
    let callspecs: CallSpec[] = [{ ids: [], marks: [] }];
    let dynamic: string | undefined;
    const directArgnames = new Set<string>();
    const parsed: Array<{ argnames: string[]; mark: Mark }> = [];
    for (const m of parametrizeMarks) {
      try {
        const names = this.ctx.evaluator.inScope(m.scope, () => this.parametrizeArgnames(m));
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
            const v = this.ctx.evaluator.evaluate(a, m.file);
            if (v.k === 'str') usefixtures.push(v.v);
          }
      const closure = this.ctx.fixtures.fixtureClosure(f.levels, usefixtures, argnames);
      for (const argname of closure) {
        if (directArgnames.has(argname)) continue;
        const def = this.ctx.fixtures.paramFixture(f.levels, argname);
        if (!def) continue;
        callspecs = this.applyParametrize(callspecs, [argname], def.paramsExpr!, def.idsExpr, def.file, true, `fixture ${argname}`);
      }
      // 2. @pytest.mark.parametrize, closest first
      for (const p of parsed) {
        const m = p.mark;
        const valuesExpr = m.args[1] ?? m.kwargs.argvalues;
        if (!valuesExpr) throw new Unresolvable('parametrize without argvalues');
        const forceTuple = this.ctx.evaluator.inScope(m.scope, () => this.argnamesIsSingleString(m));
        callspecs = this.ctx.evaluator.inScope(m.scope, () =>
          this.applyParametrize(callspecs, p.argnames, valuesExpr, m.kwargs.ids, m.file, forceTuple, 'parametrize', m.env),
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
      const r = this.ctx.project.resolveExprRef(target, f.fnFile);
      if (r.k === 'function' && r.fn.appliesMarks && !this.ctx.fixtures.isFixtureDecorator(d, f.fnFile) && !this.ctx.marks.followedDecorators.has(d))
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
      const v = this.ctx.evaluator.evaluate(a, m.file, m.env);
      return v.k === 'str' && v.v.split(',').filter((s) => s.trim()).length === 1;
    } catch {
      return false;
    }
  }

  private parametrizeArgnames(m: Mark): string[] {
    const a = m.args[0] ?? m.kwargs.argnames;
    if (!a) throw new Unresolvable('parametrize without argnames');
    const v = this.ctx.evaluator.evaluate(a, m.file, m.env);
    if (v.k === 'str') return v.v.split(',').map((s) => s.trim()).filter(Boolean);
    return this.ctx.evaluator.iterate(v).map((x) => (x.k === 'str' ? x.v : (() => { throw new Unresolvable('argnames is not a string list'); })()));
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
    env?: Env,
  ): CallSpec[] {
    let values: PyValue[];
    try {
      values = this.ctx.evaluator.iterate(this.ctx.evaluator.evaluate(valuesExpr, file, env));
    } catch (error) {
      throw new Unresolvable(`${what} values are computed (${(error as Error).message})`);
    }
    let sets = values.map((v) => {
      if (v.k === 'param') return { values: v.values, id: v.id, marks: v.marks };
      if (v.k === 'unknown' && !forceTuple) throw new Unresolvable(`${what} values are computed (${v.reason})`);
      if (forceTuple) return { values: [v], id: null as string | null, marks: [] as Mark[] };
      return { values: this.ctx.evaluator.iterate(v), id: null as string | null, marks: [] as Mark[] };
    });
    let emptyMark: Mark[] = [];
    if (!sets.length) {
      const markName = this.ctx.cfg.emptyParameterSetMark === 'xfail' ? 'xfail' : 'skip';
      emptyMark = [{ name: markName, args: [], kwargs: {}, file }];
      sets = [{ values: argnames.map(() => ({ k: 'object', what: 'NOTSET' }) as PyValue), id: null, marks: emptyMark }];
    }
    let ids: Array<PyValue | null> | undefined;
    /** A callable `ids=`: pytest calls it on each value (`IdMaker._idval_from_function`). */
    let idfn: PyValue | undefined;
    if (idsExpr) {
      let idsValue: PyValue;
      try {
        idsValue = this.ctx.evaluator.evaluate(idsExpr, file, env);
      } catch (error) {
        throw new Unresolvable(`${what} ids are computed (${(error as Error).message})`);
      }
      if (idsValue.k === 'none') ids = undefined;
      else if (idsValue.k === 'named') {
        if (!idsValue.fn) throw new Unresolvable(`${what} ids come from a function (${idsValue.name})`);
        idfn = idsValue;
      } else ids = this.ctx.evaluator.iterate(idsValue).map((v) => (v.k === 'none' ? null : v));
    }
    const fromFunction = (v: PyValue): string | undefined => {
      if (!idfn) return undefined;
      let r: PyValue;
      try {
        r = this.ctx.evaluator.callValue(idfn, [v], new Map());
      } catch (error) {
        if (!(error instanceof Unresolvable)) throw error;
        throw new Unresolvable(`${what} ids come from a function (${(idfn as { name: string }).name}: ${error.message})`);
      }
      if (r.k === 'unknown') throw new Unresolvable(`${what} ids come from a function (${r.reason})`);
      // None, or a value without an id of its own: pytest falls back to the value's id
      return r.k === 'none' ? undefined : idFromValue(r, this.ctx.idOpts);
    };
    const rawIds = sets.map((s, idx) => {
      if (s.id !== null) return this.ctx.cfg.noEscape ? s.id : idFromValue({ k: 'str', v: s.id }, this.ctx.idOpts)!;
      const given = ids?.[idx];
      if (given) {
        const id = idFromValue(given, this.ctx.idOpts);
        if (id === undefined) throw new Unresolvable(`${what} ids[${idx}] is not a string or number`);
        return id;
      }
      if (s.values.length !== argnames.length && !(s.values.length === 0 && argnames.length === 0))
        throw new Unresolvable(`${what}: ${argnames.length} names but ${s.values.length} values in set ${idx}`);
      return s.values
        .map((v, i) => {
          if (v.k === 'object' && v.what === 'NOTSET') {
            if (idfn) throw new Unresolvable(`${what} ids function called on an empty parameter set`);
            return 'NOTSET';
          }
          if (v.k === 'unknown') throw new Unresolvable(`${what} value is computed (${v.reason})`);
          return fromFunction(v) ?? idFromValue(v, this.ctx.idOpts) ?? `${argnames[i]}${idx}`;
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

  makeTest(
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
      status: this.ctx.marks.statusOf(all),
      dynamic: false,
      refs: this.ctx.marks.refsOf(file, all, markers, src),
      // Internal: all mark names for -m selection; stripped before output.
      ...({ _allMarks: all.map((m) => m.name) } as object),
    } as RawTest;
  }
}
