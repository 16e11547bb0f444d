import { statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic } from '../../core/types.js';
import { isUnknown } from '../../languages/typescript/evaluate.js';
import { dirnamePosix, joinPosix, relativePosix } from '../../util/paths.js';
import { noteInput } from '../../util/inputs.js';
import {
  absoluteMatcher,
  configLoader,
  configProblem,
  evaluateConfigFile,
  field,
  isObject,
  isString,
  isStringArray,
  isStringOrArray,
  scanSuites,
  type JsSuite,
  type ResolvedSuites,
} from '../js/common.js';
import { findConfig, type JsPackage, type JsWorkspace } from '../../workspace/js-workspace.js';
import type { RunnerScan, ScanContext } from '../types.js';
import { jestDialect } from './dialect.js';

export const JEST_CONFIG_FILES = ['jest.config.js', 'jest.config.ts', 'jest.config.mjs', 'jest.config.cjs', 'jest.config.mts', 'jest.config.cts', 'jest.config.json'];
export const JEST_DEFAULT_TEST_MATCH = ['**/__tests__/**/*.?([mc])[jt]s?(x)', '**/?(*.)+(spec|test).?([mc])[jt]s?(x)'];
const DEFAULT_EXTENSIONS = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'json', 'node'];

interface Ctx {
  ws: JsWorkspace;
  diagnostics: Diagnostic[];
  suites: JsSuite[];
  version?: string;
}

function replaceRootDir(s: string, rootAbs: string): string {
  return s.replaceAll('<rootDir>', rootAbs);
}

const PRESET_EXTENSIONS = ['.json', '.js', '.cjs', '.mjs'];

