/**
 * Whether a folder is configured for pytest: a pytest.ini, `[tool.pytest.ini_options]` in
 * pyproject.toml, `[tool:pytest]` in setup.cfg or `[pytest]` in tox.ini in the folder or a parent
 * (up to the repository root), or a conftest.py in the folder, below it or in a parent. Where
 * that holds, pytest runs the tests and the unittest-based runners step back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { joinRel } from '../../../util/paths.js';

function read(rootAbs: string, file: string): string {
  try {
    return readFileSync(path.join(rootAbs, file), 'utf8');
  } catch {
    return '';
  }
}

const hasSection = (text: string, section: string) =>
  text.split(/\r?\n/).some((l) => l.trim().toLowerCase() === `[${section}]`);

function pyprojectHasPytest(text: string): boolean {
  try {
    const doc = parseToml(text) as { tool?: { pytest?: { ini_options?: unknown } } };
    return doc.tool?.pytest?.ini_options !== undefined;
  } catch {
    return hasSection(text, 'tool.pytest.ini_options');
  }
}

/** The pytest configuration that applies to `dir` (repo-relative), or null. */
export function pytestConfigFor(rootAbs: string, files: readonly string[], dir: string): string | null {
  const set = new Set(files);
  const parts = dir ? dir.split('/') : [];
  for (let i = parts.length; i >= 0; i--) {
    const d = parts.slice(0, i).join('/');
    const f = (name: string) => joinRel(d, name);
    if (set.has(f('pytest.ini'))) return f('pytest.ini');
    if (set.has(f('conftest.py'))) return f('conftest.py');
    if (set.has(f('pyproject.toml')) && pyprojectHasPytest(read(rootAbs, f('pyproject.toml')))) return f('pyproject.toml');
    if (set.has(f('tox.ini')) && hasSection(read(rootAbs, f('tox.ini')), 'pytest')) return f('tox.ini');
    if (set.has(f('setup.cfg')) && hasSection(read(rootAbs, f('setup.cfg')), 'tool:pytest')) return f('setup.cfg');
  }
  const prefix = dir ? `${dir}/` : '';
  const below = files.find((f) => f.startsWith(prefix) && /(^|\/)conftest\.py$/.test(f) && !/(^|\/)(node_modules|\.venv|venv|site-packages)\//.test(f));
  return below ?? null;
}
