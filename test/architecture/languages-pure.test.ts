import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * languages/ is pure language knowledge: it reads no files (the workspace layer hands it sources
 * and resolves modules) and knows no runner by name (each runner passes its dialect).
 */
const dir = path.resolve(import.meta.dirname, '../../src/languages');

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const files = walk(dir).map((f) => ({ file: path.relative(dir, f), text: readFileSync(f, 'utf8') }));

describe('languages/ stays pure', () => {
  it('imports no file system or process module', () => {
    const bad = files.filter((f) => /from\s+['"](node:)?(fs|fs\/promises|child_process)['"]/.test(f.text)).map((f) => f.file);
    expect(bad).toEqual([]);
  });

  it('compares nothing with a runner name', () => {
    const runner = `'(?:vitest|jest|playwright|mocha|node-test|pytest|django|unittest)'`;
    const re = new RegExp(`[=!]==?\\s*${runner}|${runner}\\s*[=!]==?`);
    const bad = files.filter((f) => re.test(f.text)).map((f) => f.file);
    expect(bad).toEqual([]);
  });
});
