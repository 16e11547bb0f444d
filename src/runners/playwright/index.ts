import path from 'node:path';
import type { Diagnostic } from '../../core/types.js';
import { isUnknown } from '../../languages/typescript/evaluate.js';
import { dirnamePosix, joinPosix, relativePosix } from '../../util/paths.js';
import { playwrightConfigArgs } from '../js/scripts.js';
import {
  absoluteMatcher,
  configLoader,
  configProblem,
  evaluateConfigFile,
  field,
  isNumber,
  isObject,
  isPatternOrArray,
  isString,
  scanSuites,
  type JsSuite,
  type ResolvedSuites,
} from '../js/common.js';
import { findConfig, type JsPackage, type JsWorkspace } from '../../workspace/js-workspace.js';
import type { RunnerScan, ScanContext } from '../types.js';
import { playwrightDialect } from './dialect.js';

export const PLAYWRIGHT_CONFIG_FILES = [
  'playwright.config.ts', 'playwright.config.js', 'playwright.config.mts', 'playwright.config.mjs', 'playwright.config.cts', 'playwright.config.cjs',
];
export const PLAYWRIGHT_DEFAULT_TEST_MATCH = '**/*.@(spec|test).?(c|m)[jt]s?(x)';

type Pattern = string | RegExp | (string | RegExp)[];
const toList = (p: Pattern): (string | RegExp)[] => (Array.isArray(p) ? p : [p]);

/**
 * The config `playwright test` uses in a package: `playwright.config.*` in the package folder, else
 * the `-c/--config` of a `playwright test` script, else a single config in a subfolder (run with
 * `-c`). With `@playwright/test` declared and no config at all, Playwright runs on its defaults with
 * the working directory as configDir (`resolveConfigLocation` in playwright/lib/common), so
 * testDir = the package folder: `file: null` and a note.
 */
function locateConfig(ws: JsWorkspace, pkg: JsPackage): { file: string | null; note?: string } | undefined {
  const own = findConfig(ws, pkg.dir, PLAYWRIGHT_CONFIG_FILES);
  if (own) return { file: own };
  for (const script of Object.values(pkg.scripts))
    for (const c of playwrightConfigArgs(script)) {
      if (!c) continue;
      const f = path.posix.normalize(joinPosix(pkg.dir, c));
      if (ws.hasFile(f)) return { file: f };
      const inDir = findConfig(ws, f, PLAYWRIGHT_CONFIG_FILES);
      if (inDir) return { file: inDir };
    }
  if (!pkg.deps.has('@playwright/test')) return undefined;
  const names = new Set(PLAYWRIGHT_CONFIG_FILES);
  const others = new Set(ws.packages.filter((p) => p.dir !== pkg.dir && (pkg.dir === '' || p.dir.startsWith(pkg.dir + '/'))).map((p) => p.dir + '/'));
  const nested = ws
    .filesUnder(pkg.dir)
    .filter((f) => names.has(path.posix.basename(f)) && !f.split('/').includes('node_modules') && ![...others].some((o) => f.startsWith(o)));
  if (nested.length === 1) return { file: nested[0]! };
  if (nested.length > 1) return undefined; // several configs in subfolders, none chosen by a script: nothing to guess
  return {
    file: null,
    note: `@playwright/test is declared but there is no playwright.config.*: Playwright's defaults (testDir = ${pkg.dir || '.'}, testMatch ${PLAYWRIGHT_DEFAULT_TEST_MATCH})`,
  };
}

