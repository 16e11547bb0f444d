import { describe, expect, it } from 'vitest';
import { analyzeWorkflows } from '../../src/core/gaps.js';
import { closureOf, type GraphFile, type ImportEdge, type ImportGraph } from '../../src/core/graph.js';
import { testOf } from './helpers.js';

// The edge kinds of core/graph.ts on hand-made graphs: `names` enters a barrel without its
// re-exports, `re-export` is followed only out of a barrel entered whole, `deferred` never.
const node = (imports: ImportEdge[], externals: GraphFile['externals'] = []): GraphFile => ({ imports, externals });

const graph: ImportGraph = {
  files: {
    // uses { a } from the barrel: a names edge to the barrel, a plain edge to the definer
    't/named.test.ts': node([
      { file: 'lib/index.ts', line: 1, kind: 'names' },
      { file: 'lib/a.ts', line: 1 },
    ]),
    // imports the barrel whole (default import, side effect, require, escaping namespace)
    't/whole.test.ts': node([{ file: 'lib/index.ts', line: 1 }]),
    // reaches the barrel whole one step further: through a module that imports it whole
    't/via.test.ts': node([
      { file: 'app/uses.ts', line: 2, kind: 'names' },
      { file: 'app/uses.ts', line: 2, kind: 're-export' },
    ]),
    'app/uses.ts': node([{ file: 'lib/index.ts', line: 3 }]),
    'lib/index.ts': node(
      [
        { file: 'lib/own.ts', line: 1 },
        { file: 'lib/a.ts', line: 2, kind: 're-export' },
        { file: 'lib/sub/index.ts', line: 3, kind: 're-export' },
        { file: 'lib/lazy.ts', line: 4, kind: 'deferred' },
      ],
      [
        { module: 'pg', line: 5, kind: 're-export' },
        { module: 'zod', line: 6 },
      ],
    ),
    'lib/sub/index.ts': node([{ file: 'lib/sub/b.ts', line: 1, kind: 're-export' }]),
    'lib/a.ts': node([]),
    'lib/own.ts': node([]),
    'lib/lazy.ts': node([]),
    'lib/sub/b.ts': node([]),
  },
};

describe('import edge kinds', () => {
  it('closureOf: a names edge reaches the barrel and its own imports, not its re-exports', () => {
    const c = closureOf(graph, ['t/named.test.ts']);
    expect([...c.files.keys()].sort()).toEqual(['lib/a.ts', 'lib/index.ts', 'lib/own.ts', 't/named.test.ts']);
    expect([...c.externals.keys()]).toEqual(['zod']);
  });

  it('closureOf: a barrel entered whole follows its re-exports recursively, never deferred edges', () => {
    const c = closureOf(graph, ['t/whole.test.ts']);
    expect([...c.files.keys()].sort()).toEqual(['lib/a.ts', 'lib/index.ts', 'lib/own.ts', 'lib/sub/b.ts', 'lib/sub/index.ts', 't/whole.test.ts']);
    expect([...c.externals.keys()].sort()).toEqual(['pg', 'zod']);
  });

  it('closureOf: a file first entered for names and later whole gets its re-exports followed', () => {
    const c = closureOf(graph, ['t/named.test.ts', 't/whole.test.ts']);
    expect(c.files.has('lib/sub/b.ts')).toBe(true);
  });

  it('closureOf: a plain edge out of a file entered for names enters its target whole', () => {
    const c = closureOf(graph, ['t/via.test.ts']);
    expect(c.files.has('lib/sub/b.ts')).toBe(true);
  });

  it('gaps: per-component reach agrees with the closure, with paths through the right nodes', () => {
    const files = Object.keys(graph.files);
    const components = {
      a: { id: 'a', paths: ['lib/a.ts'], imports: [] },
      own: { id: 'own', paths: ['lib/own.ts'], imports: [] },
      sub: { id: 'sub', paths: ['lib/sub/b.ts'], imports: [] },
      lazy: { id: 'lazy', paths: ['lib/lazy.ts'], imports: [] },
      pg: { id: 'pg', paths: [], imports: ['pg'] },
      zod: { id: 'zod', paths: [], imports: ['zod'] },
    };
    const tests = ['t/named.test.ts', 't/whole.test.ts', 't/via.test.ts'].map((file) => testOf({ id: file, file, runner: 'vitest' }));
    const analysis = analyzeWorkflows({ tests, graph, components, workflows: {}, files });
    const reached = (id: string) => analysis.components.find((c) => c.id === id)!.tests.unit ?? 0;
    expect(Object.fromEntries(Object.keys(components).map((id) => [id, reached(id)]))).toEqual({ a: 3, own: 3, sub: 2, lazy: 0, pg: 2, zod: 3 });
    // the same answer as the closure, test by test
    for (const t of tests) {
      const closure = closureOf(graph, [t.file]);
      for (const [id, c] of Object.entries(components)) {
        const viaClosure = c.paths.some((p) => closure.files.has(p)) || c.imports.some((m) => closure.externals.has(m));
        const single = analyzeWorkflows({ tests: [t], graph, components, workflows: {}, files });
        expect([t.file, id, (single.components.find((x) => x.id === id)!.tests.unit ?? 0) > 0]).toEqual([t.file, id, viaClosure]);
      }
    }
  });

  it('gaps: --why paths name files, not internal node keys', () => {
    const files = Object.keys(graph.files);
    const components = { own: { id: 'own', paths: ['lib/own.ts'], imports: [] }, zod: { id: 'zod', paths: [], imports: ['zod'] } };
    const workflows = { w: { id: 'w', title: 'w', priority: 'P1' as const, tiers: ['unit'], chain: ['own', 'zod'] } };
    const t = testOf({ id: 'named', file: 't/named.test.ts', runner: 'vitest' });
    const analysis = analyzeWorkflows({ tests: [t], graph, components, workflows, files });
    const best = analysis.workflows[0]!.best!;
    expect(best.components.map((c) => c.path)).toEqual([
      [
        { file: 't/named.test.ts', line: 0 },
        { file: 'lib/index.ts', line: 1 },
        { file: 'lib/own.ts', line: 1 },
      ],
      [
        { file: 't/named.test.ts', line: 0 },
        { file: 'lib/index.ts', line: 1 },
        { file: 'zod', line: 6 },
      ],
    ]);
  });
});
