/**
 * The static Python evaluator against the real `python3 -m pytest --collect-only -q`: one tiny
 * repository with a test module per construct; for each, seams' ids must be exactly pytest's
 * (or, for the constructs that stay dynamic, seams lists the test once as `dynamic` and pytest
 * really has parametrized ids for it). docs/inventory.md cites these test names.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pytestCollectOnly } from '../../helpers/pytest.js';
import type { RawTest } from '../../../src/core/types.js';
import { scanPytest } from '../../../src/runners/pytest/index.js';
import { writeRepo } from '../../helpers/repo.js';

const py = (lines: string[]) => ['import pytest', ...lines, ''].join('\n');

/** Helpers the test modules import: factories shaped like attrs' `simple_class`/`make_class`. */
const helpers = [
  'import types',
  'import unicodedata',
  'import functools',
  '',
  'class _InstanceOf:',
  '    def __init__(self, type):',
  '        self.type = type',
  '',
  'def instance_of(type):',
  '    """A validator (an instance)."""',
  '    return _InstanceOf(type)',
  '',
  'def _decorate(**kwargs):',
  '    def wrap(cls):',
  '        return cls',
  '    return wrap',
  '',
  'def make_class(name, attrs, bases=(object,), class_body=None, **attributes_arguments):',
  '    name = unicodedata.normalize("NFKC", name)',
  '    if isinstance(attrs, dict):',
  '        cls_dict = attrs',
  '    elif isinstance(attrs, (list, tuple)):',
  '        cls_dict = {a: None for a in attrs}',
  '    else:',
  '        raise TypeError("attrs argument must be a dict or a list.")',
  '    pre_init = cls_dict.pop("__attrs_pre_init__", None)',
  '    body = {}',
  '    if class_body is not None:',
  '        body.update(class_body)',
  '    if pre_init is not None:',
  '        body["__attrs_pre_init__"] = pre_init',
  '    type_ = types.new_class(name, bases, {}, lambda ns: ns.update(body))',
  '    type_.__module__ = __name__',
  '    cls = _decorate(these=cls_dict, **attributes_arguments)(type_)',
  '    return cls',
  '',
  'def simple_class(eq=False, order=False, name="C"):',
  '    return make_class(name, ["a", "b"], eq=eq or order, order=order)',
  '',
  'def cmp_using(eq=None, class_name="Comparable"):',
  '    body = {"__eq__": eq, "__lt__": eq}',
  '    type_ = types.new_class(class_name, (object,), {}, lambda ns: ns.update(body))',
  '    if eq is not None:',
  '        type_ = functools.total_ordering(type_)',
  '    return type_',
  '',
  'def make_inner():',
  '    class Inner:',
  '        pass',
  '    return Inner',
  '',
  'def copy_kwargs(include_slots=True):',
  '    import itertools',
  '    options = ["frozen", "unsafe_hash", "cache_hash"]',
  '    if include_slots:',
  '        options.extend(["slots"])',
  '    out = []',
  '    for args in itertools.product([True, False], repeat=len(options)):',
  '        kwargs = dict(zip(options, args))',
  '        kwargs["unsafe_hash"] = kwargs["unsafe_hash"] or None',
  '        if kwargs["cache_hash"] and not (kwargs["frozen"] or kwargs["unsafe_hash"]):',
  '            continue',
  '        out.append(kwargs)',
  '    return out',
  '',
  'def gen_cases():',
  '    for n in range(3):',
  '        if n == 1:',
  '            continue',
  '        yield n, str(n) * 2',
  '    yield from ["x", "y"]',
  '',
  'def describe(value):',
  '    if isinstance(value, int):',
  '        return "n%d" % value',
  '    if not isinstance(value, str):',
  '        return None',
  '    return value.upper()',
  '',
  'class Name(str):',
  '    pass',
  '',
].join('\n');

