import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawTest } from '../../src/core/types.js';
import { renderScanMarkdown, renderScanText } from '../../src/report/scan.js';
import type { ScanPlugin } from '../../src/runners/types.js';
import { scan, scanRepo } from '../../src/scan/index.js';
import { SeamsError } from '../../src/util/errors.js';
import { validateAgainst } from '../helpers/schema.js';

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-scan-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  return root;
}

/** A plugin that treats every `test_*.txt` file as a test file with one test per non-empty line. */
const linePlugin: ScanPlugin = {
  id: 'pytest',
  language: 'python',
  async scan(ctx) {
    const files = (await ctx.listFiles()).filter((f) => /(^|\/)test_[^/]*\.txt$/.test(f));
    if (!files.length) return null;
    const { readFile } = await import('node:fs/promises');
    const tests: RawTest[] = [];
    for (const file of files) {
      const lines = (await readFile(path.join(ctx.root, file), 'utf8')).split('\n');
      lines.forEach((l, i) => {
        if (!l.trim()) return;
        const [name, ...markers] = l.trim().split(/\s+/);
        tests.push({
          runner: 'pytest',
          project: null,
          id: `${file}::${name}`,
          file,
          line: i + 1,
          titlePath: [name!],
          name: name!,
          markers,
          status: markers.includes('skip') ? 'skip' : 'active',
          dynamic: false,
          refs: { workflows: [], components: [], requirements: [] },
        });
      });
    }
    return {
      runners: [{ runner: 'pytest', project: null, rootDir: '', configFile: null }],
      files: files.map((file) => ({ runner: 'pytest' as const, project: null, file })),
      tests,
      diagnostics: [{ severity: 'error' as const, code: 'PARSE_ERROR', file: 'tests/test_bad.py', line: 3, message: 'syntax error' }],
    };
  },
};

const throwingPlugin: ScanPlugin = {
  id: 'vitest',
  language: 'typescript',
  async scan() {
    throw new Error('boom');
  },
};

describe('scan orchestration', () => {
  const root = repo({
    'tests/test_a.txt': 'test_one\ntest_two skip\n',
    'tests/integration/test_b.txt': 'test_db\n',
    'tests/test_empty.txt': '',
    'node_modules/x/test_c.txt': 'test_hidden\n',
  });

  it('classifies tests, counts files with no tests, skips node_modules, and survives a failing plugin', async () => {
    const inv = await scanRepo(root, { plugins: [linePlugin, throwingPlugin] });
    expect(inv.tests.map((t) => [t.id, t.tier])).toEqual([
      ['tests/integration/test_b.txt::test_db', 'integration'],
      ['tests/test_a.txt::test_one', 'unit'],
      ['tests/test_a.txt::test_two', 'unit'],
    ]);
    expect(inv.files.find((f) => f.file === 'tests/test_empty.txt')).toMatchObject({ tests: 0, tier: 'unit' });
    expect(inv.diagnostics.map((d) => d.code)).toEqual(['PARSE_ERROR', 'RUNNER_FAILED']);
    expect(validateAgainst('inventory.schema.json', { version: 1, repos: [inv] })).toBe('');
  });

  it('renders a tier table, the unparsed files and a combined table for several repos', async () => {
    const other = repo({ 'e2e/test_x.txt': 'test_login\ntest_logout\n' });
    const inv = await scan([root, other], { plugins: [linePlugin] });
    const text = renderScanText(inv);
    expect(text).toMatch(/unit\s+2\s+2\s+1/); // 2 files (one empty), 2 tests, 1 skipped
    expect(text).toMatch(/integration\s+1\s+1/);
    expect(text).toContain('1 problem:\n    error tests/test_bad.py:3: syntax error');
    expect(text).toContain('all repositories');
    expect(text).toMatch(/e2e\s+0 \(0\)\s+2 \(1\)\s+2\s+1/);
    const md = renderScanMarkdown(inv);
    expect(md).toContain('| Tier | Files | Tests | Skipped | xfail/todo | Dynamic |');
    expect(md).toContain('| **total** | 3 | 3 | 1 |  |  |');
  });

  it('rejects a missing path with a hint', async () => {
    await expect(scanRepo(path.join(root, 'nope'))).rejects.toThrow(SeamsError);
    await expect(scanRepo(path.join(root, 'tests/test_a.txt'))).rejects.toThrow(/not a directory/);
  });
});

describe('large inventories', () => {
  it('keeps 200,000 tests from one plugin (no argument-spreading stack overflow)', async () => {
    const root = repo({ 'x.txt': '' });
    const many: ScanPlugin = {
      id: 'pytest',
      language: 'python',
      async scan() {
        const tests: RawTest[] = Array.from({ length: 200_000 }, (_, i) => ({
          runner: 'pytest',
          project: null,
          id: `tests/test_big.py::test_${i}`,
          file: 'tests/test_big.py',
          line: i + 1,
          titlePath: [`test_${i}`],
          name: `test_${i}`,
          markers: [],
          status: 'active',
          dynamic: false,
          refs: { workflows: [], components: [], requirements: [] },
        }));
        return { runners: [], files: [{ runner: 'pytest', project: null, file: 'tests/test_big.py' }], tests, diagnostics: [] };
      },
    };
    const inv = await scanRepo(root, { plugins: [many] });
    expect(inv.tests).toHaveLength(200_000);
    expect(renderScanText({ version: 1, repos: [inv] })).toMatch(/unit\s+1\s+200000/);
  });
});
