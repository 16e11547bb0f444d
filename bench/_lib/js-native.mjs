// JS runners' own listings, as (project, file, name) entries, shared by bench/js/accuracy.mjs and
// bench/inventory/corpus.mjs. Each runs with the repo's own installed runner, cwd = the package dir:
//   vitest      vitest list --json=<file>                 (skipped/todo are left out natively, so compared on active tests)
//   playwright  playwright test --list --reporter=json
//   jest        jest --json --outputFile=<file>           (Jest has no name listing without running; this runs the suite)
//               jest --listTests                          (files only: the one thing Jest lists without running)
//   mocha       mocha --dry-run --reporter json            (no test is run)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measure } from './measure.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-js-native-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
export const rel = (root, f) => path.relative(root, f).split(path.sep).join('/');

/** The installed package file (`node_modules/<pkg>/<file>`) nearest to `dir`, or null. */
export function findBin(dir, pkg, file) {
  for (let d = dir; ; d = path.dirname(d)) {
    const p = path.join(d, 'node_modules', pkg, file);
    if (existsSync(p)) return p;
    if (path.dirname(d) === d) return null;
  }
}

const BINS = { vitest: ['vitest', 'vitest.mjs'], jest: ['jest', 'bin/jest.js'], playwright: ['@playwright/test', 'cli.js'], mocha: ['mocha', 'bin/mocha.js'] };

function envFor(runner) {
  const env = { ...process.env, CI: '1', FORCE_COLOR: '0' };
  // without CI=1: some repos switch to a built bundle under CI (immutable-js tests dist/ then)
  if (runner === 'jest') delete env.CI;
  return env;
}

/**
 * Runs the runner's native listing of the package at `root/dir` and returns the measurement plus
 * `entries` ({ project, file, name }) and `erroredFiles` (files the runner could not load), or
 * `{ error }` when the runner is not installed or its output cannot be read.
 */
