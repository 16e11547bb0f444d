/**
 * pytest configuration, read statically: the ini file that pytest would pick (pytest.ini,
 * .pytest.ini, pyproject.toml, tox.ini, setup.cfg, in that order), the collection options it
 * holds, and the parts of `addopts` that change what is collected.
 */
import type { Diagnostic } from '../../core/types.js';
import { findPytestConfigIn, type FoundPytestConfig, type IniValue } from '../../workspace/pytest-config.js';

export interface PytestConfig {
  /** Repo-relative rootdir ('' for the repo root). */
  rootDir: string;
  /** Repo-relative config file, or null. */
  configFile: string | null;
  testpaths: string[];
  norecursedirs: string[];
  pythonFiles: string[];
  pythonClasses: string[];
  pythonFunctions: string[];
  pythonpath: string[];
  /** Positional paths from addopts (they replace testpaths). */
  args: string[];
  markExpr?: string;
  keywordExpr?: string;
  ignore: string[];
  ignoreGlob: string[];
  deselect: string[];
  doctestModules: boolean;
  doctestGlobs: string[];
  doctestEnabled: boolean;
  noEscape: boolean;
  emptyParameterSetMark: string;
  /** Raw addopts tokens, for reporting. */
  addopts: string[];
}

export const DEFAULT_NORECURSE = ['*.egg', '.*', '_darcs', 'build', 'CVS', 'dist', 'node_modules', 'venv', '{arch}'];

