import path from 'node:path';
import picomatch from 'picomatch';
import type { Diagnostic } from '../core/types.js';
import { dirnamePosix, joinPosix } from '../util/paths.js';
import { pnpmWorkspaceGlobs, readJsonFile, workspaceGlobs } from './manifests.js';

/** Which package.json folders are JS packages with tests: declared workspaces, and test packages nobody declared. */

export interface JsPackage {
  /** Repo-relative directory ('' for the root). */
  dir: string;
  name: string | null;
  json: Record<string, unknown>;
  deps: Set<string>;
  scripts: Record<string, string>;
}

/** What makes a package.json a test package; the JS runner plugins give theirs (runners/js/test-packages.ts). */
export interface TestPackageMarkers {
  /** Dependencies of a test runner. */
  deps: readonly string[];
  /** package.json keys that configure a runner (`jest`, `mocha`). */
  manifestKeys: readonly string[];
  /** Names of runner config files next to the package.json (an app's vite.config.* alone is not one). */
  configFile: RegExp;
  /** A package script that runs tests (`node --test`). */
  script: RegExp;
}

export function depsOf(json: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const k of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const v = json[k];
    if (v && typeof v === 'object') for (const name of Object.keys(v)) out.add(name);
  }
  return out;
}

function isTestPackage(json: Record<string, unknown>, configNames: Iterable<string>, m: TestPackageMarkers): boolean {
  const deps = depsOf(json);
  if (m.deps.some((d) => deps.has(d))) return true;
  if (m.manifestKeys.some((k) => json[k] !== undefined)) return true;
  for (const n of configNames) if (m.configFile.test(n)) return true;
  const scripts = json.scripts && typeof json.scripts === 'object' ? Object.values(json.scripts) : [];
  return scripts.some((s) => typeof s === 'string' && m.script.test(s));
}

/**
 * Packages nobody declared: a Python repo with `web/package.json`, a root package.json that has
 * no `workspaces`. Every package.json outside node_modules that has a runner dependency, a runner
 * config or a `node --test` script is a package, unless it lies inside the folder of another
 * package that has one (a fixture such as `test/fixtures/x/package.json` belongs to its owner's
 * tests) or inside a declared workspace package. The root owns everything when it is a runner
 * package or declares workspaces; a root package.json without either (tooling only) owns nothing.
 */
