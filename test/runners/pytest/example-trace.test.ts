import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// End to end through the built CLI (`npm test` builds first; run `npm run build` before running this file alone).
const root = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(root, 'bin/seams.js');
const example = path.join(root, 'examples/platform');

function seams(...args: string[]): any {
  const r = spawnSync('node', [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** `file → ids` of every `@pytest.mark.requirement(...)` in the example's Python tests. */
function markerRequirements(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^test_.*\.py$/.test(e.name)) {
        const text = readFileSync(p, 'utf8');
        const ids = [...text.matchAll(/@pytest\.mark\.requirement\(([^)]*)\)/g)].flatMap((m) => [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!));
        if (ids.length) out.set(path.relative(example, p).split(path.sep).join('/'), ids);
      }
    }
  };
  walk(path.join(example, 'tests'));
  return out;
}

describe('examples/platform: pytest marker references reach trace', () => {
  it('counts every requirement named by @pytest.mark.requirement(...) as covered by a test of that file', () => {
    const byFile = markerRequirements();
    expect(byFile.size).toBeGreaterThanOrEqual(5);
    const trace = seams('trace', 'examples/platform', '--format', 'json');
    const reqs = new Map<string, any>(trace.repos[0].requirements.map((r: any) => [r.id, r]));
    for (const [file, ids] of byFile)
      for (const id of ids) {
        const r = reqs.get(id);
        expect(r, id).toBeDefined();
        expect(r.status, `${id} (${file})`).not.toBe('uncovered');
        const files = r.tiers.flatMap((t: any) => t.tests.map((x: any) => x.file));
        expect(files, `${id} should be covered by ${file}`).toContain(file);
      }
    // FR-022 has only a unit test (tests/unit/test_params_flow.py), as the example's README says.
    expect(reqs.get('FR-022').status).toBe('covered-only-by-unit');
  });

  it('puts @pytest.mark.workflow(...) from a module pytestmark into refs.workflows', () => {
    const scan = seams('scan', 'examples/platform', '--format', 'json');
    const tests = scan.repos[0].tests.filter((t: any) => t.file === 'tests/integration/test_ecr_sync.py');
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) expect(t.refs.workflows).toEqual(['ecr-sync']);
  });
});
