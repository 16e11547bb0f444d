#!/usr/bin/env node
// Static reach against executed truth, per (test file, component) pair, for one or more builds of
// seams. The truth is one JSON per test file, { test, ok, loaded: [files], called: [files] }:
// `loaded` = files with a statement executed (module evaluation counts), `called` = files with a
// function executed, from V8 coverage of that test file alone (ts-truth-zod.sh collects it for zod).
// A component is executed by a test file when one of its files is; statically reached when one of
// its files is in the closure of the test file's imports.
//
// Usage: node bench/reach/ts-truth.mjs --config <seams.yaml> --truth <dir> [--seams <checkout>]... <repo>
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const take = (name) => {
  const out = [];
  for (let i = args.indexOf(name); i >= 0; i = args.indexOf(name)) out.push(args.splice(i, 2)[1]);
  return out;
};
const [config] = take('--config');
const [truthDir] = take('--truth');
const builds = take('--seams');
if (!builds.length) builds.push(here);
const repo = args[0];
if (!config || !truthDir || !repo) {
  console.error('usage: ts-truth.mjs --config <seams.yaml> --truth <dir> [--seams <checkout>]... <repo>');
  process.exit(2);
}
const root = path.resolve(repo);
const truth = readdirSync(truthDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(truthDir, f), 'utf8')));
const ok = truth.filter((t) => t.ok);

for (const seams of builds) {
  const { buildImportGraph } = await import(path.join(seams, 'dist/graph/index.js'));
  const { closureOf } = await import(path.join(seams, 'dist/core/graph.js'));
  const { createFileLister } = await import(path.join(seams, 'dist/workspace/files.js'));
  const { parseConfig } = await import(path.join(seams, 'dist/config/load.js'));
  const { default: picomatch } = await import(path.join(seams, 'node_modules/picomatch/index.js'));
  const components = Object.values(parseConfig(readFileSync(config, 'utf8'), path.resolve(config), root).config.components);
  const match = components.map((c) => ({ id: c.id, is: picomatch(c.paths, { dot: true }) }));
  const of = (files) => new Set(match.filter((m) => files.some((f) => m.is(f))).map((m) => m.id));
  const files = await createFileLister(root)();
  const withRoot = (t) => files.find((f) => f.endsWith(t.test)) ?? t.test;
  const entries = ok.map(withRoot);
  const graph = buildImportGraph(root, { files, entries }).graph;
  const score = { loaded: { tp: 0, fp: 0, fn: 0 }, called: { tp: 0, fp: 0, fn: 0 } };
  for (const t of ok) {
    const reached = of([...closureOf(graph, [withRoot(t)]).files.keys()]);
    for (const kind of ['loaded', 'called']) {
      const executed = of(t[kind]);
      for (const c of reached) score[kind][executed.has(c) ? 'tp' : 'fp']++;
      for (const c of executed) if (!reached.has(c)) score[kind].fn++;
    }
  }
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(1)} %` : 'n/a');
  console.log(`${path.basename(seams)} on ${path.basename(root)}: ${ok.length} test files with coverage (${truth.length - ok.length} without), ${components.length} components`);
  for (const kind of ['loaded', 'called']) {
    const s = score[kind];
    console.log(`  vs ${kind.padEnd(6)}: precision ${pct(s.tp, s.tp + s.fp)}, recall ${pct(s.tp, s.tp + s.fn)} (${s.tp} pairs right, ${s.fp} reached but not ${kind}, ${s.fn} ${kind} but not reached)`);
  }
}