export function addUndeclaredPackages(
  packages: Map<string, JsPackage>,
  pkgJsonDirs: Set<string>,
  files: readonly string[],
  addPackage: (dir: string, chain: string[]) => void,
  readText: (file: string) => string | undefined,
  markers: TestPackageMarkers,
): void {
  const namesIn = new Map<string, string[]>();
  for (const f of files) {
    const slash = f.lastIndexOf('/');
    const d = slash < 0 ? '' : f.slice(0, slash);
    let a = namesIn.get(d);
    if (!a) namesIn.set(d, (a = []));
    a.push(f.slice(slash + 1));
  }
  const jsonOf = (dir: string): Record<string, unknown> | undefined => {
    const known = packages.get(dir);
    if (known) return known.json;
    if (!pkgJsonDirs.has(dir)) return undefined;
    try {
      const v = JSON.parse((readText(joinPosix(dir, 'package.json')) ?? '').replace(/^\uFEFF/, ''));
      return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  // Folders that own what lies below them: declared workspace packages, and runner packages.
  const owners = new Set<string>();
  for (const dir of packages.keys()) if (dir !== '') owners.add(dir);
  const root = packages.get('');
  // A root that declares workspaces is the install root of everything below it (npm, yarn, pnpm):
  // its list is the truth. A root with a runner owns its folders (fixtures are its test data).
  const rootNames = namesIn.get('') ?? [];
  if (root && (workspaceGlobs(root.json) !== undefined || rootNames.includes('pnpm-workspace.yaml') || isTestPackage(root.json, rootNames, markers))) owners.add('');
  const insideOwner = (dir: string) => {
    if (owners.has('')) return true;
    for (let d = dirnamePosix(dir); d !== ''; d = dirnamePosix(d)) if (owners.has(d)) return true;
    return false;
  };
  // Shallow first, so an outer package is known before the folders below it are looked at.
  const candidates = [...pkgJsonDirs]
    .filter((d) => d !== '' && !packages.has(d) && !d.split('/').includes('node_modules'))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  for (const dir of candidates) {
    if (insideOwner(dir)) continue;
    const json = jsonOf(dir);
    if (!json || !isTestPackage(json, namesIn.get(dir) ?? [], markers)) continue;
    const before = new Set(packages.keys());
    addPackage(dir, []);
    for (const d of packages.keys()) if (!before.has(d)) owners.add(d);
  }
}

/**
 * The packages of a repo: the root, the workspace packages it declares (npm/yarn `workspaces`,
 * pnpm-workspace.yaml; recursively), then the test packages nobody declared.
 */
export function collectPackages(
  root: string,
  files: readonly string[],
  readText: (file: string) => string | undefined,
  diagnostics: Diagnostic[],
  markers: TestPackageMarkers,
): Map<string, JsPackage> {
  const allFiles = new Set(files);
  const pkgJsonDirs = new Set(files.filter((f) => f === 'package.json' || f.endsWith('/package.json')).map(dirnamePosix));
  const packages = new Map<string, JsPackage>();
  const addPackage = (dir: string, chain: string[]): void => {
    if (chain.includes(dir)) {
      diagnostics.push({
        severity: 'warning',
        code: 'WORKSPACE_CYCLE',
        file: joinPosix(dir, 'package.json'),
        message: `workspace cycle: ${[...chain, dir].map((d) => d || '.').join(' → ')}; the package is scanned once`,
      });
      return;
    }
    if (packages.has(dir)) return;
    const file = joinPosix(dir, 'package.json');
    let json: Record<string, unknown> = {};
    if (pkgJsonDirs.has(dir)) {
      const r = readJsonFile(path.join(root, file));
      if (r.error) diagnostics.push({ severity: 'warning', code: 'PACKAGE_JSON_INVALID', file, message: `cannot read package.json: ${r.error}` });
      json = r.value ?? {};
    }
    const scripts: Record<string, string> = {};
    if (json.scripts && typeof json.scripts === 'object')
      for (const [k, v] of Object.entries(json.scripts)) if (typeof v === 'string') scripts[k] = v;
    packages.set(dir, { dir, name: typeof json.name === 'string' ? json.name : null, json, deps: depsOf(json), scripts });

    let globs = workspaceGlobs(json);
    const pnpm = joinPosix(dir, 'pnpm-workspace.yaml');
    if (allFiles.has(pnpm)) {
      try {
        globs = [...(globs ?? []), ...pnpmWorkspaceGlobs(readText(pnpm) ?? '')];
      } catch (e) {
        diagnostics.push({ severity: 'warning', code: 'WORKSPACE_INVALID', file: pnpm, message: `cannot parse pnpm-workspace.yaml: ${(e as Error).message.split('\n')[0]}` });
      }
    }
    if (!globs?.length) return;
    const positive = globs.filter((g) => !g.startsWith('!')).map((g) => path.posix.normalize(joinPosix(dir, g.replace(/\/$/, ''))));
    const negative = globs.filter((g) => g.startsWith('!')).map((g) => path.posix.normalize(joinPosix(dir, g.slice(1).replace(/\/$/, ''))));
    const outside = positive.filter((g) => g.startsWith('..'));
    const isMatch = picomatch(positive.filter((g) => !g.startsWith('..')), { dot: false });
    const isExcluded = negative.length ? picomatch(negative) : () => false;
    for (const g of positive) if (g === dir || (dir !== '' && dir.startsWith(g + '/')) || g === '.' || g === '')
      addPackage(g === '.' ? '' : g, [...chain, dir]);
    for (const o of outside) diagnostics.push({ severity: 'info', code: 'WORKSPACE_OUTSIDE_REPO', file, message: `workspace pattern ${o} points outside the repository; ignored` });
    for (const d of [...pkgJsonDirs].sort()) {
      if (d === dir || d.split('/').includes('node_modules')) continue;
      if (isMatch(d) && !isExcluded(d)) addPackage(d, [...chain, dir]);
    }
  };
  addPackage('', []);
  addUndeclaredPackages(packages, pkgJsonDirs, files, addPackage, readText, markers);
  return packages;
}