/** Constructs whose ids seams computes: each must equal pytest's exactly. */
const EVALUATED: Record<string, string> = {
  set_literal: py(['@pytest.mark.parametrize("s", [{"a", "b"}, frozenset({"x", "y"}), set(), {3, 1}])', 'def test_sets(s):', '    pass']),
  repo_factory_instance: py([
    'from helpers import instance_of',
    '@pytest.mark.parametrize("validator", [instance_of(int), instance_of((int, str))])',
    'def test_validators(validator):',
    '    pass',
  ]),
  repo_factory_class: py([
    'from helpers import simple_class, cmp_using, make_inner',
    'EqC = simple_class(name="EqC", eq=True)',
    'OrderC = simple_class(name="OrderC", order=True)',
    'Same = cmp_using(eq=lambda a, b: a == b, class_name="Same")',
    'data = [(Same, True), (cmp_using(class_name="Any"), False)]',
    'ids = [c[0].__name__ for c in data]',
    '@pytest.mark.parametrize("cls", [EqC, OrderC, simple_class(), make_inner()])',
    'def test_classes(cls):',
    '    pass',
    '@pytest.mark.parametrize(("cls", "same"), data, ids=ids)',
    'def test_named_ids(cls, same):',
    '    pass',
  ]),
  type_made_classes: py([
    'import collections, typing, types',
    'def make(name):',
    '    return type(name, (), {})',
    'T = typing.TypeVar("T")',
    '@pytest.mark.parametrize("v", [make("Alpha"), type(1), T, collections.namedtuple("Pt", "x y"), types.ModuleType("mymod"), typing.NewType("NT", int)])',
    'def test_named(v):',
    '    pass',
  ]),
  library_instances: py([
    'import datetime, decimal, fractions, functools, collections',
    'from markupsafe import Markup',
    'def f():',
    '    pass',
    '@pytest.mark.parametrize("v", [decimal.Decimal("1"), datetime.date(2020, 1, 1), fractions.Fraction(1, 2), functools.partial(f), collections.OrderedDict(), Markup("<b>"), staticmethod(f), ...])',
    'def test_objects(v):',
    '    pass',
  ]),
  string_formatting: py([
    'A, B = "left", 3',
    'CASES = [',
    '    "{} {}".format(A, B),',
    '    "{0}-{0}-{name}".format(A, name="n"),',
    '    "{:>6}|{:<4}|{:^7}|{:05d}|{:+.2f}|{:,}|{:x}|{:#o}|{:.3e}|{:.4g}|{:%}".format("r", "l", "c", 42, 3.14159, 1234567, 255, 8, 12345.678, 0.000123456, 0.25),',
    '    "{!r} {!s} {!a}".format("q", "s", "é"),',
    '    f"{A}:{B:03d}:{B!r}:{A!r:>8}:{2.5:.1f}",',
    '    "%s-%d-%05.1f-%x-%r-%%" % ("s", 7, 2.25, 255, "r"),',
    '    "%(a)s/%(b)s" % {"a": 1, "b": "two"},',
    '    "%-6s|" % "ab",',
    '    "{:.2f} {:.0f} {:.1f}".format(0.125, 2.5, 0.05),',
    ']',
    '@pytest.mark.parametrize("text", CASES)',
    'def test_formatted(text):',
    '    pass',
  ]),
  sorted_key: py([
    'CASES = [("b", 2), ("a", 3), ("c", 1), ("aa", 2)]',
    '@pytest.mark.parametrize("name,n", sorted(CASES, key=lambda c: c[1]))',
    'def test_by_number(name, n):',
    '    pass',
    '@pytest.mark.parametrize("name,n", sorted(CASES, key=lambda c: c[1], reverse=True))',
    'def test_reversed(name, n):',
    '    pass',
    '@pytest.mark.parametrize("word", sorted(["bb", "A", "ccc", "d"], key=len))',
    'def test_by_len(word):',
    '    pass',
    '@pytest.mark.parametrize("word", sorted(["b", "A", "c"], key=str.lower))',
    'def test_casefold(word):',
    '    pass',
    '@pytest.mark.parametrize("n", list(map(lambda x: x * 2, filter(lambda x: x % 2, range(7)))))',
    'def test_map_filter(n):',
    '    pass',
  ]),
  textwrap_dedent: py([
    'import textwrap',
    '@pytest.mark.parametrize("expect", [textwrap.dedent("""\\',
    '    first',
    '      second',
    '    """), textwrap.dedent("  a\\n\\n  b").strip()])',
    'def test_dedent(expect):',
    '    pass',
  ]),
  callable_ids: py([
    'import json, helpers',
    'from helpers import describe',
    'VALUES = [1, "two", None, (3, 4)]',
    '@pytest.mark.parametrize("v", VALUES, ids=str)',
    'def test_ids_str(v):',
    '    pass',
    '@pytest.mark.parametrize("v", VALUES, ids=repr)',
    'def test_ids_repr(v):',
    '    pass',
    '@pytest.mark.parametrize("v", [1, 2, 3], ids=lambda v: f"case-{v}")',
    'def test_ids_lambda(v):',
    '    pass',
    '@pytest.mark.parametrize("v", [1, "ab", None, [1]], ids=describe)',
    'def test_ids_function(v):',
    '    pass',
    '@pytest.mark.parametrize("v", [int, str], ids=lambda v: getattr(v, "__name__", v))',
    'def test_ids_getattr(v):',
    '    pass',
    '@pytest.mark.parametrize("module", [pytest, json, helpers], ids=lambda m: m.__name__)',
    'def test_ids_modules(module):',
    '    pass',
    '@pytest.fixture(params=[1, 2], ids=lambda p: "p%s" % p)',
    'def fx(request):',
    '    return request.param',
    'def test_fixture_ids(fx):',
    '    pass',
  ]),
  generators: py([
    'from helpers import gen_cases, copy_kwargs',
    '@pytest.mark.parametrize("case", gen_cases())',
    'def test_from_generator(case):',
    '    pass',
    '@pytest.mark.parametrize("v", [gen_cases(), (x for x in [1])])',
    'def test_generator_objects(v):',
    '    pass',
    '@pytest.mark.parametrize("kwargs", copy_kwargs())',
    'def test_loop_built(kwargs):',
    '    pass',
    '@pytest.mark.parametrize("kwargs", copy_kwargs(include_slots=False))',
    'def test_loop_built_small(kwargs):',
    '    pass',
    '@pytest.mark.parametrize("d", [{k: v for k, v in zip("ab", range(2))}])',
    'def test_dict_comprehension(d):',
    '    pass',
  ]),
  lazy_itertools: py([
    'import itertools as it',
    'def examples():',
    '    o = zip(["2020", "2021"], it.repeat("%Y"))',
    '    o = it.chain(o, it.product(["01"], ["%m", "-%m"]))',
    '    return list(o)',
    '@pytest.mark.parametrize("value,fmt", examples())',
    'def test_examples(value, fmt):',
    '    pass',
    '@pytest.mark.parametrize("n", it.chain.from_iterable([[1, 2], (3,)]))',
    'def test_flat(n):',
    '    pass',
    'import six, datetime',
    'def paths(flag):',
    '    cases = ["a"]',
    '    if not six.PY2:',
    '        cases.append("b")',
    '    if flag():',
    '        when = (datetime.date(2020, 1, 1), "x")',
    '    else:',
    '        when = (datetime.date(2021, 1, 1), "x")',
    '    return [when + (c,) for c in cases]',
    '@pytest.mark.parametrize("d,s,c", paths(lambda: datetime.date.today().year > 2000))',
    'def test_paths_joined(d, s, c):',
    '    pass',
    '@pytest.mark.parametrize("n", [1])',
    'def test_flat(n):',
    '    pass',
  ]),
  class_scope_function: py([
    'class TestBuilder:',
    '    def _cases(include_more=True):',
    '        out = ["base"]',
    '        if include_more:',
    '            out += ["more", "most"]',
    '        return out',
    '    @pytest.mark.parametrize("case", _cases())',
    '    def test_all(self, case):',
    '        pass',
    '    @pytest.mark.parametrize("case", _cases(include_more=False))',
    '    def test_base(self, case):',
    '        pass',
  ]),
  mark_decorator: py([
    'def mark_dualiter(parameter, factory):',
    '    def decorator(f):',
    '        return pytest.mark.parametrize(parameter, [lambda: factory(), lambda: list(factory())])(f)',
    '    return decorator',
    'def with_modes(f):',
    '    f = pytest.mark.parametrize("mode", ["r", "w"])(f)',
    '    return pytest.mark.slow(f)',
    '@mark_dualiter("items", lambda: [1, 2, 3])',
    'def test_dual(items):',
    '    pass',
    '@with_modes',
    '@pytest.mark.parametrize("n", [1, 2])',
    'def test_modes(mode, n):',
    '    pass',
  ]),
  enum_iteration: py([
    'import enum',
    'class Shape(enum.Enum):',
    '    SQUARE = "sq"',
    '    CIRCLE = "ci"',
    '    ROUND = "ci"',
    '    def area(self):',
    '        return 0',
    'class Level(enum.IntEnum):',
    '    LOW = 1',
    '    HIGH = 2',
    'SHAPES = [m for cls in (Shape,) for m in cls]',
    '@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.value)',
    'def test_values(shape):',
    '    pass',
    '@pytest.mark.parametrize("shape", list(Shape))',
    'def test_members(shape):',
    '    pass',
    '@pytest.mark.parametrize("level", Level)',
    'def test_levels(level):',
    '    pass',
    '@pytest.mark.parametrize("name", [s.name for s in Shape])',
    'def test_names(name):',
    '    pass',
  ]),
  unicode_names: py(['@pytest.mark.parametrize("ch", ["\\N{FORM FEED}", "\\x85", "\\N{SNOWMAN}", "\\N{no-break space}"])', 'def test_whitespace(ch):', '    pass']),
};