export async function nativeListing(runner, root, dir, { timeoutMs } = {}) {
  const cwd = path.join(root, dir);
  const [pkg, file] = BINS[runner] ?? [];
  const bin = pkg && findBin(cwd, pkg, file);
  if (!bin) return { error: `${runner} is not installed for ${rel(root, cwd) || '.'} (install the repo's dependencies)` };
  const out = path.join(tmp, `${runner}-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const argv = {
    vitest: ['list', `--json=${out}`],
    jest: ['--json', `--outputFile=${out}`],
    playwright: ['test', '--list', '--reporter=json'],
    mocha: ['--dry-run', '--reporter', 'json', ...(runner === 'mocha' ? mochaArgs(root, dir) : [])],
  }[runner];
  const m = await measure(process.execPath, [bin, ...argv], { cwd, env: envFor(runner), timeoutMs });
  const command = `${runner} ${argv.join(' ').replace(out, '<tmp>')}`;
  if (m.timedOut) return { ...m, command, error: `${command} timed out` };
  try {
    return { ...m, command, ...parseListing(runner, root, m.stdout, out) };
  } catch (e) {
    return { ...m, command, error: `${command} exited ${m.status}: ${(m.stderr.trim() || String(e)).split('\n').slice(-2).join(' | ').slice(0, 300)}` };
  }
}

/** `jest --listTests`: the test files Jest would run (no names), for timing Jest's own discovery. */
export async function jestListTests(root, dir, { timeoutMs } = {}) {
  const cwd = path.join(root, dir);
  const bin = findBin(cwd, ...BINS.jest);
  if (!bin) return { error: `jest is not installed for ${rel(root, cwd) || '.'}` };
  const m = await measure(process.execPath, [bin, '--listTests'], { cwd, env: envFor('jest'), timeoutMs });
  if (m.timedOut || m.status !== 0) return { ...m, error: `jest --listTests ${m.timedOut ? 'timed out' : `exited ${m.status}`}` };
  return { ...m, files: m.stdout.split('\n').filter((l) => l.startsWith('/')).map((f) => rel(root, f)) };
}

function parseListing(runner, root, stdout, out) {
  if (runner === 'vitest') {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    // a file Vitest could not load is listed with an error instead of tests
    const errored = json.filter((e) => e.error || e.errors).map((e) => rel(root, e.file));
    return { entries: json.filter((e) => e.name !== undefined).map((e) => ({ project: e.projectName || null, file: rel(root, e.file), name: e.name })), erroredFiles: [...new Set(errored)] };
  }
  if (runner === 'playwright') {
    const json = JSON.parse(stdout);
    const entries = [];
    const walk = (s, titles) => {
      for (const spec of s.specs ?? [])
        for (const t of spec.tests) entries.push({ project: t.projectName || null, file: rel(root, path.resolve(json.config.rootDir, spec.file)), name: [...titles, spec.title].filter(Boolean).join(' › ') });
      for (const c of s.suites ?? []) walk(c, [...titles, c.title]);
    };
    for (const s of json.suites ?? []) walk(s, []);
    return { entries, erroredFiles: (json.errors ?? []).map((e) => e.location?.file && rel(root, e.location.file)).filter(Boolean) };
  }
  if (runner === 'jest') {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    // a suite that failed to run (import error, syntax) has no assertion results: Jest could not list it
    const errored = json.testResults.filter((f) => f.testExecError || (f.status === 'failed' && f.assertionResults.length === 0)).map((f) => rel(root, f.name));
    return { entries: json.testResults.flatMap((f) => f.assertionResults.map((a) => ({ project: f.displayName?.name ?? null, file: rel(root, f.name), name: a.fullName }))), erroredFiles: errored };
  }
  if (runner === 'mocha') {
    const json = JSON.parse(stdout.slice(stdout.indexOf('{')));
    return { entries: [...json.tests].map((t) => ({ project: null, file: rel(root, t.file), name: t.fullTitle })), erroredFiles: [] };
  }
  throw new Error(`no native listing for ${runner}`);
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
    if (['--reporter', '-R'].includes(words[i])) {
      i++;
      continue;
    }
    out.push(words[i]);
  }
  return out;
}

/** seams' tests of `runner` under `dir`, as entries comparable with the native listing. */
export function staticEntries(tests, runner, dir) {
  return tests
    .filter((t) => t.runner === runner && (dir === '' || t.file.startsWith(dir + '/')))
    .filter((t) => runner !== 'vitest' || t.status === 'active')
    .map((t) => ({ project: t.project, file: t.file, name: t.name, dynamic: !!t.dynamic }));
}

/**
 * Native vs static entries as multisets of (project, file, name), both directions, leaving out
 * `erroredFiles`. recall = identical / native, precision = identical / static, rate = identical / max.
 */
export function compareEntries(nativeList, staticList, erroredFiles = []) {
  const skip = new Set(erroredFiles);
  const k = (e) => `${e.project ?? ''}\u0000${e.file}\u0000${e.name}`;
  const count = (l) => l.filter((e) => !skip.has(e.file)).reduce((m, e) => m.set(k(e), (m.get(k(e)) ?? 0) + 1), new Map());
  const n = count(nativeList);
  const s = count(staticList);
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  let matched = 0;
  const missing = [];
  const extra = [];
  for (const [key, c] of n) {
    matched += Math.min(c, s.get(key) ?? 0);
    if ((s.get(key) ?? 0) < c) missing.push(key.replaceAll('\u0000', ' | '));
  }
  for (const [key, c] of s) if ((n.get(key) ?? 0) < c) extra.push(key.replaceAll('\u0000', ' | '));
  const native = sum(n);
  const stat = sum(s);
  return { native, static: stat, matched, recall: native ? matched / native : 1, precision: stat ? matched / stat : 1, rate: matched / Math.max(native, stat, 1), missing, extra };
}

/**
 * The same, raw and outside dynamic: a JS `dynamic` test stands for rows whose titles are not known,
 * so "outside dynamic" leaves out every (project, file) that holds one, on both sides.
 */
export function jsAccuracy(nativeList, staticList, erroredFiles = []) {
  const raw = compareEntries(nativeList, staticList, erroredFiles);
  const where = (e) => `${e.project ?? ''}\u0000${e.file}`;
  const dynFiles = new Set(staticList.filter((e) => e.dynamic).map(where));
  const outside = compareEntries(
    nativeList.filter((e) => !dynFiles.has(where(e))),
    staticList.filter((e) => !dynFiles.has(where(e))),
    erroredFiles,
  );
  return { raw, outsideDynamic: outside, dynamic: staticList.filter((e) => e.dynamic).length };
}
