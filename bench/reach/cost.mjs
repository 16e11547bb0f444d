#!/usr/bin/env node
// Measured reach (`seams run --reach`) on a real ~2,000-test suite (click): what it costs, what it
// stores, and how it agrees with coverage.py's own per-test truth. Needs the build (`npm run
// build`) and Debian's /usr/bin/python3 (pytest 7.2, coverage.py 6.5, pytest-cov 4.0).
//
//   node bench/reach/cost.mjs [--runs 3] [--no-time] [--source /work/scratch/repos/click] [--work <dir>] [--python /usr/bin/python3]
//
// The repository is copied to a scratch folder (seams writes .seams/ there), with a seams.yaml
// (tier `unit`) and, because the tests read click's version through importlib.metadata, a minimal
// click-<version>.dist-info in src/ (PYTHONPATH=src: the checkout's click, not an installed one).
//
// 1. Time — CPU of the whole process tree, and wall — interleaved per round (medians of --runs rounds), all with the same selection and JUnit
//    report seams' pytest command has:
//    a. bare pytest (the command seams builds),
//    b. bare `python -m coverage run -m pytest` (coverage.py without contexts),
//    c. bare pytest-cov with per-test contexts (`--cov=<root> --cov-context=test`),
//    d. bare seams' wrapped command (coverage run with seams' rc file and context plugin),
//    e. `seams run unit` and f. `seams run unit --reach` (warm scan cache, history in SQLite).
//    coverage.py's own overhead (b, c) is the floor of (f).
// 2. History size per 1,000 tests: the SQLite file after one and after two runs, with and without
//    reach (WAL checkpointed first); the second run's growth is what one run adds.
// 3. Reading the coverage data of (d): better-sqlite3 over coverage.py's tables (what seams does)
//    against a Python script through the Coverage API (CoverageData.read, measured_contexts,
//    contexts_by_lineno per file), interpreter start included.
// 4. Agreement: seams' stored test→file pairs against pytest-cov's `--cov-context=test` (c) —
//    precision and recall of the pairs (a file counts for a test when a line of it ran in the test's
//    setup, call or teardown).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const runs = Number(opt('runs', 3));
const source = opt('source', '/work/scratch/repos/click');
const python = opt('python', '/usr/bin/python3');
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = opt('work', mkdtempSync(path.join(tmpdir(), 'seams-bench-reach-')));
const root = path.join(work, path.basename(source));
if (!existsSync(root)) cpSync(source, root, { recursive: true, filter: (p) => !/[/\\](\.seams|__pycache__|\.pytest_cache|\.git)$/.test(p) });
writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  unit: {}\n');
const version = /^version = "([^"]+)"/m.exec(readFileSync(path.join(root, 'pyproject.toml'), 'utf8'))?.[1] ?? '0';
const distInfo = path.join(root, 'src', `click-${version}.dist-info`);
mkdirSync(distInfo, { recursive: true });
writeFileSync(path.join(distInfo, 'METADATA'), `Metadata-Version: 2.1\nName: click\nVersion: ${version}\n`);
spawnSync('git', ['init', '-q'], { cwd: root });
spawnSync('git', ['add', '-A'], { cwd: root });
spawnSync('git', ['-c', 'user.email=b@example.com', '-c', 'user.name=b', 'commit', '-qm', 'bench'], { cwd: root });
const env = { ...process.env, CI: '1', PYTHONPATH: 'src', SEAMS_PYTHON: python };
const seams = path.join(repo, 'bin/seams.js');
const dist = (p) => import(pathToFileURL(path.join(repo, 'dist', p)).href);

