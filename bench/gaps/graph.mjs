#!/usr/bin/env node
// Times the static import graph from every test file of a repo (cold, then warm cache).
// Usage: npm run build && node bench/gaps/graph.mjs <repo> [<repo>…]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { buildImportGraph } = await import(path.join(root, 'dist/graph/index.js'));
const { createFileLister } = await import(path.join(root, 'dist/workspace/files.js'));

const isTest = (f) => /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$|\.(test|spec)\.[cm]?[jt]sx?$/.test(f);
for (const repo of process.argv.slice(2)) {
  const files = await createFileLister(path.resolve(repo))();
  const entries = files.filter(isTest);
  for (const run of ['cold', 'warm']) {
    const t0 = performance.now();
    const b = buildImportGraph(path.resolve(repo), { files, entries });
    const ms = performance.now() - t0;
    const nodes = Object.keys(b.graph.files).length;
    const edges = Object.values(b.graph.files).reduce((n, f) => n + f.imports.length, 0);
    console.log(
      `${path.basename(repo)} ${run}: ${files.length} files, ${entries.length} test entries → ${nodes} graph files, ${edges} edges, ${b.parsed} parsed, ${b.diagnostics.length} diagnostics in ${ms.toFixed(0)} ms; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
  }
}
