import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeWorkflows } from '../../src/core/gaps.js';
import { closureOf } from '../../src/core/graph.js';
import { buildImportGraph } from '../../src/graph/index.js';
import { parseJsImports } from '../../src/graph/typescript.js';
import { createFileLister } from '../../src/workspace/files.js';
import { testOf, writeRepo } from './helpers.js';

// Static reach through TypeScript barrels (issue 11): a test reaches the modules that define the
// names it imports, through any chain of re-exports, not every module a barrel re-exports.

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

async function build(name: string) {
  const root = path.join(fixtures, name);
  const files = await createFileLister(root)();
  const entries = files.filter((f) => f.endsWith('.test.ts'));
  return { files, entries, ...buildImportGraph(root, { files, entries }) };
}

/** Source files (not tests, not manifests) in a test file's closure. */
function reached(b: Awaited<ReturnType<typeof build>>, test: string): string[] {
  return [...closureOf(b.graph, [test]).files.keys()].filter((f) => f !== test).sort();
}

const ALL_LIB = ['src/lib/a-helper.ts', 'src/lib/a.ts', 'src/lib/b.ts', 'src/lib/c.ts', 'src/lib/d.ts', 'src/lib/index.ts', 'src/lib/n.ts', 'src/lib/sub/e.ts', 'src/lib/sub/f.ts', 'src/lib/sub/index.ts'];

describe('reach through barrels (reach-ts-barrel)', () => {
  it('follows each re-export form to the defining module only', async () => {
    const b = await build('reach-ts-barrel');
    expect(b.diagnostics).toEqual([]);
    const of = (t: string) => reached(b, `test/${t}.test.ts`);
    expect(of('star')).toEqual(['src/lib/a-helper.ts', 'src/lib/a.ts', 'src/lib/index.ts']);
    expect(of('named')).toEqual(['src/lib/b.ts', 'src/lib/index.ts']);
    expect(of('rename')).toEqual(['src/lib/c.ts', 'src/lib/index.ts']);
    expect(of('default-as')).toEqual(['src/lib/d.ts', 'src/lib/index.ts']);
    expect(of('export-star-as')).toEqual(['src/lib/index.ts', 'src/lib/n.ts']);
    expect(of('nested')).toEqual(['src/lib/index.ts', 'src/lib/sub/f.ts', 'src/lib/sub/index.ts']);
  });

  it('a namespace import reaches the definers of the members it reads; any other use is the whole barrel', async () => {
    const b = await build('reach-ts-barrel');
    const of = (t: string) => reached(b, `test/${t}.test.ts`);
    expect(of('namespace-members')).toEqual(['src/lib/a-helper.ts', 'src/lib/a.ts', 'src/lib/b.ts', 'src/lib/index.ts', 'src/lib/n.ts']);
    // `lib.Shape` in a type annotation does not count; `lib.e` does
    expect(of('namespace-type-only-use')).toEqual(['src/lib/index.ts', 'src/lib/sub/e.ts', 'src/lib/sub/index.ts']);
    expect(of('namespace-escapes')).toEqual(ALL_LIB);
  });

  it('side-effect imports, require(), dynamic import() and names the barrel defines or lacks follow the whole barrel', async () => {
    const b = await build('reach-ts-barrel');
    for (const t of ['side-effect', 'require', 'dynamic', 'own', 'missing']) expect([t, reached(b, `test/${t}.test.ts`)]).toEqual([t, ALL_LIB]);
  });

  it('stops in a cycle of barrels, and a name found nowhere enters the first barrel whole', async () => {
    const b = await build('reach-ts-barrel');
    expect(b.graph.files['test/cycle.test.ts']!.imports).toEqual([
      { file: 'src/cycle/x.ts', line: 1, kind: 'names' },
      { file: 'src/cycle/y.ts', line: 1 },
    ]);
    expect(b.graph.files['test/cycle-missing.test.ts']!.imports).toEqual([{ file: 'src/cycle/x.ts', line: 1 }]);
    expect(b.graph.files['src/cycle/x.ts']!.imports).toEqual([{ file: 'src/cycle/y.ts', line: 2, kind: 're-export' }]);
  });

  it('type-only imports and exports never count; in `import { type A, b }` only b does', async () => {
    const b = await build('reach-ts-barrel');
    expect(reached(b, 'test/type-only.test.ts')).toEqual(['src/lib/b.ts', 'src/lib/index.ts']);
    // the barrel's `export type { Shape } from` is not an edge either
    expect(b.graph.files['src/lib/index.ts']!.imports.map((e) => e.file)).not.toContain('src/types/shape.ts');
  });

  it('the barrel keeps its re-export edges, marked so they are followed only when it is entered whole', async () => {
    const b = await build('reach-ts-barrel');
    expect(b.graph.files['src/lib/index.ts']!.imports).toEqual([
      { file: 'src/lib/a.ts', line: 2, kind: 're-export' },
      { file: 'src/lib/b.ts', line: 3, kind: 're-export' },
      { file: 'src/lib/c.ts', line: 4, kind: 're-export' },
      { file: 'src/lib/d.ts', line: 5, kind: 're-export' },
      { file: 'src/lib/n.ts', line: 6, kind: 're-export' },
      { file: 'src/lib/sub/index.ts', line: 7, kind: 're-export' },
    ]);
  });

  it('gaps: per-component test counts follow the names, not the whole barrel', async () => {
    const b = await build('reach-ts-barrel');
    const components = Object.fromEntries(
      ['a', 'b', 'c', 'd', 'n', 'sub/e', 'sub/f'].map((m) => [m, { id: m, paths: [`src/lib/${m}.ts`], imports: [] as string[] }]),
    );
    const tests = b.entries.map((file) => testOf({ id: file, file, runner: 'vitest' }));
    const analysis = analyzeWorkflows({ tests, graph: b.graph, components, workflows: {}, files: b.files });
    const counts = Object.fromEntries(analysis.components.map((c) => [c.id, c.tests.unit ?? 0]));
    // 6 tests take the whole barrel (namespace-escapes, side-effect, require, dynamic, own, missing)
    expect(counts).toEqual({ a: 6 + 2, b: 6 + 3, c: 6 + 1, d: 6 + 1, n: 6 + 2, 'sub/e': 6 + 1, 'sub/f': 6 + 1 });
  });
});

