import path from 'node:path';
import type { Diagnostic, RunnerInfo } from '../../core/types.js';
import { isUnknown, mergeConfigValues } from '../../languages/typescript/evaluate.js';
import type { ModuleLoader } from '../../languages/typescript/loader.js';
import { relativePosix, dirnamePosix, joinPosix } from '../../util/paths.js';
import {
  asArray,
  configLoader,
  configProblem,
  evaluateConfigFile,
  field,
  globRelative,
  isObject,
  isString,
  isStringArray,
  scanSuites,
  type JsSuite,
  type ResolvedSuites,
} from '../js/common.js';
import { filesIn, findConfig, readJsonFile, type JsWorkspace } from '../../workspace/js-workspace.js';
import picomatch from 'picomatch';
import type { RunnerScan, ScanContext } from '../types.js';
import { vitestDialect } from './dialect.js';
import { VITEST_CONFIG_FILES } from './config-files.js';

const WORKSPACE_FILES = [
  'vitest.workspace.ts', 'vitest.workspace.mts', 'vitest.workspace.cts', 'vitest.workspace.js', 'vitest.workspace.mjs',
  'vitest.workspace.cjs', 'vitest.workspace.json', 'vitest.projects.ts', 'vitest.projects.js', 'vitest.projects.json',
];
const CONFIG_RE = /^(?:vitest|vite)(?:\..*)?\.config\.[mc]?[jt]s$|^(?:vitest|vite)\.config\./;

export const VITEST_DEFAULT_INCLUDE = ['**/*.{test,spec}.?(c|m)[jt]s?(x)'];
export const VITEST_V4_EXCLUDE = ['**/node_modules/**', '**/.git/**'];
export const VITEST_V3_EXCLUDE = [
  '**/node_modules/**',
  '**/dist/**',
  '**/cypress/**',
  '**/.{idea,git,cache,output,temp}/**',
  '**/{karma,rollup,webpack,vite,vitest,jest,ava,babel,nyc,cypress,tsup,build,eslint,prettier}.config.*',
];

function defaultsFor(major: number) {
  const exclude = major >= 4 ? VITEST_V4_EXCLUDE : VITEST_V3_EXCLUDE;
  const configDefaults = { include: VITEST_DEFAULT_INCLUDE, exclude, coverage: {}, benchmark: { include: ['**/*.{bench,benchmark}.?(c|m)[jt]s?(x)'], exclude } };
  return { include: VITEST_DEFAULT_INCLUDE, exclude, configDefaults };
}

function vitestLoader(major: number): ModuleLoader {
  const d = defaultsFor(major);
  const mod = { configDefaults: d.configDefaults, defaultInclude: d.include, defaultExclude: d.exclude, coverageConfigDefaults: {} };
  return configLoader({ 'vitest/config': mod, vitest: mod, 'vitest/node': mod });
}

interface Ctx {
  ws: JsWorkspace;
  major: number;
  version?: string;
  loader: ModuleLoader;
  diagnostics: Diagnostic[];
  suites: JsSuite[];
  covered: Set<string>;
}

function testBlock(value: unknown): Record<string, unknown> {
  return isObject(value) && isObject(value.test) ? value.test : {};
}

function nameOf(test: Record<string, unknown>, problems: string[]): string | undefined {
  const n = test.name;
  if (typeof n === 'string') return n || undefined;
  if (isObject(n) && typeof n.label === 'string') return n.label || undefined;
  if (isUnknown(n)) problems.push(`name: ${n.reason}`);
  return undefined;
}

