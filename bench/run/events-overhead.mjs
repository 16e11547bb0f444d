#!/usr/bin/env node
// Cost of the live test events (docs/events.md) in the JS runners: the command seams builds for a
// runner (the plugin's buildCommand over the scanned inventory), timed without and with
// `BuildInput.events` (seams' reporter loaded, SEAMS_EVENTS set), rounds alternating which goes
// first. Needs the build (`npm run build`) and the runners in seams' node_modules.
//
//   node bench/run/events-overhead.mjs [--runs 5] [--target <runner>=<dir>[::<extra arg> …]] … [--playwright-tests 500]
//
// Defaults: vitest=/work/scratch/repos/ufo (unjs/ufo, 485 tests), jest=/work/scratch/repos/commander.js
// (tj/commander.js before its move to node:test, 1,324 tests, with --config=jest.bench.config.cjs:
// ts-jest is not installed) and a generated Playwright project of --playwright-tests tests that use
// no browser (in .tmp/, so it resolves @playwright/test from seams' node_modules). A repository
// needs its runner and imports resolvable: a node_modules symlink to seams' works for these two.
// Prints per runner the median wall and CPU time (GNU time: the runner and its workers) of each
// side and their ratio, the events written, and the load average before and after.
//
// Measured 2026-12-07, 2 vCPU shared with other suites, 5 runs per side (medians, with/without):
// at load average 1.7–5 (21:14–21:20 UTC): vitest/ufo wall 4.83/4.87 s (0.99), CPU 5.69/5.69 s
// (1.00); jest/commander.js wall 17.85/19.55 s (0.91), CPU 19.38/19.32 s (1.00); playwright/500
// generated tests wall 7.90/8.57 s (0.92), CPU 8.17/8.33 s (0.98). The writer alone: 2–4 µs and
// 167 bytes per test event. At load average 5–9 (20:26–20:40) the CPU ratios were 0.99–1.01 and
// the wall ratios 1.09–1.46, inside each side's own spread at that load (jest: 41–77 s).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { measure } from '../_lib/measure.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const runs = Number(opt('runs', 5));
const pwTests = Number(opt('playwright-tests', 500));
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = mkdtempSync(path.join(tmpdir(), 'seams-events-bench-'));
const dist = (p) => import(pathToFileURL(path.join(repo, 'dist', p)).href);
const { getRunner } = await dist('runners/registry.js');
const { scanRepo } = await dist('scan/index.js');

let targets = args.flatMap((a, i) => (args[i - 1] === '--target' ? [a] : []));
if (!targets.length)
  targets = ['vitest=/work/scratch/repos/ufo', 'jest=/work/scratch/repos/commander.js::--config=jest.bench.config.cjs', ...(pwTests > 0 ? ['playwright=synthetic'] : [])];

