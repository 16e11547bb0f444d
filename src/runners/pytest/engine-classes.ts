import type { Binding, PyClass } from '../../languages/python/ast.js';
import { truthy } from '../../languages/python/values/index.js';
import { exprText } from './engine-shared.js';
import type { ClassParts, EngineContext } from './engine-context.js';

/** Test classes: `__test__`, unittest TestCases, constructors and abstract classes. */
export class PytestClasses implements ClassParts {
  constructor(private readonly ctx: EngineContext) {}

  private classAttr(cls: PyClass, file: string, name: string): { binding: Binding; file: string } | undefined {
    for (const e of this.ctx.project.mro(cls, file)) {
      if (e.k !== 'class') continue;
      const b = e.cls.body.get(name);
      if (b) return { binding: b, file: e.file };
    }
    return undefined;
  }

  /** `__test__` as a boolean when set in the class or its bases. */
  dunderTest(cls: PyClass, file: string): boolean | undefined {
    const attr = this.classAttr(cls, file, '__test__');
    if (!attr || attr.binding.kind !== 'value') return undefined;
    try {
      return truthy(this.ctx.evaluator.evaluate(attr.binding.expr, attr.file));
    } catch {
      return undefined;
    }
  }

  isUnittestClass(cls: PyClass, file: string): boolean {
    return this.ctx.project.mro(cls, file).some(
      (e) =>
        e.k === 'external' &&
        ((e.module === 'unittest' && /TestCase$/.test(e.name)) ||
          (e.module.startsWith('unittest.') && /TestCase$/.test(e.name)) ||
          /TestCase$/.test(e.name) ||
          (e.name === '' && /TestCase$/.test(e.module))),
    );
  }

  hasInitOrNew(cls: PyClass, file: string): boolean {
    for (const e of this.ctx.project.mro(cls, file)) {
      if (e.k === 'class') {
        if (e.cls.body.has('__init__') || e.cls.body.has('__new__')) return true;
      } else if (e.k === 'external' && e.module === 'builtins' && e.name !== 'object') return true;
    }
    return false;
  }

  isAbstract(cls: PyClass, file: string): boolean {
    const mro = this.ctx.project.mro(cls, file);
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
}
