#!/usr/bin/env node
// Regression check between two builds of seams: same inventories, and the time ratio, on real repos.
//
//   node bench/regress/compare.mjs --before <seams checkout | saved dir> --after <seams checkout>
//        [--runs 3] [--save DIR] [--configs DIR] [--example DIR] [--no-graph] [--repos DIR] <repo> …
//
// Each checkout needs its dist/ built (`npx tsc -p tsconfig.build.json`). For every repo it runs
// `node <seams>/bin/seams.js scan <repo> --format json` with each build, alternating the order,
// --runs times (GNU /usr/bin/time gives CPU and peak RSS when present), normalises the JSON and
// compares it. `gaps` and `trace` (--format json) run on the example (default: the --before
// checkout's examples/platform) and on every repo that has `<configs>/<basename>.yaml` (passed
// with -c). --save DIR writes each side's normalised outputs and timings to DIR/before, DIR/after;
// such a saved side can be given as --before later (its timings then come from another run).
// --repos DIR adds every repository of repos.txt found as DIR/<name>. The rendered outputs
// (--formats, default text,markdown) are compared too, from one untimed run per build.
// Exit code: 0 identical everywhere, 1 some output differs, 2 usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = { runs: 3, save: null, configs: path.join(here, 'configs'), example: null, graph: true, repos: [], formats: ['text', 'markdown'] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--before') opts.before = path.resolve(argv[++i]);
  else if (a === '--after') opts.after = path.resolve(argv[++i]);
  else if (a === '--runs') opts.runs = Math.max(1, Number(argv[++i]));
  else if (a === '--save') opts.save = path.resolve(argv[++i]);
  else if (a === '--configs') opts.configs = path.resolve(argv[++i]);
  else if (a === '--example') opts.example = path.resolve(argv[++i]);
  else if (a === '--no-graph') opts.graph = false;
  else if (a === '--repos') opts.reposDir = path.resolve(argv[++i]);
  else if (a === '--formats') opts.formats = argv[++i].split(',').filter(Boolean);
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else opts.repos.push(path.resolve(a));
}
if (!opts.before || !opts.after) usage('--before and --after are required');
// --repos DIR: every repository of repos.txt checked out as DIR/<name>
if (opts.reposDir) {
  const names = readFileSync(path.join(here, 'repos.txt'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split(/\s+/)[0]);
  for (const name of names) {
    if (existsSync(path.join(opts.reposDir, name))) opts.repos.push(path.join(opts.reposDir, name));
    else console.error(`note: ${name} is not in ${opts.reposDir}, skipped`);
  }
}
if (!opts.repos.length && !opts.graph) usage('no repositories given');

function usage(message) {
  console.error(`${message}\nusage: compare.mjs --before DIR --after DIR [--runs N] [--save DIR] [--configs DIR] [--example DIR] [--no-graph] [--repos DIR] [--formats text,markdown] <repo> …`);
  process.exit(2);
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-regress-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** A side: a seams checkout to run, or a folder saved by an earlier --save. */
function side(label, dir) {
  if (existsSync(path.join(dir, 'bin/seams.js'))) {
    if (!existsSync(path.join(dir, 'dist/cli/main.js'))) usage(`${dir}: no dist/ (run npx tsc -p tsconfig.build.json there)`);
    const git = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
    return { label, dir, saved: null, commit: git.stdout?.trim() || '?' };
  }
  const timings = path.join(dir, 'timings.json');
  if (!existsSync(timings)) usage(`${dir} is neither a seams checkout (bin/seams.js) nor a saved side (timings.json)`);
  const saved = JSON.parse(readFileSync(timings, 'utf8'));
  return { label, dir, saved, commit: `${saved.commit ?? '?'} (saved)` };
}
const sides = [side('before', opts.before), side('after', opts.after)];
if (sides[1].saved) usage('--after must be a seams checkout');

// ---- the jobs: scan every repo; gaps + trace on the example and on the repos with a config ----
const jobs = [];
for (const repo of opts.repos) jobs.push({ name: path.basename(repo), cmd: 'scan', target: repo, extra: [] });
if (opts.graph) {
  const example = opts.example ?? path.join(sides[0].saved ? opts.after : opts.before, 'examples/platform');
  const targets = [{ name: 'platform', target: example, extra: [] }];
  for (const repo of opts.repos) {
    const config = path.join(opts.configs, `${path.basename(repo)}.yaml`);
    if (existsSync(config)) targets.push({ name: path.basename(repo), target: repo, extra: ['-c', config] });
  }
  for (const t of targets) for (const cmd of ['gaps', 'trace']) jobs.push({ ...t, cmd });
}

/** Runs one seams command once: wall/cpu seconds, peak RSS in MB, exit code, stdout text. */
function runOnce(seams, job, format = 'json') {
  const out = path.join(tmp, 'out.json');
  const timeFile = path.join(tmp, 'time.txt');
  const args = [path.join(seams, 'bin/seams.js'), job.cmd, job.target, '--format', format, ...job.extra];
  const [cmd, cmdArgs] = gnuTime ? [gnuTime, ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args]] : [process.execPath, args];
  const fd = openSync(out, 'w');
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, cmdArgs, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(fd);
  const t = gnuTime && existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [];
  return {
    wall: t.length === 4 ? t[0] : wall,
    cpu: t.length === 4 ? t[1] + t[2] : null,
    rssMB: t.length === 4 ? t[3] / 1024 : null,
    code: r.status,
    stderr: (r.stderr ?? '').trim().split('\n').slice(-3).join(' | '),
    text: readFileSync(out, 'utf8'),
  };
}

// Volatile fields: the moment of the run, and what depends on today's date.
const VOLATILE = new Set(['generatedAt', 'daysLeft', 'durationMs', 'elapsedMs']);
/** Parses and normalises a JSON output: volatile keys dropped, the target path and the config folder replaced. */
function normalise(text, job) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return { invalid: text.slice(0, 200) };
  }
  const swaps = [[job.target, '<repo>'], [opts.configs, '<configs>']];
  const walk = (v) => {
    if (typeof v === 'string') return swaps.reduce((s, [from, to]) => s.split(from).join(to), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(doc);
}

/** A rendered output with the same paths replaced, and the date-dependent day counts. */
function normaliseText(text, job) {
  const swapped = [[job.target, '<repo>'], [opts.configs, '<configs>']].reduce((t, [from, to]) => t.split(from).join(to), text);
  return swapped.replace(/\b\d+ days? (left|past due)/g, 'N days $1');
}

/** Compares the rendered outputs of one job; returns the formats that differ. */
function compareTexts(job, key) {
  const differing = [];
  for (const format of opts.formats) {
    const texts = {};
    for (const s of sides) {
      const file = path.join(s.dir, `${key}.${format}.txt`);
      if (s.saved) texts[s.label] = existsSync(file) ? readFileSync(file, 'utf8') : null;
      else texts[s.label] = normaliseText(runOnce(s.dir, job, format).text, job);
      results[s.label][`${key}.${format}.txt`] = texts[s.label];
    }
    if (texts.before === texts.after) continue;
    differing.push(`${key}.${format}`);
    if (texts.before == null) { say(`    ${format}: not in the saved side`); continue; }
    const [a, b] = [texts.before.split('\n'), texts.after.split('\n')];
    const i = a.findIndex((line, n) => line !== b[n]);
    const at = i < 0 ? a.length : i;
    say(`    ${format} DIFFERS from line ${at + 1} (${a.length} → ${b.length} lines):`, `      before: ${a[at] ?? '(end)'}`, `      after:  ${b[at] ?? '(end)'}`);
  }
  return differing;
}

/** The headline count of an output: tests for scan/gaps, requirements for trace. */
function count(job, doc) {
  const repos = doc?.repos ?? [];
  if (job.cmd === 'scan') return repos.reduce((n, r) => n + (r.tests?.length ?? 0), 0);
  if (job.cmd === 'gaps') return repos.reduce((n, r) => n + (r.metrics?.tests ?? 0), 0);
  return repos.reduce((n, r) => n + (r.summary?.total ?? 0), 0);
}

// ---- differences ----
const TEST_FIELDS = ['file', 'line', 'name', 'titlePath', 'tier', 'tierSource', 'status', 'dynamic', 'dynamicReason', 'markers', 'refs'];
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** For scan outputs: tests matched by (runner, project, id), with the fields that changed. */
function testDiff(a, b) {
  const index = (doc) => {
    const m = new Map();
    for (const r of doc.repos ?? []) for (const t of r.tests ?? []) {
      const key = `${t.runner} | ${t.project ?? ''} | ${t.id}`;
      m.set(key, [...(m.get(key) ?? []), t]);
    }
    return m;
  };
  const [ia, ib] = [index(a), index(b)];
  const onlyBefore = [];
  const onlyAfter = [];
  const changed = {};
  for (const [key, ta] of ia) {
    const tb = ib.get(key) ?? [];
    for (let i = tb.length; i < ta.length; i++) onlyBefore.push(key);
    for (let i = 0; i < Math.min(ta.length, tb.length); i++)
      for (const f of TEST_FIELDS) if (!same(ta[i][f], tb[i][f])) (changed[f] ??= []).push(`${key}: ${JSON.stringify(ta[i][f])} → ${JSON.stringify(tb[i][f])}`);
  }
  for (const [key, tb] of ib) for (let i = (ia.get(key) ?? []).length; i < tb.length; i++) onlyAfter.push(key);
  return { onlyBefore, onlyAfter, changed };
}

/** The first differing JSON paths of two values (arrays by index). */
function pathDiff(a, b, at = '$', out = [], limit = 8) {
  if (out.length >= limit || same(a, b)) return out;
  const obj = (v) => v && typeof v === 'object';
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${at}: ${a.length} → ${b.length} items`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) pathDiff(a[i], b[i], `${at}[${i}]`, out, limit);
  } else if (obj(a) && obj(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) out.push(`${at}.${k}: only after`);
      else if (!(k in b)) out.push(`${at}.${k}: only before`);
      else pathDiff(a[k], b[k], `${at}.${k}`, out, limit);
    }
  } else out.push(`${at}: ${JSON.stringify(a)?.slice(0, 80)} → ${JSON.stringify(b)?.slice(0, 80)}`);
  return out.slice(0, limit);
}

function describeDiff(job, a, b) {
  const lines = [];
  if (job.cmd === 'scan' && !a.invalid && !b.invalid) {
    const d = testDiff(a, b);
    const show = (list) => list.slice(0, 3).map((s) => `      ${s}`);
    if (d.onlyBefore.length) lines.push(`    ids only before: ${d.onlyBefore.length}`, ...show(d.onlyBefore));
    if (d.onlyAfter.length) lines.push(`    ids only after: ${d.onlyAfter.length}`, ...show(d.onlyAfter));
    for (const [f, list] of Object.entries(d.changed)) lines.push(`    changed ${f}: ${list.length}`, ...show(list));
    const strip = (doc) => ({ ...doc, repos: (doc.repos ?? []).map(({ tests, ...rest }) => rest) });
    for (const p of pathDiff(strip(a), strip(b))) lines.push(`    ${p}`);
    if (!lines.length) lines.push('    same tests and fields; order of entries differs');
  } else for (const p of pathDiff(a, b)) lines.push(`    ${p}`);
  return lines;
}

// ---- run ----
const fmt = (x, d = 2) => (x == null ? '–' : x.toFixed(d));
const best = (samples, k) => (samples.some((s) => s[k] != null) ? Math.min(...samples.filter((s) => s[k] != null).map((s) => s[k])) : null);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const report = [];
const say = (...lines) => {
  for (const line of lines.length ? lines : ['']) {
    report.push(line);
    console.log(line);
  }
};

say(`seams regression check, ${new Date().toISOString()}, ${os.cpus().length} CPUs, node ${process.version}, best of ${opts.runs}`);
for (const s of sides) say(`  ${s.label}: ${s.dir} @ ${s.commit}`);
say(`  load average at start: ${load()}`);
say();

const results = { before: {}, after: {} };
const problems = [];
const rows = [];
const differingTexts = [];
for (const job of jobs) {
  const key = `${job.name}.${job.cmd}`;
  const samples = { before: [], after: [] };
  const docs = {};
  for (let i = 0; i < opts.runs; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const s of order) {
      if (s.saved) continue;
      const r = runOnce(s.dir, job);
      const doc = normalise(r.text, job);
      const text = JSON.stringify(doc);
      if (docs[s.label] === undefined) docs[s.label] = { doc, text, code: r.code, stderr: r.stderr };
      else if (docs[s.label].text !== text) problems.push(`${key}: the ${s.label} build gave different output on run ${i + 1} (not deterministic)`);
      samples[s.label].push({ wall: r.wall, cpu: r.cpu, rssMB: r.rssMB });
    }
  }
  const savedSide = sides.find((s) => s.saved);
  if (savedSide) {
    const file = path.join(savedSide.dir, `${key}.json`);
    const entry = savedSide.saved.jobs?.[key];
    if (!existsSync(file) || !entry) problems.push(`${key}: not in the saved side ${savedSide.dir}`);
    else {
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      docs.before = { doc, text: JSON.stringify(doc), code: entry.code, stderr: entry.stderr };
      samples.before = entry.samples;
    }
  }
  const [b, a] = [docs.before, docs.after];
  const identical = !!b && !!a && b.text === a.text && b.code === a.code;
  const row = {
    key,
    testsBefore: b ? count(job, b.doc) : null,
    testsAfter: a ? count(job, a.doc) : null,
    identical,
    wall: [best(samples.before, 'wall'), best(samples.after, 'wall')],
    cpu: [best(samples.before, 'cpu'), best(samples.after, 'cpu')],
    rss: [best(samples.before, 'rssMB'), best(samples.after, 'rssMB')],
  };
  rows.push(row);
  const ratio = row.wall[0] && row.wall[1] ? row.wall[1] / row.wall[0] : null;
  say(`${key}: ${row.identical ? 'identical' : 'DIFFERS'} · count ${row.testsBefore} → ${row.testsAfter} · wall ${fmt(row.wall[0])} → ${fmt(row.wall[1])} s (×${fmt(ratio)}) · cpu ${fmt(row.cpu[0])} → ${fmt(row.cpu[1])} s · RSS ${fmt(row.rss[0], 0)} → ${fmt(row.rss[1], 0)} MB`);
  if (b && a && !identical) {
    if (b.code !== a.code) say(`    exit code ${b.code} → ${a.code} (stderr after: ${a.stderr})`);
    for (const line of describeDiff(job, b.doc, a.doc)) say(line);
  }
  for (const [label, d] of Object.entries(docs)) {
    if (d.doc?.invalid !== undefined) say(`    ${label}: not JSON (exit ${d.code}): ${d.stderr || d.doc.invalid}`);
    results[label][key] = { doc: d.doc, code: d.code, stderr: d.stderr, samples: samples[label] };
  }
  const textDiffs = compareTexts(job, key);
  if (opts.formats.length && !textDiffs.length) say(`    ${opts.formats.join(', ')}: identical`);
  differingTexts.push(...textDiffs);
}

// ---- summary table ----
say();
say(`load average at end: ${load()}`);
say();
say('| output | count before | count after | identical | wall before s | wall after s | ratio after/before | cpu before s | cpu after s | RSS before MB | RSS after MB |');
say('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const ratio = r.wall[0] && r.wall[1] ? `${fmt(r.wall[1] / r.wall[0])}×` : '–';
  say(`| ${r.key} | ${r.testsBefore ?? '–'} | ${r.testsAfter ?? '–'} | ${r.identical ? 'yes' : '**no**'} | ${fmt(r.wall[0])} | ${fmt(r.wall[1])} | ${ratio} | ${fmt(r.cpu[0])} | ${fmt(r.cpu[1])} | ${fmt(r.rss[0], 0)} | ${fmt(r.rss[1], 0)} |`);
}
const differing = [...rows.filter((r) => !r.identical).map((r) => r.key), ...differingTexts];
// Totals: the steadier speed figure on a shared machine (single small repos swing ±30 %).
say();
for (const [label, test] of [['scan', (k) => k.endsWith('.scan')], ['gaps + trace', (k) => !k.endsWith('.scan')]]) {
  const sel = rows.filter((r) => test(r.key));
  for (const [what, k] of [['CPU', 'cpu'], ['wall', 'wall']]) {
    const ok = sel.filter((r) => r[k][0] && r[k][1]);
    if (!ok.length) continue;
    const sum = (i) => ok.reduce((n, r) => n + r[k][i], 0);
    say(`total ${what} of ${label} (${ok.length} outputs): ${fmt(sum(0))} → ${fmt(sum(1))} s (×${fmt(sum(1) / sum(0))})`);
  }
}
for (const p of problems) say(`problem: ${p}`);
say(differing.length || problems.length ? `\nRESULT: ${differing.length} output(s) differ${differing.length ? `: ${differing.join(', ')}` : ''}${problems.length ? `; ${problems.length} problem(s)` : ''}` : '\nRESULT: identical everywhere');

// ---- save ----
if (opts.save) {
  for (const s of sides) {
    if (s.saved) continue;
    const dir = path.join(opts.save, s.label);
    mkdirSync(dir, { recursive: true });
    const jobsOut = {};
    for (const [key, r] of Object.entries(results[s.label])) {
      if (key.endsWith('.txt')) {
        writeFileSync(path.join(dir, key), r);
        continue;
      }
      writeFileSync(path.join(dir, `${key}.json`), `${JSON.stringify(r.doc, null, 1)}\n`);
      jobsOut[key] = { code: r.code, stderr: r.stderr, count: count({ cmd: key.split('.').pop() }, r.doc), samples: r.samples };
    }
    const meta = { seams: s.dir, commit: s.commit, date: new Date().toISOString(), load: os.loadavg(), runs: opts.runs, jobs: jobsOut };
    writeFileSync(path.join(dir, 'timings.json'), `${JSON.stringify(meta, null, 1)}\n`);
  }
  writeFileSync(path.join(opts.save, 'report.md'), `${report.join('\n')}\n`);
  console.log(`\nsaved under ${opts.save}`);
}
process.exit(differing.length || problems.length ? 1 : 0);
