import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePythonModule } from '../../../src/languages/python/parse.js';
import { skeletonize } from '../../../src/languages/python/skeleton.js';
import { loadPytestConfig, shlexSplit } from '../../../src/runners/pytest/config.js';
import { parseIni } from '../../../src/workspace/manifests.js';
import { asciiEscapeBytes, asciiEscapeStr, makeUnique, pyFloatRepr } from '../../../src/runners/pytest/ids.js';
import { evaluateKeywordExpr, evaluateMarkExpr } from '../../../src/runners/pytest/markexpr.js';
import { parseCollectOnly, compareIds } from '../../../src/runners/pytest/verify.js';
import { fnmatch } from '../../../src/languages/python/fnmatch.js';
import { fnmatchEx, matchesPrefixOrGlob } from '../../../src/runners/pytest/walk.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic, DiscoveredTest } from '../../../src/core/types.js';

function python(code: string): string {
  return execFileSync('python3', ['-c', code], { encoding: 'utf8' });
}

describe('ids as pytest makes them', () => {
  it('formats floats like Python repr()', () => {
    const values = [0.1, 1.5, 1e20, 1e16, 1e15, 123456789012345.6, 1e-5, 0.0001, 0.00012, -2.5, 1 / 3, 5e-324, 1.7976931348623157e308, 100.0, 2 ** 60];
    const expected = python(`print("\\n".join(repr(float(x)) for x in [${values.map((v) => v.toExponential()).join(',')}]))`).trim().split('\n');
    expect(values.map(pyFloatRepr)).toEqual(expected);
    expect([NaN, Infinity, -Infinity, -0].map(pyFloatRepr)).toEqual(['nan', 'inf', '-inf', '-0.0']);
  });

  it('escapes strings and bytes like _pytest.compat.ascii_escaped', () => {
    const s = 'é\n\t\x01\\ 雪😀\x7f"\'';
    const expected = python(
      `from _pytest.compat import ascii_escaped\nprint(ascii_escaped(${JSON.stringify(s).replace(/\\u/g, '\\u')}))`,
    ).replace(/\n$/, '');
    expect(asciiEscapeStr(s)).toBe(expected);
    const bytes = String.fromCharCode(0xff, 0x00, 0x41, 0x5c, 0x0a);
    expect(asciiEscapeBytes(bytes)).toBe(python(`from _pytest.compat import ascii_escaped\nprint(ascii_escaped(b"\\xff\\x00A\\\\\\n"))`).replace(/\n$/, ''));
  });

  it('makes duplicate ids unique with pytest counters', () => {
    expect(makeUnique(['1', '1', 'a', 'a', 'b'])).toEqual(['1_0', '1_1', 'a0', 'a1', 'b']);
    expect(makeUnique(['d', 'd', 'd0'])).toEqual(['d1', 'd2', 'd0']);
    expect(makeUnique(['x', 'y'])).toEqual(['x', 'y']);
  });
});

describe('configuration', () => {
  it('reads ini sections with continuation lines and comments', () => {
    const ini = parseIni('[pytest]\n# c\naddopts = -q\n  --strict-markers\npython_files: a_*.py\n\n[other]\nx=1\n');
    expect(ini.get('pytest')?.get('addopts')).toBe('-q\n--strict-markers');
    expect(ini.get('pytest')?.get('python_files')).toBe('a_*.py');
    expect(ini.get('other')?.get('x')).toBe('1');
  });

  it('splits like shlex', () => {
    expect(shlexSplit(`-m 'not slow and not db' --ignore=a\\ b "x \\"y\\""`)).toEqual(['-m', 'not slow and not db', '--ignore=a b', 'x "y"']);
  });

  it('picks pytest.ini over pyproject.toml and reads addopts options that change collection', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-cfg-'));
    writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pytest.ini_options]\ntestpaths = ["nope"]\n');
    writeFileSync(
      path.join(dir, 'pytest.ini'),
      '[pytest]\ntestpaths = t\naddopts = -mfast -k "a or b" --ignore t/x --deselect=t/y.py::z -o python_functions=check -p no:doctest --doctest-glob=*.rst extra/path\n',
    );
    const d: Diagnostic[] = [];
    const cfg = loadPytestConfig(dir, d);
    expect(cfg.configFile).toBe('pytest.ini');
    expect(cfg.testpaths).toEqual(['t']);
    expect(cfg.markExpr).toBe('fast');
    expect(cfg.keywordExpr).toBe('a or b');
    expect(cfg.ignore).toEqual(['t/x']);
    expect(cfg.deselect).toEqual(['t/y.py::z']);
    expect(cfg.pythonFunctions).toEqual(['check']);
    expect(cfg.doctestEnabled).toBe(false);
    expect(cfg.doctestGlobs).toEqual(['*.rst']);
    expect(cfg.args).toEqual(['extra/path']);
    expect(d).toEqual([]);
  });

  it('a broken pyproject.toml is a diagnostic and defaults apply', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-cfg-'));
    writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pytest.ini_options\ntestpaths = [');
    const d: Diagnostic[] = [];
    const cfg = loadPytestConfig(dir, d);
    expect(cfg.configFile).toBeNull();
    expect(cfg.pythonFiles).toEqual(['test_*.py', '*_test.py']);
    expect(d[0]).toMatchObject({ code: 'CONFIG_UNREADABLE', file: 'pyproject.toml', severity: 'warning' });
  });
});

