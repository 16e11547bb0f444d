import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { componentsReachedByTests } from '../../src/analysis/reach.js';
import { closureOf } from '../../src/core/graph.js';
import { analyzeWorkflows } from '../../src/core/gaps.js';
import { buildImportGraph } from '../../src/graph/index.js';
import { blockSkeleton, parsePythonImports, parsePythonOutline } from '../../src/graph/python.js';
import { createFileLister } from '../../src/workspace/files.js';
import { testOf } from './helpers.js';

/** Python static reach: TYPE_CHECKING, function-local imports, names through package re-exports. */

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

async function graphOf(fixture: string) {
  const root = path.join(fixtures, fixture);
  const files = await createFileLister(root)();
  const entries = files.filter((f) => f.startsWith('tests/'));
  const build = buildImportGraph(root, { files, entries });
  /** The repo files reach gets to from one test file. */
  const reach = (file: string) => [...closureOf(build.graph, [file]).files.keys()].filter((f) => f !== file).sort();
  const edges = (file: string) => build.graph.files[file]?.imports.map((e) => (e.kind ? `${e.file} (${e.kind})` : e.file)) ?? [];
  return { build, reach, edges, root, files };
}

describe('names through package re-exports', () => {
  it('reaches the module that defines an imported name, not everything the __init__ re-exports', async () => {
    const g = await graphOf('reach-py-reexport');
    expect(g.reach('tests/test_command.py')).toEqual(['pkg/__init__.py', 'pkg/core.py', 'pkg/util.py']);
    // the barrel's own re-export edges are kept, marked, and never followed
    expect(g.edges('pkg/__init__.py')).toEqual(['pkg/core.py (re-export)', 'pkg/util.py (re-export)', 'pkg/completion.py (re-export)']);
    // a submodule import reaches that submodule (and the package __init__, which runs)
    expect(g.reach('tests/test_submodule.py')).toEqual(['pkg/__init__.py', 'pkg/completion.py']);
    expect(g.build.diagnostics).toEqual([]);
  });

  it('from pkg import * takes the package whole', async () => {
    const g = await graphOf('reach-py-reexport');
    expect(g.reach('tests/test_star.py')).toEqual(['pkg/__init__.py', 'pkg/completion.py', 'pkg/core.py', 'pkg/util.py']);
  });

  it('respects __all__ in star re-exports and finds public names of packages without one', async () => {
    const g = await graphOf('reach-py-all');
    // run is in pkg.sub's __all__; helper is not, so `from pkg import helper` comes from pkg.other
    expect(g.reach('tests/test_run.py')).toEqual(['pkg/__init__.py', 'pkg/sub/__init__.py', 'pkg/sub/runner.py']);
    expect(g.reach('tests/test_helper.py')).toEqual(['pkg/__init__.py', 'pkg/other/__init__.py', 'pkg/other/tools.py']);
  });

  it('follows star re-export chains through nested packages', async () => {
    const g = await graphOf('reach-py-star-chain');
    expect(g.reach('tests/test_thing.py')).toEqual(['lib/__init__.py', 'lib/a/__init__.py', 'lib/a/b/__init__.py', 'lib/a/b/impl.py']);
    expect(g.reach('tests/test_deep.py')).toEqual(['lib/__init__.py', 'lib/a/__init__.py', 'lib/a/b/__init__.py', 'lib/a/b/more.py']);
    // not in more.py's __all__ and nowhere else: unresolved, so the package counts whole
    expect(g.reach('tests/test_missing.py')).toEqual([
      'lib/__init__.py',
      'lib/a/__init__.py',
      'lib/a/a_only.py',
      'lib/a/b/__init__.py',
      'lib/a/b/impl.py',
      'lib/a/b/more.py',
    ]);
  });

  it('ends on star re-export cycles between packages', async () => {
    const g = await graphOf('reach-py-cycle');
    // pkg.b star-imports pkg.a and back; alpha is defined in pkg/a/impl.py, beta is never needed
    expect(g.reach('tests/test_alpha.py')).not.toContain('pkg/b/impl.py');
    expect(g.reach('tests/test_alpha.py')).toContain('pkg/a/impl.py');
    expect(g.reach('tests/test_all.py')).toEqual(['pkg/__init__.py', 'pkg/a/__init__.py', 'pkg/a/impl.py', 'pkg/b/__init__.py', 'pkg/b/impl.py']);
  });

  it('import pkg + pkg.name, import pkg.sub as x + x.name, and pkg.sub.name chains', async () => {
    const g = await graphOf('reach-py-attr');
    expect(g.reach('tests/test_attr.py')).toEqual(['pkg/__init__.py', 'pkg/core.py']);
    expect(g.reach('tests/test_alias.py')).toEqual(['pkg/__init__.py', 'pkg/sub/__init__.py', 'pkg/sub/impl.py']);
    expect(g.reach('tests/test_chain.py')).toEqual(['pkg/__init__.py', 'pkg/sub/__init__.py', 'pkg/sub/impl.py']);
    // a package bound but never read by attribute: taken whole (what the __init__ imports, not pkg.sub)
    expect(g.reach('tests/test_bare.py')).toEqual(['pkg/__init__.py', 'pkg/core.py', 'pkg/extra.py']);
  });

  it('falls back to the whole __init__ for a name it defines itself or a name it cannot resolve', async () => {
    const g = await graphOf('reach-py-init-defined');
    expect(g.reach('tests/test_run.py')).toEqual(['pkg/__init__.py', 'pkg/core.py']);
    expect(g.reach('tests/test_local.py')).toEqual(['pkg/__init__.py', 'pkg/core.py', 'pkg/extra.py']);
    expect(g.reach('tests/test_unknown.py')).toEqual(['pkg/__init__.py', 'pkg/core.py', 'pkg/extra.py']);
  });
});