describe('workspace packages and tsconfig paths get the same treatment', () => {
  it('a workspace package entry that is a barrel (reach-ts-workspace)', async () => {
    const b = await build('reach-ts-workspace');
    expect(reached(b, 'packages/app/test/cli.test.ts')).toEqual(['packages/app/src/cli.ts', 'packages/core/src/index.ts', 'packages/core/src/parse.ts']);
    expect(reached(b, 'packages/app/test/format.test.ts')).toEqual(['packages/core/src/format.ts', 'packages/core/src/index.ts']);
  });

  it('a tsconfig path alias to a barrel, exact and with a wildcard (reach-ts-paths)', async () => {
    const b = await build('reach-ts-paths');
    expect(reached(b, 'test/db.test.ts')).toEqual(['src/lib/db.ts', 'src/lib/index.ts']);
    expect(reached(b, 'test/mail.test.ts')).toEqual(['src/lib/index.ts', 'src/lib/mail.ts']);
  });
});

describe('the parse cache', () => {
  it('a cached file whose import became a barrel has its AST read again in the next build', async () => {
    const root = writeRepo({
      'lib/m.ts': "import * as ns from '../other';\nexport const mm = () => ns.a();\n",
      'other/index.ts': 'export const a = () => 1;\nexport const b = () => 2;\n',
      'other/a.ts': 'export const a = () => 1;\n',
      'other/b.ts': 'export const b = () => 2;\n',
      't.test.ts': "import { mm } from './lib/m';\n",
    });
    const files = await createFileLister(root)();
    // build 1: other/index.ts defines its names, so lib/m.ts's namespace needs no AST
    const first = buildImportGraph(root, { files, entries: ['t.test.ts'] });
    expect([...closureOf(first.graph, ['t.test.ts']).files.keys()].sort()).toEqual(['lib/m.ts', 'other/index.ts', 't.test.ts']);
    // build 2: other/index.ts is now a barrel; lib/m.ts is unchanged (from the cache, without its AST)
    writeFileSync(path.join(root, 'other/index.ts'), "export * from './a';\nexport * from './b';\n");
    const second = buildImportGraph(root, { files, entries: ['t.test.ts'] });
    expect(second.parsed).toBe(3); // other/index.ts changed, other/a.ts and other/b.ts are new to the graph
    expect([...closureOf(second.graph, ['t.test.ts']).files.keys()].sort()).toEqual(['lib/m.ts', 'other/a.ts', 'other/index.ts', 't.test.ts']);
  });
});

