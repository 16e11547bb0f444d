import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * seams as another package sees it: a temporary package with `node_modules/seams` linked to this
 * checkout imports the built entry (`exports` → dist/index.js, `types` → dist/index.d.ts; npm test
 * builds dist/ first), runs it on examples/platform and type-checks a TypeScript consumer.
 */
const repo = path.resolve(import.meta.dirname, '../..');
const example = path.join(repo, 'examples/platform');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'seams-consumer-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repo, path.join(dir, 'node_modules/seams'), 'dir');
  symlinkSync(path.join(repo, 'node_modules/@types'), path.join(dir, 'node_modules/@types'), 'dir');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("import … from 'seams' in another package", () => {
  it('the package entry is built and declared', () => {
    expect(existsSync(path.join(repo, 'dist/index.js'))).toBe(true);
    expect(existsSync(path.join(repo, 'dist/index.d.ts'))).toBe(true);
  });

  it('scan, analyze, gate and report give real results on examples/platform', () => {
    writeFileSync(
      path.join(dir, 'use.mjs'),
      `import { scan, analyze, gate, report, renderers, loadRepoContext, evaluateMetric } from 'seams';
const root = process.argv[2];
const inventory = await scan([root]);
const [analysis] = await analyze([root], { now: new Date('2026-11-23T12:00:00Z') });
const gated = await gate([root], { now: new Date('2026-11-23T12:00:00Z'), db: 'sqlite:/nonexistent/seams-history.db' });
const reported = await report([root], { db: 'sqlite:/nonexistent/seams-history.db' });
const ctx = await loadRepoContext(root, { analysis: true });
const repo = inventory.repos[0];
console.log(JSON.stringify({
  name: repo.name,
  tests: repo.tests.length,
  integration: repo.tests.filter((t) => t.tier === 'integration').length,
  workflows: analysis.workflows.workflows.map((w) => [w.id, w.status]),
  critical: analysis.findings.critical,
  targets: analysis.targets.map((t) => [t.metric, t.status]),
  rules: gated.reports[0].results.map((r) => [r.name, r.status]),
  passed: gated.passed,
  markdown: renderers.report.markdown(reported.completion).split('\\n')[0],
  p1Uncovered: evaluateMetric('workflows.P1.uncovered', {}, ctx.inputs).value,
}));
`,
    );
    const r = spawnSync(process.execPath, ['use.mjs', example], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ name: 'platform', tests: 102, integration: 7, critical: 2, passed: false, markdown: '# Test completion report' });
    expect(out.workflows).toContainEqual(['parameter-flow', 'uncovered']);
    expect(out.p1Uncovered).toBe(2); // the two CRITICAL P1 workflows, through loadRepoContext + evaluateMetric
    expect(out.targets).toContainEqual(['tests.integration', 'open']);
    // the same targets, judged the same way, in the gate
    expect(out.rules).toContainEqual(['Integration tests', 'warn']);
    expect(out.rules).toContainEqual(['Browser e2e tests', 'fail']);
  });

  it('a TypeScript consumer type-checks against the declared types (tsc --noEmit)', () => {
    writeFileSync(
      path.join(dir, 'use.ts'),
      `import { analyze, gate, report, scan, type GateResult, type RepoAnalysis, type ScanResult } from 'seams';
const inventory: ScanResult = await scan(['.'], { verify: false });
const tests: number = inventory.repos[0]!.tests.length;
const analyses: RepoAnalysis[] = await analyze(['.']);
const gated: GateResult = await gate(['.'], { only: ['p1-workflows'] });
const passed: boolean = gated.passed && tests > 0 && analyses.length > 0;
const { completion } = await report(['.'], { runs: 5 });
const names: string[] = completion.repos.map((r) => r.name);
// @ts-expect-error: an option gate does not know
await gate(['.'], { bogus: true });
// @ts-expect-error: scan takes a list of paths
await scan('.');
export { passed, names };
`,
    );
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['use.ts'] }),
    );
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
