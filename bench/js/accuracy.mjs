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
import { compareEntries, nativeListing, staticEntries } from '../_lib/js-native.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.SEAMS_DIST ?? path.join(here, '../../dist');
const { scanRepo, getRunner } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const plugins = ['vitest', 'jest', 'playwright', 'mocha'].map(getRunner);

const rows = [];
for (const arg of process.argv.slice(2)) {
  const [repoPath, only] = arg.split(':');
  const root = path.resolve(repoPath);
  const repo = await scanRepo(root, { plugins });
  let commit = '?';
  try { commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(); } catch {}
  const runners = [...new Set(repo.runners.map((r) => r.runner))].filter((r) => !only || r === only);
  for (const runner of runners) {
    for (const dir of [...new Set(repo.runners.filter((r) => r.runner === runner).map((r) => r.rootDir))]) {
      const nat = await nativeListing(runner, root, dir);
      if (nat.error) throw new Error(nat.error);
      const c = compareEntries(nat.entries, staticEntries(repo.tests, runner, dir));
      rows.push({ repo: path.basename(root), commit: commit.slice(0, 12), runner, dir: dir || '.', ...c, dynamic: repo.tests.filter((t) => t.runner === runner && t.dynamic).length });
      console.log(`\n${path.basename(root)} @ ${commit.slice(0, 12)} — ${runner} (${dir || '.'}): native ${c.native}, static ${c.static}, identical ${c.matched} → ${(c.rate * 100).toFixed(2)}%`);
      for (const m of c.missing.slice(0, 10)) console.log(`  missing (native only): ${m}`);
      for (const m of c.extra.slice(0, 10)) console.log(`  extra (static only):   ${m}`);
    }
  }
}
console.log('\n| repo | commit | runner | native | static | identical | rate |\n|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.repo} | ${r.commit} | ${r.runner} | ${r.native} | ${r.static} | ${r.matched} | ${(r.rate * 100).toFixed(2)}% |`);
