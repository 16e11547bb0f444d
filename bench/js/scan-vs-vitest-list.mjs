#!/usr/bin/env node
// seams' static Vitest discovery vs `vitest list --json` on the same repositories, in one run.
//
//   npm run build
//   node bench/js/scan-vs-vitest-list.mjs [--synthetic 250,500,1000] [--runs 1] [--seams-runs 5] [repo …]
//
// For every target: wall time and peak RSS (GNU time, %e/%M) of a fresh `node scan-once.mjs <repo>`
// process and of `vitest list --json=<tmp>` run with the repo's own installed Vitest (cwd = repo);
// the best of --seams-runs for seams and of --runs for vitest list (slow: minutes per 1000 files), the
// ratio, and whether both found the same number of tests.
// --synthetic N,… generates repos of N test files (15 tests each: 10 plain + a 5-row .each) under a
// temp dir, with a node_modules link to seams' own Vitest, to show how both scale with size.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const seamsRoot = path.join(here, '../..');
const args = process.argv.slice(2);
let synthetic = [];
let runs = 1;
let seamsRuns = 5;
const repos = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--synthetic') synthetic = args[++i].split(',').map(Number);
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--seams-runs') seamsRuns = Number(args[++i]);
  else repos.push(path.resolve(args[i]));
}
if (!repos.length && !synthetic.length) synthetic = [250, 500, 1000];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-js-bench-'));

function generate(nFiles) {
  const dir = path.join(tmp, `synthetic-${nFiles}`);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  symlinkSync(path.join(seamsRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `synthetic-${nFiles}`, private: true, type: 'module', devDependencies: { vitest: '*' } }));
  writeFileSync(path.join(dir, 'vitest.config.mjs'), "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.test.ts'] } });\n");
  writeFileSync(path.join(dir, 'src/helper.ts'), 'export const add = (a: number, b: number): number => a + b;\n');
  for (let f = 0; f < nFiles; f++) {
    const sub = path.join(dir, 'src', `area${f % 20}`);
    mkdirSync(sub, { recursive: true });
    let body = `import { describe, expect, it } from 'vitest';\nimport { add } from '../helper';\n\ndescribe('module ${f}', () => {\n`;
    for (let t = 0; t < 10; t++) body += `  it('case ${t} of module ${f}', () => {\n    expect(add(${t}, ${f})).toBe(${t + f});\n  });\n`;
    body += `  it.each([\n${[0, 1, 2, 3, 4].map((r) => `    [${r}, ${r + 1}, ${2 * r + 1}],`).join('\n')}\n  ])('add(%i, %i) = %i', (a, b, c) => {\n    expect(add(a, b)).toBe(c);\n  });\n});\n`;
    writeFileSync(path.join(sub, `m${f}.test.ts`), body);
  }
  return dir;
}

function timed(cmd, argv, cwd) {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', cmd, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, CI: '1', FORCE_COLOR: '0' } });
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr.slice(-500)}`);
  return { wall: Number(m[1]), rssMB: Math.round(Number(m[2]) / 1024), stdout: r.stdout, code: r.status };
}

function vitestBin(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, 'node_modules/vitest/vitest.mjs');
    if (existsSync(p)) return p;
    if (path.dirname(d) === d) throw new Error(`vitest not installed for ${dir}`);
  }
}

const rows = [];
const targets = [...repos.map((r) => ({ dir: r, label: path.basename(r) })), ...synthetic.map((n) => ({ dir: generate(n), label: `synthetic ${n} files` }))];
for (const { dir, label } of targets) {
  let seams;
  let vitest;
  let scanInfo;
  let listed = 0;
  for (let i = 0; i < seamsRuns; i++) {
    const s = timed(process.execPath, [path.join(here, 'scan-once.mjs'), dir], seamsRoot);
    const info = JSON.parse(s.stdout.trim().split('\n').pop());
    if (!seams || s.wall < seams.wall) [seams, scanInfo] = [s, info];
  }
  for (let i = 0; i < runs; i++) {
    const out = path.join(tmp, 'list.json');
    const v = timed(process.execPath, [vitestBin(dir), 'list', `--json=${out}`], dir);
    listed = JSON.parse(readFileSync(out, 'utf8')).length;
    if (!vitest || v.wall < vitest.wall) vitest = v;
  }
  const row = {
    target: label,
    files: scanInfo.files,
    testsStatic: scanInfo.tests,
    activeStatic: scanInfo.active,
    testsVitestList: listed,
    seamsWallS: seams.wall,
    seamsScanMs: scanInfo.scanMs,
    seamsRssMB: seams.rssMB,
    vitestWallS: vitest.wall,
    vitestRssMB: vitest.rssMB,
    ratioWall: vitest.wall / Math.max(seams.wall, 0.01),
    ratioScan: (vitest.wall * 1000) / Math.max(scanInfo.scanMs, 1),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log(`\nnode ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, seams best of ${seamsRuns}, vitest list best of ${runs}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
console.log('| target | files | tests (seams / vitest list, active) | seams process wall | seams scan (in-process) | seams peak RSS | vitest list wall | vitest peak RSS | ratio (wall) | ratio (scan) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.target} | ${r.files} | ${r.activeStatic} / ${r.testsVitestList} | ${r.seamsWallS.toFixed(2)} s | ${r.seamsScanMs} ms | ${r.seamsRssMB} MB | ${r.vitestWallS.toFixed(2)} s | ${r.vitestRssMB} MB | ${r.ratioWall.toFixed(1)}× | ${r.ratioScan.toFixed(0)}× |`);
rmSync(tmp, { recursive: true, force: true });
void execFileSync;
