import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Who may import whom (docs/architecture.md): the layers stay honest only if a test reads the
 * imports. Type-only imports are allowed across layers: they vanish at runtime.
 */
const src = path.resolve(import.meta.dirname, '../../src');

const RULES: Record<string, string[]> = {
  util: ['util'],
  core: ['core'],
  config: ['config', 'core', 'util'],
  languages: ['languages', 'core', 'util'],
  workspace: ['workspace', 'languages', 'core', 'util', 'config'],
  runners: ['runners', 'languages', 'workspace', 'core', 'util'],
  store: ['store', 'core', 'util', 'config'],
  results: ['results', 'runners', 'core', 'util'],
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\s)[^'";]*?from\s+['"](\.[^'"]+)['"]/gm)) out.push(m[2]!);
  for (const m of text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

describe('layer boundaries', () => {
  for (const [layer, allowed] of Object.entries(RULES)) {
    it(`${layer}/ imports only ${allowed.join(', ')}`, () => {
      const dir = path.join(src, layer);
      let files: string[] = [];
      try {
        files = walk(dir);
      } catch {
        return;
      }
      const violations: string[] = [];
      for (const file of files)
        for (const spec of valueImports(file)) {
          const target = path.relative(src, path.resolve(path.dirname(file), spec)).split(path.sep)[0]!;
          if (!allowed.includes(target.replace(/\.js$/, ''))) violations.push(`${path.relative(src, file)} → ${spec}`);
        }
      expect(violations).toEqual([]);
    });
  }
});
