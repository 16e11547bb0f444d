import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * examples/platform's gate fails for the reason its README explains (secret-provisioning is
 * reached only partially by integration tests), and the README's diff makes it pass.
 */
const repo = path.resolve(import.meta.dirname, '../..');
const example = path.join(repo, 'examples/platform');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-example-gate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The ```diff block of the example's README, applied by hand: its added lines, in place. */
function applyReadmeFix(root: string): void {
  const readme = readFileSync(path.join(example, 'README.md'), 'utf8');
  const diff = /```diff\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(diff, 'the README shows the fix as a diff').toBeDefined();
  const file = /^\+\+\+ b\/(\S+)/m.exec(diff!)![1]!;
  const target = path.join(root, file);
  let text = readFileSync(target, 'utf8');
  for (const hunk of diff!.split(/^@@.*@@\n/m).slice(1)) {
    const lines = hunk.replace(/\n$/, '').split('\n');
    const before = lines.filter((l) => !l.startsWith('+')).map((l) => l.slice(1)).join('\n');
    const after = lines.filter((l) => !l.startsWith('-')).map((l) => l.slice(1)).join('\n');
    expect(text.includes(before), `hunk context found in ${file}`).toBe(true);
    text = text.replace(before, after);
  }
  writeFileSync(target, text);
}

describe('examples/platform gate', () => {
  it('fails with exit 1 on the partially covered P1 workflow, naming what is missing', async () => {
    const r = await runCli(['gate', example, '--no-targets']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+p1-whole-chain\s+workflows\.P1\.partial\s+1\s+≤ 0/);
    expect(r.stdout).toMatch(/secret-provisioning .*missing secret-templates/);
    expect(r.stdout).toMatch(/gate FAILED: 0 passed, 1 failed, 0 warnings/);
  });

  it('passes with exit 0 once the README\'s diff is applied to a copy', async () => {
    const copy = path.join(tmp, 'platform');
    cpSync(example, copy, { recursive: true, filter: (src) => !/[\\/](node_modules|\.seams)$/.test(src) });
    applyReadmeFix(copy);
    const r = await runCli(['gate', copy, '--no-targets']);
    expect(r.stdout).toMatch(/PASS\s+p1-whole-chain\s+workflows\.P1\.partial\s+0\s+≤ 0/);
    expect(r.stdout).toMatch(/gate passed: 1 passed, 0 failed, 0 warnings/);
    expect(r.code).toBe(0);
  });
});
