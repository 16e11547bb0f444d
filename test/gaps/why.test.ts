import path from 'node:path';
import picomatch from 'picomatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepos } from '../../src/app/repos.js';
import { closureOf, moduleMatches } from '../../src/core/graph.js';
import { buildImportGraph } from '../../src/graph/index.js';
import { companionFilesOf } from '../../src/runners/registry.js';
import { createFileLister } from '../../src/workspace/files.js';
import { runCli } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';
import { writeRepo } from './helpers.js';

const example = path.resolve(import.meta.dirname, '../../examples/platform');

/**
 * The tests reaching each component, computed without core/gaps: one forward closure per test
 * file (core/gaps walks the reversed graph once per component), plus markers and workflow tags.
 */
async function independentReach(root: string): Promise<Map<string, Set<string>>> {
  const [repo] = await loadRepos([root]);
  const { inventory, config } = repo!;
  const files = await createFileLister(root)();
  const companions = companionFilesOf(inventory.tests, files);
  const testFiles = [...new Set(inventory.tests.map((t) => t.file))];
  const { graph } = buildImportGraph(root, { files, entries: [...testFiles, ...new Set([...companions.values()].flat())] });
  const out = new Map<string, Set<string>>();
  const components = Object.values(config.config.components);
  for (const c of components) out.set(c.id, new Set());
  for (const t of inventory.tests) {
    if (t.status === 'skip' || t.status === 'todo') continue;
    const closure = closureOf(graph, [t.file, ...(companions.get(`${t.runner}\0${t.file}`) ?? [])]);
    for (const c of components) {
      const match = c.paths.length ? picomatch(c.paths, { dot: true }) : () => false;
      const byImports = [...closure.files.keys()].some((f) => match(f)) || [...closure.externals.keys()].some((m) => c.imports.some((w) => moduleMatches(m, w)));
      const byRef = t.refs.components.includes(c.id) || t.refs.workflows.some((w) => config.config.workflows[w]?.chain.includes(c.id));
      if (byImports || byRef) out.get(c.id)!.add(t.id);
    }
  }
  return out;
}