describe('parseJsImports: names, member paths, re-exports', () => {
  it('records what a file takes from each module', () => {
    const { imports, exports } = parseJsImports(
      'a.tsx',
      [
        "import * as z from './external';", // only exported again: a re-export
        "import { helper } from './helper';", // used as a value
        "import * as core from './core';", // members read, also two deep and in JSX
        "import { api } from './api';", // a named import read only through members
        "import dflt from './dflt';",
        'export { z, z as default };',
        'helper(core.run(), core.sub.deep, <core.View />, api.get());',
        'const t: core.OnlyAType = 1;',
      ].join('\n'),
    );
    expect(imports).toEqual([
      { specifier: './external', line: 1, use: 're-export' },
      { specifier: './helper', line: 2, use: 'names', names: ['helper'] },
      { specifier: './core', line: 3, use: 'names', names: ['run', 'sub.deep', 'View'] },
      { specifier: './api', line: 4, use: 'names', names: ['api.get'] },
      { specifier: './dflt', line: 5 },
    ]);
    expect(exports).toEqual({ own: [], from: { z: { specifier: './external', line: 1, name: '*' }, default: { specifier: './external', line: 1, name: '*' } }, star: [] });
  });

  it('a binding used and also exported again gives both the use and the re-export', () => {
    expect(parseJsImports('a.ts', "import * as ns from './m';\nexport { ns };\nns.a();").imports).toEqual([
      { specifier: './m', line: 1, use: 'names', names: ['a'] },
      { specifier: './m', line: 1, use: 're-export' },
    ]);
    expect(parseJsImports('a.ts', "import { a } from './m';\nexport { a };\na();").imports).toEqual([
      { specifier: './m', line: 1, use: 'names', names: ['a'] },
      { specifier: './m', line: 1, use: 're-export' },
    ]);
  });

  it('a file with a syntax error counts its imports whole (its AST is partial)', () => {
    expect(parseJsImports('a.ts', "import * as ns from './m';\nf(ns.a, <ns.B />);").imports).toEqual([{ specifier: './m', line: 1 }]);
  });

  it('optional members, type positions, declare, class fields; default imports and shadowing locals are whole', () => {
    const imports = (src: string) => parseJsImports('a.ts', src).imports;
    expect(imports("import * as ns from './m'; ns?.b();")).toEqual([{ specifier: './m', line: 1, use: 'names', names: ['b'] }]);
    expect(imports("import * as ns from './m'; type T = typeof ns; let v: typeof ns.a; ns.b;")).toEqual([{ specifier: './m', line: 1, use: 'names', names: ['b'] }]);
    expect(imports("import * as ns from './m'; declare const d: typeof ns; ns.c;")).toEqual([{ specifier: './m', line: 1, use: 'names', names: ['c'] }]);
    expect(imports("import * as ns from './m'; class K { ns = 1; m() { return ns.d; } }")).toEqual([{ specifier: './m', line: 1, use: 'names', names: ['d'] }]);
    expect(imports("import { default as x } from './m'; x();")).toEqual([{ specifier: './m', line: 1 }]);
    expect(imports("import * as ns from './m'; function f(ns) { return ns; } ns.a;")).toEqual([{ specifier: './m', line: 1 }]);
  });

  it('a computed member, a spread or a shorthand property lets the namespace escape', () => {
    for (const use of ['f(ns[key])', 'f({ ...ns })', 'f({ ns })', 'export { ns as other }; f(ns)'])
      expect([use, parseJsImports('a.ts', `import * as ns from './m';\n${use};`).imports[0]]).toEqual([use, { specifier: './m', line: 1 }]);
  });
});
