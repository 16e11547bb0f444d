#!/usr/bin/env node
// Reach accuracy: seams' test → component reach against coverage.py's per-test truth.
//
//   node bench/reach/accuracy.mjs --repo <copy of a repo> --config <seams.yaml> \
//     (--coverage <.coverage with per-test contexts> [--coverage-root <the checkout it measured>] | --truth <json from truth.py>) \
//     [--build after=dist] [--build before=/path/to/other/build/dist] [--ceiling] [--deferred-too] [--json out.json] [--python /usr/bin/python3]
//
// Every `--build name=dir` is one column: seams' static reach computed by that build (a `dist/`
// folder of seams). The truth is what each test executed (setup + call + teardown, all its
// parameters united), mapped to the components of the seams.yaml. See README.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const out = { builds: [], python: '/usr/bin/python3' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--repo') out.repo = path.resolve(v());
    else if (a === '--config') out.config = path.resolve(v());
    else if (a === '--coverage') out.coverage = path.resolve(v());
    else if (a === '--truth') out.truth = path.resolve(v());
    else if (a === '--json') out.json = path.resolve(v());
    else if (a === '--python') out.python = v();
    else if (a === '--ceiling') out.ceiling = true;
    else if (a === '--deferred-too') out.deferredToo = true;
    else if (a === '--coverage-root') out.coverageRoot = path.resolve(v());
    else if (a === '--measured') out.measured = v();
    else if (a === '--build') {
      const [name, dir] = v().split('=');
      if (!name || !dir) fail('--build takes name=dist-folder');
      out.builds.push({ name, dist: path.resolve(dir) });
    } else fail(`unknown argument ${a}`);
  }
  if (!out.repo || !out.config || (!out.coverage && !out.truth)) fail('usage: accuracy.mjs --repo DIR --config seams.yaml (--coverage FILE | --truth FILE) [--build name=dist]...');
  if (!out.builds.length) out.builds.push({ name: 'this build', dist: path.resolve(here, '../../dist') });
  return out;
}

function fail(message) {
  console.error(`accuracy: ${message}`);
  process.exit(2);
}

/** A test function's key: the node id without its parameters. */
const functionKey = (id) => id.replace(/\[.*\]$/, '');

