#!/usr/bin/env node
// Accuracy of seams' static JS/TS discovery against each runner's own listing, both directions,
// over (project, file, name). Usage:
//   npm run build && node bench/js/accuracy.mjs <repo>[:<runner>] …   (runner: vitest|jest|playwright|mocha; default: all found)
// SEAMS_NATIVE_CACHE=<dir>: keep each native listing there as JSON and reuse it on the next run
// (native listings take minutes on zod/mobx; compare two seams builds with SEAMS_DIST=<dist> against one listing).
// Native listings (run with the repo's own installed runner, cwd = the package dir):
//   vitest      vitest list --json=<file>                 (skipped/todo are left out natively, so compared on active tests)
//   playwright  playwright test --list --reporter=json
//   jest        jest --json --outputFile=<file>           (Jest has no name listing without running; this runs the suite)
//   mocha       mocha --dry-run --reporter json            (no test is run)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.SEAMS_DIST ?? path.join(here, '../../dist');
const { scanRepo, getRunner } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const plugins = ['vitest', 'jest', 'playwright', 'mocha'].map(getRunner);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-js-accuracy-'));
const rel = (root, f) => path.relative(root, f).split(path.sep).join('/');
function bin(dir, pkg, file) {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, 'node_modules', pkg, file);
    if (existsSync(p)) return p;
    if (path.dirname(d) === d) throw new Error(`${pkg} is not installed for ${dir}`);
  }
}
function run(cwd, args, env = { ...process.env, CI: '1' }) {
  try {
    return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, FORCE_COLOR: '0' } });
  } catch (e) {
    return e.stdout ?? '';
  }
}