describe('imports that never run and imports that run later', () => {
  it('drops imports under TYPE_CHECKING in every spelling; else branches are normal', async () => {
    const g = await graphOf('reach-py-type-checking');
    expect(g.edges('app/core.py')).toEqual(['app/runtime.py', 'app/live.py', 'app/plain.py']);
    expect(g.reach('tests/test_core.py')).toEqual(['app/__init__.py', 'app/core.py', 'app/live.py', 'app/plain.py', 'app/runtime.py']);
    const scopes = parsePythonImports(readFileSync(path.join(g.root, 'app/core.py'), 'utf8'))
      .filter((i) => i.module !== '__future__' && !i.module.startsWith('typing'))
      .map((i) => `${i.line} ${i.module || '.'} ${i.scope ?? 'module'}`);
    expect(scopes).toEqual([
      '8 completion type-checking',
      '11 . type-checking',
      '14 app.heavy type-checking',
      '16 runtime module',
      '19 live module',
      '21 stubs type-checking',
      '23 . type-checking',
      '25 plain module',
    ]);
  });

  it('marks function-local imports deferred (class bodies are module level) and reach does not follow them', async () => {
    const g = await graphOf('reach-py-deferred');
    expect(g.edges('app/core.py')).toEqual(['app/util.py', 'app/completion.py (deferred)', 'app/__init__.py (deferred)', 'app/heavy.py (deferred)']);
    expect(g.reach('tests/test_core.py')).toEqual(['app/__init__.py', 'app/core.py', 'app/util.py']);
    // deferred targets are not parsed for their sake
    expect(Object.keys(g.build.graph.files)).not.toContain('app/completion.py');
  });

  it('the reduced parse (imports + block headers) gives the same imports as parsing the whole file', () => {
    const sources = [
      ['reach-py-deferred', 'app/core.py'],
      ['reach-py-type-checking', 'app/core.py'],
    ].map(([f, file]) => readFileSync(path.join(fixtures, f!, file!), 'utf8'));
    sources.push(
      [
        'import os',
        '@decorator(',
        '    "x")',
        'def f(a,  # a comment: with a colon:',
        '      b="""',
        'def not_a_header():',
        '"""):',
        '    x = {1:',
        '         2}',
        '    if a: return 1',
        '    while True:',
        '        break',
        '    else:',
        '        from .late import thing',
        'class Empty: pass',
        'match = 3',
        'if x:  # nothing imported below',
        '    y = 1',
        'elif z:',
        '    import zed',
      ].join('\n'),
    );
    for (const src of sources) {
      expect(parsePythonImports(src)).toEqual(parsePythonOutline(src).imports);
      expect(blockSkeleton(src).split('\n')).toHaveLength(src.split('\n').length);
    }
    expect(parsePythonImports(sources[2]!).map((i) => `${i.line} ${i.module} ${i.scope ?? 'module'}`)).toEqual(['1 os module', '14 late function', '20 zed module']);
  });
});