/** truth: test function → executed repo files, from coverage.py's per-test contexts (truth.py). */
function loadTruth(opts) {
  const text = opts.truth ? readFileSync(opts.truth, 'utf8') : execFileSync(opts.python, [path.join(here, 'truth.py'), opts.coverage, opts.coverageRoot ?? opts.repo], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const data = JSON.parse(text);
  return new Map(Object.entries(data.tests).map(([k, files]) => [functionKey(k), files]));
}

// ---------------------------------------------------------------------------------------------
// Reach sources. Each is `async (ctx) => { reach: Map<test function key, Set<component>>, info }`.
// `ctx` holds the repo, the config path and the loaded build. A third source — measured reach
// from the seams history (`seams run --reach`) — plugs in here as another function returning the
// same map, and gets its own column.
// ---------------------------------------------------------------------------------------------

/** seams' static reach as built by one `dist/` folder. */
async function staticReachSource(build, opts) {
  const lib = (rel) => import(pathToFileURL(path.join(build.dist, rel)).href);
  const { loadRepos } = await lib('index.js');
  const { createFileLister } = await lib('workspace/files.js');
  const { companionFilesOf } = await lib('runners/registry.js');
  const [repo] = await loadRepos([opts.repo], { config: opts.config, cache: false });
  const files = await createFileLister(repo.inventory.root)();
  const companions = companionFilesOf(repo.inventory.tests, files);
  let perTest;
  let graph;
  let api = 'analysis/reach.js staticReachOf';
  try {
    const { staticReachOf } = await lib('analysis/reach.js');
    const r = staticReachOf(repo.inventory, repo.config, { files, companions });
    perTest = r.tests;
    graph = r.graph;
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    // A build from before analysis/reach.js: the same computation from the graph builder and
    // the closure the gaps analysis uses (imports only, test file + companions).
    api = 'buildImportGraph + closureOf (no analysis/reach.js in this build)';
    const { buildImportGraph } = await lib('graph/index.js');
    const { closureOf, moduleMatches } = await lib('core/graph.js');
    const entries = [...new Set([...repo.inventory.tests.map((t) => t.file), ...[...companions.values()].flat()])];
    const started = performance.now();
    const b = buildImportGraph(repo.inventory.root, { files, entries });
    graph = { parsed: b.parsed, files: Object.keys(b.graph.files).length, ms: performance.now() - started };
    const comps = Object.values(repo.config.config.components).map((c) => ({ id: c.id, match: c.paths.length ? picomatch(c.paths, { dot: true }) : null, imports: c.imports }));
    const byFile = new Map();
    perTest = repo.inventory.tests.map((t) => {
      const key = `${t.runner}\0${t.file}`;
      if (!byFile.has(key)) {
        const closure = closureOf(b.graph, [t.file, ...(companions.get(key) ?? [])]);
        const found = comps.filter((c) => (c.match && [...closure.files.keys()].some((f) => c.match(f))) || [...closure.externals.keys()].some((m) => c.imports.some((w) => moduleMatches(m, w))));
        byFile.set(key, found.map((c) => c.id).sort());
      }
      return { id: t.id, file: t.file, components: byFile.get(key) };
    });
  }
  const reach = new Map();
  for (const t of perTest) {
    const k = functionKey(t.id);
    const set = reach.get(k) ?? new Set();
    for (const c of t.components) set.add(c);
    reach.set(k, set);
  }
  return { reach, info: { api, tests: perTest.length, graph }, components: repo.config.config.components };
}

/**
 * The ceiling of any per-file reach (static reach gives every test of a file the same
 * components): each test gets the union of what the tests of its file executed. Its precision is
 * the best a per-file source can reach at full recall.
 */
async function fileCeilingSource(truthFiles, components) {
  const comps = Object.values(components).map((c) => ({ id: c.id, match: c.paths.length ? picomatch(c.paths, { dot: true }) : null }));
  const byFile = new Map();
  for (const [k, files] of truthFiles) {
    const file = k.split('::')[0];
    const set = byFile.get(file) ?? new Set();
    for (const c of componentsOfFiles(files, comps)) set.add(c);
    byFile.set(file, set);
  }
  return { reach: new Map([...truthFiles.keys()].map((k) => [k, byFile.get(k.split('::')[0])])), info: { api: 'truth united per test file', tests: truthFiles.size, graph: { ms: 0, parsed: 0, files: 0 } } };
}

/**
 * What-if: the build's graph with function-local (`deferred`) imports followed like module-level
 * ones (`--deferred-too`), to show what treating them as weaker evidence costs and saves.
 */
async function deferredTooSource(build, opts) {
  const lib = (rel) => import(pathToFileURL(path.join(build.dist, rel)).href);
  const { loadRepos } = await lib('index.js');
  const { createFileLister } = await lib('workspace/files.js');
  const { companionFilesOf } = await lib('runners/registry.js');
  const { buildImportGraph } = await lib('graph/index.js');
  const [repo] = await loadRepos([opts.repo], { config: opts.config, cache: false });
  const files = await createFileLister(repo.inventory.root)();
  const companions = companionFilesOf(repo.inventory.tests, files);
  const entries = [...new Set([...repo.inventory.tests.map((t) => t.file), ...[...companions.values()].flat()])];
  const graph = buildImportGraph(repo.inventory.root, { files, entries }).graph;
  // deferred targets are not parsed by the build: add them as entries until nothing new appears
  for (let grew = true; grew; ) {
    grew = false;
    const missing = new Set();
    for (const node of Object.values(graph.files)) for (const e of node.imports) if (e.kind === 'deferred' && !graph.files[e.file]) missing.add(e.file);
    if (missing.size) {
      Object.assign(graph.files, buildImportGraph(repo.inventory.root, { files, entries: [...missing] }).graph.files);
      grew = true;
    }
  }
  const comps = Object.values(repo.config.config.components).map((c) => ({ id: c.id, match: c.paths.length ? picomatch(c.paths, { dot: true }) : null }));
  const byFile = new Map();
  const reach = new Map();
  for (const t of repo.inventory.tests) {
    const key = `${t.runner}\0${t.file}`;
    if (!byFile.has(key)) {
      const seen = new Set([t.file, ...(companions.get(key) ?? [])]);
      const queue = [...seen];
      for (let i = 0; i < queue.length; i++)
        for (const e of graph.files[queue[i]]?.imports ?? [])
          if ((e.kind === undefined || e.kind === 'deferred') && !seen.has(e.file)) {
            seen.add(e.file);
            queue.push(e.file);
          }
      byFile.set(key, new Set(comps.filter((c) => c.match && [...seen].some((f) => c.match(f))).map((c) => c.id)));
    }
    const k = functionKey(t.id);
    reach.set(k, new Set([...(reach.get(k) ?? []), ...byFile.get(key)]));
  }
  return { reach, info: { api: 'buildImportGraph, deferred edges followed', tests: repo.inventory.tests.length, graph: { ms: 0, parsed: 0, files: 0 } }, components: repo.config.config.components };
}

/**
 * Measured reach from a seams history (`seams run --reach … --db <spec>` on the same repo copy),
 * read the way `seams gaps` reads it (`loadMeasuredReach`, this checkout's build): each measured
 * test's executed files mapped to components with the config's globs. Tests without a
 * measurement are left out of this column (they would keep import reach in `seams gaps`).
 */
async function measuredReachSource(opts) {
  const dist = path.resolve(here, '../../dist');
  const lib = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
  const { loadRepos, loadMeasuredReach } = await lib('index.js');
  const { openStore } = await lib('store/index.js');
  const [repo] = await loadRepos([opts.repo], { config: opts.config, cache: false });
  const store = await openStore(opts.measured, repo.inventory.root);
  try {
    const measured = await loadMeasuredReach(repo.inventory.root, store, repo.inventory);
    const comps = Object.values(repo.config.config.components).map((c) => ({ id: c.id, match: c.paths.length ? picomatch(c.paths, { dot: true }) : null }));
    const reach = new Map();
    let tests = 0;
    for (const t of repo.inventory.tests) {
      const m = measured.tests.get(`${t.runner}|${t.project ?? ''}|${t.id}`);
      if (!m) continue;
      tests++;
      const k = functionKey(t.id);
      reach.set(k, new Set([...(reach.get(k) ?? []), ...componentsOfFiles([...m.files], comps)]));
    }
    return { reach, info: { api: `loadMeasuredReach (${measured.runs.size} run(s), ${tests} measured tests)`, tests, graph: { ms: 0, parsed: 0, files: 0 } }, components: repo.config.config.components };
  } finally {
    await store.close();
  }
}

/** The columns: one static-reach source per build, the per-file ceiling, measured reach (`--measured <db>`). */
function reachSources(opts, truthFiles) {
  const sources = opts.builds.map((b) => ({ name: b.name, load: () => staticReachSource(b, opts) }));
  if (opts.deferredToo) for (const b of opts.builds) sources.push({ name: `${b.name}, deferred followed`, load: () => deferredTooSource(b, opts) });
  if (opts.measured) sources.push({ name: 'measured (seams run --reach)', load: () => measuredReachSource(opts) });
  if (opts.ceiling) sources.push({ name: 'per-file ceiling', load: async (components) => ({ ...(await fileCeilingSource(truthFiles, components)), components }) });
  return sources;
}

// ---------------------------------------------------------------------------------------------

function componentsOfFiles(files, comps) {
  const set = new Set();
  for (const c of comps) if (c.match && files.some((f) => c.match(f))) set.add(c.id);
  return set;
}

function compare(truth, reach, keys, componentIds) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const perComponent = Object.fromEntries(componentIds.map((c) => [c, { truth: 0, reach: 0, tp: 0 }]));
  for (const k of keys) {
    const t = truth.get(k);
    const r = reach.get(k) ?? new Set();
    for (const c of r) {
      perComponent[c].reach++;
      if (t.has(c)) {
        tp++;
        perComponent[c].tp++;
      } else fp++;
    }
    for (const c of t) {
      perComponent[c].truth++;
      if (!r.has(c)) fn++;
    }
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { tp, fp, fn, precision, recall, perComponent };
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const truthFiles = loadTruth(opts);
  const results = [];
  let components;
  for (const source of reachSources(opts, truthFiles)) {
    const r = await source.load(components);
    components ??= r.components;
    results.push({ name: source.name, ...r });
  }
  const comps = Object.values(components).map((c) => ({ id: c.id, match: c.paths.length ? picomatch(c.paths, { dot: true }) : null }));
  const ids = comps.map((c) => c.id);
  const truth = new Map([...truthFiles].map(([k, files]) => [k, componentsOfFiles(files, comps)]));
  // the tests both sides know: executed under coverage and found by seams' scan
  if (![...truth.values()].some((c) => c.size)) fail('no executed file of the truth is in a component: is --coverage-root the checkout coverage measured?');
  const keys = [...truth.keys()].filter((k) => results.every((r) => r.reach.has(k))).sort();
  const out = {
    repo: opts.repo,
    tests: { truth: truth.size, compared: keys.length, onlyInTruth: [...truth.keys()].filter((k) => !keys.includes(k)) },
    columns: results.map((r) => ({ name: r.name, info: r.info, onlyInSeams: [...r.reach.keys()].filter((k) => !truth.has(k)).length, ...compare(truth, r.reach, keys, ids) })),
  };
  const lines = [];
  lines.push(`repo: ${opts.repo}`);
  lines.push(`test functions: ${truth.size} executed under coverage, ${keys.length} compared (also in seams' inventory)`);
  lines.push('');
  lines.push(`| reach source | pairs | precision | recall | graph build | files parsed / in graph |`);
  lines.push(`| --- | --- | --- | --- | --- | --- |`);
  const truthPairs = keys.reduce((n, k) => n + truth.get(k).size, 0);
  lines.push(`| coverage.py (truth) | ${truthPairs} | — | — | — | — |`);
  for (const c of out.columns)
    lines.push(`| ${c.name} | ${c.tp + c.fp} | ${pct(c.precision)} (${c.tp}/${c.tp + c.fp}) | ${pct(c.recall)} (${c.tp}/${c.tp + c.fn}) | ${c.info.graph.files ? `${c.info.graph.ms.toFixed(0)} ms` : '—'} | ${c.info.graph.files ? `${c.info.graph.parsed} / ${c.info.graph.files}` : '—'} |`);
  lines.push('');
  lines.push('Share of compared tests reaching each component (saturation):');
  lines.push('');
  lines.push(`| component | truth | ${out.columns.map((c) => c.name).join(' | ')} |`);
  lines.push(`| --- | --- | ${out.columns.map(() => '---').join(' | ')} |`);
  for (const id of ids) {
    const n = keys.length || 1;
    lines.push(`| ${id} | ${pct(out.columns[0].perComponent[id].truth / n)} | ${out.columns.map((c) => pct(c.perComponent[id].reach / n)).join(' | ')} |`);
  }
  console.log(lines.join('\n'));
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(out, null, 2)}\n`);
}

await main();
