#!/usr/bin/env node
// Saturation of static reach on a TypeScript repository: the share of its tests that reach each
// component (seams.yaml `components:`), under one or two builds of seams (before / after a change),
// and the import graph's build time and size. See bench/reach/README-ts.md.
//
// Usage:
//   node bench/reach/ts-saturation.mjs --config <seams.yaml> [--before <seams checkout>] [--after <seams checkout>] [--runs 5] <repo copy>
// Each checkout must be built (`npm run build`). --after defaults to this checkout. The repo is
// scanned in place (seams writes .seams/cache there): pass a copy, never a clone you care about.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const config = opt('--config');
const before = opt('--before');
const after = opt('--after', here);
const runs = Number(opt('--runs', '5'));
const repo = args[0];
if (!config || !repo) {
  console.error('usage: ts-saturation.mjs --config <seams.yaml> [--before <seams>] [--after <seams>] [--runs N] <repo>');
  process.exit(2);
}
const root = path.resolve(repo);

function seamsJson(seams, command, extra = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-saturation-'));
  const out = path.join(dir, 'out.json');
  try {
    execFileSync(process.execPath, [path.join(seams, 'bin/seams.js'), command, root, '-c', path.resolve(config), '--format', 'json', '-o', out, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
    return JSON.parse(readFileSync(out, 'utf8')).repos[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Graph build of the test files in a fresh process (cold parse cache), median of `runs`. */
function graphTime(seams, entries) {
  const script = `
    const path = await import('node:path');
    const { buildImportGraph } = await import(${JSON.stringify(path.join(seams, 'dist/graph/index.js'))});
    const { createFileLister } = await import(${JSON.stringify(path.join(seams, 'dist/workspace/files.js'))});
    const root = ${JSON.stringify(root)};
    const files = await createFileLister(root)();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const b = buildImportGraph(root, { files, entries: ${JSON.stringify(entries)} });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const edges = Object.values(b.graph.files).reduce((n, f) => n + f.imports.length, 0);
    console.log(JSON.stringify({ ms, cpu: (c.user + c.system) / 1000, files: Object.keys(b.graph.files).length, edges }));`;
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })));
  const median = (key) => samples.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { ...samples[0], ms: median('ms'), cpu: median('cpu') };
}

function measure(seams) {
  const scan = seamsJson(seams, 'scan');
  const active = scan.tests.filter((t) => t.status !== 'skip' && t.status !== 'todo');
  const gaps = seamsJson(seams, 'gaps');
  const entries = [...new Set(scan.tests.map((t) => t.file))].sort();
  const components = Object.fromEntries(gaps.components.map((c) => [c.id, { files: c.files, tests: Object.values(c.tests).reduce((a, b) => a + b, 0) }]));
  return { active: active.length, testFiles: entries.length, components, graph: graphTime(seams, entries) };
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)} %` : 'n/a');
const results = { before: before ? measure(path.resolve(before)) : undefined, after: measure(path.resolve(after)) };
const ids = Object.keys(results.after.components);
const a = results.after;
const b = results.before;
console.log(`## ${path.basename(root)}: ${a.active} active tests in ${a.testFiles} files\n`);
console.log(b ? '| component | files | tests before | share before | tests after | share after |' : '| component | files | tests | share |');
console.log(b ? '| --- | ---: | ---: | ---: | ---: | ---: |' : '| --- | ---: | ---: | ---: |');
for (const id of ids) {
  const c = a.components[id];
  const cb = b?.components[id];
  console.log(
    b
      ? `| ${id} | ${c.files} | ${cb?.tests ?? 'n/a'} | ${cb ? pct(cb.tests, b.active) : 'n/a'} | ${c.tests} | ${pct(c.tests, a.active)} |`
      : `| ${id} | ${c.files} | ${c.tests} | ${pct(c.tests, a.active)} |`,
  );
}
const saturated = (r) => Object.values(r.components).filter((c) => c.tests > 0.8 * r.active).length;
const mean = (r) => Object.values(r.components).reduce((s, c) => s + c.tests / r.active, 0) / Object.keys(r.components).length;
console.log('');
if (b) console.log(`before: mean share ${(100 * mean(b)).toFixed(1)} %, ${saturated(b)}/${ids.length} components reached by > 80 % of tests; graph ${b.graph.files} files, ${b.graph.edges} edges, built in ${b.graph.ms.toFixed(0)} ms wall, ${b.graph.cpu.toFixed(0)} ms CPU (medians of ${runs}, cold)`);
console.log(`${b ? 'after: ' : ''}mean share ${(100 * mean(a)).toFixed(1)} %, ${saturated(a)}/${ids.length} components reached by > 80 % of tests; graph ${a.graph.files} files, ${a.graph.edges} edges, built in ${a.graph.ms.toFixed(0)} ms wall, ${a.graph.cpu.toFixed(0)} ms CPU (medians of ${runs}, cold)`);
