#!/usr/bin/env node
// The report page at scale (issue 14): file size, server-side render time and memory, and in
// headless Chromium the first meaningful render (Overview shown, then the Tests list with rows),
// the JS heap, and the filters at 100k and 1M tests. Synthetic ReportData built with
// ReportTestsBuilder, shaped like generate.mjs's JUnit (ids tests/<area>/test_<area>_<suite>.py::
// Test…::test_…, 5% failures with a message and a 20-line stack, 2% skipped), plus a
// 100k × 20-run history variant (strips, durations, messages). Needs `npm run build`.
//
//   node bench/report/page.mjs [--sizes 100k,1m] [--history] [--level 6] [--levels 1,6,9] [--split] [--out /work/scratch/page]
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderHtmlReport, renderSplitReport } from '../../dist/report/html/index.js';
import { ReportTestsBuilder } from '../../dist/report/html/model.js';
import { DEFAULT_LEVEL, encodeReport, partsOf } from '../../dist/report/html/encode.js';
import { deflateRawSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? def : args[i + 1];
};
const flag = (name) => args.includes(`--${name}`);
const parseSize = (s) => Number(s.toLowerCase().replace(/k$/, '000').replace(/m$/, '000000'));
const SIZES = opt('sizes', '100k,1m').split(',').map(parseSize);
const OUT = opt('out', path.join(os.tmpdir(), 'seams-page-bench'));
const LEVELS = opt('levels', '') ? opt('levels', '').split(',').map(Number) : null;
const LEVEL = opt('level', '') ? Number(opt('level', '')) : undefined; // default: encode.ts DEFAULT_LEVEL
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
mkdirSync(OUT, { recursive: true });

