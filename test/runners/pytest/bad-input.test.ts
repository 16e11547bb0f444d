import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pytestCollectOnly } from '../../helpers/pytest.js';
import { scanPytest } from '../../../src/runners/pytest/index.js';
import { pytestPlugin } from '../../../src/runners/pytest/plugin.js';
import { createFileLister } from '../../../src/workspace/files.js';
import { createProgress } from '../../../src/util/progress.js';

function repo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-bad-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

async function scan(root: string) {
  const files = await createFileLister(root)();
  return scanPytest({ root, files });
}

describe('bad input never stops the scan', () => {
  it('syntax errors, binary and huge test files become diagnostics; the rest is scanned', async () => {
    const root = repo({
      'tests/test_ok.py': 'def test_ok():\n    pass\n',
      'tests/test_syntax.py': 'def test_x(:\n',
      'tests/test_binary.py': Buffer.from([0x64, 0x65, 0x66, 0x00, 0xff, 0xfe]),
      'tests/test_huge.py': `X = 1\n${'# padding line\n'.repeat(400_000)}def test_h():\n    pass\n`,
      'tests/test_utf8.py': 'def test_caf\u00e9():\n    """d\u00e9j\u00e0"""\n',
    });
    const r = await scan(root);
    expect(r.tests.map((t) => t.id).sort()).toEqual(['tests/test_ok.py::test_ok', 'tests/test_utf8.py::test_caf\u00e9']);
    const codes = Object.fromEntries(r.diagnostics.map((d) => [d.file, d.code]));
    expect(codes['tests/test_syntax.py']).toBe('PARSE_ERROR');
    expect(codes['tests/test_binary.py']).toBe('UNREADABLE_FILE');
    expect(codes['tests/test_huge.py']).toBe('UNREADABLE_FILE');
    expect(r.diagnostics.find((d) => d.file === 'tests/test_huge.py')?.message).toMatch(/too large/);
    expect(r.diagnostics.find((d) => d.file === 'tests/test_binary.py')?.message).toMatch(/binary/);
  });

  it('a symlink loop is reported once per loop and not followed', async () => {
    const root = repo({ 'tests/test_a.py': 'def test_a():\n    pass\n' });
    symlinkSync(path.join(root, 'tests'), path.join(root, 'tests', 'loop'));
    const r = await scan(root);
    expect(r.tests.map((t) => t.id)).toEqual(['tests/test_a.py::test_a']);
    expect(r.diagnostics.filter((d) => d.code === 'SYMLINK_LOOP').map((d) => d.file)).toEqual(['tests/loop']);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable folder is a diagnostic', async () => {
    const root = repo({ 'tests/test_a.py': 'def test_a():\n    pass\n', 'locked/test_b.py': 'def test_b():\n    pass\n' });
    chmodSync(path.join(root, 'locked'), 0o000);
    try {
      const r = await scan(root);
      expect(r.tests.map((t) => t.id)).toEqual(['tests/test_a.py::test_a']);
      expect(r.diagnostics.some((d) => d.code === 'UNREADABLE_DIR' && d.file === 'locked')).toBe(true);
    } finally {
      chmodSync(path.join(root, 'locked'), 0o755);
    }
  });

  it('a computed collect_ignore is reported and not applied; a broken conftest is reported', async () => {
    const root = repo({
      'conftest.py': 'collect_ignore = compute()\n',
      'sub/conftest.py': 'def broken(:\n',
      'sub/test_s.py': 'def test_s():\n    pass\n',
    });
    const r = await scan(root);
    expect(r.tests.map((t) => t.id)).toEqual(['sub/test_s.py::test_s']);
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['COLLECT_IGNORE_DYNAMIC', 'PARSE_ERROR']);
  });

  it('the plugin stays out of repositories without pytest tests or config', async () => {
    const root = repo({ 'src/app.py': 'def main():\n    pass\n', 'package.json': '{}' });
    const ctx = { root, requirementPattern: /REQ-\d+/g, listFiles: createFileLister(root), progress: createProgress() };
    expect(await pytestPlugin.scan(ctx)).toBeNull();
  });

  it('pulls requirement ids from docstrings and markers into refs', async () => {
    const root = repo({ 'test_req.py': 'def test_r():\n    """Covers REQ-0042."""\n' });
    const files = await createFileLister(root)();
    const r = scanPytest({ root, files, requirementPattern: /\bREQ-\d{3,}\b/g });
    expect(r.tests[0]?.refs.requirements).toEqual(['REQ-0042']);
  });
});

describe('the directory walk, as pytest walks', () => {
  it('nested collect_ignore, a symlinked folder, a virtualenv and norecursedirs give the ids pytest collects', async () => {
    const root = repo({
      'pytest.ini': '[pytest]\nnorecursedirs = skip_*\n',
      'conftest.py': 'collect_ignore = ["a/test_top_ignored.py"]\n',
      'a/test_top_ignored.py': 'def test_x():\n    pass\n',
      'a/test_a.py': 'def test_a():\n    pass\n',
      'a/b/conftest.py': 'collect_ignore_glob = ["test_glob*.py"]\n',
      'a/b/test_glob_1.py': 'def test_g():\n    pass\n',
      'a/b/test_b.py': 'def test_b():\n    pass\n',
      'a/b/c/test_glob_2.py': 'def test_g2():\n    pass\n',
      'real/test_r.py': 'def test_r():\n    pass\n',
      'venv/pyvenv.cfg': 'home = /usr\n',
      'venv/test_v.py': 'def test_v():\n    pass\n',
      'skip_me/test_s.py': 'def test_s():\n    pass\n',
    });
    symlinkSync(path.join(root, 'real'), path.join(root, 'linked'));
    const r = await scan(root);
    const ids = r.tests.map((t) => t.id).sort();
    expect(ids).toEqual(['a/b/c/test_glob_2.py::test_g2', 'a/b/test_b.py::test_b', 'a/test_a.py::test_a', 'linked/test_r.py::test_r', 'real/test_r.py::test_r']);
    expect(pytestCollectOnly(root).ids.sort()).toEqual(ids);
  });
});
