// A/B of the pure workflow analysis of two builds on one synthetic input (100,000 tests), in one
// process, by CPU time (robust on a loaded machine). Usage: node bench/gaps/ab.mjs <dist A> <dist B>
// (a build of another checkout: git worktree add ../base main && (cd ../base && npm run build)).
import path from 'node:path';
const [distA, distB] = process.argv.slice(2).map((d) => path.resolve(d));
if (!distA || !distB) throw new Error('usage: node bench/gaps/ab.mjs <dist A> <dist B>');
const base = await import(path.join(distA, 'core/gaps.js'));
const mine = await import(path.join(distB, 'core/gaps.js'));
const { resolveConfig } = await import(path.join(distB, 'config/resolve.js'));
const N = 100000, F = 4000, MODULES = 3000, C = 50, W = 30;
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
const input = { tests, graph, components: config.components, workflows: config.workflows, files };
const cpu = (fn) => { const c0 = process.cpuUsage(); fn(); const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };
const res = { base: [], mine: [] };
for (let i = 0; i < 5; i++) {
  res.base.push(cpu(() => base.analyzeWorkflows(input)));
  res.mine.push(cpu(() => mine.analyzeWorkflows(input)));
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`CPU ms, median of 5 (same input, same process): A ${med(res.base).toFixed(0)} [${res.base.map((x) => x.toFixed(0)).join(' ')}], B ${med(res.mine).toFixed(0)} [${res.mine.map((x) => x.toFixed(0)).join(' ')}]`);
