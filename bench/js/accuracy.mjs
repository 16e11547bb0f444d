#!/usr/bin/env node
// Accuracy of seams' static JS/TS discovery against each runner's own listing, both directions,
// over (project, file, name). Usage:
//   npm run build && node bench/js/accuracy.mjs <repo>[:<runner>] …   (runner: vitest|jest|playwright|mocha; default: all found)
// Native listings (run with the repo's own installed runner, cwd = the package dir):
//   vitest      vitest list --json=<file>                 (skipped/todo are left out natively, so compared on active tests)
//   playwright  playwright test --list --reporter=json
//   jest        jest --json --outputFile=<file>           (Jest has no name listing without running; this runs the suite)
//   mocha       mocha --dry-run --reporter json            (no test is run)
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { jsAccuracy, nativeListing, staticEntries } from '../_lib/js-native.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.SEAMS_DIST ?? path.join(here, '../../dist');
const { scanRepo, getRunner } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const plugins = ['vitest', 'jest', 'playwright', 'mocha'].map(getRunner);

/** The native listing, reused from SEAMS_NATIVE_CACHE when set (zod and mobx take minutes to list). */
async function native(runner, root, dir) {
  const cacheDir = process.env.SEAMS_NATIVE_CACHE;
  if (!cacheDir) return nativeListing(runner, root, dir);
  const file = path.join(cacheDir, `${path.basename(root)}-${runner}-${(dir || '.').replaceAll('/', '_')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const listed = await nativeListing(runner, root, dir);
  if (!listed.error) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify(listed));
  }
  return listed;
}

const pct = (x) => `${(x * 100).toFixed(2)}%`;
const rows = [];
for (const arg of process.argv.slice(2)) {
  // <repo>[:<runner>[:<dir>]] — dir: only the runner's setup rooted there ('.' = the repo root)
  const [repoPath, only, onlyDir] = arg.split(':');
  const root = path.resolve(repoPath);
  const repo = await scanRepo(root, { plugins });
  let commit = '?';
  try { commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(); } catch {}
  const runners = [...new Set(repo.runners.map((r) => r.runner))].filter((r) => !only || r === only);
  for (const runner of runners) {
    for (const dir of [...new Set(repo.runners.filter((r) => r.runner === runner).map((r) => r.rootDir))]) {
      if (onlyDir !== undefined && (dir || '.') !== onlyDir) continue;
      const nat = await native(runner, root, dir);
      if (nat.error) throw new Error(nat.error);
      // over the files the native collector collects without error (as the issue asks), raw and outside dynamic
      const a = jsAccuracy(nat.entries, staticEntries(repo.tests, runner, dir), nat.erroredFiles);
      const c = a.raw;
      rows.push({ repo: path.basename(root), commit: commit.slice(0, 12), runner, dir: dir || '.', ...c, exact: a.outsideDynamic, dynamic: a.dynamic });
      if (nat.erroredFiles?.length) console.log(`\n(${path.basename(root)} ${runner} ${dir || '.'}: ${nat.erroredFiles.length} files failed natively and are left out)`);
      console.log(`\n${path.basename(root)} @ ${commit.slice(0, 12)} — ${runner} (${dir || '.'}): native ${c.native}, seams ${c.static} (${a.dynamic} dynamic), identical ${c.matched} → recall ${pct(c.recall)}, precision ${pct(c.precision)}; outside dynamic: recall ${pct(a.outsideDynamic.recall)}, precision ${pct(a.outsideDynamic.precision)}`);
      for (const m of c.missing.slice(0, 15)) console.log(`  missing (native only): ${m}`);
      for (const m of c.extra.slice(0, 15)) console.log(`  extra (seams only):    ${m}`);
      const reasons = new Map();
      for (const t of repo.tests.filter((t) => t.runner === runner && t.dynamic)) reasons.set(t.dynamicReason, (reasons.get(t.dynamicReason) ?? 0) + 1);
      for (const [r, n] of [...reasons].sort((x, y) => y[1] - x[1]).slice(0, 10)) console.log(`  dynamic ×${n}: ${r}`);
    }
  }
}
console.log('\n| repo | commit | runner | native | seams (dynamic) | identical | recall | precision | outside dynamic: recall | precision |\n|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.repo} | ${r.commit} | ${r.runner} | ${r.native} | ${r.static} (${r.dynamic}) | ${r.matched} | ${pct(r.recall)} | ${pct(r.precision)} | ${pct(r.exact.recall)} | ${pct(r.exact.precision)} |`);
