import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { validateAgainst } from '../helpers/schema.js';
import { writeRepo } from './helpers.js';

const example = path.resolve(import.meta.dirname, '../../examples/platform');

describe('seams gaps on examples/platform', () => {
  let json: any;
  let text: CliResult;
  beforeAll(async () => {
    const r = await runCli(['gaps', example, '--format', 'json']);
    expect(r.code).toBe(0);
    json = JSON.parse(r.stdout);
    text = await runCli(['gaps', example]);
  });

  it('validates against schemas/gaps.schema.json', () => {
    expect(validateAgainst('gaps.schema.json', json)).toBe('');
  });

  it('finds the deliberate workflow gaps, ordered by severity', () => {
    const wfs = json.repos[0].workflows.map((w: any) => [w.id, w.status, w.severity, w.missing]);
    expect(wfs).toEqual([
      ['parameter-flow', 'uncovered', 'critical', ['params-loader', 'params-flow', 'parameter-store']],
      ['secret-provisioning', 'partial', 'critical', ['secret-templates']],
      ['audit-trail', 'partial', 'high', ['web-api']],
      ['ecr-sync', 'covered', null, []],
      ['image-dashboard', 'covered', null, []],
      ['sync-lock', 'covered', null, []],
    ]);
    const ecr = json.repos[0].workflows.find((w: any) => w.id === 'ecr-sync');
    expect(ecr.tiers.find((t: any) => t.tier === 'integration').tests).toBe(2);
    // the reach path of the registry goes through the client factory to boto3
    const registry = ecr.examples[0].components.find((c: any) => c.component === 'ecr-registry');
    expect(registry.path.map((s: any) => s.file).slice(-2)).toEqual(['scripts/common/aws.py', 'boto3']);
    expect(json.repos[0].findings.critical).toBe(2);
    expect(json.repos[0].findings.high).toBe(1);
  });

  it('prints workflows by severity, then requirements, then targets', () => {
    const out = text.stdout;
    expect(out).toMatch(/Workflows: 6, 3 covered; gaps: 2 critical, 1 high, 0 medium/);
    const iCrit = out.indexOf('CRITICAL  parameter-flow');
    const iHigh = out.indexOf('HIGH      audit-trail');
    const iReq = out.indexOf('Requirements:');
    const iTargets = out.indexOf('Targets:');
    expect(iCrit).toBeGreaterThan(0);
    expect(iCrit < iHigh && iHigh < iReq && iReq < iTargets).toBe(true);
    expect(out).toMatch(/partial: missing secret-templates/);
    expect(out).toMatch(/tests\.e2e \(Browser e2e tests\)\s+5\s+10\s+2026-10-31\s+LATE/);
  });

  it('--why shows the reach path of each component, and the closest test for a gap', async () => {
    const r = await runCli(['gaps', example, '--why', 'secret-provisioning']);
    expect(r.stdout).toContain('closest integration/e2e test:');
    expect(r.stdout).toMatch(/secret-templates\s+NOT REACHED/);
    expect(r.stdout).toMatch(/secret-provisioner\s+imports: tests\/integration\/test_secret_provisioning\.py:\d+ → scripts\/secrets\/provisioner\.py/);
    const bad = await runCli(['gaps', example, '--why', 'secret-provisionin']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown workflow or component "secret-provisionin" \(did you mean "secret-provisioning"\?\)/);
    expect(bad.stderr).toMatch(/^hint: workflows: .*; components: .*ecr-pusher/m);
  });

  it('--fail-on turns gaps into exit 1 and says why on stderr', async () => {
    const critical = await runCli(['gaps', example, '--fail-on', 'critical']);
    expect(critical.code).toBe(1);
    expect(critical.stderr).toBe('seams: 2 critical gaps (--fail-on critical)\n');
    const high = await runCli(['gaps', example, '--fail-on', 'high', '--format', 'json']);
    expect(high.code).toBe(1);
    expect(high.stderr).toBe('seams: 3 gaps at high or worse: 2 critical, 1 high (--fail-on high)\n');
    expect(() => JSON.parse(high.stdout)).not.toThrow();
    expect((await runCli(['gaps', example, '--fail-on', 'nope'])).code).toBe(2);
  });

  it('markdown reproduces the planning-document tables', async () => {
    const r = await runCli(['gaps', example, '--format', 'markdown']);
    for (const h of ['## Current State', '## Critical Workflows Without Integration Tests', '## Requirements Without Tests', '## Success Criteria'])
      expect(r.stdout).toContain(h);
    expect(r.stdout).toContain('| Parameter flow to SSM (`parameter-flow`) | params-loader → params-flow → parameter-store | P1 | CRITICAL | medium |');
    expect(r.stdout).toMatch(/\| Metric \| Current \| Target \| Due \| Status \|\n\|---\|---:\|---:\|---:\|---\|\n\| tests\.integration \(Integration tests\) \| 7 \| 15 \| 2026-12-31 \|/);
  });
});