/** Python `shlex.split` (POSIX mode, no comments). */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\' || s[i + 1] === '$' || s[i + 1] === '`')) cur += s[++i];
      else cur += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
      continue;
    }
    inToken = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else cur += c;
  }
  if (inToken) out.push(cur);
  return out;
}

type RawValue = IniValue;

/** pytest's ini file in `dir`; an unreadable one is a warning and pytest's defaults apply. */
function findConfigIn(rootAbs: string, dir: string, diagnostics: Diagnostic[]): FoundPytestConfig | undefined {
  return findPytestConfigIn(rootAbs, dir, (file, message) =>
    diagnostics.push({ severity: 'warning', code: 'CONFIG_UNREADABLE', runner: 'pytest', file, message: `cannot read ${file}: ${message}; using pytest defaults` }),
  );
}

function asArgs(v: RawValue | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : shlexSplit(v);
}

function asLines(v: RawValue | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : v.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** Options of pytest (and common plugins) that take a separate value in addopts. */
const VALUE_OPTIONS = new Set([
  '-m', '-k', '-p', '-c', '-o', '-r', '-W', '--ignore', '--ignore-glob', '--deselect', '--doctest-glob', '--rootdir',
  '--confcutdir', '--basetemp', '--tb', '--log-level', '--log-format', '--log-date-format', '--log-cli-level',
  '--log-file', '--log-file-level', '--durations', '--durations-min', '--maxfail', '--junitxml', '--junit-xml',
  '--junit-prefix', '--import-mode', '--cov', '--cov-report', '--cov-config', '--cov-fail-under', '--color',
  '--capture', '--doctest-report', '--show-capture', '--pastebin', '--inifile', '--config-file', '--override-ini',
  '--asyncio-mode', '--timeout', '--reruns', '--reruns-delay', '-n', '--numprocesses', '--dist', '--hypothesis-profile',
  '--hypothesis-seed', '--benchmark-columns', '--benchmark-sort', '--benchmark-group-by', '--randomly-seed', '--django-settings',
  '--ds', '--dc', '--html', '--css', '--json-report-file', '--reportlog', '--rootdir', '--strict-config-file', '--runxfail-reason',
  '--lf-mode', '--last-failed-no-failures', '--mypy-ignore-missing-imports', '--blockage-http-whitelist',
]);

/** Reads the pytest configuration of a repository whose root is the invocation directory. */
export function loadPytestConfig(rootAbs: string, diagnostics: Diagnostic[]): PytestConfig {
  const found = findConfigIn(rootAbs, '', diagnostics);
  const values = found?.values ?? new Map<string, RawValue>();
  const addopts = asArgs(values.get('addopts')) ?? [];
  const overrides = new Map<string, RawValue>();
  const cfg: PytestConfig = {
    rootDir: '',
    configFile: found?.file ?? null,
    testpaths: [],
    norecursedirs: DEFAULT_NORECURSE,
    pythonFiles: ['test_*.py', '*_test.py'],
    pythonClasses: ['Test'],
    pythonFunctions: ['test'],
    pythonpath: [],
    args: [],
    ignore: [],
    ignoreGlob: [],
    deselect: [],
    doctestModules: false,
    doctestGlobs: [],
    doctestEnabled: true,
    noEscape: false,
    emptyParameterSetMark: 'skip',
    addopts,
  };
  const markExprs: string[] = [];
  const keywordExprs: string[] = [];
  for (let i = 0; i < addopts.length; i++) {
    const tok = addopts[i]!;
    let opt = tok;
    let value: string | undefined;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      if (eq > 0) {
        opt = tok.slice(0, eq);
        value = tok.slice(eq + 1);
      }
    } else if (/^-[mkpcoWr]./.test(tok)) {
      opt = tok.slice(0, 2);
      value = tok.slice(2);
    }
    const takeValue = () => value ?? addopts[++i] ?? '';
    if (!tok.startsWith('-')) {
      cfg.args.push(tok);
      continue;
    }
    switch (opt) {
      case '-m':
        markExprs.push(takeValue());
        break;
      case '-k':
        keywordExprs.push(takeValue());
        break;
      case '--ignore':
        cfg.ignore.push(takeValue());
        break;
      case '--ignore-glob':
        cfg.ignoreGlob.push(takeValue());
        break;
      case '--deselect':
        cfg.deselect.push(takeValue());
        break;
      case '--doctest-modules':
        cfg.doctestModules = true;
        break;
      case '--doctest-glob':
        cfg.doctestGlobs.push(takeValue());
        break;
      case '-p': {
        const v = takeValue();
        if (v === 'no:doctest') cfg.doctestEnabled = false;
        break;
      }
      case '-o':
      case '--override-ini': {
        const v = takeValue();
        const eq = v.indexOf('=');
        if (eq > 0) overrides.set(v.slice(0, eq).trim(), v.slice(eq + 1));
        break;
      }
      default:
        if (value === undefined && VALUE_OPTIONS.has(opt)) i++;
        break;
    }
  }
  // Later -m / -k options override earlier ones, as with argparse.
  if (markExprs.length) cfg.markExpr = markExprs[markExprs.length - 1];
  if (keywordExprs.length) cfg.keywordExpr = keywordExprs[keywordExprs.length - 1];
  const get = (k: string) => overrides.get(k) ?? values.get(k);
  cfg.testpaths = asArgs(get('testpaths')) ?? [];
  cfg.norecursedirs = asArgs(get('norecursedirs')) ?? DEFAULT_NORECURSE;
  cfg.pythonFiles = asArgs(get('python_files')) ?? cfg.pythonFiles;
  cfg.pythonClasses = asArgs(get('python_classes')) ?? cfg.pythonClasses;
  cfg.pythonFunctions = asArgs(get('python_functions')) ?? cfg.pythonFunctions;
  cfg.pythonpath = asArgs(get('pythonpath')) ?? [];
  const esc = get('disable_test_id_escaping_and_forfeit_all_rights_to_community_support');
  cfg.noEscape = typeof esc === 'string' && /^(1|true|yes|on)$/i.test(esc.trim());
  const empty = get('empty_parameter_set_mark');
  if (typeof empty === 'string' && empty.trim()) cfg.emptyParameterSetMark = empty.trim();
  void asLines;
  return cfg;
}
