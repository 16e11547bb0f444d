/** Types, tables and small helpers the parts of the static pytest collection share. */
import type { Expr, PyClass, PyFunction, PyParam } from '../../languages/python/ast.js';
import type { Diagnostic } from '../../core/types.js';
import type { PytestConfig } from './config.js';
import { type PythonProject } from './project.js';
import { type Mark } from '../../languages/python/values/index.js';

/** Fixtures every pytest provides (never parametrized). */
export const BUILTIN_FIXTURES = new Set(
  'request tmp_path tmpdir tmp_path_factory tmpdir_factory monkeypatch capsys capfd capsysbinary capfdbinary caplog recwarn pytestconfig record_property record_xml_attribute record_testsuite_property cache doctest_namespace testdir pytester subtests'.split(' '),
);

export const SCOPE_RANK: Record<string, number> = { session: 4, package: 3, module: 2, class: 1, function: 0 };

export interface FixtureDef {
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
export interface FixtureLevel {
  byName: Map<string, FixtureDef>;
  autouse: string[];
  hasGenerateTests: boolean;
  hasMakeParametrizeId: boolean;
  label: string;
}

export interface CallSpec {
  ids: string[];
  marks: Mark[];
}

export interface ClassFrame {
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


export const HIDDEN_MARKS = new Set(['parametrize', 'usefixtures', 'filterwarnings']);

/** Markers whose arguments name what a test covers. */
export const REF_MARKS = new Map<string, 'workflow' | 'component' | 'requirement'>([
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
export interface RefSource {
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

export function mockPatchCount(fn: PyFunction): number {
  let n = 0;
  for (const d of fn.decorators) {
    if (d.t !== 'call') continue;
    const text = exprText(d.fn);
    if (/(^|\.)patch$/.test(text) && !d.kwargs.new && d.args.length < 2) n++;
    else if (/(^|\.)patch\.object$/.test(text) && !d.kwargs.new && d.args.length < 3) n++;
  }
  return n;
}

export function matchesPrefixOrGlobName(name: string, options: readonly string[]): boolean {
  for (const option of options) {
    if (name.startsWith(option)) return true;
    if (/[*?[]/.test(option) && globRegex(option).test(name)) return true;
  }
  return false;
}

export const globCache = new Map<string, RegExp>();
export function globRegex(p: string): RegExp {
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
