/**
 * Native collection of chosen files (the `collect` member of the runner contract): the command a
 * runner builds, run with the real tool, lists exactly the ids the static scan found for those
 * files — and only those files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { getRunner } from '../../src/runners/registry.js';
import { scanRepo } from '../../src/scan/index.js';
import { execCommand } from '../../src/util/exec.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const workDir = mkdtempSync(path.join(os.tmpdir(), 'seams-collect-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function collect(runnerId: string, root: string, rootDir: string, files: string[], python: string) {
  const collector = getRunner(runnerId)!.collect!;
  const input = { root, rootDir, project: null, files, python, workDir };
  const spec = collector.command(input);
  // pure: the same input gives the same command, and nothing was written
  expect(collector.command(input)).toEqual(spec);
  for (const f of spec.files ?? []) writeFileSync(f.path, f.content);
  const r = await execCommand(spec.argv[0]!, spec.argv.slice(1), { cwd: spec.cwd, env: { ...process.env, ...spec.env }, timeoutMs: 120_000 });
  return collector.parse({ stdout: r.stdout, stderr: r.stderr, code: r.code, report: null }, input);
}

describe('pytest collect', () => {
  const root = path.resolve(here, '../fixtures/pytest/suite');

  it('lists the node ids of the chosen files only, equal to the static ones', async () => {
    const inventory = await scanRepo(root);
    const byFile = new Map<string, string[]>();
    for (const t of inventory.tests.filter((t) => t.runner === 'pytest' && !t.dynamic)) byFile.set(t.file, [...(byFile.get(t.file) ?? []), t.id]);
    const chosen = [...byFile.keys()].sort().slice(0, 2);
    expect(chosen.length).toBe(2);
    const rootDir = inventory.runners.find((r) => r.runner === 'pytest')!.rootDir;
    const got = await collect('pytest', root, rootDir, chosen, 'python3');
    expect(got.errors).toEqual([]);
    expect(got.tests.map((t) => t.id).sort()).toEqual(chosen.flatMap((f) => byFile.get(f)!).sort());
    for (const t of got.tests) expect(chosen).toContain(t.file);
  });

  it('reports a file pytest cannot import as an error with its path', async () => {
    const dir = mkdtempSync(path.join(workDir, 'broken-'));
    writeFileSync(path.join(dir, 'test_ok.py'), 'def test_a():\n    pass\n');
    writeFileSync(path.join(dir, 'test_broken.py'), 'import no_such_module_here\n\ndef test_b():\n    pass\n');
    const got = await collect('pytest', dir, '.', ['test_ok.py', 'test_broken.py'], 'python3');
    expect(got.tests.map((t) => t.id)).toEqual(['test_ok.py::test_a']);
    expect(got.errors.map((e) => e.file)).toEqual(['test_broken.py']);
    // pytest's own words
    expect(got.errors[0]!.message).toContain("No module named 'no_such_module_here'");
  });
});