/** Constructs whose ids depend on what only the run knows: seams lists the test once, as dynamic. */
const DYNAMIC: Record<string, { code: string; reason: RegExp }> = {
  environment: {
    code: py(['import os', 'def cases():', '    return os.environ.get("SEAMS_EVAL_CASES", "a,b").split(",")', '@pytest.mark.parametrize("c", cases())', 'def test_env(c):', '    pass']),
    reason: /cases\(\) is computed .*os\.environ\.get/,
  },
  library_enum_call: {
    code: py(['import http', '@pytest.mark.parametrize("status", [http.HTTPStatus(200), http.HTTPStatus(404)])', 'def test_status(status):', '    pass']),
    reason: /HTTPStatus\(\) is an enum member/,
  },
  library_function_result: {
    code: py(['import math', '@pytest.mark.parametrize("n", [math.floor(2.5), math.ceil(2.5)])', 'def test_floor(n):', '    pass']),
    reason: /math\.floor\(\) is evaluated at run time/,
  },
  str_subclass_instance: {
    code: py(['from helpers import Name', '@pytest.mark.parametrize("name", [Name("x"), Name("y")])', 'def test_names(name):', '    pass']),
    reason: /Name is a str subclass/,
  },
  str_of_instance: {
    code: py(['from helpers import instance_of', '@pytest.mark.parametrize("v", [instance_of(int)], ids=str)', 'def test_str_ids(v):', '    pass']),
    reason: /ids come from a function \(str: str\(\) of _InstanceOf\(\)\)/,
  },
  set_iteration_order: {
    code: py(['@pytest.mark.parametrize("name", {"alpha", "beta", "gamma"})', 'def test_set_order(name):', '    pass']),
    reason: /set iteration order is not known statically/,
  },
};