function native(runner, root, dir) {
  const cacheDir = process.env.SEAMS_NATIVE_CACHE;
  if (!cacheDir) return nativeListing(runner, root, dir);
  const file = path.join(cacheDir, `${path.basename(root)}-${runner}-${(dir || '.').replaceAll('/', '_')}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const list = nativeListing(runner, root, dir);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify(list));
  return list;
}

function nativeListing(runner, root, dir) {
  const cwd = path.join(root, dir);
  if (runner === 'vitest') {
    const out = path.join(tmp, `vitest-${Math.random()}.json`);
    run(cwd, [bin(cwd, 'vitest', 'vitest.mjs'), 'list', `--json=${out}`]);
    return JSON.parse(readFileSync(out, 'utf8')).map((e) => ({ project: e.projectName || null, file: rel(root, e.file), name: e.name }));
  }
  if (runner === 'playwright') {
    const json = JSON.parse(run(cwd, [bin(cwd, '@playwright/test', 'cli.js'), 'test', '--list', '--reporter=json']));
    const outList = [];
    const walk = (s, titles) => {
      for (const spec of s.specs ?? [])
        for (const t of spec.tests) outList.push({ project: t.projectName || null, file: rel(root, path.resolve(json.config.rootDir, spec.file)), name: [...titles, spec.title].filter(Boolean).join(' › ') });
      for (const c of s.suites ?? []) walk(c, [...titles, c.title]);
    };
    for (const s of json.suites ?? []) walk(s, []);
    return outList;
  }
  if (runner === 'jest') {
    const out = path.join(tmp, `jest-${Math.random()}.json`);
    // without CI=1: some repos switch to a built bundle under CI (immutable-js tests dist/ then)
    const env = { ...process.env };
    delete env.CI;
    run(cwd, [bin(cwd, 'jest', 'bin/jest.js'), '--json', `--outputFile=${out}`], env);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    // a file Jest could not run ("Test suite failed to run": no results, an exec error) is listed as errored
    return json.testResults.flatMap((f) =>
      f.assertionResults.length === 0 && (f.testExecError || f.failureMessage)
        ? [{ project: f.displayName?.name ?? null, file: rel(root, f.name), name: null, errored: true }]
        : f.assertionResults.map((a) => ({ project: f.displayName?.name ?? null, file: rel(root, f.name), name: a.fullName })),
    );
  }
  if (runner === 'mocha') {
    const text = run(cwd, [bin(cwd, 'mocha', 'bin/mocha.js'), '--dry-run', '--reporter', 'json', ...mochaArgs(root, dir)]);
    const json = JSON.parse(text.slice(text.indexOf('{')));
    return [...json.tests].map((t) => ({ project: null, file: rel(root, t.file), name: t.fullTitle }));
  }
  throw new Error(runner);
}
/** The spec arguments of the package's `test` script (mocha reads the rest from .mocharc). */
function mochaArgs(root, dir) {
  const pkg = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  const script = pkg.scripts?.test ?? '';
  const m = script.match(/mocha\s+(.*)$/);
  if (!m) return [];
  const words = m[1].split(/\s+/).filter(Boolean);
  const out = [];
  for (let i = 0; i < words.length; i++) {
    if (['--reporter', '-R'].includes(words[i])) { i++; continue; }
    out.push(words[i]);
  }
  return out;
}

function compare(nativeList, staticList) {
  const k = (e) => `${e.project ?? ''}\u0000${e.file}\u0000${e.name}`;
  const count = (l) => l.reduce((m, e) => m.set(k(e), (m.get(k(e)) ?? 0) + 1), new Map());
  const n = count(nativeList);
  const s = count(staticList);
  let matched = 0;
  const missing = [];
  const extra = [];
  for (const [key, c] of n) { matched += Math.min(c, s.get(key) ?? 0); if ((s.get(key) ?? 0) < c) missing.push(key.replaceAll('\u0000', ' | ')); }
  for (const [key, c] of s) if ((n.get(key) ?? 0) < c) extra.push(key.replaceAll('\u0000', ' | '));
  return { native: nativeList.length, static: staticList.length, matched, rate: matched / Math.max(nativeList.length, staticList.length, 1), missing, extra };
}

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
      const listed = native(runner, root, dir);
      // compared over the files the native collector collects without error (as the issue asks)
      const errored = new Set(listed.filter((e) => e.errored).map((e) => e.file));
      const nat = listed.filter((e) => !e.errored);
      if (errored.size) console.log(`\n(${path.basename(root)} ${runner} ${dir || '.'}: ${errored.size} files failed natively and are left out: ${[...errored].slice(0, 5).join(', ')}${errored.size > 5 ? ', …' : ''})`);
      const mine = repo.tests
        .filter((t) => t.runner === runner && (dir === '' || t.file.startsWith(dir + '/')) && !errored.has(t.file))
        .filter((t) => runner !== 'vitest' || t.status === 'active');
      // `jest --json` names no project (Jest 30 drops displayName from testResults): compare Jest on (file, name)
      const entry = (t) => ({ project: runner === 'jest' && nat.every((e) => e.project === null) ? null : t.project, file: t.file, name: t.name });
      // with dynamic entries (each one a placeholder or a guess) and without them (the exact part only)
      const c = compare(nat, mine.map(entry));
      const s = compare(nat, mine.filter((t) => !t.dynamic).map(entry));
      const dynamic = mine.filter((t) => t.dynamic);
      rows.push({ repo: path.basename(root), commit: commit.slice(0, 12), runner, dir: dir || '.', ...c, exact: s, dynamic: dynamic.length });
      const pct = (x) => `${(x * 100).toFixed(2)}%`;
      console.log(`\n${path.basename(root)} @ ${commit.slice(0, 12)} — ${runner} (${dir || '.'}): native ${c.native}, seams ${c.static} (${dynamic.length} dynamic), identical ${c.matched} → recall ${pct(c.matched / Math.max(c.native, 1))}, precision ${pct(c.matched / Math.max(c.static, 1))}; without dynamic: seams ${s.static}, identical ${s.matched} → recall ${pct(s.matched / Math.max(s.native, 1))}, precision ${pct(s.matched / Math.max(s.static, 1))}`);
      for (const m of c.missing.slice(0, 15)) console.log(`  missing (native only): ${m}`);
      for (const m of c.extra.slice(0, 15)) console.log(`  extra (seams only):    ${m}`);
      const reasons = new Map();
      for (const t of dynamic) reasons.set(t.dynamicReason, (reasons.get(t.dynamicReason) ?? 0) + 1);
      for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  dynamic ×${n}: ${r}`);
    }
  }
}
const pct = (a, b) => `${((a / Math.max(b, 1)) * 100).toFixed(2)}%`;
console.log('\n| repo | commit | runner | native | seams (dynamic) | identical | recall | precision | without dynamic: seams | identical | recall | precision |\n|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.repo} | ${r.commit} | ${r.runner} | ${r.native} | ${r.static} (${r.dynamic}) | ${r.matched} | ${pct(r.matched, r.native)} | ${pct(r.matched, r.static)} | ${r.exact.static} | ${r.exact.matched} | ${pct(r.exact.matched, r.native)} | ${pct(r.exact.matched, r.exact.static)} |`);
