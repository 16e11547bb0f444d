#!/usr/bin/env node
// Import graph build time of one or more seams builds on one repository (each in a fresh process,
// alternating, median of --runs): node bench/reach/graph-time.mjs --repo DIR --config seams.yaml \
//   --build before=/path/dist --build after=dist [--runs 5]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, dist, repoDir, config] = args;
  const lib = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
  const { loadRepos } = await lib('index.js');
  const { createFileLister } = await lib('workspace/files.js');
  const { companionFilesOf } = await lib('runners/registry.js');
  const { buildImportGraph } = await lib('graph/index.js');
  const [repo] = await loadRepos([repoDir], { config });
  const files = await createFileLister(repo.inventory.root)();
  const companions = companionFilesOf(repo.inventory.tests, files);
  const entries = [...new Set([...repo.inventory.tests.map((t) => t.file), ...[...companions.values()].flat()])];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const b = buildImportGraph(repo.inventory.root, { files, entries });
  const ms = performance.now() - t0;
  const c1 = process.cpuUsage(c0);
  const cpu = (c1.user + c1.system) / 1000;
  const edges = Object.values(b.graph.files).reduce((n, f) => n + f.imports.length, 0);
  console.log(JSON.stringify({ ms, cpu, parsed: b.parsed, files: Object.keys(b.graph.files).length, edges, entries: entries.length, rssMB: process.memoryUsage().rss / 1e6 }));
  process.exit(0);
}
const opts = { builds: [], runs: 5 };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--repo') opts.repo = path.resolve(args[++i]);
  else if (args[i] === '--config') opts.config = path.resolve(args[++i]);
  else if (args[i] === '--runs') opts.runs = Number(args[++i]);
  else if (args[i] === '--build') {
    const [name, dir] = args[++i].split('=');
    opts.builds.push({ name, dist: path.resolve(dir) });
  } else {
    console.error(`graph-time: unknown argument ${args[i]}`);
    process.exit(2);
  }
}
const self = fileURLToPath(import.meta.url);
const samples = new Map(opts.builds.map((b) => [b.name, []]));
for (let r = 0; r < opts.runs; r++)
  for (const b of opts.builds) samples.get(b.name).push(JSON.parse(execFileSync(process.execPath, [self, '--child', b.dist, opts.repo, opts.config], { encoding: 'utf8' })));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| build | graph build wall (median of ${opts.runs}) | min–max | CPU (median) | files parsed / in graph | edges | RSS |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [name, s] of samples)
  console.log(`| ${name} | ${median(s.map((x) => x.ms)).toFixed(0)} ms | ${Math.min(...s.map((x) => x.ms)).toFixed(0)}–${Math.max(...s.map((x) => x.ms)).toFixed(0)} ms | ${median(s.map((x) => x.cpu)).toFixed(0)} ms | ${s[0].parsed} / ${s[0].files} | ${s[0].edges} | ${median(s.map((x) => x.rssMB)).toFixed(0)} MB |`);
