import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

/**
 * What a command loads before it knows it needs it is paid on every start. A cached scan and
 * `seams run` load the registry and the scan orchestrator's front door, but never the parsers,
 * the config schema or YAML: those are imported dynamically, on a cache miss or on the first scan.
 * This follows the static imports (not `import()`) from each entry and fails on a heavy module.
 */
const src = path.resolve(import.meta.dirname, '../../src');
const HEAVY = ['tree-sitter', 'tree-sitter-python', 'oxc-parser', 'zod', 'yaml', 'smol-toml', 'markdown-it'];

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const mod = parseSync(file, text).module;
  const specs = [
    ...mod.staticImports.filter((i) => !i.entries.length || i.entries.some((e) => !e.isType)).map((i) => i.moduleRequest.value),
    ...mod.staticExports.flatMap((e) => e.entries.filter((x) => !x.isType).flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : []))),
  ];
  // `import type` lines are erased: oxc marks their entries as types
  return [...new Set(specs)];
}

function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const s of staticImports(f)) {
      if (s.startsWith('.')) todo.push(path.resolve(path.dirname(f), s).replace(/\.js$/, '.ts'));
      else if (!s.startsWith('node:')) packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    }
  }
  return { files, packages };
}

describe('light start', () => {
  for (const entry of ['runners/registry.ts', 'scan/configured.ts', 'cli/commands/scan.ts', 'app/run.ts']) {
    it(`${entry} loads no parser, schema or YAML until it needs them`, () => {
      const { files, packages } = reach(path.join(src, entry));
      expect([...packages].filter((p) => HEAVY.includes(p))).toEqual([]);
      expect([...files].map((f) => path.relative(src, f)).filter((f) => f.startsWith('languages/'))).toEqual([]);
    });
  }
});