describe('seams trace on examples/platform', () => {
  it('matrix with orphan and duplicate, valid JSON', async () => {
    const r = await runCli(['trace', example, '--format', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(validateAgainst('trace.schema.json', json)).toBe('');
    const repo = json.repos[0];
    expect(repo.sources).toEqual(['specs/ecr-sync.md', 'specs/params.md', 'specs/secrets.md', 'specs/web.md']);
    const fr31 = repo.requirements.find((x: any) => x.id === 'FR-031');
    expect(fr31).toMatchObject({ status: 'covered', needsIntegration: true, file: 'specs/web.md', line: 6 });
    expect(fr31.tiers.map((t: any) => t.tier)).toEqual(['integration']);
    expect(repo.requirements.find((x: any) => x.id === 'FR-020')).toMatchObject({ title: 'Nested keys MUST be flattened into /app/env/a/b paths', file: 'specs/params.md', line: 7 });
    // asks for an integration test; only a unit test (docstring "Covers: FR-020, FR-022") references it
    expect(repo.requirements.find((x: any) => x.id === 'FR-022')).toMatchObject({ status: 'covered-only-by-unit', needsIntegration: true });
    expect(repo.orphans.map((o: any) => o.id)).toEqual(['FR-034']);
    expect(repo.duplicates).toEqual([
      { id: 'FR-007', definitions: [expect.objectContaining({ file: 'specs/ecr-sync.md', line: 14 }), expect.objectContaining({ file: 'specs/secrets.md', line: 10 })] },
    ]);
    const md = await runCli(['trace', example, '--format', 'markdown']);
    expect(md.stdout).toContain('## Traceability');
    expect(md.stdout).toContain('#### Orphan references');
  });
});

describe('the example tells one story in gaps and trace (markers, docstrings, titles)', () => {
  it('keeps two CRITICAL P1 gaps while pytest markers and docstrings cover requirements', async () => {
    const trace = JSON.parse((await runCli(['trace', example, '--format', 'json'])).stdout).repos[0];
    const status = (id: string) => trace.requirements.find((r: any) => r.id === id).status;
    // @pytest.mark.requirement("FR-003") on a unit test, FR-006 on an integration test
    expect(status('FR-003')).toBe('covered');
    expect(status('FR-006')).toBe('covered');
    expect(status('FR-022')).toBe('covered-only-by-unit');
    expect(trace.summary).toMatchObject({ total: 22, covered: 13, coveredOnlyByUnit: 1, uncovered: 8 });
    const gaps = await runCli(['gaps', example, '--fail-on', 'critical']);
    expect(gaps.code).toBe(1);
    expect(gaps.stderr).toBe('seams: 2 critical gaps (--fail-on critical)\n');
    expect(gaps.stdout).toContain('Requirements: 22 defined, 13 covered (59.1%), 8 uncovered, 1 only by unit tests');
    // the explicit workflow("ecr-sync") marker and the import graph agree: covered at integration
    expect(gaps.stdout).toMatch(/ok {8}ecr-sync +P1 .* covered\n/);
  });
});

describe('configuration errors: one line with file:line:col and a hint, exit 2', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown component', 'components:\n  a: { paths: [x.py] }\nworkflows:\n  w: { chain: [a, b] }\n', /seams\.yaml:4:19: workflow "w" names unknown component "b" \(did you mean "a"\?\)/],
    ['cycle', 'components:\n  a: { paths: [x.py] }\nworkflows:\n  w:\n    chain: [a, a]\n', /seams\.yaml:5:16: workflow "w" chain visits "a" twice \(a cycle\)/],
    ['duplicate workflow', 'components:\n  a: {}\nworkflows:\n  w: { chain: [a] }\n  w: { chain: [a] }\n', /seams\.yaml:5:3: duplicate key/],
    ['invalid regex', 'requirements:\n  pattern: "FR-(\\\\d+"\n', /seams\.yaml:2:12: invalid regular expression/],
    ['key typo', 'workflows:\n  w:\n    chian: [a]\n', /seams\.yaml:3:5: unknown key "chian" in workflows\.w \(did you mean "chain"\?\)/],
  ];
  for (const [name, yaml, message] of cases)
    it(name, async () => {
      const root = writeRepo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
      writeFileSync(path.join(root, 'seams.yaml'), yaml);
      for (const cmd of ['gaps', 'trace']) {
        const r = await runCli([cmd, root]);
        expect(r.code).toBe(2);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(message);
        expect(lines[1]).toMatch(/^hint: /);
      }
    });
});