/** A Playwright project of `n` tests in files of 25, none of which starts a browser. */
function syntheticPlaywright(n) {
  mkdirSync(path.join(repo, '.tmp'), { recursive: true });
  const root = mkdtempSync(path.join(repo, '.tmp', 'events-bench-pw-'));
  writeFileSync(path.join(root, 'package.json'), '{"name":"events-bench-pw","private":true,"devDependencies":{"@playwright/test":"*"}}\n');
  writeFileSync(path.join(root, 'playwright.config.ts'), "import { defineConfig } from '@playwright/test';\nexport default defineConfig({ testDir: './tests' });\n");
  mkdirSync(path.join(root, 'tests'));
  for (let f = 0; f * 25 < n; f++) {
    const body = Array.from({ length: Math.min(25, n - f * 25) }, (_, i) => `  test('t${i}', async () => { expect(${i} + 1).toBe(${i + 1}); });`).join('\n');
    writeFileSync(path.join(root, 'tests', `f${f}.spec.ts`), `import { expect, test } from '@playwright/test';\ntest.describe('file ${f}', () => {\n${body}\n});\n`);
  }
  return root;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => `${x.toFixed(2)} s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * The writer alone (reporters/events.cjs), as the reporters call it: `n` test events with a
 * typical file and title path, one in 20 failed (flushed at once), then `end`. Per event, in µs.
 */
function writerCost(n) {
  const { EventWriter } = createRequire(import.meta.url)(path.join(repo, 'reporters/events.cjs'));
  const file = path.join(work, 'writer.ndjson');
  const w = new EventWriter('bench', file);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const failed = i % 20 === 0;
    w.test({ status: failed ? 'failed' : 'passed', file: `${repo}/test/some/folder/file-${i % 100}.spec.ts`, titlePath: ['describe block', `nested ${i % 7}`, `test number ${i}`], ms: i % 50, message: failed ? 'expected 2 to be 3 // Object.is equality\n  at stack' : undefined });
  }
  w.end();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  const c = process.cpuUsage(cpu0);
  const bytes = readFileSync(file).length;
  rmSync(file);
  return { wall, cpu: (c.user + c.system) / n, bytes: bytes / n };
}

console.log(`events overhead, ${runs} runs per side, load average before: ${load()}`);
const wc = writerCost(100_000);
console.log(`the writer alone: ${wc.wall.toFixed(2)} µs wall, ${wc.cpu.toFixed(2)} µs CPU, ${wc.bytes.toFixed(0)} bytes per test event (100,000 events, 1 in 20 failed and flushed at once)`);
const rows = [];
const cleanup = [];
for (const target of targets) {
  const runnerId = target.slice(0, target.indexOf('='));
  const rest = target.slice(target.indexOf('=') + 1);
  const [dirArg, ...extra] = rest.split('::');
  const extraArgs = extra.flatMap((e) => e.split(' ')).filter(Boolean);
  const root = dirArg === 'synthetic' ? syntheticPlaywright(pwTests) : path.resolve(dirArg);
  if (dirArg === 'synthetic') cleanup.push(root);
  const plugin = getRunner(runnerId);
  if (!plugin || !existsSync(root)) {
    console.log(`${target}: skipped (${plugin ? 'no such folder' : 'no such runner'})`);
    continue;
  }
  const inv = await scanRepo(root, { plugins: [plugin] });
  const tests = inv.tests.filter((t) => t.runner === runnerId);
  const executable = path.join(repo, 'node_modules/.bin', runnerId);
  const base = { root, project: null, rootDir: '.', tests, allTests: tests, exclude: new Set(), workDir: work, extraArgs, python: 'python3', executable };
  const eventsFile = path.join(work, `${runnerId}.ndjson`);
  const sides = {
    without: plugin.buildCommand({ ...base, resultFile: path.join(work, `${runnerId}-without.json`) }),
    with: plugin.buildCommand({ ...base, resultFile: path.join(work, `${runnerId}-with.json`), events: eventsFile }),
  };
  const times = { without: [], with: [] };
  let events = { lines: 0, tests: 0, end: false };
  for (let round = 0; round < runs; round++) {
    for (const side of round % 2 ? ['with', 'without'] : ['without', 'with']) {
      const spec = sides[side];
      rmSync(eventsFile, { force: true });
      const env = { ...process.env, ...spec.env, CI: '1' };
      if (side === 'without') delete env.SEAMS_EVENTS;
      const m = await measure(spec.argv[0], spec.argv.slice(1), { cwd: spec.cwd, env });
      if (!existsSync(spec.resultFile)) throw new Error(`${runnerId} ${side}: no report written (exit ${m.status})\n${m.stderr.slice(-2000)}`);
      times[side].push({ wall: m.seconds, cpu: m.cpu ?? NaN });
      if (side === 'with') {
        const lines = readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
        events = { lines: lines.length, tests: lines.filter((e) => e.event === 'test').length, end: lines.at(-1)?.event === 'end' };
      }
      process.stdout.write(`  ${runnerId} ${side.padEnd(7)} round ${round + 1}: ${fmt(m.seconds)} wall, ${fmt(m.cpu ?? NaN)} CPU, exit ${m.status}\n`);
    }
  }
  const w0 = median(times.without.map((t) => t.wall));
  const w1 = median(times.with.map((t) => t.wall));
  const c0 = median(times.without.map((t) => t.cpu));
  const c1 = median(times.with.map((t) => t.cpu));
  rows.push({ runnerId, root, tests: tests.length, w0, w1, c0, c1, events, argv: sides.with.argv });
}
console.log(`load average after: ${load()}\n`);
console.log('| runner | repo | inventory tests | events written (test events) | wall without | wall with | ratio | CPU without | CPU with | ratio |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.runnerId} | ${path.basename(r.root)} | ${r.tests} | ${r.events.lines} (${r.events.tests})${r.events.end ? '' : ' no end!'} | ${fmt(r.w0)} | ${fmt(r.w1)} | ${(r.w1 / r.w0).toFixed(3)} | ${fmt(r.c0)} | ${fmt(r.c1)} | ${(r.c1 / r.c0).toFixed(3)} |`,
  );
for (const d of cleanup) rmSync(d, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
