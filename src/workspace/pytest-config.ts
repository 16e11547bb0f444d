/**
 * pytest's ini file in one folder, read the way pytest's `locate_config` does: pytest.ini,
 * .pytest.ini, pyproject.toml (`[tool.pytest.ini_options]`, or `[tool.pytest]`), tox.ini
 * (`[pytest]`), setup.cfg (`[tool:pytest]`), the first that holds a pytest section. Shared by the
 * pytest runner (its options) and the unittest-based runners (which step back where pytest is
 * configured).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { joinRel } from '../util/paths.js';
import { noteInput } from '../util/inputs.js';
import { parseIni } from './manifests.js';

export type IniValue = string | string[];

export interface FoundPytestConfig {
  /** Repo-relative path of the file. */
  file: string;
  values: Map<string, IniValue>;
}

const CANDIDATES = ['pytest.ini', '.pytest.ini', 'pyproject.toml', 'tox.ini', 'setup.cfg'];

/**
 * The pytest configuration file of `dir` (repo-relative), or undefined. A file that cannot be
 * parsed is passed to `onUnreadable` and skipped, as pytest would fail on it.
 */
export function findPytestConfigIn(rootAbs: string, dir: string, onUnreadable: (file: string, message: string) => void = () => {}): FoundPytestConfig | undefined {
  for (const name of CANDIDATES) {
    const rel = joinRel(dir, name);
    let text: string;
    try {
      noteInput('file', path.join(rootAbs, rel));
      text = readFileSync(path.join(rootAbs, rel), 'utf8');
    } catch {
      continue;
    }
    try {
      if (name === 'pytest.ini' || name === '.pytest.ini') {
        const ini = parseIni(text);
        return { file: rel, values: new Map(ini.get('pytest') ?? []) };
      }
      if (name === 'pyproject.toml') {
        const toml = parseToml(text) as Record<string, unknown>;
        const tool = (toml.tool ?? {}) as Record<string, unknown>;
        const pytest = tool.pytest as Record<string, unknown> | undefined;
        if (!pytest) continue;
        const opts = (pytest.ini_options as Record<string, unknown> | undefined) ?? pytest;
        const values = new Map<string, IniValue>();
        for (const [k, v] of Object.entries(opts)) {
          if (k === 'ini_options') continue;
          if (Array.isArray(v)) values.set(k, v.map(String));
          else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values.set(k, String(v));
        }
        return { file: rel, values };
      }
      const ini = parseIni(text);
      const sec = ini.get(name === 'tox.ini' ? 'pytest' : 'tool:pytest');
      if (sec) return { file: rel, values: new Map(sec) };
    } catch (error) {
      onUnreadable(rel, (error as Error).message.split('\n')[0]!);
    }
  }
  return undefined;
}