/** Adds the suite(s) of one resolved project config. */
function addProject(c: Ctx, opts: { value: unknown; configDir: string; configFile: string | null; name: string | null; pkgDir: string; problems: string[] }) {
  const { value, problems } = opts;
  const test = testBlock(value);
  const rootOpt = field(value, 'root', isString, problems);
  const root = rootOpt ? relativePosix(c.ws.root, path.resolve(c.ws.root, opts.configDir, rootOpt)) : opts.configDir;
  const dirOpt = field(test, 'dir', isString, problems, 'test.dir');
  const dir = dirOpt ? relativePosix(c.ws.root, path.resolve(c.ws.root, root, dirOpt)) : root;
  const d = defaultsFor(c.major);
  const include = field(test, 'include', isStringArray, problems, 'test.include') ?? d.include;
  const exclude = field(test, 'exclude', isStringArray, problems, 'test.exclude') ?? d.exclude;
  const files = globRelative(c.ws, dir, include, exclude);
  const names: (string | null)[] = [opts.name];
  const browser = isObject(test.browser) ? test.browser : undefined;
  if (browser && browser.enabled === true && Array.isArray(browser.instances) && browser.instances.length) {
    names.length = 0;
    for (const inst of browser.instances) {
      if (!isObject(inst)) continue;
      const n = typeof inst.name === 'string' ? inst.name : opts.name ? `${opts.name} (${String(inst.browser)})` : String(inst.browser);
      names.push(n);
    }
  }
  if (problems.length && opts.configFile) c.diagnostics.push(configProblem('vitest', opts.configFile, problems, 'runner defaults used for the unresolved parts'));
  // typecheck.enabled: files matching typecheck.include are collected (again) as type-check tasks.
  const tc = isObject(test.typecheck) ? test.typecheck : undefined;
  const tcFiles =
    tc && tc.enabled === true
      ? globRelative(
          c.ws,
          dir,
          field(tc, 'include', isStringArray, problems, 'test.typecheck.include') ?? ['**/*.{test,spec}-d.?(c|m)[jt]s?(x)'],
          field(tc, 'exclude', isStringArray, problems, 'test.typecheck.exclude') ?? exclude,
        )
      : [];
  for (const n of names) {
    const info: RunnerInfo = { runner: 'vitest', project: n, rootDir: opts.pkgDir, configFile: opts.configFile, ...(c.version ? { version: c.version } : {}) };
    c.suites.push({ info, dialect: vitestDialect, files });
    if (tcFiles.length) c.suites.push({ info, dialect: vitestDialect, files: tcFiles, extraMarkers: ['typecheck'], typecheck: true });
  }
}

function evalConfig(c: Ctx, file: string): { value: unknown; problems: string[] } {
  const r = evaluateConfigFile(c.loader, path.join(c.ws.root, file));
  return { value: r.value ?? {}, problems: r.problem ? [r.problem] : [] };
}

