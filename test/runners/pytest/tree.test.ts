import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import { describe, expect, it } from 'vitest';
import { parsePython, parsePythonTree } from '../../../src/languages/python/parser.js';
import { parsePythonModule } from '../../../src/languages/python/parse.js';
import { skeletonize } from '../../../src/languages/python/skeleton.js';
import type { PyNode } from '../../../src/languages/python/tree.js';

/**
 * The flat parse tree (tree.ts) must read exactly like tree-sitter's own nodes: every node's
 * type, named-ness, offsets, positions, error flags, children and fields, compared node by node
 * with the native tree on real and deliberately awkward sources.
 */

const FIELDS = [
  ...new Set(
    (Python as unknown as { nodeTypeInfo: Array<{ fields?: Record<string, unknown> }> }).nodeTypeInfo.flatMap((t) => Object.keys(t.fields ?? {})),
  ),
];

function compare(native: Parser.SyntaxNode, lite: PyNode, where: string, budget: { nodes: number; allFields: boolean }): void {
  budget.nodes++;
  const at = `${where} ${native.type}@${native.startIndex}`;
  expect({ at, type: lite.type, named: lite.isNamed, missing: lite.isMissing, error: lite.hasError }).toEqual({
    at,
    type: native.type,
    named: native.isNamed,
    missing: native.isMissing,
    error: native.hasError,
  });
  expect([lite.startIndex, lite.endIndex, lite.startPosition, lite.endPosition, lite.text], at).toEqual([
    native.startIndex,
    native.endIndex,
    native.startPosition,
    native.endPosition,
    native.text,
  ]);
  const nc = native.children;
  const lc = lite.children;
  expect(lc.length, at).toBe(nc.length);
  expect(lite.namedChildren.map((c) => c.startIndex), at).toEqual(native.namedChildren.map((c) => c.startIndex));
  if (nc.length) {
    expect(nc.map((_, i) => lite.fieldNameForChild(i)), at).toEqual(nc.map((_, i) => native.fieldNameForChild(i) ?? null));
    if (budget.allFields) {
      for (const f of FIELDS) {
        const n = native.childrenForFieldName(f).map((c) => `${c.type}@${c.startIndex}`);
        const l = lite.childrenForFieldName(f).map((c) => `${c.type}@${c.startIndex}`);
        expect(l, `${at} field ${f}`).toEqual(n);
        // tree-sitter's childForFieldName can answer a grandchild through an aliased hidden rule
        // (`match` → block → case_clause as `alternative`); the flat tree answers children only.
        const one = native.childForFieldName(f);
        if (!one || nc.some((c) => c.startIndex === one.startIndex && c.type === one.type))
          expect(lite.childForFieldName(f)?.startIndex ?? null, `${at} field ${f}`).toBe(one?.startIndex ?? null);
      }
    }
  }
  nc.forEach((c, i) => {
    expect(lc[i]!.parent?.id, at).toBe(lite.id);
    compare(c, lc[i]!, where, budget);
  });
}

function sameTrees(source: string, where: string, allFields = false): number {
  const native = parsePython(source).rootNode;
  const lite = parsePythonTree(source).rootNode;
  const budget = { nodes: 0, allFields };
  compare(native, lite, where, budget);
  expect(lite.descendantsOfType(['identifier', 'yield', 'ERROR']).map((n) => n.startIndex)).toEqual(
    native.descendantsOfType(['identifier', 'yield', 'ERROR']).map((n) => n.startIndex),
  );
  return budget.nodes;
}

const AWKWARD = [
  // Non-BMP characters and CRLF: offsets are UTF-16 units, rows count \n only.
  '# -*- coding: utf-8 -*-\r\nS = "😀 émoji 𝔘"  # 😀\r\nT = f"{S!r:>10} {{x}} {S=}"\r\n',
  'from . import (a as b,\n    c)\nfrom ..x.y import *\nimport a.b.c as d, e\n',
  '@pytest.mark.parametrize(("a", "b"), [(1, 2), pytest.param(3, 4, id="x", marks=[m.s])])\nasync def test_x(a, /, b=1, *args, c: int = 2, **kw) -> None:\n    """Doc."""\n    yield a\n',
  'class A(B, metaclass=M):\n    x = y = [i for i in range(3) if i]\n    def f(self): lambda: (yield)\n    match x:\n        case [1, *r]: pass\n',
  'x = {1: 2, **d}\ny = a[1:2, ::3]\nz = not a in b is not c < d\nw = -x ** 2 if x else ~y\n',
  // Syntax errors: ERROR and MISSING nodes.
  'def broken(:\n    pass\n\nx = (1, 2\n',
  'class C\n    def f(self) pass\nprint "old"\n',
  'if x:\n\tpass\n\telse:\n  y = 1\n',
  '',
  '\n\n   \n',
];

describe('flat Python parse tree', () => {
  it('reads like the native tree on awkward sources (unicode, CRLF, errors, empty)', () => {
    AWKWARD.forEach((src, i) => sameTrees(src, `awkward #${i}`, true));
  });

  it('reads like the native tree on every Python file of the test fixtures and their skeletons', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.py')) files.push(p);
      }
    };
    walk(path.resolve('test/fixtures'));
    expect(files.length).toBeGreaterThan(20);
    let nodes = 0;
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      nodes += sameTrees(src, f);
      nodes += sameTrees(skeletonize(src), `${f} (skeleton)`);
    }
    expect(nodes).toBeGreaterThan(5000);
  });

  it('the module view is the same whether the skeleton or the full source is parsed', () => {
    const src = readFileSync(path.resolve('test/fixtures/pytest/suite/tests/test_params.py'), 'utf8');
    expect(parsePythonModule(src).bindings).toEqual(parsePythonModule(src, { skeleton: false }).bindings);
  });
});
