import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPytest } from '../../../src/runners/pytest/index.js';
import { createFileLister } from '../../../src/workspace/files.js';

async function scanFiles(files: Record<string, string>) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'seams-static-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return scanPytest({ root, files: await createFileLister(root)() });
}

describe('static rules that need packages this machine lacks', () => {
  it('treats external bases named …TestCase as unittest, directly and through repo classes', async () => {
    const r = await scanFiles({
      'app/tests/base.py': 'from django.test import TestCase\n\nclass ApiCase(TestCase):\n    def test_base_check(self):\n        pass\n',
      'app/tests/test_views.py': [
        'from django.test import SimpleTestCase',
        'from rest_framework.test import APITestCase',
        'from app.tests.base import ApiCase',
        'from somelib import Mixin',
        '',
        'class Views(SimpleTestCase):',
        '    def test_index(self):',
        '        pass',
        '    def check(self):',
        '        pass',
        '',
        'class Api(ApiCase):',
        '    def test_list(self):',
        '        pass',
        '',
        'class Rest(APITestCase):',
        '    def runTest(self):',
        '        pass',
        '',
        'class TestWithMixin(Mixin):',
        '    def test_m(self):',
        '        pass',
      ].join('\n'),
    });
    expect(r.tests.map((t) => t.id).sort()).toEqual([
      'app/tests/test_views.py::Api::test_base_check',
      'app/tests/test_views.py::Api::test_list',
      'app/tests/test_views.py::ApiCase::test_base_check',
      'app/tests/test_views.py::Rest::runTest',
      'app/tests/test_views.py::TestWithMixin::test_m',
      'app/tests/test_views.py::Views::test_index',
    ]);
  });

  it('lists a class made by a factory call once, as dynamic', async () => {
    const r = await scanFiles({ 'test_suite.py': 'from suite import build\n\nTestDraft4 = build("draft4")\n' });
    expect(r.tests).toMatchObject([{ id: 'test_suite.py::TestDraft4', dynamic: true }]);
    expect(r.tests[0]!.dynamicReason).toMatch(/created by a call/);
  });

  it('evaluates marks bound to names in other modules and skip conditions', async () => {
    const r = await scanFiles({
      'tests/marks.py': 'import pytest\nslow = pytest.mark.slow\nwindows_only = pytest.mark.skipif(False, reason="x")\n',
      'tests/test_m.py': 'from tests.marks import slow, windows_only\n\n@slow\ndef test_a():\n    pass\n\n@windows_only\ndef test_b():\n    pass\n',
    });
    expect(r.tests.map((t) => [t.id, t.markers, t.status])).toEqual([
      ['tests/test_m.py::test_a', ['slow'], 'active'],
      ['tests/test_m.py::test_b', ['skipif'], 'active'],
    ]);
  });

  it('follows a repo decorator factory that applies parametrize; one it cannot follow makes its tests dynamic', async () => {
    const r = await scanFiles({
      'tests/test_f.py': [
        'import os',
        'import pytest',
        '',
        'def dual(name, factory):',
        '    def decorator(f):',
        '        return pytest.mark.parametrize(name, [factory, factory])(f)',
        '    return decorator',
        '',
        'def from_env(f):',
        '    return pytest.mark.parametrize("v", os.environ["CASES"].split())(f)',
        '',
        '@dual("x", list)',
        'def test_dual(x):',
        '    pass',
        '',
        '@from_env',
        'def test_env(v):',
        '    pass',
        '',
        'def plain_decorator(f):',
        '    return f',
        '',
        '@plain_decorator',
        'def test_plain():',
        '    pass',
      ].join('\n'),
    });
    expect(r.tests.map((t) => [t.id, t.dynamic])).toEqual([
      ['tests/test_f.py::test_dual[list0]', false],
      ['tests/test_f.py::test_dual[list1]', false],
      ['tests/test_f.py::test_env', true],
      ['tests/test_f.py::test_plain', false],
    ]);
    expect(r.tests[2]!.dynamicReason).toMatch(/parametrize values are computed/);
  });

  it('gives pathlib paths their str() and namedtuple instances argname+index ids (as checked with pytest 9)', async () => {
    const r = await scanFiles({
      'test_p.py': [
        'import pathlib',
        'from collections import namedtuple',
        'from pathlib import Path',
        'import pytest',
        'Case = namedtuple("Case", "a b")',
        'BASE = Path("/srv")',
        '@pytest.mark.parametrize("p", [str(pathlib.Path("a//b/./c/")), str(BASE / "x"), BASE / "y", Case(1, 2)])',
        'def test_p(p):',
        '    pass',
      ].join('\n'),
    });
    expect(r.tests.map((t) => t.id)).toEqual(['test_p.py::test_p[a/b/c]', 'test_p.py::test_p[/srv/x]', 'test_p.py::test_p[p2]', 'test_p.py::test_p[p3]']);
  });

  it('makes a test dynamic when a parametrize value is a library call whose id seams cannot know (QA #25)', async () => {
    const r = await scanFiles({
      'test_calls.py': [
        'import re',
        'import textwrap',
        'import datetime',
        'from decimal import Decimal',
        'from markupsafe import Markup',
        'import pytest',
        '',
        '@pytest.mark.parametrize("expect", [textwrap.dedent("""\\',
        '    plain',
        '    """)])',
        'def test_dedent(expect):',
        '    pass',
        '',
        '@pytest.mark.parametrize("func", [re.fullmatch, getattr(re, "fullmatch", None)])',
        'def test_getattr(func):',
        '    pass',
        '',
        '@pytest.mark.parametrize("v", [datetime.date(2020, 1, 1), Decimal("1"), object()])',
        'def test_objects(v):',
        '    pass',
        '',
        '@pytest.mark.parametrize("v", [Markup("<html>")])',
        'def test_markup(v):',
        '    pass',
      ].join('\n'),
    });
    const byName = new Map(r.tests.map((t) => [t.id.replace('test_calls.py::', ''), t]));
    // textwrap.dedent of a literal is evaluated (the real pytest check is in evaluator.test.ts)
    expect(byName.has('test_dedent[plain\\n]')).toBe(true);
    expect(byName.get('test_getattr')).toMatchObject({ dynamic: true });
    expect(byName.get('test_getattr')!.dynamicReason).toMatch(/getattr\(re, "fullmatch"\)/);
    // Instances have no id: argname + index, as pytest does.
    expect([...byName.keys()].filter((k) => k.startsWith('test_objects'))).toEqual(['test_objects[v0]', 'test_objects[v1]', 'test_objects[v2]']);
    // markupsafe.Markup is a str subclass: pytest uses the text.
    expect(byName.has('test_markup[<html>]')).toBe(true);
  });

  it('notes module-level importorskip calls', async () => {
    const r = await scanFiles({ 'test_opt.py': 'import pytest\nnp = pytest.importorskip("numpy")\n\ndef test_np():\n    pass\n' });
    expect(r.tests.map((t) => t.id)).toEqual(['test_opt.py::test_np']);
    expect(r.diagnostics).toMatchObject([{ code: 'IMPORTORSKIP', file: 'test_opt.py', line: 2, severity: 'info' }]);
  });
});