function hash(seed, i, salt) {
  let h = (seed * 0x9e3779b1) ^ (i * 0x85ebca6b) ^ (salt * 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
const WORDS = ['order', 'invoice', 'user', 'session', 'cart', 'payment', 'ledger', 'report', 'token', 'catalog', 'search', 'export'];
const VERBS = ['creates', 'rejects', 'updates', 'lists', 'deletes', 'retries', 'merges', 'renders', 'validates', 'expires'];
const STATUS_CODE = { passed: 'P', failed: 'F', skipped: 'S' };

function stack(i, mod) {
  const lines = [];
  for (let l = 0; l < 20; l++) {
    const w = WORDS[hash(14, i, 200 + l) % WORDS.length];
    lines.push(`    at ${w}Service.${VERBS[(l + i) % VERBS.length]} (src/services/${w}/${mod}.ts:${(hash(14, i, 300 + l) % 900) + 10}:${((l * 7) % 60) + 1})`);
  }
  return lines.join('\n');
}

/** Case i of run k: 4% always fail, 2% flaky pool, 2% skipped. */
function outcome(i, run) {
  const r = hash(14, i, 1) / 2 ** 32;
  if (r < 0.04) return 'failed';
  if (r < 0.06) return hash(14, i, 100 + run) / 2 ** 32 < 0.5 ? 'failed' : 'passed';
  if (r < 0.08) return 'skipped';
  return 'passed';
}

/** ReportData of `n` tests and `runs` runs (history strips, durations and messages when runs > 1). */
export function syntheticReport(n, runs = 1) {
  const b = new ReportTestsBuilder();
  const files = [];
  const fileIndex = new Map();
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const groups = new Map();
  for (let i = 0; i < n; i++) {
    const suite = Math.floor(i / 50);
    const area = WORDS[suite % WORDS.length];
    const mod = `test_${area}_${suite}`;
    const file = `tests/${area}/${mod}.py`;
    let f = fileIndex.get(file);
    if (f === undefined) fileIndex.set(file, (f = files.push(file) - 1));
    const id = `${file}::Test${area[0].toUpperCase()}${area.slice(1)}${suite}::test_${VERBS[i % VERBS.length]}_${WORDS[(i >>> 3) % WORDS.length]}_${i}`;
    let hist = '';
    const durations = [];
    const messages = [];
    let status = 'passed';
    let message = '';
    for (let k = 0; k < runs; k++) {
      const o = outcome(i, k);
      hist += STATUS_CODE[o];
      durations.push(hash(14, i, 2 + k) % 2500);
      const msg = o === 'failed' ? `AssertionError: expected ${area} ${i} to be "ready", got status ${hash(14, i, 3 + k) % 1000}\n${stack(i, mod)}` : o === 'skipped' ? 'skipped: needs the payment sandbox' : '';
      if (msg && runs > 1) messages.push([k, msg.slice(0, 300)]);
      status = o;
      message = msg;
    }
    counts[status]++;
    const row = b.add(
      { repo: 0, id, file: f, line: 10 + (i % 50) * 7, tier: i % 10 < 7 ? 'unit' : 'integration', runner: 'pytest', status, duration: durations.at(-1), message, markers: i % 17 === 0 ? 'slow' : '', history: runs > 1 ? hist : STATUS_CODE[status], flaky: runs > 1 && hist.includes('P') && hist.includes('F') ? 'same-commit' : '', stale: '', known: true },
      runs > 1 ? durations : [durations.at(-1)],
      messages,
    );
    if (status === 'failed') {
      const g = groups.get(area) ?? { category: `AssertionError: expected ${area} <n> to be <str>, got status <n>`, count: 0, rows: [] };
      g.count++;
      if (g.rows.length < 500) g.rows.push(row);
      groups.set(area, g);
    }
  }
  const historyRuns = Array.from({ length: runs }, (_, k) => ({ id: `run-${k}`, startedAt: new Date(Date.UTC(2026, 10, 1 + k, 10)).toISOString(), finishedAt: new Date(Date.UTC(2026, 10, 1 + k, 10, 20)).toISOString(), commit: `c${String(k).padStart(7, '0')}`, tiers: ['unit', 'integration'], shard: null }));
  return {
    version: 2,
    title: `bench ${n}`,
    generatedAt: '2026-12-07T18:00:00.000Z',
    missing: [],
    repos: [{ name: 'bench', root: '/bench', tiers: [{ tier: 'unit', tests: Math.ceil(n * 0.7), files: files.length, skipped: 0 }, { tier: 'integration', tests: Math.floor(n * 0.3), files: files.length, skipped: 0 }], total: { tests: n, files: files.length }, runners: ['pytest'] }],
    gaps: null,
    reach: [],
    trace: null,
    gate: null,
    latestRun: [{ id: `run-${runs - 1}`, repo: 'bench', startedAt: historyRuns.at(-1).startedAt, commit: historyRuns.at(-1).commit, branch: 'main', tiers: ['unit', 'integration'], durationMs: 1_200_000, counts, unmatched: 0 }],
    files,
    tests: b.finish(),
    failureGroups: [...groups.values()].sort((a, b) => b.count - a.count),
    flaky: [],
    historyRuns: [historyRuns],
    trends: [],
  };
}

/** What the page must show, computed here from the data (the browser's figures are checked, not trusted). */
function expected(data) {
  const t = data.tests;
  let failed = 0;
  let integrationFailed = 0;
  const integration = t.strings.indexOf('integration');
  for (let i = 0; i < t.count; i++) if (t.status[i] === 2) {
    failed++;
    if (t.tier[i] === integration) integrationFailed++;
  }
  const lowerFiles = data.files.map((f) => f.toLowerCase());
  return {
    failed,
    integrationFailed,
    search: (q) => {
      let k = 0;
      for (let i = 0; i < t.count; i++) if (t.id[i].toLowerCase().includes(q) || lowerFiles[t.file[i]].includes(q) || t.strings[t.markers[i]].toLowerCase().includes(q)) k++;
      return k;
    },
  };
}

/** Peak RSS while the main thread is busy (a synchronous render): a worker samples every 10 ms. */
function rssSampler() {
  const shared = new Float64Array(new SharedArrayBuffer(16));
  const w = new Worker(
    `const { workerData } = require('node:worker_threads'); const a = new Float64Array(workerData);
     setInterval(() => { const r = process.memoryUsage.rss(); if (r > a[0]) a[0] = r; }, 10);`,
    { eval: true, workerData: shared.buffer },
  );
  w.unref();
  return {
    reset: () => (shared[0] = process.memoryUsage.rss()),
    peak: () => shared[0],
    stop: () => w.terminate(),
  };
}
const sampler = rssSampler();

/** The page's size before issue 14's columns (bench/report/RESULTS.md, seams report on the generated JUnit). */
const BEFORE = { 10_000: 2.5, 100_000: 24.5, 1_000_000: 251.2 };

const mb = (b) => (b / 1e6).toFixed(1);
const load = () => os.loadavg()[0].toFixed(1);

let heapFields = '';
async function browse(url, n, expect) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--enable-precise-memory-info'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const cdp = await page.context().newCDPSession(page);
    const t0 = performance.now();
    await page.goto(`${url}#overview`, { waitUntil: 'commit' });
    await page.waitForSelector('#view-overview .pyramid', { timeout: 120_000 });
    const overviewMs = performance.now() - t0;
    await page.evaluate(() => (location.hash = '#tests'));
    await page.waitForSelector('#view-tests .vt-row', { timeout: 120_000 });
    const testsMs = performance.now() - t0;
    const heapOf = async () => { const u = await cdp.send('Runtime.getHeapUsage'); heapFields = Object.keys(u).join(','); return u.usedSize + (u.backingStorageSize ?? 0); };
    const heap1 = await heapOf();
    await cdp.send('HeapProfiler.collectGarbage');
    const heap1gc = await heapOf();
    const timed = async (fn, check) => {
      const t = performance.now();
      await fn();
      await page.waitForFunction(check, null, { timeout: 120_000 });
      return performance.now() - t;
    };
    const count = () => document.querySelector('#view-tests .vt-count')?.textContent;
    const waitCount = async (fn, want) => {
      const t = performance.now();
      await fn();
      await page.waitForFunction((w) => document.querySelector('#view-tests .vt-count')?.textContent === w, want, { timeout: 120_000 }).catch(async () => errors.push(`count ${await page.evaluate(count)}, expected ${want}`));
      return performance.now() - t;
    };
    const rows = (k) => `${k.toLocaleString('en-US')} row${k === 1 ? '' : 's'}`;
    const fMs = await waitCount(() => page.selectOption('#view-tests #status-filter', 'failed'), rows(expect.failed));
    const tierMs = await waitCount(() => page.selectOption('#view-tests #tier-filter', 'integration'), rows(expect.integrationFailed));
    await waitCount(() => page.selectOption('#view-tests #tier-filter', ''), rows(expect.failed));
    await waitCount(() => page.selectOption('#view-tests #status-filter', ''), rows(n));
    const searchFor = `_${Math.floor(n / 2)}`;
    const sMs = await waitCount(() => page.fill('#view-tests #filter', searchFor), rows(expect.search(searchFor)));
    const spanMs = await waitCount(() => page.fill('#view-tests #filter', '.py::testorder'), rows(expect.search('.py::testorder')));
    // a failing test's page: decodes messages and history durations on demand
    const firstFailed = await page.evaluate(() => {
      location.hash = '#failures';
      return true;
    });
    void firstFailed;
    await page.waitForSelector('#view-failures .fgroup');
    const href = await page.getAttribute('#view-failures .ftests a', 'href');
    const tTest = performance.now();
    await page.evaluate((h) => (location.hash = h), href);
    await page.waitForSelector('#view-test pre.msg', { timeout: 120_000 });
    const testMs = performance.now() - tTest;
    const tTree = performance.now();
    await page.evaluate(() => (location.hash = '#tree'));
    await page.waitForSelector('#view-tree details.tnode', { timeout: 120_000 });
    const treeMs = performance.now() - tTree;
    const heap2 = await heapOf();
    await cdp.send('HeapProfiler.collectGarbage');
    const heap2gc = await heapOf();
    return { tierMs, treeMs, overviewMs, testsMs, heap1, heap2, heap1gc, heap2gc, fMs, failedCount: rows(expect.failed), sMs, searchFor, searchCount: rows(expect.search(searchFor)), spanMs, spanCount: rows(expect.search('.py::testorder')), testMs, errors };
  } finally {
    await browser.close();
  }
}

