/**
 * pytest's own objects in evaluated values: `pytest.param(...)`, `pytest.mark.NAME` and
 * `pytest.mark.NAME(...)`, plugged into the shared Python evaluator as hooks.
 */
import type { Expr } from '../../languages/python/ast.js';
import type { Evaluator } from '../../languages/python/values/evaluate.js';
import { fail, type Mark, type PythonResolver, type PyValue, type ValueHooks } from '../../languages/python/values/types.js';

function isPytestModule(expr: Expr, file: string, project: PythonResolver): boolean {
  if (expr.t !== 'name') return false;
  const r = project.resolveName(file, expr.id);
  return r.k === 'external' && r.name === '' && (r.module === 'pytest' || r.module === '_pytest');
}

/** `pytest.NAME` or `NAME` imported from pytest. */
export function isPytestAttr(expr: Expr, name: string, file: string, project: PythonResolver): boolean {
  if (expr.t === 'attr') return expr.name === name && isPytestModule(expr.obj, file, project);
  if (expr.t === 'name') {
    const r = project.resolveName(file, expr.id);
    return r.k === 'external' && (r.module === 'pytest' || r.module.startsWith('_pytest')) && r.name === name;
  }
  return false;
}

/** The mark an attribute chain names: `pytest.mark.slow`, `mark.slow` (mark from pytest). */
export function markOf(expr: Extract<Expr, { t: 'attr' }>, file: string, project: PythonResolver): Mark | undefined {
  const obj = expr.obj;
  if (obj.t === 'attr' && obj.name === 'mark' && isPytestModule(obj.obj, file, project))
    return { name: expr.name, args: [], kwargs: {}, file };
  if (obj.t === 'name') {
    const r = project.resolveName(file, obj.id);
    if (r.k === 'external' && (r.module === 'pytest' || r.module.startsWith('_pytest')) && r.name === 'mark')
      return { name: expr.name, args: [], kwargs: {}, file };
    if (r.k === 'external' && r.name === '' && (r.module === 'pytest.mark' || r.module === '_pytest.mark'))
      return { name: expr.name, args: [], kwargs: {}, file };
  }
  return undefined;
}

/** The evaluator hooks for pytest's objects; `ev` is the evaluator they are plugged into. */
export function pytestValueHooks(project: PythonResolver, ev: () => Evaluator): ValueHooks {
  return {
    attr: (e, file) => {
      const mark = markOf(e, file, project);
      return mark ? { k: 'mark', marks: [mark] } : undefined;
    },
    call: (e, file, env): PyValue | undefined => {
      const fnRef = e.fn;
      // pytest.param(...)
      if (isPytestAttr(fnRef, 'param', file, project)) {
        const evaluator = ev();
        const values = e.args.some((a) => a.t === 'starred') ? evaluator.evalArgs(e.args, file, env) : e.args.map((a) => evaluator.lenient(a, file, env));
        let id: string | null = null;
        if (e.kwargs.id) {
          const idv = evaluator.evaluate(e.kwargs.id, file, env);
          if (idv.k === 'str') id = idv.v;
          else if (idv.k !== 'none') fail('pytest.param id is not a string');
        }
        const marks = e.kwargs.marks ? evaluator.marksOf(e.kwargs.marks, file, env) : [];
        return { k: 'param', values, id, marks };
      }
      // pytest.mark.NAME(...)
      if (fnRef.t === 'attr') {
        const m = markOf(fnRef, file, project);
        // inside a followed function, the arguments see its local names
        if (m) {
          // `pytest.mark.x(f)` with a function applies the mark to it (MarkDecorator.__call__)
          if (e.args.length === 1 && !Object.keys(e.kwargs).length && e.args[0]!.t === 'name' && env?.has(e.args[0]!.id)) {
            const f = env.get(e.args[0]!.id)!;
            if (f.k === 'mark' && f.applied) return { k: 'mark', marks: [...f.marks, m], applied: true };
          }
          return { k: 'mark', marks: [{ ...m, args: e.args, kwargs: e.kwargs, ...(env?.size ? { env } : {}) }] };
        }
      }
      return undefined;
    },
  };
}