function resolveProjects(c: Ctx, defs: unknown[], rootValue: unknown, rootConfig: string | null, pkgDir: string, rootDir: string) {
  defs.forEach((def, index) => {
    if (typeof def === 'string') {
      const pattern = def.replace('<rootDir>', '.').replace(/^\.\//, '');
      const isGlob = picomatch.scan(pattern).isGlob;
      const matches: string[] = [];
      if (!isGlob) {
        const target = path.posix.normalize(joinPosix(rootDir, pattern)).replace(/\/$/, '');
        matches.push(target);
      } else {
        const m = picomatch(pattern.replace(/\/$/, ''), { dot: true });
        const dirs = new Set<string>();
        for (const f of c.ws.filesUnder(rootDir)) {
          if (f.split('/').includes('node_modules')) continue;
          const rel = rootDir === '' ? f : f.slice(rootDir.length + 1);
          if (m(rel)) matches.push(f);
          // directories: every ancestor directory of a file
          let d = dirnamePosix(rel);
          while (d && !dirs.has(d)) {
            dirs.add(d);
            d = dirnamePosix(d);
          }
        }
        for (const d of dirs) if (m(d)) matches.push(joinPosix(rootDir, d));
      }
      for (const target of [...new Set(matches)].sort()) {
        const base = path.posix.basename(target);
        const isFile = c.ws.hasFile(target);
        let configFile: string | null = null;
        let projectDir = target;
        if (isFile) {
          if (!CONFIG_RE.test(base)) continue;
          configFile = target;
          projectDir = dirnamePosix(target);
        } else {
          if (!filesIn(c.ws, target).size && !c.ws.filesUnder(target).length) {
            if (!isGlob) c.diagnostics.push({ severity: 'warning', code: 'CONFIG_UNRESOLVED', runner: 'vitest', file: rootConfig ?? undefined, message: `vitest project ${def} does not exist` });
            continue;
          }
          configFile = findConfig(c.ws, target, VITEST_CONFIG_FILES) ?? null;
        }
        if (configFile && rootConfig && configFile === rootConfig) {
          // the root config listed as a project of itself
          const problems: string[] = [];
          addProject(c, { value: rootValue, configDir: dirnamePosix(rootConfig), configFile, name: nameOf(testBlock(rootValue), problems) ?? null, pkgDir, problems });
          continue;
        }
        if (configFile) c.covered.add(configFile);
        const { value, problems } = configFile ? evalConfig(c, configFile) : { value: {}, problems: [] as string[] };
        let name = nameOf(testBlock(value), problems);
        if (!name) {
          const pj = readJsonFile(path.join(c.ws.root, projectDir, 'package.json')).value;
          name = typeof pj?.name === 'string' && pj.name ? pj.name : path.posix.basename(projectDir) || path.basename(c.ws.root);
        }
        addProject(c, { value, configDir: projectDir, configFile, name, pkgDir, problems });
      }
    } else if (isObject(def)) {
      const problems: string[] = [];
      let value: unknown = def;
      if (def.extends === true) {
        const { projects: _p, ...rootTest } = testBlock(rootValue);
        value = mergeConfigValues({ ...(isObject(rootValue) ? rootValue : {}), test: rootTest }, def);
      } else if (typeof def.extends === 'string') {
        const ext = relativePosix(c.ws.root, path.resolve(c.ws.root, rootDir, def.extends));
        const r = evalConfig(c, ext);
        problems.push(...r.problems);
        const { projects: _p, ...extTest } = testBlock(r.value);
        value = mergeConfigValues({ ...(isObject(r.value) ? r.value : {}), test: extTest }, def);
      }
      const name = nameOf(testBlock(value), problems) ?? String(index);
      // inline projects resolve `root` against the root config's root
      addProject(c, { value, configDir: rootDir, configFile: rootConfig, name, pkgDir, problems });
    } else if (isUnknown(def)) {
      c.diagnostics.push(configProblem('vitest', rootConfig ?? pkgDir, [def.reason], 'this project is left out'));
    }
  });
}

/** The Vitest major seams assumes when neither an installed copy nor a declared range tells. */
const DEFAULT_MAJOR = 4;

/**
 * The major version a semver range declares, as npm would install it: `^3.0.0`, `~3.2`, `3.x`,
 * `3`, `=3.1.0`, `>=3 <4`, `<4.0.0` → 3; with `||`, the highest alternative. Open ranges (`>=3`,
 * `*`, `latest`, `workspace:*`, `catalog:`) → undefined: npm installs the newest.
 */
export function majorOfRange(range: string): number | undefined {
  let best: number | undefined;
  for (const alt of range.replace(/^(?:npm:vitest@|workspace:)/, '').split('||')) {
    const a = alt.trim().replace(/^v/, '');
    let m: number | undefined;
    const upper = /<\s*=?\s*v?(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/.exec(a);
    const exact = /^(?:[\^~=]\s*)?v?(\d+)(?:[.\s-]|$)/.exec(a);
    const hyphen = /^\d+(?:\.\d+)*\s+-\s+(\d+)/.exec(a);
    if (hyphen) m = Number(hyphen[1]);
    else if (exact) m = Number(exact[1]);
    else if (upper) {
      const [, maj, min, pat] = upper;
      const strict = !/<\s*=/.test(a);
      // <4 and <4.0.0 exclude all of 4; <4.1 or <=4 include some of 4
      m = strict && (min === undefined || (Number(min) === 0 && (pat === undefined || Number(pat) === 0))) ? Number(maj) - 1 : Number(maj);
    }
    if (m !== undefined && !Number.isNaN(m) && (best === undefined || m > best)) best = m;
  }
  return best;
}

/** The `vitest` range declared by the package, or else by the nearest package above it (hoisting). */
function declaredVitest(ws: JsWorkspace, dir: string): { range: string; file: string; major: number | undefined } | undefined {
  const byDir = new Map(ws.packages.map((p) => [p.dir, p]));
  for (let d = dir; ; d = dirnamePosix(d)) {
    const p = byDir.get(d);
    if (p) {
      for (const k of ['devDependencies', 'dependencies', 'peerDependencies', 'optionalDependencies']) {
        const deps = p.json[k];
        const range = deps && typeof deps === 'object' ? (deps as Record<string, unknown>).vitest : undefined;
        if (typeof range === 'string') return { range, file: joinPosix(d, 'package.json'), major: majorOfRange(range) };
      }
    }
    if (d === '') return undefined;
  }
}

export function resolveVitest(ws: JsWorkspace): ResolvedSuites | null {
  const diagnostics: Diagnostic[] = [];
  const suites: JsSuite[] = [];
  const covered = new Set<string>();
  const perPackage: { dir: string; suites: JsSuite[]; hasProjects: boolean }[] = [];
  for (const pkg of ws.packages) {
    const configFile = findConfig(ws, pkg.dir, VITEST_CONFIG_FILES);
    const wsFile = findConfig(ws, pkg.dir, WORKSPACE_FILES);
    const declared = pkg.deps.has('vitest');
    const isVitestConfig = !!configFile && path.posix.basename(configFile).startsWith('vitest.');
    if (configFile && covered.has(configFile)) continue;
    if (!declared && !isVitestConfig && !wsFile) {
      // vite.config.* alone only counts when it has a `test` block and vitest is declared up the tree.
      continue;
    }
    const version = ws.installedVersion(pkg.dir, 'vitest');
    const declaredIn = version ? undefined : declaredVitest(ws, pkg.dir);
    const major = version ? Number(version.split('.')[0]) : (declaredIn?.major ?? DEFAULT_MAJOR);
    const c: Ctx = { ws, major, version, loader: vitestLoader(major), diagnostics, suites: [], covered };
    if (!version)
      diagnostics.push({
        severity: 'info',
        code: 'RUNNER_NOT_INSTALLED',
        runner: 'vitest',
        file: joinPosix(pkg.dir, 'package.json'),
        message: declaredIn?.major
          ? `vitest is not installed here (no node_modules/vitest); Vitest ${major} defaults assumed from the declared range "${declaredIn.range}" in ${declaredIn.file}`
          : `vitest is not installed here (no node_modules/vitest); Vitest ${major} defaults assumed (${declaredIn ? `the declared range "${declaredIn.range}" in ${declaredIn.file} names no major version` : 'no version declared'})`,
      });
    let value: unknown = {};
    const problems: string[] = [];
    if (configFile) {
      const r = evalConfig(c, configFile);
      value = r.value;
      problems.push(...r.problems);
      if (!declared && !isVitestConfig && !isObject(isObject(value) ? value.test : undefined)) continue;
    } else if (!declared) continue;
    const test = testBlock(value);
    const rootOpt = isObject(value) && typeof value.root === 'string' ? value.root : undefined;
    const rootDir = rootOpt ? relativePosix(ws.root, path.resolve(ws.root, pkg.dir, rootOpt)) : pkg.dir;
    let defs: unknown[] | undefined;
    if (Array.isArray(test.projects)) defs = test.projects;
    else if (isUnknown(test.projects)) problems.push(`test.projects: ${test.projects.reason}`);
    else if (c.major < 4 && Array.isArray(test.workspace)) defs = test.workspace;
    else if (wsFile) {
      if (c.major >= 4) diagnostics.push({ severity: 'info', code: 'VITEST_WORKSPACE_IGNORED', runner: 'vitest', file: wsFile, message: `Vitest ${version ?? '4'} no longer reads ${path.posix.basename(wsFile)}; use test.projects` });
      else {
        const r = evalConfig(c, wsFile);
        if (Array.isArray(r.value)) defs = r.value;
        else diagnostics.push(configProblem('vitest', wsFile, r.problems.length ? r.problems : ['not an array'], 'workspace ignored'));
      }
    }
    if (defs) {
      if (problems.length && configFile) diagnostics.push(configProblem('vitest', configFile, problems, 'runner defaults used for the unresolved parts'));
      resolveProjects(c, defs, value, configFile ?? null, pkg.dir, rootDir);
    } else {
      addProject(c, { value, configDir: pkg.dir, configFile: configFile ?? null, name: nameOf(test, problems) ?? null, pkgDir: pkg.dir, problems });
    }
    perPackage.push({ dir: pkg.dir, suites: c.suites, hasProjects: !!defs });
  }
  // A package's own Vitest setup owns its files; an outer config without projects does not list them twice.
  for (const outer of perPackage) {
    if (outer.hasProjects) continue;
    const inner = perPackage.filter((p) => p !== outer && (outer.dir === '' || p.dir.startsWith(outer.dir + '/')));
    if (!inner.length) continue;
    for (const s of outer.suites) s.files = s.files.filter((f) => !inner.some((p) => f.startsWith(p.dir + '/')));
  }
  for (const p of perPackage) suites.push(...p.suites);
  if (!suites.length && !diagnostics.length) return null;
  for (const s of suites) s.files = [...new Set(s.files)].sort();
  return { suites, diagnostics };
}

/** The plugin's scan (./plugin.ts loads this module on the first scan). */
export const scanVitestRepo = (ctx: ScanContext): Promise<RunnerScan | null> => scanSuites(ctx, 'vitest', resolveVitest);

export { asArray };
