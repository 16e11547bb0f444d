#!/usr/bin/env node
// Synthetic scale check of the pure workflow analysis: N tests in F test files over a layered
// module graph, C components, W workflows. Usage: npm run build && node bench/gaps/analyze.mjs [tests=100000] [measured]
// `measured`: every test of two files in three also has measured reach (~30 executed modules near
// the one its file imports, varying per test), so reach is per test and tests group by component set.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { analyzeWorkflows } = await import(path.join(root, 'dist/core/gaps.js'));
const { resolveConfig } = await import(path.join(root, 'dist/config/resolve.js'));

const N = Number(process.argv[2] ?? 100_000);
const MEASURED = process.argv[3] === 'measured';
const F = Math.max(1, Math.round(N / 25)); // 25 tests per file
const MODULES = 3000;
const C = 50;
const W = 30;
const graph = { files: {} };
for (let i = 0; i < MODULES; i++) {
  const imports = [];
  for (let k = 1; k <= 4; k++) if (i + k * 7 < MODULES) imports.push({ file: `src/m${(i + k * 7) % MODULES}.py`, line: k });
  graph.files[`src/m${i}.py`] = { imports, externals: i % 97 === 0 ? [{ module: 'boto3', line: 1 }] : [] };
}
const files = Object.keys(graph.files);
const tests = [];
for (let f = 0; f < F; f++) {
  const file = `tests/${f % 3 === 0 ? 'integration' : 'unit'}/test_${f}.py`;
  graph.files[file] = { imports: [{ file: `src/m${(f * 13) % MODULES}.py`, line: 1 }], externals: [] };
  files.push(file);
  for (let t = 0; t < N / F; t++)
    tests.push({ runner: 'pytest', project: null, id: `${file}::test_${t}`, file, line: t + 1, titlePath: [], name: `test_${t}`, tier: f % 3 === 0 ? 'integration' : 'unit', tierSource: 'path', markers: [], status: 'active', dynamic: false, refs: { workflows: [], components: [], requirements: [] } });
}
const components = {};
for (let c = 0; c < C; c++) components[`c${c}`] = c === 0 ? { imports: ['boto3'] } : { paths: [`src/m${c * 60}.py`, `src/m${c * 60 + 1}.py`] };
const workflows = {};
for (let w = 0; w < W; w++) workflows[`w${w}`] = { chain: [`c${(w * 3) % C}`, `c${(w * 3 + 1) % C}`, `c${(w * 3 + 2) % C}`], priority: ['P1', 'P2', 'P3'][w % 3] };
const config = resolveConfig({ components, workflows });
let measured;
if (MEASURED) {
  const mtests = new Map();
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  tests.forEach((t, i) => {
    const f = Math.floor(i / (N / F));
    if (f % 3 === 2) return; // a third of the files unmeasured
    const base = (f * 13) % MODULES;
    const exec = [t.file];
    for (let k = 0; k < 30; k++) exec.push(`src/m${(base + Math.floor(rnd() * 400)) % MODULES}.py`);
    mtests.set(`pytest||${t.id}`, { run: 'r1', files: exec, stale: i % 50 === 0 });
  });
  measured = { tests: mtests, runs: new Map([['r1', { id: 'r1', commit: 'abc', startedAt: '2026-12-07T00:00:00Z' }]]), measurable: ['pytest'] };
}
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const r = analyzeWorkflows({ tests, graph, components: config.components, workflows: config.workflows, files, measured });
const ms = performance.now() - t0;
console.log(
  `${tests.length} tests in ${F} files, ${MODULES} modules, ${C} components, ${W} workflows${MEASURED ? `, ${r.reach.measured} measured` : ''}: ${ms.toFixed(0)} ms, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (input ${(rssBefore / 1e6).toFixed(0)} MB); covered ${r.workflows.filter((w) => w.status === 'covered').length}/${W}; saturated ${r.saturated.length}`,
);