describe('matching', () => {
  it('fnmatch and pytest prefix-or-glob semantics', () => {
    expect(fnmatch('test_a.py', 'test_*.py')).toBe(true);
    expect(fnmatch('a/test_a.py', '*.py')).toBe(true);
    expect(fnmatch('x.py', '[!a]*.py')).toBe(true);
    expect(fnmatch('Test_a.py', 'test_*.py')).toBe(false);
    expect(fnmatchEx('.*', '/r/.git')).toBe(true);
    expect(fnmatchEx('tests/data', '/r/tests/data')).toBe(true);
    expect(fnmatchEx('tests/data', '/r/other/tests/data2')).toBe(false);
    expect(matchesPrefixOrGlob('TestThing', ['Test'])).toBe(true);
    expect(matchesPrefixOrGlob('ThingSuite', ['Test', '*Suite'])).toBe(true);
    expect(matchesPrefixOrGlob('Suite', ['*Suite'])).toBe(true);
    expect(matchesPrefixOrGlob('MySuiteX', ['*Suite'])).toBe(false);
  });

  it('evaluates -m and -k expressions', () => {
    const marks = (names: string[]) => (n: string) => names.includes(n);
    expect(evaluateMarkExpr('not slow and not tooslow', marks(['fast']))).toBe(true);
    expect(evaluateMarkExpr('not slow and not tooslow', marks(['slow']))).toBe(false);
    expect(evaluateMarkExpr('(a or b) and not c', marks(['b']))).toBe(true);
    expect(evaluateMarkExpr("device(serial='1') or x", marks(['device']))).toBe(true);
    expect(evaluateMarkExpr('', marks([]))).toBe(true);
    const names = ['test_login_ok', 'TestAuth'];
    expect(evaluateKeywordExpr('login and not logout', (k) => names.some((n) => n.toLowerCase().includes(k.toLowerCase())))).toBe(true);
    expect(evaluateKeywordExpr('auth and logout', (k) => names.some((n) => n.toLowerCase().includes(k.toLowerCase())))).toBe(false);
  });
});