describe('block skeleton', () => {
  it('keeps the headers that enclose imports (with the other clauses of their statement), as stand-ins unless their text matters', () => {
    const src = [
      'import os',
      'def unrelated(a,',
      '              b):',
      '    return a',
      'class Holder(Base):',
      '    def method(self):',
      '        if ready:',
      '            pass',
      '        else:',
      '            from .late import thing',
      'if TYPE_CHECKING:  # types: only',
      '    from .types import T',
      'try:',
      '    import fast',
      'except ImportError:',
      '    fast = None',
    ].join('\n');
    expect(blockSkeleton(src).split('\n')).toEqual([
      'import os',
      '',
      '',
      '',
      'class _:',
      '    def _():',
      '        if _: ...',
      '',
      '        else:',
      '            from .late import thing',
      'if TYPE_CHECKING:  # types: only',
      '    from .types import T',
      'try:',
      '    import fast',
      'except _: ...',
      '',
    ]);
  });
});

describe('per-test reach and gaps', () => {
  it('componentsReachedByTests gives each test the components analyzeWorkflows counts', async () => {
    const g = await graphOf('reach-py-reexport');
    const components = {
      core: { id: 'core', paths: ['pkg/core.py'], imports: [] },
      util: { id: 'util', paths: ['pkg/util.py'], imports: [] },
      completion: { id: 'completion', paths: ['pkg/completion.py'], imports: [] },
      environ: { id: 'environ', paths: [], imports: ['os'] },
    };
    const tests = ['test_command.py', 'test_star.py', 'test_submodule.py'].map((f) => testOf({ id: `tests/${f}::t`, file: `tests/${f}` }));
    const perTest = componentsReachedByTests({ tests, graph: g.build.graph, components });
    expect(perTest.map((t) => [t.file, t.components])).toEqual([
      ['tests/test_command.py', ['core', 'util']],
      ['tests/test_star.py', ['completion', 'core', 'environ', 'util']],
      ['tests/test_submodule.py', ['completion', 'environ']],
    ]);
    const gaps = analyzeWorkflows({ tests, graph: g.build.graph, components, workflows: {}, files: g.files });
    expect(Object.fromEntries(gaps.components.map((c) => [c.id, c.tests.unit]))).toEqual({ core: 2, util: 2, completion: 2, environ: 2 });
  });
});

describe('seams gaps end to end', () => {
  it('a test of the command does not reach completion through the re-exporting package; --why shows the defining module', async () => {
    const { cpSync, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { runCli } = await import('../helpers/cli.js');
    const root = mkdtempSync(path.join(tmpdir(), 'seams-reach-py-'));
    cpSync(path.join(fixtures, 'reach-py-reexport'), root, { recursive: true });
    writeFileSync(
      path.join(root, 'seams.yaml'),
      [
        'components:',
        '  command: { paths: [pkg/core.py] }',
        '  completion: { paths: [pkg/completion.py] }',
        'workflows:',
        '  complete-command:',
        '    title: A command completes its arguments',
        '    priority: P1',
        '    tiers: [unit]',
        '    chain: [command, completion]',
      ].join('\n'),
    );
    const r = await runCli(['gaps', root, '--format', 'json']);
    expect(r.code).toBe(0);
    const repo = JSON.parse(r.stdout).repos[0];
    // test_command.py (1 test) reaches only the command; test_star.py takes the package whole and
    // test_submodule.py imports the completion module: one test each
    expect(Object.fromEntries(repo.components.map((c: any) => [c.id, c.tests.unit]))).toEqual({ command: 2, completion: 2 });
    const wf = repo.workflows[0];
    expect(wf.status).toBe('covered');
    expect(wf.examples.map((e: any) => e.test)).toEqual(['tests/test_star.py::test_everything']);
    const why = await runCli(['gaps', root, '--why', 'complete-command']);
    expect(why.stdout).toContain('tests/test_star.py:1 → pkg/completion.py');
  });
});
