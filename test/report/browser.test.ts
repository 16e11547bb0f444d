import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport, renderSplitReport } from '../../src/report/html/index.js';
import { BREAKOUT, XSS, history, inventory, makeTest } from './fixtures.js';

/**
 * The report in a real browser: headless Chromium via playwright-core. Asserts what a person
 * sees, and keeps screenshots in SEAMS_SCREENSHOTS (default: a temp dir) for a human to look at.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const shots = process.env.SEAMS_SCREENSHOTS ?? mkdtempSync(path.join(os.tmpdir(), 'seams-shots-'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-report-'));

let browser: Browser;

async function open(file: string, hash = '', size = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport: size });
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
  await page.goto(`file://${file}${hash}`);
  await page.waitForSelector('body[data-ready="1"]');
  return { page, problems };
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });

describe.skipIf(!CHROMIUM)('HTML report in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    // eslint-disable-next-line no-console
    console.log(`screenshots in ${shots}`);
  });

  const small = () => {
    const tests = Array.from({ length: 60 }, (_, i) => makeTest(i));
    tests.push(makeTest(60, { id: `tests/unit/test_x.py::test_${XSS}${BREAKOUT}`, name: XSS, file: 'tests/unit/test_x.py', tier: 'unit' }));
    const runs = history(tests, 8, (i, r) => (i === 7 && r === 7) || (i === 60 && r >= 6), (i) => (i === 7 ? 'AssertionError: expected 3 pods, got 2' : `boom ${XSS}`));
    const file = path.join(dir, 'small.html');
    writeFileSync(
      file,
      renderHtmlReport({
        repos: [{ inventory: inventory(tests), runs }],
        gaps: [{ repo: 'demo', id: 'ecr', title: 'ECR sync', priority: 'P1', severity: 'CRITICAL', chain: ['parser', 'pusher', 'ecr'], tiers: { unit: 3, integration: 0 }, missing: ['ecr'] }],
        trace: [{ repo: 'demo', id: 'FR-002', title: XSS, source: 'specs/a.md:4', status: 'uncovered', tiers: {}, tests: [] }],
      }),
    );
    return { file, tests };
  };

  it('shows the pyramid with the tier counts a person reads', async () => {
    const { file, tests } = small();
    const { page, problems } = await open(file);
    const counts = Object.fromEntries(
      await page.$$eval('.pyramid .tier-row', (rows) => rows.map((r) => [r.querySelector('.tier-name')!.textContent, Number(r.querySelector('.tier-count')!.textContent!.replace(/\D/g, ''))])),
    );
    const expected: Record<string, number> = {};
    for (const t of tests) expected[t.tier] = (expected[t.tier] ?? 0) + 1;
    expect(counts).toEqual(expected);
    // unit is the widest bar, at the bottom
    const order = await page.$$eval('.pyramid .tier-row', (rows) => rows.map((r) => r.getAttribute('data-tier')));
    expect(order[order.length - 1]).toBe('unit');
    await expect(page.locator('.run-card .stat.st-failed b').textContent()).resolves.toBe('2');
    await shot(page, 'overview');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('"Latest run" shows only the latest run\'s results; All tests puts an older result after the current ones and unknown ids in their own group', async () => {
    const tests = [makeTest(1), makeTest(2), makeTest(3)];
    const runs = history(tests, 2, () => false);
    // test 3 errored in the older run and is not in the newest one: a stale error
    runs[0]!.results[2]!.status = 'error';
    runs[1]!.results.splice(2, 1);
    runs[0]!.results.push({ ...runs[0]!.results[0]!, id: 'tests.integration.test_f#test_unknown_x', status: 'failed' });
    const file = path.join(dir, 'stale.html');
    writeFileSync(file, renderHtmlReport({ repos: [{ inventory: inventory(tests), runs }] }));
    const rowsOf = async (page: Page, sel: string) =>
      page.$$eval(`${sel} .vt-row`, (rows) =>
        rows
          .filter((r) => (r as HTMLElement).style.display !== 'none')
          .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
          .map((r) => [r.querySelector('.badge')!.textContent, r.querySelector('.name')!.textContent]),
      );
    const { page, problems } = await open(file, '#run');
    const latest = await rowsOf(page, '#view-run');
    expect(latest.map((r) => r[0])).toEqual(['passed', 'passed']);
    expect(await page.locator('#view-run').textContent()).toContain('1 older result of tests that were not in those runs is left out');
    await page.evaluate(() => (location.hash = '#tests'));
    await page.waitForSelector('#view-tests .vt-row');
    const inv = await rowsOf(page, '#view-tests .group-inventory');
    expect(inv.map((r) => r[0])).toEqual(['passed', 'passed', 'error']);
    expect(inv[2]![1]).toBe(`${tests[2]!.id} · result from the run of ${runs[0]!.startedAt.replace('T', ' ').slice(0, 16)}, not in the latest run`);
    expect(await page.locator('#view-tests .group-inventory .vt-count').textContent()).toBe('3 rows');
    const unknown = await rowsOf(page, '#view-tests .group-unmatched');
    expect(unknown).toEqual([['failed', `tests.integration.test_f#test_unknown_x · result from the run of ${runs[0]!.startedAt.replace('T', ' ').slice(0, 16)}, not in the latest run · not in the current scan`]]);
    expect(await page.locator('#view-tests .group-unmatched h3').textContent()).toBe("Not in this repository's inventory (1)");
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a history ingested without the repository: its results count and show like the rest (latest run, Tests, donut, failures)', async () => {
    const tests = Array.from({ length: 8 }, (_, i) => makeTest(i * 4 + 1)); // unit tests, not scanned
    const runs = history(tests, 2, (i, r) => i === 2 && r === 1, () => 'AssertionError: boom').map((r) => ({ ...r, results: r.results.map((x) => ({ ...x, known: false })) }));
    const file = path.join(dir, 'noscan.html');
    writeFileSync(file, renderHtmlReport({ repos: [{ inventory: inventory([]), runs }] }));
    const { page, problems } = await open(file, '#overview');
    expect(await page.locator('#view-overview').textContent()).toContain('7passed1failed');
    expect(await page.locator('#view-overview').textContent()).toContain('8 results of this run match no test the scan found, in tiers it found none of (a history ingested without the repository\'s sources): counted like the rest.');
    await page.evaluate(() => (location.hash = '#run'));
    await page.waitForSelector('#view-run .vt-row');
    expect(await page.locator('#view-run .vt-count').textContent()).toBe('8 rows');
    await page.evaluate(() => (location.hash = '#tests'));
    await page.waitForSelector('#view-tests .vt-row');
    expect(await page.locator('#view-tests .group-inventory .vt-count').textContent()).toBe('8 rows');
    expect(await page.locator('#view-tests .group-unmatched').count()).toBe(0);
    expect(await page.locator('.donut-card .donut-total').first().textContent()).toBe('8');
    await page.evaluate(() => (location.hash = '#failures'));
    await page.waitForSelector('#view-failures .fgroup');
    expect(await page.locator('#view-failures .fgroup').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists failing tests first and renders a hostile test name as text, firing no dialog and loading nothing', async () => {
    const { file } = small();
    const { page, problems } = await open(file, '#run');
    const firstRows = await page.$$eval('#view-run .vt-row', (rows) =>
      rows
        .filter((r) => (r as HTMLElement).style.display !== 'none')
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .slice(0, 3)
        .map((r) => [r.querySelector('.badge')!.textContent, r.querySelector('.name')!.textContent]),
    );
    expect(firstRows[0]![0]).toBe('failed');
    expect(firstRows[1]![0]).toBe('failed');
    expect(firstRows.slice(0, 2).map((r) => r[1])).toEqual(expect.arrayContaining([`tests/unit/test_x.py::test_${XSS}${BREAKOUT}`]));
    expect(firstRows[2]![0]).toBe('passed');
    // no element was created from the name
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, 'latest-run');
    // open the hostile test's page: its name and message are text too
    await page.locator('.vt-row', { hasText: 'onerror' }).first().click();
    await page.waitForSelector('#view-test .test-title');
    expect(await page.locator('#view-test .test-title').textContent()).toBe(`tests/unit/test_x.py::test_${XSS}${BREAKOUT}`);
    expect(await page.locator('#view-test pre.msg').textContent()).toBe(`boom ${XSS}`);
    expect(await page.locator('#view-test .strip i.h-failed').count()).toBe(2);
    expect(await page.locator('#view-test .strip i.h-passed').count()).toBe(6);
    await shot(page, 'test-page-xss');
    await page.goto(`file://${file}#trace`);
    expect(await page.locator('#view-trace td', { hasText: 'onerror' }).textContent()).toBe(XSS);
    expect(await page.locator('img').count()).toBe(0);
    await page.goto(`file://${file}#trends`);
    expect(await page.locator('#view-trends svg.chart').count()).toBe(5); // the run timeline and four trend charts
    await shot(page, 'trends');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a --split folder from file://: chunks load by script tags under the CSP, and every view reads them (search, test page, failures, tree)', async () => {
    const tests = Array.from({ length: 60 }, (_, i) => makeTest(i));
    tests.push(makeTest(60, { id: `tests/unit/test_x.py::test_${XSS}${BREAKOUT}`, name: XSS, file: 'tests/unit/test_x.py', tier: 'unit' }));
    const runs = history(tests, 8, (i, r) => (i === 7 && r === 7) || (i === 60 && r >= 6), (i) => (i === 7 ? 'AssertionError: expected 3 pods, got 2' : `boom ${XSS}`));
    const split = renderSplitReport({ repos: [{ inventory: inventory(tests), runs }] });
    const folder = path.join(dir, 'split');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'index.html'), split.index);
    for (const c of split.chunks) writeFileSync(path.join(folder, c.file), c.text);
    const { page, problems } = await open(path.join(folder, 'index.html'), '#run');
    await page.waitForSelector('#view-run .vt-row');
    const first = await page.$$eval('#view-run .vt-row', (rows) =>
      rows
        .filter((r) => (r as HTMLElement).style.display !== 'none')
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .slice(0, 3)
        .map((r) => r.querySelector('.badge')!.textContent),
    );
    expect(first).toEqual(['failed', 'failed', 'passed']);
    // search: case-insensitive, literal (regex characters are text), across the file path and the rest of the id
    const count = (q: string) => tests.filter((t) => `${t.id} ${t.file}`.toLowerCase().includes(q.toLowerCase())).length;
    for (const q of ['TESTTHING::TEST_CASE_1', 'py::testthing::test_case_5', '(', '.*']) {
      await page.fill('#view-run #filter', q);
      const want = count(q);
      await page.waitForFunction((w) => document.querySelector('#view-run .vt-count')?.textContent === w, `${want} row${want === 1 ? '' : 's'}`);
    }
    expect(count('TESTTHING::TEST_CASE_1')).toBe(11);
    expect(count('.*')).toBe(0);
    await page.fill('#view-run #filter', 'test_x.py::test_<img');
    await page.waitForFunction(() => document.querySelector('#view-run .vt-count')?.textContent === '1 row');
    await page.locator('#view-run .vt-row', { hasText: 'onerror' }).first().click();
    await page.waitForSelector('#view-test .test-title');
    expect(await page.locator('#view-test .test-title').textContent()).toBe(`tests/unit/test_x.py::test_${XSS}${BREAKOUT}`);
    expect(await page.locator('#view-test pre.msg').textContent()).toBe(`boom ${XSS}`);
    expect(await page.locator('#view-test .strip i.h-failed').count()).toBe(2);
    const hist = await page.$$eval('#view-test table.simple tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(2, 5).map((td) => td.textContent)));
    expect(hist[0]).toEqual(['failed', expect.stringMatching(/^\d+ms$/), `boom ${XSS}`]);
    await page.evaluate(() => (location.hash = '#failures'));
    await page.waitForSelector('#view-failures .fgroup');
    expect(await page.locator('#view-failures .ftests a').count()).toBe(2);
    await page.evaluate(() => (location.hash = '#tree'));
    await page.waitForSelector('#view-tree details.tnode');
    expect(await page.locator('#view-tree > details.tnode > summary').first().textContent()).toMatch(/^tests\/\S+ \d+ tests?/);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('decodes without Uint8Array.fromBase64 (the atob fallback) and shows a test page', async () => {
    const { file } = small();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      delete (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64;
    });
    await page.goto(`file://${file}#test/7`);
    await page.waitForSelector('#view-test pre.msg');
    expect(await page.locator('#view-test pre.msg').textContent()).toBe('AssertionError: expected 3 pods, got 2');
    expect(await page.evaluate(() => typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64)).toBe('undefined');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders what it can without history or analyses and says what is missing', async () => {
    const file = path.join(dir, 'empty.html');
    writeFileSync(file, renderHtmlReport({ repos: [{ inventory: inventory([makeTest(1), makeTest(4)]), runs: [], historyMissing: 'no history yet', configMissing: true }] }));
    const { page, problems } = await open(file);
    const notice = await page.locator('.notice').textContent();
    expect(notice).toContain('no history yet');
    expect(notice).toContain('no seams.yaml');
    expect(await page.locator('.pyramid .tier-row').count()).toBe(2);
    await page.goto(`file://${file}#run`);
    expect(await page.locator('#view-run').textContent()).toContain('No runs recorded');
    await page.goto(`file://${file}#gaps`);
    expect(await page.locator('#view-gaps').textContent()).toContain('Gap analysis not available');
    await shot(page, 'missing');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('stays responsive with 100,000 tests: loads, scrolls and filters within budgets', async () => {
    const N = 100_000;
    const tests = Array.from({ length: N }, (_, i) => makeTest(i));
    const t0 = performance.now();
    const html = renderHtmlReport({ repos: [{ inventory: inventory(tests), runs: history(tests, 5, (i, r) => i % 1000 === 3 && r === 4) }] });
    const renderMs = performance.now() - t0;
    const file = path.join(dir, 'big.html');
    writeFileSync(file, html);
    const t1 = performance.now();
    const { page, problems } = await open(file, '#tests');
    const loadMs = performance.now() - t1;
    await page.waitForSelector('#view-tests .vt-row');
    expect(await page.locator('#view-tests .vt-count').textContent()).toBe('100,000 rows');
    // only the rows in view exist
    const domRows = await page.locator('#view-tests .vt-row').count();
    expect(domRows).toBeLessThan(80);
    // failures first: 100 failing tests on top
    expect(await page.locator('#view-tests .vt-row .badge').first().textContent()).toBe('failed');
    // scroll through: each jump must render its rows within a frame or two
    const scroll = await page.evaluate(async () => {
      const view = document.querySelector('#view-tests .vt-view') as HTMLElement;
      const times: number[] = [];
      for (const frac of [0.25, 0.5, 0.75, 1, 0.1]) {
        const t = performance.now();
        view.scrollTop = view.scrollHeight * frac;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(performance.now() - t);
      }
      const rows = [...document.querySelectorAll('#view-tests .vt-row')].filter((r) => (r as HTMLElement).style.display !== 'none');
      const visible = rows.filter((r) => {
        const b = r.getBoundingClientRect();
        const v = view.getBoundingClientRect();
        return b.bottom > v.top && b.top < v.bottom;
      });
      return { max: Math.max(...times), visible: visible.length, text: visible[0]?.querySelector('.name')?.textContent ?? '' };
    });
    expect(scroll.visible).toBeGreaterThan(10);
    expect(scroll.text).toMatch(/::test_case_\d+$/);
    expect(scroll.max).toBeLessThan(250);
    await page.locator('#view-tests .vt-view').evaluate((v) => (v.scrollTop = v.scrollHeight / 2));
    await page.waitForTimeout(100);
    await shot(page, 'big-scrolled');
    // filter
    const tf = performance.now();
    await page.fill('#view-tests #filter', 'test_case_99999');
    await page.waitForFunction(() => document.querySelector('#view-tests .vt-count')?.textContent === '1 row');
    const filterMs = performance.now() - tf;
    await shot(page, 'big-filtered');
    // eslint-disable-next-line no-console
    console.log(`100k tests: html ${(html.length / 1e6).toFixed(1)} MB, render ${renderMs.toFixed(0)} ms, browser load ${loadMs.toFixed(0)} ms, worst scroll jump ${scroll.max.toFixed(0)} ms, filter ${filterMs.toFixed(0)} ms`);
    expect(loadMs).toBeLessThan(15_000);
    expect(filterMs).toBeLessThan(3_000);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('one truth in the views: flaky badge and filter, donut totals, history over selecting runs, failures by message, a wrapping trace filter', async () => {
    const tests = Array.from({ length: 12 }, (_, i) => makeTest(i + 1)); // unit and integration tests (no e2e)
    const runs = history(tests, 5, (i, r) => (i === 0 && r === 1) || ((i === 2 || i === 3) && r === 4), (i) => (i === 2 ? 'expected 3 pods, got 2 at /srv/app/x.py' : i === 3 ? 'expected 7 pods, got 1 at /srv/app/y.py' : 'timeout'));
    runs[2]!.commit = runs[1]!.commit; // test 0 failed then passed on one commit: flaky
    const longId = 'src/very/long/path/to/module/tests/test_something_quite_long.py::TestClassName::test_method_name';
    const file = path.join(dir, 'truth.html');
    writeFileSync(
      file,
      renderHtmlReport({
        repos: [{ inventory: inventory(tests), runs }],
        trace: [
          { repo: 'demo', id: 'FR-001', title: 'Pays', source: 'specs/a.md:1', status: 'covered', tiers: { unit: 1 }, tests: [longId] },
          { repo: 'demo', id: 'FR-002', title: XSS, source: 'specs/a.md:4', status: 'uncovered', tiers: {}, tests: [] },
        ],
      }),
    );
    const { page, problems } = await open(file, '#overview');
    // donut: total = inventory tests; failed slice = 2
    expect(await page.locator('.donut-card .donut-total').textContent()).toBe('12');
    expect(await page.locator('.donut-card circle.slice[data-status="failed"] title').textContent()).toBe('failed: 2');
    expect(await page.locator('.flaky-card .flaky-count').textContent()).toBe('1');
    await shot(page, 'truth-overview');
    // Tests: flaky badge on the passed test, and the flaky filter shows exactly it
    await page.evaluate(() => (location.hash = '#tests'));
    await page.waitForSelector('#view-tests .vt-row');
    await page.selectOption('#view-tests #status-filter', 'flaky');
    await page.waitForFunction(() => document.querySelector('#view-tests .vt-count')?.textContent === '1 row');
    const row = page.locator('#view-tests .vt-row:not([style*="display: none"])').first();
    expect(await row.locator('.badge').allTextContents()).toEqual(['passed', 'flaky']);
    expect(await row.locator('.name').textContent()).toBe(tests[0]!.id);
    // its detail: flaky, history of 5 runs with durations and the failure message
    await row.click();
    await page.waitForSelector('#view-test .strip');
    expect(await page.locator('#view-test dl.facts').textContent()).toContain('Flakyyes (seams flaky: same-commit, flip-rate)');
    expect(await page.locator('#view-test .strip i').count()).toBe(5);
    const hist = await page.$$eval('#view-test table.simple tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(2, 5).map((td) => td.textContent)));
    expect(hist.map((h) => h[0])).toEqual(['passed', 'passed', 'passed', 'failed', 'passed']);
    expect(hist[3]).toEqual(['failed', '5ms', 'timeout']);
    // failures grouped by normalized message: the two "expected N pods" failures are one category
    await page.evaluate(() => (location.hash = '#failures'));
    await page.waitForSelector('#view-failures .fgroup');
    const groups = await page.$$eval('#view-failures .fgroup summary', (s) => s.map((x) => x.textContent));
    expect(groups).toEqual(['2 expected <n> pods, got <n> at <path>']);
    // traceability: ids wrap at separators, the filter narrows rows, hostile titles stay text
    await page.evaluate(() => (location.hash = '#trace'));
    await page.waitForSelector('#view-trace table.trace');
    expect(await page.locator('#view-trace .tests-cell .tid wbr').count()).toBe(longId.split('/').length - 1 + 2);
    expect(await page.locator('#view-trace .tests-cell .tid').textContent()).toBe(longId);
    const width = await page.locator('#view-trace table.trace').evaluate((t) => t.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(1280);
    await page.fill('#trace-filter', 'uncovered');
    expect(await page.locator('#view-trace .trace-count').textContent()).toBe('1 of 2 requirements');
    expect(await page.locator('#view-trace tbody tr:not([hidden]) td').first().textContent()).toBe('FR-002');
    expect(await page.locator('img').count()).toBe(0);
    await shot(page, 'truth-trace');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('trends: a run timeline with a lane per tier set and shard, and dates on the time axes', async () => {
    const tests = [makeTest(1), makeTest(4)];
    const runs = history(tests, 3, () => false);
    runs[1] = { ...runs[1]!, tiers: ['unit'], results: runs[1]!.results.filter((r) => r.tier === 'unit') };
    runs.push({ ...runs[2]!, id: 'run-2b', shard: '2/2', tiers: ['integration'], results: runs[2]!.results.filter((r) => r.tier === 'integration') });
    runs[2] = { ...runs[2]!, shard: '1/2', tiers: ['integration'], results: runs[2]!.results.filter((r) => r.tier === 'integration') };
    const file = path.join(dir, 'timeline.html');
    writeFileSync(file, renderHtmlReport({ repos: [{ inventory: inventory(tests), runs }] }));
    const { page, problems } = await open(file, '#trends');
    await page.waitForSelector('#view-trends svg.timeline');
    const lanes = await page.$$eval('#view-trends svg.timeline text.yl', (t) => t.map((x) => x.textContent));
    expect(lanes).toEqual(['e2e + integration + unit', 'integration · shard 1/2', 'integration · shard 2/2', 'unit']);
    expect(await page.locator('#view-trends svg.timeline rect.run-bar').count()).toBe(4);
    const axis = await page.$$eval('#view-trends svg.timeline text.xl', (t) => t.map((x) => x.textContent));
    expect(axis[0]).toMatch(/^2026-11-01/);
    const trendAxis = await page.$$eval('#view-trends svg.chart:not(.timeline) text.xl', (t) => t.map((x) => x.textContent));
    expect(trendAxis.every((t) => /^\d{2}-\d{2} \d{2}:\d{2}$|^\d{4}-\d{2}-\d{2}$/.test(t!))).toBe(true);
    await shot(page, 'timeline');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('tree: file → class → test with counts per node; nodes fill when opened', async () => {
    const tests = [makeTest(1), makeTest(501), makeTest(2)]; // two tests in tests/unit/test_mod1.py (class TestThing), one in test_mod2.py
    const runs = history(tests, 2, (i, r) => i === 1 && r === 1, () => 'boom');
    const file = path.join(dir, 'tree.html');
    writeFileSync(file, renderHtmlReport({ repos: [{ inventory: inventory(tests), runs }] }));
    const { page, problems } = await open(file, '#tree');
    await page.waitForSelector('#view-tree details.tnode');
    const top = await page.$$eval('#view-tree > details.tnode > summary', (s) => s.map((x) => x.textContent));
    expect(top).toEqual(['tests/unit/test_mod1.py 2 tests · 1 failing', 'tests/unit/test_mod2.py 1 test']);
    expect(await page.locator('#view-tree .tleaf').count()).toBe(0); // nothing built before a node opens
    await page.locator('#view-tree > details.tnode > summary').first().click();
    await page.locator('#view-tree > details.tnode > details.tnode > summary').first().click();
    // a node fills on its toggle event, which the browser fires after the click returns
    await page.waitForSelector('#view-tree .tleaf');
    const leaves = await page.$$eval('#view-tree .tleaf', (l) => l.map((x) => x.textContent));
    expect(leaves).toEqual(['passed test_case_1', 'failed test_case_501']);
    expect(await page.locator('#view-tree > details.tnode > details.tnode > summary').first().textContent()).toBe('TestThing 2 tests · 1 failing');
    await shot(page, 'tree');
    expect(problems).toEqual([]);
    await page.close();
  });
});
