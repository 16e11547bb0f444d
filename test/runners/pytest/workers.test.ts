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
import { writeRepo } from '../../helpers/repo.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const dist = path.join(repoRoot, 'dist/runners/pytest');
const suite = path.join(repoRoot, 'test/fixtures/pytest/suite');
const hasDist = existsSync(path.join(dist, 'parse-worker.js'));

/** A suite of `n` parametrized test modules sharing a helper module and a conftest fixture. */
function synthetic(n: number): string {
  const files: Record<string, string> = {
    'pytest.ini': '[pytest]\n',
    'tests/__init__.py': '',
    'tests/conftest.py': 'import pytest\n\n@pytest.fixture(params=[1, 2])\ndef num(request):\n    return request.param\n',
    'tests/helpers.py': 'CASES = [("a", 1), ("b", 2)]\n\nclass Base:\n    def test_inherited(self):\n        pass\n',
  };
  for (let i = 0; i < n; i++)
    files[`tests/test_m${String(i).padStart(3, '0')}.py`] = [
      'import pytest',
      'from .helpers import CASES, Base',
      '',
      '@pytest.mark.parametrize("name,value", CASES)',
      `def test_case_${i}(name, value, num):`,
      '    """Doc."""',
      '    assert value',
      '',
      `class TestK${i}(Base):`,
      '    def test_own(self):',
      '        pass',
      '',
    ].join('\n');
  return writeRepo(files, 'seams-workers-');
}

const listFiles = (root: string) => new fdir().withRelativePaths().crawl(root).sync().map((f) => f.split(path.sep).join('/'));

describe('parse workers', () => {
  const saved = process.env.SEAMS_PARSE_WORKERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.SEAMS_PARSE_WORKERS;
    else process.env.SEAMS_PARSE_WORKERS = saved;
  });

  it('start from 150 test modules on, on idle cores only (one fewer than the cores, at most 4); SEAMS_PARSE_WORKERS decides when set', () => {
    expect(parseWorkerCount(149, 8, {}, 0)).toBe(0);
    expect(parseWorkerCount(600, 1, {}, 0)).toBe(0);
    expect(parseWorkerCount(600, 2, {}, 0.2)).toBe(1);
    expect(parseWorkerCount(600, 2, {}, 1.0)).toBe(0);
    expect(parseWorkerCount(600, 16, {}, 0.5)).toBe(4);
    expect(parseWorkerCount(600, 8, {}, 5.2)).toBe(2);
    expect(parseWorkerCount(600, 8, {}, 12)).toBe(0);
    expect(parseWorkerCount(10, 2, { SEAMS_PARSE_WORKERS: '2' }, 9)).toBe(2);
    expect(parseWorkerCount(600, 8, { SEAMS_PARSE_WORKERS: '0' }, 0)).toBe(0);
    expect(parseWorkerCount(600, 2, { SEAMS_PARSE_WORKERS: 'many' }, 0)).toBe(1);
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
      // Nobody asks for the files: the workers parse them all.
      for (let waited = 0; files.some((f) => !project.isLoaded(f)) && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      for (const f of files) {
        expect(project.isLoaded(f), f).toBe(true);
        expect(pool.ready(f), f).toBeUndefined();
        expect(pool.stats()).toEqual({ byWorkers: files.length, byMain: 0 });
        const viaWorker = project.getModule(f)?.module;
        const inline = parsePythonModule(readFileSync(path.join(suite, f), 'utf8'));
        expect(viaWorker?.bindings, f).toEqual(inline.bindings);
        expect(viaWorker?.syntaxError, f).toEqual(inline.syntaxError);
      }
    } finally {
      await pool.close();
    }
  });

  it.skipIf(!hasDist)('give the same inventory as the single-threaded scan while the main thread takes files too', async () => {
    process.env.SEAMS_PARSE_WORKERS = '1';
    const { scanPytestAsync } = await import(path.join(dist, 'index.js'));
    for (const root of [suite, synthetic(300)]) {
      const files = listFiles(root);
      const threaded = await scanPytestAsync({ root, files });
      const inline = scanPytest({ root, files });
      expect(threaded.tests.length).toBeGreaterThan(100);
      expect(JSON.parse(JSON.stringify(threaded))).toEqual(JSON.parse(JSON.stringify(inline)));
    }
  });
});