describe('the Python evaluator against real pytest ids', () => {
  let root: string;
  let native: Map<string, string[]>;
  let tests: RawTest[];

  beforeAll(() => {
    const files: Record<string, string> = { 'pytest.ini': '[pytest]\n', 'helpers.py': helpers };
    for (const [name, code] of Object.entries(EVALUATED)) files[`test_${name}.py`] = code;
    for (const [name, c] of Object.entries(DYNAMIC)) files[`test_${name}.py`] = c.code;
    root = writeRepo(files, 'seams-pyeval-');
    const parsed = pytestCollectOnly(root);
    expect(parsed.erroredFiles).toEqual([]);
    native = new Map();
    for (const id of parsed.ids) {
      const file = id.split('::')[0]!;
      native.set(file, [...(native.get(file) ?? []), id]);
    }
    tests = scanPytest({ root, files: ['pytest.ini', ...Object.keys(files).filter((f) => f.endsWith('.py'))] }).tests;
  }, 120_000);

  afterAll(() => (process.env.SEAMS_KEEP ? console.log(root) : rmSync(root, { recursive: true, force: true })));

  it.each(Object.keys(EVALUATED))('%s: the ids are pytest’s, none dynamic', (name) => {
    const file = `test_${name}.py`;
    const mine = tests.filter((t) => t.file === file);
    expect(mine.filter((t) => t.dynamic).map((t) => t.dynamicReason)).toEqual([]);
    expect(mine.map((t) => t.id).sort()).toEqual([...(native.get(file) ?? [])].sort());
    expect(mine.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(DYNAMIC))('%s: stays dynamic, and pytest really parametrizes it', (name) => {
    const file = `test_${name}.py`;
    const mine = tests.filter((t) => t.file === file);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ dynamic: true });
    expect(mine[0]!.dynamicReason).toMatch(DYNAMIC[name]!.reason);
    const ids = native.get(file) ?? [];
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith(`${mine[0]!.id}[`))).toBe(true);
  });
});
