import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

/**
 * Who may import whom, written once (docs/architecture.md shows the same table). Every folder of
 * src/ has a row; value AND type imports count (a type import still couples the folders). The
 * imports are read with oxc-parser, not with a regular expression.
 */
const src = path.resolve(import.meta.dirname, '../../src');

export const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  core: [],
  cache: ['util'],
  config: ['core', 'util'],
  languages: ['core', 'util'],
  workspace: ['languages', 'core', 'util', 'config'],
  runners: ['cache', 'languages', 'workspace', 'core', 'util', 'config'],
  results: ['runners', 'core', 'util'],
  coverage: ['core', 'util'],
  services: ['core', 'util', 'config'],
  store: ['core', 'util', 'config'],
  graph: ['languages', 'workspace', 'core', 'util', 'config'],
  requirements: ['core', 'util'],
  analysis: ['graph', 'requirements', 'workspace', 'languages', 'core', 'util', 'config'],
  scan: ['cache', 'runners', 'workspace', 'languages', 'core', 'util', 'config'],
  execute: ['cache', 'runners', 'results', 'services', 'store', 'workspace', 'core', 'util', 'config'],
  report: ['core', 'util', 'config'],
  notify: ['core', 'util'],
  ci: ['core', 'util', 'config', 'runners'],
  app: ['cache', 'analysis', 'ci', 'config', 'core', 'coverage', 'execute', 'graph', 'languages', 'notify', 'report', 'requirements', 'results', 'runners', 'scan', 'services', 'store', 'util', 'workspace'],
  cli: ['app', 'report', 'runners', 'core', 'util', 'config'],
  // the package entry: the library API (app/), its types, and runCli for embedding the CLI
  'index.ts': ['app', 'cli', 'core', 'config', 'report', 'runners', 'util'],
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (static, re-exports, dynamic with a literal), resolved to src files. */
function importsOf(file: string): string[] {
  const result = parseSync(file, readFileSync(file, 'utf8'));
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...result.module.staticImports.map((i) => i.moduleRequest.value),
    ...result.module.staticExports.flatMap((e) => e.entries.flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : []))),
    ...result.module.dynamicImports.map((d) => text.slice(d.moduleRequest.start, d.moduleRequest.end)).flatMap((s) => (/^['"`][^'"`]*['"`]$/.test(s) ? [s.slice(1, -1)] : [])),
  ];
  return [...new Set(specs.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts')))];
}

const files = walk(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const folderOf = (file: string) => path.relative(src, file).split(path.sep)[0]!;

describe('folder boundaries', () => {
  it('every folder of src/ has a row in the table', () => {
    const folders = [...new Set(files.map(folderOf))].sort();
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    it(`${folder} imports only ${allowed.join(', ') || 'itself'}`, () => {
      const violations: string[] = [];
      for (const [file, targets] of graph) {
        if (folderOf(file) !== folder) continue;
        for (const target of targets) {
          const to = folderOf(target);
          if (to !== folder && !allowed.includes(to)) violations.push(`${path.relative(src, file)} → ${path.relative(src, target)}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }
});

/** Strongly connected components with more than one file (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(path.relative(src, w));
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('import cycles', () => {
  it('no two files of src/ import each other, directly or through others (type imports included)', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the cycle finder finds a cycle (so the test above can fail)', () => {
    const g = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', ['/a.ts']],
    ]);
    expect(cycles(g).map((c) => c.length)).toEqual([3]);
  });
});