describe('seams gaps --why <component>', () => {
  let truth: Map<string, Set<string>>;
  beforeAll(async () => {
    truth = await independentReach(example);
  });

  it('--format json prints one object whose tests are exactly the reaching tests, and no other test id', async () => {
    const all = (await loadRepos([example]))[0]!.inventory.tests.map((t) => t.id);
    // a paths: component, an imports: component, a TypeScript one and one reached only by tags
    for (const component of ['ecr-pusher', 'ecr-registry', 'web-api', 'audit-store', 'secret-templates']) {
      const r = await runCli(['gaps', example, '--why', component, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(validateAgainst('gaps-why.schema.json', doc)).toBe('');
      expect(doc).toMatchObject({ repo: 'platform', component, evidence: 'imports', importedNotExecuted: 0 });
      const ids = doc.tests.map((t: { id: string }) => t.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort(), component).toEqual([...truth.get(component)!].sort());
      // no other test id anywhere in the output
      const others = all.filter((id) => !truth.get(component)!.has(id) && r.stdout.includes(JSON.stringify(id)));
      expect(others).toEqual([]);
    }
  });

  it('the per-tier counts of the gaps JSON agree with the --why lists', async () => {
    const gaps = JSON.parse((await runCli(['gaps', example, '--format', 'json'])).stdout);
    for (const c of gaps.repos[0].components) {
      const expected = [...truth.get(c.id)!].length;
      expect(Object.values(c.tests as Record<string, number>).reduce((a, b) => a + b, 0), c.id).toBe(expected);
    }
  });

  it('text lists the tests per tier with their evidence and path', async () => {
    const r = await runCli(['gaps', example, '--why', 'ecr-pusher']);
    expect(r.code).toBe(0);
    const n = truth.get('ecr-pusher')!.size;
    expect(r.stdout).toMatch(new RegExp(`component ecr-pusher: ${n} active tests reach it \\(unit \\d+ · integration \\d+\\); evidence: imports \\(no measured reach\\)`));
    expect(r.stdout).toMatch(/^ {4}integration:$/m);
    expect(r.stdout).toMatch(/tests\/integration\/test_ecr_sync\.py::test_sync_creates_repositories_and_tags {2}imports: tests\/integration\/test_ecr_sync\.py:\d+ → scripts\/ecr\/pusher\.py$/m);
  });

  it('an id that is neither: exit 2 with "did you mean"; two ids with JSON: exit 2', async () => {
    const bad = await runCli(['gaps', example, '--why', 'ecr-pushr']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^seams: --why: unknown workflow or component "ecr-pushr" \(did you mean "ecr-pusher"\?\)\nhint: /);
    const kind = await runCli(['gaps', example, '--why', 'component:ecr-sync']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/unknown component "ecr-sync"/);
    const two = await runCli(['gaps', example, '--why', 'ecr-pusher', 'ecr-sync', '--format', 'json']);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/--why with --format json answers one id, got 2/);
  });

  it('a workflow as one JSON object: the tests reaching the whole chain', async () => {
    const r = await runCli(['gaps', example, '--why', 'ecr-sync', '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(validateAgainst('gaps-why.schema.json', doc)).toBe('');
    const full = [...truth.get('ecr-parser')!].filter((id) => truth.get('ecr-pusher')!.has(id) && truth.get('ecr-registry')!.has(id));
    expect(doc.tests.map((t: { id: string }) => t.id).sort()).toEqual(full.sort());
    expect(doc).toMatchObject({ workflow: 'ecr-sync', status: 'covered', chain: ['ecr-parser', 'ecr-pusher', 'ecr-registry'], evidence: 'imports' });
    expect(doc.tests[0].components.map((c: { component: string }) => c.component)).toEqual(doc.chain);
  });
});

/** A pytest repo of `n` unit tests that import the core, one integration test through the API. */
function saturatedRepo(n: number): string {
  const tests = Array.from({ length: n }, (_, i) => `def test_${i}():\n    assert double(${i}) == ${2 * i}\n`).join('\n');
  return writeRepo({
    'pytest.ini': '[pytest]\n',
    'seams.yaml': [
      'components:',
      '  core: { paths: [pkg/core.py] }',
      '  api: { paths: [pkg/api.py] }',
      'workflows:',
      '  api: { chain: [api, core], priority: P1 }',
      '',
    ].join('\n'),
    'pkg/__init__.py': '',
    'pkg/core.py': 'def double(x):\n    return 2 * x\n',
    'pkg/api.py': 'from pkg.core import double\n\ndef handle(x):\n    return double(x)\n',
    'tests/unit/test_core.py': `from pkg.core import double\n\n${tests}`,
    'tests/integration/test_api.py': 'from pkg.api import handle\n\ndef test_handle():\n    assert handle(1) == 2\n',
  });
}

describe('an id that is a workflow and a component', () => {
  it('shows the workflow, says how to pick the component, and component:<id> picks it', async () => {
    const root = saturatedRepo(3);
    const r = await runCli(['gaps', root, '--why', 'api']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('seams: note: "api" is a workflow and a component; showing the workflow (--why component:api for the component)\n');
    expect(r.stdout).toContain('  api — api (P1): covered by 1 integration test');
    const c = await runCli(['gaps', root, '--why', 'component:api', '--format', 'json']);
    expect(c.stderr).toBe('');
    expect(JSON.parse(c.stdout)).toMatchObject({ component: 'api', tests: [{ id: 'tests/integration/test_api.py::test_handle', tier: 'integration', evidence: 'imports' }] });
    const w = await runCli(['gaps', root, '--why', 'workflow:api', '--format', 'json']);
    expect(JSON.parse(w.stdout).workflow).toBe('api');
  });
});

describe('saturation', () => {
  const hint = 'reach is saturated: 25 of 25 tests (100.0%) reach "core" through imports; measured reach tells which execute it: seams run --reach';

  it('says so in text, JSON, Markdown and the report', async () => {
    const root = saturatedRepo(24);
    const text = await runCli(['gaps', root]);
    expect(text.stdout).toContain(`\n    ${hint}\n`);
    const json = JSON.parse((await runCli(['gaps', root, '--format', 'json'])).stdout);
    expect(validateAgainst('gaps.schema.json', json)).toBe('');
    expect(json.repos[0].saturated).toEqual([{ component: 'core', tests: 25, total: 25, share: 1, evidence: 'imports', executed: 0 }]);
    expect(json.repos[0].reach).toMatchObject({ evidence: 'imports', measured: 0, static: 25 });
    const md = (await runCli(['gaps', root, '--format', 'markdown'])).stdout;
    expect(md).toContain('### Reach');
    expect(md).toContain('**reach is saturated: 25 of 25 tests (100.0%) reach "core" through imports; measured reach tells which execute it: seams run --reach**');
    const completion = await runCli(['report', root, '--markdown']);
    expect(completion.code, completion.stderr).toBe(0);
    expect(completion.stdout).toContain('## Reach');
    expect(completion.stdout).toContain(`- **${hint}**`);
    expect(completion.stdout).toMatch(/- Reach of `core` is saturated \(100(\.0)?%/);
    const html = await runCli(['report', root, '--html', path.join(root, 'r.html')]);
    expect(html.code, html.stderr).toBe(0);
    const page = (await import('node:fs')).readFileSync(path.join(root, 'r.html'), 'utf8');
    expect(page).toContain(JSON.stringify({ repo: path.basename(root), line: hint, saturated: true }).replace(/</g, '\\u003c'));
  });

  it('a repository under 20 tests, or one where no component dominates, gets no hint', async () => {
    const small = await runCli(['gaps', saturatedRepo(10)]);
    expect(small.stdout).not.toContain('saturated');
    expect((await runCli(['gaps', example])).stdout).not.toContain('saturated');
  });
});
