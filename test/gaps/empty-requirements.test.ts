import { describe, expect, it } from 'vitest';
import { metricValue } from '../../src/core/metrics/index.js';
import { buildTrace } from '../../src/core/trace.js';
import { runCli } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';
import { writeRepo } from './helpers.js';

/** QA finding 20: a typo in requirements.sources made the requirements gate pass at "100 %". */
function typoRepo(extra = ''): string {
  return writeRepo({
    'tests/test_a.py': 'def test_a():\n    """Covers: FR-001"""\n    pass\n',
    'specs/s.md': '- **FR-001**: one\n- **FR-002**: two\n',
    'seams.yaml': `requirements: { sources: ["spec/*.md"] }\ngates:\n  req: { metric: requirements.covered, min: 0.9 }\n${extra}`,
  });
}

describe('shares over an empty set are n/a, never 100 %', () => {
  it('trace: no requirement defined → coveredShare null; the metrics say why', () => {
    const trace = buildTrace({ definitions: [], tests: [], needsIntegration: 'integration', critical: [], integrationTiers: ['integration'] });
    expect(trace.summary.coveredShare).toBeNull();
    const covered = metricValue('requirements.covered', { tests: [], trace, requirementSources: [] })!;
    expect(covered.value).toBeNull();
    expect(covered.missing).toBe('n/a: no requirements defined (requirements.sources match no file)');
    expect(metricValue('requirements.covered', { tests: [], trace, requirementSources: ['specs/a.md'] })!.missing).toMatch(/define no id/);
    expect(metricValue('requirements.critical.covered', { tests: [], trace })!.value).toBeNull();
    const workflows = { workflows: [], components: [], diagnostics: [] } as never;
    expect(metricValue('workflows.P1.covered', { tests: [], workflows })).toMatchObject({ value: null, missing: expect.stringMatching(/^n\/a: no P1 workflows declared/) });
  });

  it('gaps and trace name the glob that matches no file; JSON stays valid', async () => {
    const root = typoRepo();
    const gaps = await runCli(['gaps', root]);
    expect(gaps.code).toBe(0);
    expect(gaps.stdout).toContain('Requirements: 0 defined, 0 covered (n/a)');
    expect(gaps.stdout).toContain('requirements.sources "spec/*.md" matches no file');
    const trace = await runCli(['trace', root]);
    expect(trace.stdout).toContain('0 requirements, 0 covered (n/a)');
    expect(trace.stdout).toContain('  warning: requirements.sources "spec/*.md" matches no file');
    const json = JSON.parse((await runCli(['gaps', root, '--format', 'json'])).stdout);
    expect(validateAgainst('gaps.schema.json', json)).toBe('');
    expect(json.repos[0].metrics['requirements.covered']).toBeNull();
    const tjson = JSON.parse((await runCli(['trace', root, '--format', 'json'])).stdout);
    expect(validateAgainst('trace.schema.json', tjson)).toBe('');
    expect(tjson.repos[0].diagnostics.map((d: { code: string }) => d.code)).toEqual(['REQUIREMENTS_SOURCE_EMPTY']);
  });

  it('sources that match files but define no id are reported too', async () => {
    const root = writeRepo({
      'tests/test_a.py': 'def test_a():\n    pass\n',
      'specs/s.md': '# Notes\n\nnothing here\n',
      'seams.yaml': 'requirements: { sources: ["specs/*.md"] }\n',
    });
    expect((await runCli(['gaps', root])).stdout).toMatch(/requirements\.sources match specs\/s\.md but define no id matching/);
  });

  it('the default sources matching nothing is not a warning (most repos have no specs)', async () => {
    const root = writeRepo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    expect((await runCli(['gaps', root])).stdout).not.toMatch(/matches no file/);
  });

  it('gate: a gate on an n/a share fails with the reason instead of passing at 100 %', async () => {
    const r = await runCli(['gate', typoRepo()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+req\s+requirements\.covered/);
    expect(r.stdout).toContain('n/a: no requirements defined (requirements.sources match no file)');
    expect(r.stdout).not.toContain('100%');
    // with the glob fixed, the same gate measures 50 % and fails for that reason
    const fixed = writeRepo({
      'tests/test_a.py': 'def test_a():\n    """Covers: FR-001"""\n    pass\n',
      'specs/s.md': '- **FR-001**: one\n- **FR-002**: two\n',
      'seams.yaml': 'requirements: { sources: ["specs/*.md"] }\ngates:\n  req: { metric: requirements.covered, min: 0.9 }\n',
    });
    const ok = await runCli(['gate', fixed]);
    expect(ok.stdout).toMatch(/50%/);
  });
});

describe('a repository whose docs define no requirement (issue 15: noise)', () => {
  it('gaps names three of the files it searched and how many more; --verbose names them all', async () => {
    const docs = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`docs/page${i}.md`, `# Page ${i}\n\nNo ids here.\n`]));
    const root = writeRepo({ 'tests/test_a.py': 'def test_a():\n    pass\n', ...docs });
    const gaps = await runCli(['gaps', root]);
    expect(gaps.code).toBe(0);
    const line = gaps.stdout.split('\n').find((l) => l.includes('Requirements: none found in'))!;
    expect(line).toMatch(/none found in docs\/page\d\.md, docs\/page\d\.md, docs\/page\d\.md and 4 more files \(--verbose lists them\)$/);
    const verbose = await runCli(['gaps', root, '--verbose']);
    const all = verbose.stdout.split('\n').find((l) => l.includes('Requirements: none found in'))!;
    expect(all.match(/docs\/page\d\.md/g)).toHaveLength(7);
    expect(all).not.toContain('more file');
  });
});