/** Wall time, and the CPU time (user + system) of the whole process tree (/usr/bin/time), which the machine's load disturbs far less. */
function measure(cmd, argv, extraEnv = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'SEAMS_BENCH_TIME %U %S', cmd, ...argv], { cwd: root, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const t = /SEAMS_BENCH_TIME (\S+) (\S+)\s*$/.exec(r.stderr);
  if (!t || (r.status !== 0 && r.status !== 1)) throw new Error(`${cmd} ${argv.slice(0, 12).join(' ')} exited ${r.status}: ${r.stderr.slice(-3000)}${r.stdout.slice(-2000)}`);
  return { wall, cpu: Number(t[1]) + Number(t[2]), stdout: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// the command seams builds for the tier, and its --reach wrapping
const { loadRepos } = await dist('app/repos.js');
const { getRunner } = await dist('runners/registry.js');
const [{ inventory }] = await loadRepos([root], { env });
const tests = inventory.tests.filter((t) => t.tier === 'unit' && t.runner === 'pytest');
const pytest = getRunner('pytest');
const rootDir = inventory.runners.find((r) => r.runner === 'pytest')?.rootDir ?? '.';
const build = (name) =>
  pytest.buildCommand({ root, project: null, rootDir, tests, allTests: inventory.tests.filter((t) => t.runner === 'pytest'), exclude: new Set(), resultFile: path.join(work, `${name}.xml`), workDir: work, extraArgs: [], python });
const bare = build('bare');
const afterPytest = bare.argv.slice(3); // everything after `python -m pytest`
const covRc = path.join(work, 'plain.coveragerc');
writeFileSync(covRc, `[run]\nsource = ${root}\ndata_file = ${path.join(work, 'plain.coverage')}\n`);
const truthRc = path.join(work, 'truth.coveragerc');
const truthData = path.join(work, 'truth.coverage');
writeFileSync(truthRc, `[run]\nsource = ${root}\ndata_file = ${truthData}\n`);
const wrapped = pytest.reach.wrap(build('wrapped'), { root, rootDir, python, workDir: work, tag: 'wrapped', pythonPath: 'src' });
for (const f of [...(bare.files ?? []), ...(wrapped.spec.files ?? [])]) {
  mkdirSync(path.dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.content);
}
const commands = {
  'bare pytest': () => measure(bare.argv[0], bare.argv.slice(1)),
  'bare coverage run -m pytest (no contexts)': () => measure(python, ['-m', 'coverage', 'run', `--rcfile=${covRc}`, '-m', 'pytest', ...afterPytest]),
  'bare pytest-cov --cov-context=test': () => {
    rmSync(truthData, { force: true });
    return measure(python, ['-m', 'pytest', `--cov=${root}`, `--cov-config=${truthRc}`, '--cov-context=test', '--cov-report=', ...afterPytest], { COVERAGE_FILE: truthData });
  },
  "bare seams' wrapped command (coverage run + context plugin)": () => {
    rmSync(wrapped.dataFile, { force: true });
    rmSync(wrapped.notesFile, { force: true });
    return measure(wrapped.spec.argv[0], wrapped.spec.argv.slice(1), wrapped.spec.env);
  },
  'seams run unit': () => measure(process.execPath, [seams, 'run', 'unit', '--db', `sqlite:${path.join(work, 'time-plain.db')}`]),
  'seams run unit --reach': () => measure(process.execPath, [seams, 'run', 'unit', '--reach', '--db', `sqlite:${path.join(work, 'time-reach.db')}`]),
};

// 1. time
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
commands['bare pytest'](); // warm the interpreter's caches and seams' scan cache
measure(process.execPath, [seams, 'scan', '--format', 'json']);
// --no-time: one round only, for the sizes and the agreement (which need the wrapped command's and pytest-cov's data)
const rounds = args.includes('--no-time') ? 1 : runs;
for (let i = 0; i < rounds; i++) for (const [name, f] of Object.entries(commands)) times[name].push(f());
const med = (name, k) => median(times[name].map((x) => x[k]));
const ran = /(\d+) passed/.exec(commands['seams run unit']().stdout)?.[1];
console.log(`${path.basename(source)} (${version}): ${tests.length} tests in the tier (${ran} passed), ${python}, median of ${rounds} round(s), ${new Date().toISOString()}\n`);
console.log('| command | CPU (median, all processes) | × bare pytest | × seams run | wall (median) | × bare pytest |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const name of Object.keys(times))
  console.log(
    `| ${name} | ${med(name, 'cpu').toFixed(2)} s | ${(med(name, 'cpu') / med('bare pytest', 'cpu')).toFixed(2)} | ${(med(name, 'cpu') / med('seams run unit', 'cpu')).toFixed(2)} | ${med(name, 'wall').toFixed(2)} s | ${(med(name, 'wall') / med('bare pytest', 'wall')).toFixed(2)} |`,
  );

// 2. history size
const { default: Database } = await import(pathToFileURL(path.join(repo, 'node_modules/better-sqlite3/lib/index.js')).href);
const sizeOf = (file) => {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return statSync(file).size;
};
const sizes = {};
for (const kind of ['plain', 'reach']) {
  const db = path.join(work, `size-${kind}.db`);
  rmSync(db, { force: true });
  const a = kind === 'reach' ? ['--reach'] : [];
  measure(process.execPath, [seams, 'run', 'unit', ...a, '--db', `sqlite:${db}`]);
  const one = sizeOf(db);
  measure(process.execPath, [seams, 'run', 'unit', ...a, '--db', `sqlite:${db}`]);
  sizes[kind] = { one, two: sizeOf(db) };
}
const n = tests.length;
const perK = (bytes) => `${((bytes / n) * 1000 / 1024).toFixed(1)} KiB`;
console.log(`\nHistory size (SQLite, ${n} tests per run):\n`);
console.log('| | after 1 run | after 2 runs | one run adds | per 1,000 tests |');
console.log('|---|---:|---:|---:|---:|');
for (const [kind, s] of Object.entries(sizes)) console.log(`| ${kind === 'reach' ? 'seams run --reach' : 'seams run'} | ${(s.one / 1024).toFixed(0)} KiB | ${(s.two / 1024).toFixed(0)} KiB | ${((s.two - s.one) / 1024).toFixed(0)} KiB | ${perK(s.two - s.one)} |`);
console.log(`| reach alone (difference) | | | ${((sizes.reach.two - sizes.reach.one - (sizes.plain.two - sizes.plain.one)) / 1024).toFixed(0)} KiB | ${perK(sizes.reach.two - sizes.reach.one - (sizes.plain.two - sizes.plain.one))} |`);
{
  const db = new Database(path.join(work, 'size-reach.db'), { readonly: true });
  const row = db.prepare('SELECT COUNT(*) AS tests, SUM(LENGTH(files)) AS chars FROM reach_tests').get();
  const files = db.prepare('SELECT COUNT(*) AS n FROM reach_files').get().n;
  console.log(`\nreach rows over the two runs: ${row.tests} test rows, ${(row.chars / row.tests).toFixed(1)} characters of file ids per test, ${files} file rows`);
  db.close();
}

// 3. reading the coverage data
const { readCoverageContexts } = await dist('execute/reach.js');
const jsTimes = [];
let jsPairs = 0;
for (let i = 0; i < 5; i++) {
  const t0 = process.hrtime.bigint();
  const m = await readCoverageContexts(wrapped.dataFile);
  jsTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  jsPairs = [...m.values()].reduce((a, l) => a + l.length, 0);
}
const pyScript = `
import sys
from coverage import CoverageData
d = CoverageData(sys.argv[1]); d.read()
pairs = set()
for f in d.measured_files():
    for line, ctxs in d.contexts_by_lineno(f).items():
        for c in ctxs:
            pairs.add((c, f))
print(len(pairs))
`;
const pyTimes = [];
let pyPairs = 0;
for (let i = 0; i < 5; i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(python, ['-c', pyScript, wrapped.dataFile], { encoding: 'utf8' });
  pyTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  pyPairs = Number(r.stdout.trim());
}
console.log(`\nReading the coverage data of ${tests.length} tests (${(statSync(wrapped.dataFile).size / 1024).toFixed(0)} KiB), median of 5:`);
console.log(`- better-sqlite3 over line_bits/context/file (seams): ${median(jsTimes).toFixed(1)} ms, ${jsPairs} (context, file) pairs`);
console.log(`- Python, Coverage API (CoverageData.read, contexts_by_lineno per file): ${median(pyTimes).toFixed(1)} ms, ${pyPairs} pairs (the empty context included)`);

// 4. agreement with pytest-cov's per-test contexts
const truth = new Map();
{
  const db = new Database(truthData, { readonly: true });
  const rows = db.prepare('SELECT c.context, f.path FROM line_bits l JOIN context c ON c.id = l.context_id JOIN file f ON f.id = l.file_id WHERE length(l.numbits) > 0').raw().all();
  db.close();
  for (const [context, file] of rows) {
    if (!context) continue;
    const id = context.replace(/\|(setup|run|teardown)$/, '');
    const rel = path.relative(root, file).split(path.sep).join('/');
    if (rel.startsWith('..')) continue;
    if (!truth.has(id)) truth.set(id, new Set());
    truth.get(id).add(rel);
  }
}
const { openStore } = await dist('store/index.js');
const store = await openStore(`sqlite:${path.join(work, 'size-reach.db')}`, root);
const latest = await store.latestReach({ repo: inventory.name });
await store.close();
const measured = new Map();
for (const t of latest.tests) measured.set(t.id, new Set(t.files.map((i) => latest.runs.get(t.run).files[i].path)));
let tp = 0;
let fp = 0;
let fn = 0;
const disagree = [];
for (const id of new Set([...truth.keys(), ...measured.keys()])) {
  const a = measured.get(id) ?? new Set();
  const b = truth.get(id) ?? new Set();
  for (const f of a) (b.has(f) ? tp++ : (fp++, disagree.push(`+ ${id} ${f}`)));
  for (const f of b) if (!a.has(f)) (fn++, disagree.push(`- ${id} ${f}`));
}
console.log(`\nAgreement with pytest-cov --cov-context=test on test→file pairs: ${measured.size} tests measured by seams, ${truth.size} with contexts in pytest-cov's data`);
console.log(`- pairs: ${tp} in both, ${fp} only in seams', ${fn} only in pytest-cov's`);
console.log(`- precision ${((100 * tp) / (tp + fp)).toFixed(2)} %, recall ${((100 * tp) / (tp + fn)).toFixed(2)} %`);
const onlySeams = disagree.filter((d) => d.startsWith('+'));
const onlyTruth = new Map();
for (const d of disagree.filter((x) => x.startsWith('-'))) {
  const id = d.split(' ')[1];
  onlyTruth.set(id, (onlyTruth.get(id) ?? 0) + 1);
}
if (onlySeams.length) console.log(`- only in seams':\n${onlySeams.map((d) => `  ${d}`).join('\n')}`);
if (onlyTruth.size) console.log(`- only in pytest-cov's, per test:\n${[...onlyTruth].map(([id, k]) => `  ${id}: ${k} file(s)`).join('\n')}`);
if (!opt('work', '')) rmSync(work, { recursive: true, force: true });