export function resolvePlaywright(ws: JsWorkspace): ResolvedSuites | null {
  const diagnostics: Diagnostic[] = [];
  const suites: JsSuite[] = [];
  for (const pkg of ws.packages) {
    const located = locateConfig(ws, pkg);
    if (!located) continue;
    const configFile = located.file;
    const where = configFile ?? joinPosix(pkg.dir, 'package.json');
    if (located.note) diagnostics.push({ severity: 'info', code: 'PLAYWRIGHT_NO_CONFIG', runner: 'playwright', file: where, message: located.note });
    const version = ws.installedVersion(pkg.dir, '@playwright/test') ?? ws.installedVersion(pkg.dir, 'playwright');
    if (!version)
      diagnostics.push({ severity: 'info', code: 'RUNNER_NOT_INSTALLED', runner: 'playwright', file: where, message: `@playwright/test is not installed here (no node_modules); ${configFile ? 'the config was read statically' : 'scanned with Playwright defaults'}, --verify and seams run need it installed` });
    const r = configFile ? evaluateConfigFile(configLoader(), path.join(ws.root, configFile)) : { value: {}, problem: undefined };
    const problems: string[] = r.problem ? [r.problem] : [];
    const config = isObject(r.value) ? r.value : {};
    // testDir and relative patterns resolve against the config file's folder (Playwright's configDir)
    const configDirAbs = path.join(ws.root, configFile ? dirnamePosix(configFile) : pkg.dir);
    const top = {
      testDir: field(config, 'testDir', isString, problems) ?? '.',
      testMatch: (field(config, 'testMatch', isPatternOrArray, problems) ?? PLAYWRIGHT_DEFAULT_TEST_MATCH) as Pattern,
      testIgnore: (field(config, 'testIgnore', isPatternOrArray, problems) ?? []) as Pattern,
      repeatEach: field(config, 'repeatEach', isNumber, problems) ?? 1,
    };
    let projects: Record<string, unknown>[] = [{}];
    if (Array.isArray(config.projects)) {
      projects = config.projects.filter(isObject);
      const bad = config.projects.find(isUnknown);
      if (bad) problems.push(`projects: ${bad.reason}`);
      if (!projects.length) projects = [{}];
    } else if (isUnknown(config.projects)) problems.push(`projects: ${config.projects.reason}`);
    for (const p of projects) {
      const pp: string[] = [];
      const testDirOpt = field(p, 'testDir', isString, pp) ?? top.testDir;
      const testDirAbs = path.resolve(configDirAbs, testDirOpt);
      const testDir = relativePosix(ws.root, testDirAbs);
      const testMatch = toList((field(p, 'testMatch', isPatternOrArray, pp) as Pattern | undefined) ?? top.testMatch);
      const testIgnore = toList((field(p, 'testIgnore', isPatternOrArray, pp) as Pattern | undefined) ?? top.testIgnore);
      const repeatEach = field(p, 'repeatEach', isNumber, pp) ?? top.repeatEach;
      const name = typeof p.name === 'string' && p.name ? p.name : null;
      if (isUnknown(p.name)) pp.push(`projects[].name: ${p.name.reason}`);
      problems.push(...pp);
      const isMatch = absoluteMatcher(testMatch, { prefixGlobstar: true, nocase: true });
      const isIgnored = absoluteMatcher(testIgnore, { prefixGlobstar: true, nocase: true });
      const files: string[] = [];
      for (const f of ws.filesUnder(testDir)) {
        if (!/\.[cm]?[jt]sx?$/.test(f)) continue;
        const abs = path.join(ws.root, f);
        if (isMatch(abs) && !isIgnored(abs)) files.push(f);
      }
      suites.push({
        info: { runner: 'playwright', project: name, rootDir: pkg.dir, configFile, ...(version ? { version } : {}) },
        dialect: playwrightDialect,
        files: files.sort(),
        tierHint: 'e2e',
        repeat: Math.max(1, Math.floor(repeatEach)),
      });
    }
    if (problems.length && configFile) diagnostics.push(configProblem('playwright', configFile, [...new Set(problems)], 'Playwright defaults used for the unresolved parts'));
  }
  if (!suites.length && !diagnostics.length) return null;
  return { suites, diagnostics };
}

/** The plugin's scan (./plugin.ts loads this module on the first scan). */
export const scanPlaywrightRepo = (ctx: ScanContext): Promise<RunnerScan | null> => scanSuites(ctx, 'playwright', resolvePlaywright);