describe('collect-only output', () => {
  it('parses ids, errored files and compares per file', () => {
    const out = [
      'a/test_x.py::test_1',
      'a/test_x.py::test_2[p]',
      '',
      '==================================== ERRORS ====================================',
      '_______________________ ERROR collecting a/test_bad.py ________________________',
      'E   SyntaxError',
      '=========================== short test summary info ============================',
      'ERROR a/test_bad.py',
      '2 tests collected, 1 error in 0.1s',
    ].join('\n');
    const parsed = parseCollectOnly(out);
    expect(parsed).toEqual({ ids: ['a/test_x.py::test_1', 'a/test_x.py::test_2[p]'], erroredFiles: ['a/test_bad.py'], messages: new Map([['a/test_bad.py', 'SyntaxError']]) });
    const c = compareIds(parsed.ids, ['a/test_x.py::test_1', 'a/test_x.py::test_3', 'a/test_bad.py::test_z'], parsed.erroredFiles);
    expect(c).toMatchObject({ nativeCount: 2, staticCount: 2, matched: 1, missing: ['a/test_x.py::test_2[p]'], extra: ['a/test_x.py::test_3'], matchRate: 0.5 });
    expect(c.files).toEqual([{ file: 'a/test_x.py', identical: 1, missing: 1, extra: 1, explained: 0, dynamic: 0 }]);
  });

  it("keeps each error's own words: the traceback's E lines over the summary line cut to the terminal", () => {
    const out = [
      'a/test_x.py::test_1',
      '',
      '==================================== ERRORS ====================================',
      '_______________________ ERROR collecting a/test_bad.py ________________________',
      'a/test_bad.py:1: in <module>',
      '    import nope',
      "E   ModuleNotFoundError: No module named 'nope'",
      '_______________________ ERROR collecting a/test_two.py ________________________',
      'a/test_two.py:3: in <module>',
      '=========================== short test summary info ============================',
      "ERROR a/test_bad.py - ModuleNotFoundError: No module named 'n...",
      'ERROR a/test_two.py - RuntimeError: cut here',
      'ERROR a/test_three.py - ValueError: only the summary',
      '1 test collected, 3 errors in 0.1s',
    ].join('\n');
    expect([...parseCollectOnly(out).messages]).toEqual([
      ['a/test_bad.py', "ModuleNotFoundError: No module named 'nope'"],
      ['a/test_two.py', 'RuntimeError: cut here'],
      ['a/test_three.py', 'ValueError: only the summary'],
    ]);
  });

  it('per file, a dynamic test explains the ids it stands for, and itself as an extra', () => {
    const t = (id: string, dynamic: boolean) => ({ id, dynamic, file: id.split('::')[0]!, project: null, titlePath: id.split('::').slice(1) }) as unknown as DiscoveredTest;
    const tests = [t('t.py::test_p', true), t('t.py::TestMade', true), t('t.py::test_q', false), t('u.py::test_r', false)];
    const c = compareIds(
      ['t.py::test_p[1]', 't.py::test_p[2]', 't.py::TestMade::test_m', 't.py::test_pp[1]', 't.py::test_q', 'u.py::test_r[x]'],
      tests.map((x) => x.id),
      [],
      tests,
    );
    expect(c.files).toEqual([
      // test_p[1], test_p[2], TestMade::test_m and the two dynamic extras; test_pp[1] is not test_p's
      { file: 't.py', identical: 1, missing: 4, extra: 2, explained: 5, dynamic: 2 },
      // test_r is not dynamic: its [x] is a real miss
      { file: 'u.py', identical: 0, missing: 1, extra: 1, explained: 0, dynamic: 0 },
    ]);
    expect(c.explained).toBe(5);
  });

  it('leaves ids under a folder pytest could not collect out of the differences and the rate (QA #24)', () => {
    const out = [
      'tests/unit/test_a.py::test_1',
      '',
      '==================================== ERRORS ====================================',
      '_________________ ERROR collecting examples/platform/tests/integration _________________',
      "E   ModuleNotFoundError: No module named 'boto3'",
      '=========================== short test summary info ============================',
      'ERROR examples/platform/tests/integration - ModuleNotFoundError',
      'ERROR other/conftest.py',
      '1 test collected, 2 errors in 0.1s',
    ].join('\n');
    const parsed = parseCollectOnly(out);
    expect(parsed.erroredFiles).toEqual(['examples/platform/tests/integration', 'other/conftest.py']);
    const c = compareIds(
      parsed.ids,
      [
        'tests/unit/test_a.py::test_1',
        'examples/platform/tests/integration/test_ecr_sync.py::test_sync',
        'examples/platform/tests/integration/sub/test_y.py::test_y',
        'other/test_o.py::test_o',
        'examples/platform/tests/integration_more/test_z.py::test_z',
      ],
      parsed.erroredFiles,
    );
    expect(c).toMatchObject({
      nativeCount: 1,
      staticCount: 2,
      matched: 1,
      missing: [],
      extra: ['examples/platform/tests/integration_more/test_z.py::test_z'],
      matchRate: 0.5,
    });
  });
});

describe('python parsing', () => {
  const tricky = [
    'import pytest',
    'X = """',
    'def not_a_def():',
    '"""',
    '@pytest.mark.parametrize("a", [1,',
    '    2])',
    'def test_a(a):',
    '    """Doc for REQ-001."""',
    '    s = "def fake():"',
    '    def inner():',
    '        pass',
    '    return (1,',
    '2)',
    'class TestC:',
    '    def test_m(self): return 1',
    '    async def test_n(self,',
    '            x):',
    "        y = '''",
    'class NotReal:',
    "'''",
    '        if x:',
    '            pass',
    '    z = 1',
    'def test_after(): pass',
  ].join('\n');

  it('the skeleton keeps line numbers and everything discovery reads', () => {
    const skel = skeletonize(tricky);
    expect(skel.split('\n').length).toBe(tricky.split('\n').length);
    expect(skel).not.toContain('inner');
    expect(skel).not.toContain('NotReal');
    const full = parsePythonModule(tricky, { skeleton: false });
    const fast = parsePythonModule(tricky);
    expect(fast.syntaxError).toBeUndefined();
    expect(fast.bindings).toEqual(full.bindings);
    const a = fast.bindings.get('test_a');
    expect(a).toMatchObject({ kind: 'function', line: 7, docstring: 'Doc for REQ-001.' });
    const c = fast.bindings.get('TestC');
    expect(c?.kind === 'class' && [...c.body.keys()]).toEqual(['test_m', 'test_n', 'z']);
  });

  it('reports a syntax error with its line', () => {
    const m = parsePythonModule('def ok():\n    pass\n\ndef broken(:\n    pass\n');
    expect(m.syntaxError?.line).toBe(4);
    expect(m.bindings.has('ok')).toBe(true);
  });
});
