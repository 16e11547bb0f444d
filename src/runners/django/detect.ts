/**
 * Where the Django test runner applies: every `manage.py` that is not below another one (and not
 * in a virtualenv or vendored folder), whose folder has no pytest configuration — unless
 * seams.yaml `runners:` chooses django for it. Also: the settings module manage.py sets, and the
 * discovery top level Django uses (the manage.py folder, or above it while it is a package).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { noteInput } from '../../util/inputs.js';
import { pytestConfigFor } from '../_shared/unittest/pytest-config.js';

export interface DjangoRoot {
  /** Repo-relative folder of manage.py ('' for the repo root). */
  dir: string;
  /** Repo-relative manage.py. */
  manage: string;
  /** DJANGO_SETTINGS_MODULE set by manage.py, when a literal. */
  settings: string | null;
  /** Discovery top level (repo-relative). */
  top: string;
}

const SKIPPED = /(^|\/)(\.?venv|env|site-packages|node_modules|\.tox|\.nox|build|dist)\//;

const within = (dir: string, folder: string) => folder === '' || dir === folder || dir.startsWith(`${folder}/`);

/** `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x.settings")` in manage.py. */
export function settingsModuleOf(source: string): string | null {
  const m = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]/.exec(source) ?? /DJANGO_SETTINGS_MODULE['"]\s*\]\s*=\s*['"]([\w.]+)['"]/.exec(source);
  return m ? m[1]! : null;
}

export function findDjangoRoots(rootAbs: string, files: readonly string[], chosen: readonly string[]): { roots: DjangoRoot[]; steppedBack: { dir: string; config: string }[] } {
  const set = new Set(files);
  const manages = files
    .filter((f) => (f === 'manage.py' || f.endsWith('/manage.py')) && !SKIPPED.test(f))
    .sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  const roots: DjangoRoot[] = [];
  const steppedBack: { dir: string; config: string }[] = [];
  for (const manage of manages) {
    const dir = manage === 'manage.py' ? '' : manage.slice(0, -'/manage.py'.length);
    if (roots.some((r) => within(dir, r.dir)) || steppedBack.some((r) => within(dir, r.dir))) continue;
    const forced = chosen.some((c) => within(dir, c));
    if (!forced) {
      const config = pytestConfigFor(rootAbs, files, dir);
      if (config) {
        steppedBack.push({ dir, config });
        continue;
      }
    }
    let source = '';
    noteInput('file', path.join(rootAbs, manage));
    try {
      source = readFileSync(path.join(rootAbs, manage), 'utf8');
    } catch {
      /* unreadable: no settings module */
    }
    let top = dir;
    while (top !== '' && set.has(`${top}/__init__.py`)) top = top.includes('/') ? top.slice(0, top.lastIndexOf('/')) : '';
    roots.push({ dir, manage, settings: settingsModuleOf(source), top });
  }
  return { roots, steppedBack };
}