describe('several repositories', () => {
  it('markdown compares repos side by side; trace --fail-on looks at requirement gaps only', async () => {
    const other = writeRepo({
      'tests/integration/test_a.py': 'def test_a():\n    pass\n',
      'specs/s.md': '- **FR-001**: one\n',
    });
    const r = await runCli(['gaps', example, other, '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| Tier \| platform tests \(files\) \| seams-gaps-\w+ tests \(files\) \| Total tests \|/);
    expect(r.stdout).toMatch(/\| integration \| 7 \(4\) \| 1 \(1\) \| 8 \|/);
    expect(r.stdout).toMatch(/\| Repo \| Workflow \| Chain \|/);
    const medium = await runCli(['trace', other, '--fail-on', 'medium']);
    expect(medium.code).toBe(1);
    expect(medium.stderr).toBe('seams: 1 medium requirement gap (--fail-on medium)\n');
    const high = await runCli(['trace', other, '--fail-on', 'high']);
    expect(high.code).toBe(0);
    expect(high.stderr).toBe('');
  });
});

describe('a repo without seams.yaml', () => {
  it('still analyses requirements and says how to declare workflows', async () => {
    const root = writeRepo({
      'tests/test_a.py': '"""Covers: FR-001"""\ndef test_a():\n    pass\n',
      'docs/spec.md': '- **FR-001**: do it\n- **FR-002**: do more\n',
    });
    const r = await runCli(['gaps', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(no seams.yaml: run `seams init`)');
    expect(r.stdout).toContain('Workflows: none declared');
    expect(r.stdout).toMatch(/Requirements: 2 defined/);
  });
});

describe('paths relative to the working directory of the CLI', () => {
  it('resolves repo, --config and --output against io.cwd', async () => {
    const root = writeRepo({ 'tests/test_a.py': 'def test_a():\n    pass\n', 'alt.yaml': 'requirements:\n  sources: ["notes/*.txt"]\n', 'notes/r.txt': 'FR-100 plain text requirement\n' });
    const r = await runCli(['trace', '.', '-c', 'alt.yaml', '-o', 'out.json', '-f', 'json'], { cwd: root });
    expect(r.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync(path.join(root, 'out.json'), 'utf8'));
    expect(json.repos[0].requirements.map((x: any) => [x.id, x.title, x.file, x.line])).toEqual([['FR-100', 'plain text requirement', 'notes/r.txt', 1]]);
  });
});