const cases = [];
for (const n of SIZES) cases.push({ n, runs: 1 });
if (flag('history')) cases.push({ n: 100_000, runs: 20 });

console.log(`# report page bench (${new Date().toISOString()}, load ${load()}, ${os.cpus().length} cores, Node ${process.version})`);
for (const { n, runs } of cases) {
  const tb = performance.now();
  const data = syntheticReport(n, runs);
  const buildMs = performance.now() - tb;
  const label = `${n.toLocaleString()} tests × ${runs} run${runs === 1 ? '' : 's'}`;
  if (flag('phases')) {
    // where render's time goes: packing the columns, deflate per part, base64
    const cpuMs = (c) => ((c.user + c.system) / 1000).toFixed(0);
    let c0 = process.cpuUsage();
    let t = performance.now();
    const raw = partsOf(data.tests, data.files);
    console.log(`${label}: pack ${(performance.now() - t).toFixed(0)} ms (${cpuMs(process.cpuUsage(c0))} ms CPU)`);
    for (const [name, bytes] of Object.entries(raw)) {
      c0 = process.cpuUsage();
      t = performance.now();
      const z = deflateRawSync(bytes, { level: LEVEL ?? DEFAULT_LEVEL });
      const tz = performance.now() - t;
      const b64 = z.toString('base64');
      console.log(`  ${name}: ${mb(bytes.length)} → ${mb(z.length)} MB, deflate ${tz.toFixed(0)} ms, + base64 ${(performance.now() - t - tz).toFixed(0)} ms (${cpuMs(process.cpuUsage(c0))} ms CPU, ${b64.length} chars)`);
    }
    continue;
  }
  if (LEVELS) {
    for (const level of LEVELS) {
      const c0 = process.cpuUsage();
      const t = performance.now();
      const html = renderHtmlReport(data, { level });
      const c = process.cpuUsage(c0);
      console.log(`${label}: level ${level}: ${mb(Buffer.byteLength(html))} MB in ${(performance.now() - t).toFixed(0)} ms (${((c.user + c.system) / 1000).toFixed(0)} ms CPU), load ${load()}`);
    }
    continue;
  }
  global.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const rss0 = process.memoryUsage().rss;
  sampler.reset();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const html = renderHtmlReport(data, { level: LEVEL });
  const renderMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const rss1 = process.memoryUsage().rss;
  await new Promise((r) => setTimeout(r, 30));
  const rssPeak = sampler.peak();
  const file = path.join(OUT, `page-${n}-${runs}.html`);
  writeFileSync(file, html);
  const size = statSync(file).size;
  const { meta } = encodeReport(data, { level: LEVEL });
  const partsInfo = meta.tests.parts.map((p) => `${p.name} ${mb(p.bytes)}/${mb(p.raw)}`).join(', ');
  console.log(`${label}: data built in ${buildMs.toFixed(0)} ms; render ${renderMs.toFixed(0)} ms (${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU), RSS ${mb(rss0)} MB before, ${mb(rssPeak)} MB at most during the render (+${mb(rssPeak - rss0)}), ${mb(rss1)} MB after; file ${mb(size)} MB${BEFORE[n] && runs === 1 ? ` (before the compressed columns: ${BEFORE[n]} MB, ${(BEFORE[n] / (size / 1e6)).toFixed(1)}× smaller)` : ''}; load ${load()}`);
  console.log(`  parts compressed/raw MB: ${partsInfo} (heap = Runtime.getHeapUsage usedSize + backingStorageSize: typed arrays included)`);
  const r = await browse(`file://${file}`, n, expected(data));
  console.log(`  browser: Overview ${r.overviewMs.toFixed(0)} ms, Tests rows ${r.testsMs.toFixed(0)} ms, heap ${mb(r.heap1)} MB, ${mb(r.heap1gc)} MB after GC (after searches, a test page and the tree ${mb(r.heap2)}, ${mb(r.heap2gc)} after GC); failed filter ${r.fMs.toFixed(0)} ms → ${r.failedCount}, + tier ${r.tierMs.toFixed(0)} ms; search "${r.searchFor}" ${r.sMs.toFixed(0)} ms → ${r.searchCount}; search ".py::testorder" ${r.spanMs.toFixed(0)} ms → ${r.spanCount}; test page ${r.testMs.toFixed(0)} ms; tree ${r.treeMs.toFixed(0)} ms; errors ${r.errors.length ? r.errors.join(' | ') : 'none'}; load ${load()}`);
  if (flag('split')) {
    const dir = path.join(OUT, `split-${n}-${runs}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const s = renderSplitReport(data, { level: LEVEL });
    writeFileSync(path.join(dir, 'index.html'), s.index);
    for (const c of s.chunks) writeFileSync(path.join(dir, c.file), c.text);
    const rs = await browse(`file://${dir}/index.html`, n, expected(data));
    console.log(`  split (${s.chunks.length} chunks, index.html ${mb(Buffer.byteLength(s.index))} MB): Overview ${rs.overviewMs.toFixed(0)} ms, Tests rows ${rs.testsMs.toFixed(0)} ms, heap ${mb(rs.heap1)} MB, ${mb(rs.heap1gc)} MB after GC (after a test page ${mb(rs.heap2gc)} after GC); test page ${rs.testMs.toFixed(0)} ms; errors ${rs.errors.length ? rs.errors.join(' | ') : 'none'}`);
  }
}
sampler.stop();