function isFileAbs(abs: string): boolean {
  noteInput('stat', abs);
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

/**
 * `preset`, as jest-config's setupPreset does it: a path starting with `.` (or absolute) resolves
 * against rootDir (`<rootDir>` replaced) with the extensions .json/.js/.cjs/.mjs; a name is
 * `<name>/jest-preset.*` from node_modules. Then `{ ...preset, ...options }`, with
 * modulePathIgnorePatterns concatenated. The preset is evaluated statically, like a config.
 */
function applyPreset(c: Ctx, value: Record<string, unknown>, rootAbs: string, problems: string[]): Record<string, unknown> {
  const preset = value.preset;
  if (isUnknown(preset)) {
    problems.push(`preset: ${preset.reason}`);
    return value;
  }
  if (typeof preset !== 'string' || !preset) return value;
  const p = replaceRootDir(preset, rootAbs);
  let file: string | undefined;
  if (p.startsWith('.') || path.isAbsolute(p)) {
    const base = path.resolve(rootAbs, p);
    file = [base, ...PRESET_EXTENSIONS.map((e) => base + e), ...PRESET_EXTENSIONS.map((e) => path.join(base, 'index' + e))].find(isFileAbs);
    if (!file) {
      problems.push(`preset ${preset} not found relative to rootDir`);
      return value;
    }
  } else {
    const parts = p.split('/');
    const name = p.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const sub = parts.slice(p.startsWith('@') ? 2 : 1);
    const dir = c.ws.installedDir(relativePosix(c.ws.root, rootAbs), name);
    if (dir) file = PRESET_EXTENSIONS.map((e) => path.join(dir, ...sub, 'jest-preset' + e)).find(isFileAbs);
    if (!file) {
      if (c.version) problems.push(`preset ${preset}: no ${p}/jest-preset.{json,js,cjs,mjs} installed`);
      return value;
    }
  }
  const r = evaluateConfigFile(configLoader(), file);
  if (!isObject(r.value)) {
    problems.push(`preset ${preset}: ${r.problem ?? 'not an object'}`);
    return value;
  }
  const merged: Record<string, unknown> = { ...r.value, ...value };
  if (Array.isArray(value.modulePathIgnorePatterns) && Array.isArray(r.value.modulePathIgnorePatterns))
    merged.modulePathIgnorePatterns = [...r.value.modulePathIgnorePatterns, ...value.modulePathIgnorePatterns];
  return merged;
}

/** Resolves one Jest project config (already evaluated) to its suite. */
function addJestProject(c: Ctx, options: Record<string, unknown>, configDir: string, configFile: string | null, originDir: string, problems: string[]) {
  const rootAbsOf = (dir: string) => path.join(c.ws.root, dir);
  const rootDirOpt = field(options, 'rootDir', isString, problems);
  const rootDir = rootDirOpt ? relativePosix(c.ws.root, path.resolve(rootAbsOf(configDir), rootDirOpt)) : configDir;
  const rootAbs = rootAbsOf(rootDir);
  const value = applyPreset(c, options, rootAbs, problems);
  const roots = (field(value, 'roots', isStringArray, problems) ?? ['<rootDir>']).map((r) => relativePosix(c.ws.root, path.resolve(rootAbs, replaceRootDir(r, rootAbs))));
  const testRegex = field(value, 'testRegex', (v): v is string | string[] | RegExp | RegExp[] => isStringOrArray(v) || v instanceof RegExp || (Array.isArray(v) && v.every((x) => x instanceof RegExp || typeof x === 'string')), problems);
  const testMatchOpt = field(value, 'testMatch', isStringOrArray, problems);
  const ignore = (field(value, 'testPathIgnorePatterns', isStringArray, problems) ?? ['/node_modules/']).map((p) => new RegExp(replaceRootDir(p, rootAbs)));
  const modIgnore = (field(value, 'modulePathIgnorePatterns', isStringArray, problems) ?? []).map((p) => new RegExp(replaceRootDir(p, rootAbs)));
  const exts = field(value, 'moduleFileExtensions', isStringArray, problems) ?? DEFAULT_EXTENSIONS;
  const regexes = testRegex === undefined ? [] : (Array.isArray(testRegex) ? testRegex : [testRegex]).map((r) => (r instanceof RegExp ? r : new RegExp(r)));
  const useRegex = regexes.length > 0 && !(testMatchOpt && (Array.isArray(testMatchOpt) ? testMatchOpt.length : true));
  const testMatch = (testMatchOpt === undefined ? JEST_DEFAULT_TEST_MATCH : Array.isArray(testMatchOpt) ? testMatchOpt : [testMatchOpt]).map((g) => replaceRootDir(g, rootAbs));
  const positive = testMatch.filter((g) => !g.startsWith('!'));
  const negative = testMatch.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const isMatch = useRegex ? (abs: string) => regexes.some((r) => r.test(abs)) : absoluteMatcher(positive);
  const isNeg = negative.length ? picomatch(negative, { dot: true }) : () => false;
  const extSet = new Set(exts);
  const files = new Set<string>();
  for (const r of roots) {
    for (const f of c.ws.filesUnder(r)) {
      const ext = f.slice(f.lastIndexOf('.') + 1);
      if (!extSet.has(ext) || ext === 'json' || ext === 'node') continue;
      const abs = path.join(c.ws.root, f);
      if (!isMatch(abs) || isNeg(abs)) continue;
      if (ignore.some((re) => re.test(abs)) || modIgnore.some((re) => re.test(abs))) continue;
      files.add(f);
    }
  }
  const dn = value.displayName;
  const project = typeof dn === 'string' ? dn : isObject(dn) && typeof dn.name === 'string' ? dn.name : null;
  if (isUnknown(dn)) problems.push(`displayName: ${dn.reason}`);
  if (problems.length) c.diagnostics.push(configProblem('jest', configFile ?? joinPosix(configDir, 'package.json'), problems, 'Jest defaults used for the unresolved parts'));
  c.suites.push({
    info: { runner: 'jest', project, rootDir: originDir, configFile, ...(c.version ? { version: c.version } : {}) },
    dialect: jestDialect,
    files: [...files].sort(),
  });
}

function loadJestConfig(c: Ctx, dir: string): { value: Record<string, unknown>; configFile: string | null; problems: string[]; found: boolean } {
  const file = findConfig(c.ws, dir, JEST_CONFIG_FILES);
  if (file) {
    const r = evaluateConfigFile(configLoader(), path.join(c.ws.root, file));
    const problems = r.problem ? [r.problem] : [];
    if (!isObject(r.value) && !r.problem) problems.push('config is not an object');
    return { value: isObject(r.value) ? r.value : {}, configFile: file, problems, found: true };
  }
  const pj = findConfig(c.ws, dir, ['package.json']);
  if (pj) {
    const json = c.ws.packages.find((p) => p.dir === dir)?.json ?? safeJson(c.ws, pj);
    if (json && isObject(json.jest)) return { value: json.jest, configFile: pj, problems: [], found: true };
  }
  return { value: {}, configFile: null, problems: [], found: false };
}

function safeJson(ws: JsWorkspace, file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(ws.readText(file) ?? '');
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function usesJest(pkg: JsPackage): boolean {
  if (pkg.deps.has('jest') || pkg.json.jest !== undefined) return true;
  return Object.values(pkg.scripts).some((s) => /(^|[\s;&|(])(npx\s+)?jest(\s|$)/.test(s));
}

export function resolveJest(ws: JsWorkspace): ResolvedSuites | null {
  const diagnostics: Diagnostic[] = [];
  const allSuites: JsSuite[] = [];
  const covered = new Set<string>();
  for (const pkg of ws.packages) {
    if (covered.has(pkg.dir)) continue;
    const c: Ctx = { ws, diagnostics, suites: [], version: ws.installedVersion(pkg.dir, 'jest') };
    const cfg = loadJestConfig(c, pkg.dir);
    if (!cfg.found && !usesJest(pkg)) continue;
    if (cfg.found && !usesJest(pkg) && !findConfig(ws, pkg.dir, JEST_CONFIG_FILES)) continue;
    if (!c.version)
      diagnostics.push({ severity: 'info', code: 'RUNNER_NOT_INSTALLED', runner: 'jest', file: joinPosix(pkg.dir, 'package.json'), message: 'jest is not installed here (no node_modules/jest); Jest defaults assumed' });
    const projects = cfg.value.projects;
    if (Array.isArray(projects) && projects.length) {
      const rootDirOpt = typeof cfg.value.rootDir === 'string' ? cfg.value.rootDir : '.';
      const rootDir = relativePosix(ws.root, path.resolve(ws.root, pkg.dir, rootDirOpt));
      const rootAbs = path.join(ws.root, rootDir);
      for (const p of projects) {
        if (typeof p === 'string') {
          const pattern = relativePosix(ws.root, path.resolve(rootAbs, replaceRootDir(p, rootAbs)));
          const isGlob = picomatch.scan(pattern).isGlob;
          const targets = new Set<string>();
          if (!isGlob) targets.add(pattern);
          else {
            const m = picomatch(pattern, { dot: true });
            for (const f of ws.files) {
              if (m(f)) targets.add(f);
              for (let d = dirnamePosix(f); d; d = dirnamePosix(d)) if (m(d)) targets.add(d);
            }
          }
          for (const t of [...targets].sort()) {
            const isFile = ws.hasFile(t);
            if (isFile) {
              // the package whose config this is runs under this config's projects, not on its own
              if (dirnamePosix(t) !== pkg.dir) covered.add(dirnamePosix(t));
              const r = evaluateConfigFile(configLoader(), path.join(ws.root, t));
              addJestProject(c, isObject(r.value) ? r.value : {}, dirnamePosix(t), t, pkg.dir, r.problem ? [r.problem] : []);
            } else {
              covered.add(t);
              const sub = loadJestConfig(c, t);
              addJestProject(c, sub.value, t, sub.configFile, pkg.dir, sub.problems);
            }
          }
        } else if (isObject(p)) {
          addJestProject(c, { rootDir: rootDirOpt, ...p }, pkg.dir, cfg.configFile, pkg.dir, []);
        } else if (isUnknown(p)) diagnostics.push(configProblem('jest', cfg.configFile ?? pkg.dir, [p.reason], 'this project is left out'));
      }
      if (cfg.problems.length) diagnostics.push(configProblem('jest', cfg.configFile ?? pkg.dir, cfg.problems, 'Jest defaults used'));
    } else {
      if (isUnknown(projects)) cfg.problems.push(`projects: ${projects.reason}`);
      addJestProject(c, cfg.value, pkg.dir, cfg.configFile, pkg.dir, cfg.problems);
    }
    allSuites.push(...c.suites);
  }
  // A package that an outer config lists among its projects is run there (packages before the root were seen first).
  for (let i = allSuites.length - 1; i >= 0; i--) if (allSuites[i]!.info.rootDir !== '' && covered.has(allSuites[i]!.info.rootDir)) allSuites.splice(i, 1);
  // An outer Jest config (without projects) does not list the files of packages that have their own.
  const dirs = new Set(allSuites.map((s) => s.info.rootDir));
  for (const s of allSuites) {
    const inner = [...dirs].filter((d) => d !== s.info.rootDir && (s.info.rootDir === '' || d.startsWith(s.info.rootDir + '/')));
    if (inner.length) s.files = s.files.filter((f) => !inner.some((d) => f.startsWith(d + '/')));
  }
  if (!allSuites.length && !diagnostics.length) return null;
  return { suites: allSuites, diagnostics };
}

/** The plugin's scan (./plugin.ts loads this module on the first scan). */
export const scanJestRepo = (ctx: ScanContext): Promise<RunnerScan | null> => scanSuites(ctx, 'jest', resolveJest);
