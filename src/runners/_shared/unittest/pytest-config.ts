/**
 * Whether a folder is configured for pytest: pytest's ini file (as pytest locates it, see
 * `workspace/pytest-config.ts`) in the folder or a parent up to the repository root, or a
 * conftest.py in the folder, below it or in a parent. Where that holds, pytest runs the tests
 * and the unittest-based runners step back.
 */
import { findPytestConfigIn } from '../../../workspace/pytest-config.js';
import { joinRel } from '../../../util/paths.js';

/** The pytest configuration that applies to `dir` (repo-relative), or null. */
export function pytestConfigFor(rootAbs: string, files: readonly string[], dir: string): string | null {
  const set = new Set(files);
  const parts = dir ? dir.split('/') : [];
  for (let i = parts.length; i >= 0; i--) {
    const d = parts.slice(0, i).join('/');
    if (set.has(joinRel(d, 'conftest.py'))) return joinRel(d, 'conftest.py');
    const found = findPytestConfigIn(rootAbs, d);
    if (found) return found.file;
  }
  const prefix = dir ? `${dir}/` : '';
  const below = files.find((f) => f.startsWith(prefix) && /(^|\/)conftest\.py$/.test(f) && !/(^|\/)(node_modules|\.venv|venv|site-packages)\//.test(f));
  return below ?? null;
}
