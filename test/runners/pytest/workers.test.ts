/**
 * Parse workers (parse-pool.ts) run compiled code only, so these tests load dist/ (built by
 * `npm test`) next to src/: the inventory must not depend on which thread parsed a module.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fdir } from 'fdir';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePythonModule } from '../../../src/languages/python/parse.js';
import { scanPytest } from '../../../src/runners/pytest/index.js';
import { parseWorkerCount } from '../../../src/runners/pytest/parse-pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const dist = path.join(repoRoot, 'dist/runners/pytest');
const suite = path.join(repoRoot, 'test/fixtures/pytest/suite');
const hasDist = existsSync(path.join(dist, 'parse-worker.js'));

const listFiles = (root: string) => new fdir().withRelativePaths().crawl(root).sync().map((f) => f.split(path.sep).join('/'));

describe('parse workers', () => {
  const saved = process.env.SEAMS_PARSE_WORKERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.SEAMS_PARSE_WORKERS;
    else process.env.SEAMS_PARSE_WORKERS = saved;
  });

  it('start one fewer than the cores from 150 test modules on, none on one core; SEAMS_PARSE_WORKERS decides when set', () => {
    expect(parseWorkerCount(149, 8, {})).toBe(0);
    expect(parseWorkerCount(600, 1, {})).toBe(0);
    expect(parseWorkerCount(600, 2, {})).toBe(1);
    expect(parseWorkerCount(600, 16, {})).toBe(4);
    expect(parseWorkerCount(10, 2, { SEAMS_PARSE_WORKERS: '2' })).toBe(2);
    expect(parseWorkerCount(600, 8, { SEAMS_PARSE_WORKERS: '0' })).toBe(0);
    expect(parseWorkerCount(600, 2, { SEAMS_PARSE_WORKERS: 'many' })).toBe(1);
  });

  it.skipIf(!hasDist)('deliver every file, parsed as the main thread parses it', async () => {
    process.env.SEAMS_PARSE_WORKERS = '2';
    const { PythonProject } = await import(path.join(dist, 'project.js'));
    const { startParsePool } = await import(path.join(dist, 'parse-pool.js'));
    const files = listFiles(suite).filter((f) => f.endsWith('.py'));
    expect(files.length).toBeGreaterThan(20);
    const project = new PythonProject(suite, new Set(files), ['']);
    const pool = startParsePool(project, files);
    expect(pool).toBeDefined();
    try {
      await Promise.all(files.map((f) => pool.ready(f)));
      for (const f of files) {
        expect(project.isLoaded(f), f).toBe(true);
        const viaWorker = project.getModule(f)?.module;
        const inline = parsePythonModule(readFileSync(path.join(suite, f), 'utf8'));
        expect(viaWorker?.bindings, f).toEqual(inline.bindings);
        expect(viaWorker?.syntaxError, f).toEqual(inline.syntaxError);
      }
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!hasDist)('give the same inventory as the single-threaded scan (the main thread parses imports meanwhile)', async () => {
    process.env.SEAMS_PARSE_WORKERS = '1';
    const { scanPytestAsync } = await import(path.join(dist, 'index.js'));
    const files = listFiles(suite);
    const threaded = await scanPytestAsync({ root: suite, files });
    const inline = scanPytest({ root: suite, files });
    expect(threaded.tests.length).toBeGreaterThan(100);
    expect(JSON.parse(JSON.stringify(threaded))).toEqual(JSON.parse(JSON.stringify(inline)));
  });
});
