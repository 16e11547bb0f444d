import picomatch from 'picomatch';
import type { ImportGraph } from '../core/graph.js';
import { JS_TEST_PACKAGES } from '../runners/js/test-packages.js';
import { dirnamePosix } from '../util/paths.js';
import { collectPackages } from '../workspace/js-packages.js';
import { isCodeFile } from '../workspace/js-modules.js';
import { workspaceGlobs } from '../workspace/manifests.js';

/**
 * What `seams init` proposes from a repository's layout: components from its real structure
 * (Python packages, subpackages and modules; JS/TS workspace packages, or the `src/` folders of a
 * single package), and the workflows the static import graph suggests between them. Folders of
 * examples, docs, fixtures, assets, build output, vendored code and tests are never components, and
 * only source files of the language count (a folder of PNGs or a `.txt` is not a component).
 */

export interface ProposedComponent {
  id: string;
  paths: string[];
  /** The source files the globs match (at least one). */
  files: number;
}

/** Folder names never proposed as (or searched for) components. */
const SKIP_SEGMENT =
  /^(?:.*[-_])?(?:examples?|samples?|demos?|docs?|documentation|site|website|www|playgrounds?|sandbox|fixtures?|assets?|static|public|media|images?|generated|__generated__|gen|build|dist|out|lib-cov|coverage|vendor|vendored|third[-_]party|node_modules|site-packages|venv|tests?|testing|__tests__|__mocks__|e2e|specs?|benchmarks?|bench|scripts|tools|typings|migrations?)$/i;
const isSkippedPath = (file: string) => file.split('/').slice(0, -1).some((s) => s.startsWith('.') || s.startsWith('__pycache__') || SKIP_SEGMENT.test(s));
const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$|\.(test|spec|bench|stories|story)\.[cm]?[jt]sx?$/;
const JS_CONFIG = /(^|\/)[^/]*\.config\.[cm]?[jt]s$|(^|\/)\.[^/]*rc\.[cm]?js$/;
/** Python files that are tooling at a source root, not library code. */
const PY_TOOLING = new Set(['setup', 'conftest', 'noxfile', 'tasks', 'fabfile', 'manage', 'docs_conf']);

export function isPythonSource(f: string): boolean {
  return f.endsWith('.py') && !TEST_FILE.test(f) && !isSkippedPath(f);
}
/** A JS/TS source file, judged by its path inside its package (`rel`; the whole path by default). */
export function isJsSource(f: string, rel = f): boolean {
  return isCodeFile(f) && !/\.d\.[cm]?ts$/.test(f) && !TEST_FILE.test(f) && !JS_CONFIG.test(f) && !isSkippedPath(rel);
}
/** Workspace packages that are not code a workflow crosses: docs sites, examples, playgrounds, e2e suites. */
const SKIP_PACKAGE = /^(?:.*[-_])?(?:examples?|samples?|demos?|docs?|documentation|site|website|www|playgrounds?|sandbox|fixtures?|e2e|tests?|benchmarks?|bench)$/i;

/** A valid seams name (`^[A-Za-z0-9][A-Za-z0-9_.-]*$`) from a folder or module name; '' when nothing is left. */
export function componentName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/^@[^/]+\//, '')
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .replace(/[-.]+$/, '');
}

class Components {
  readonly list: { id: string; paths: string[]; files: string[] }[] = [];
  add(names: string[], paths: string[], files: string[]): void {
    if (!files.length) return;
    const taken = new Set(this.list.map((c) => c.id));
    const candidates = names.map(componentName).filter(Boolean);
    let id = candidates.find((n) => !taken.has(n)) ?? candidates[0] ?? 'src';
    for (let i = 2; taken.has(id); i++) id = `${candidates[0] ?? 'src'}-${i}`;
    this.list.push({ id, paths, files });
  }
}

/** The Python side: each top-level package's subpackages and modules. */
function pythonComponents(out: Components, files: readonly string[], graph: ImportGraph | undefined): void {
  const py = files.filter(isPythonSource);
  const pkgDirs = new Set(py.filter((f) => f.endsWith('/__init__.py')).map(dirnamePosix));
  const tops = [...pkgDirs].filter((d) => !pkgDirs.has(dirnamePosix(d))).sort();
  for (const top of tops) {
    const name = top.split('/').pop()!;
    const below = py.filter((f) => f.startsWith(`${top}/`));
    const mods = below.filter((f) => dirnamePosix(f) === top);
    const subs = [...new Set(below.filter((f) => dirnamePosix(f) !== top).map((f) => f.slice(top.length + 1).split('/')[0]!))].sort();
    const ownModules = mods.filter((f) => !f.endsWith('/__init__.py'));
    if (subs.length) {
      for (const s of subs) out.add([s, `${name}-${s}`], [`${top}/${s}/**`], below.filter((f) => f.startsWith(`${top}/${s}/`)));
      if (ownModules.length) out.add([name], [`${top}/*.py`], mods);
    } else if (ownModules.length <= 2 || tops.length > 1) out.add([name], [`${top}/**`], below);
    // one flat package (a library such as click): its modules, grouped; several (Django apps): one each
    else for (const g of moduleGroups(ownModules, graph)) out.add([g.name, `${name}-${g.name}`], g.files, g.files);
  }
  // single-module libraries at a source root (src/six.py)
  for (const f of py) {
    const dir = dirnamePosix(f);
    const stem = f.slice(dir ? dir.length + 1 : 0, -3);
    if ((dir === 'src' || dir === 'lib') && !PY_TOOLING.has(stem) && !stem.startsWith('_')) out.add([stem], [f], [f]);
  }
}

/**
 * The modules of a flat package, grouped: a public module with its private helpers (`termui` +
 * `_termui_impl`, `utils` + `_utils`), a private module imported by one sibling only joins that
 * sibling's group, and any other module is a group of its own (named without leading underscores).
 */
function moduleGroups(modules: string[], graph: ImportGraph | undefined): { name: string; files: string[] }[] {
  const stem = (f: string) => f.slice(f.lastIndexOf('/') + 1, -3);
  const bare = (f: string) => stem(f).replace(/^_+/, '');
  const publicByName = new Map(modules.filter((f) => !stem(f).startsWith('_')).map((f) => [stem(f), f]));
  const init = modules.length ? `${dirnamePosix(modules[0]!)}/__init__.py` : '';
  const reexported = new Set((graph?.files[init]?.imports ?? []).map((e) => e.file));
  const owner = new Map<string, string>();
  for (const f of modules) {
    if (!stem(f).startsWith('_')) continue;
    const b = bare(f);
    const pub = publicByName.get(b) ?? [...publicByName].find(([n]) => b.startsWith(`${n}_`))?.[1];
    if (pub) {
      owner.set(f, pub);
      continue;
    }
    // a module the package's __init__.py re-exports from is part of its surface: a group of its own
    if (reexported.has(f)) continue;
    const importers = modules.filter((m) => m !== f && (graph?.files[m]?.imports ?? []).some((e) => e.file === f && e.kind !== 're-export'));
    if (importers.length === 1) owner.set(f, importers[0]!);
  }
  const root = (f: string): string => {
    const seen = new Set<string>();
    while (owner.has(f) && !seen.has(f)) {
      seen.add(f);
      f = owner.get(f)!;
    }
    return f;
  };
  const groups = new Map<string, string[]>();
  for (const f of modules) groups.set(root(f), [...(groups.get(root(f)) ?? []), f]);
  return [...groups].map(([head, fs]) => ({ name: bare(head), files: fs.sort() })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The JS/TS side: workspace packages, or the code-root folders of a single package. */
function jsComponents(out: Components, root: string, files: readonly string[], readText: (f: string) => string | undefined): void {
  const code = files.filter((f) => isCodeFile(f) && !f.split('/').includes('node_modules'));
  if (!code.length) return;
  const packages = collectPackages(root, files, readText, [], JS_TEST_PACKAGES);
  const hasJson = new Set(files.filter((f) => f === 'package.json' || f.endsWith('/package.json')).map(dirnamePosix));
  const rootPkg = packages.get('');
  const workspaceRoot = Boolean(rootPkg && (workspaceGlobs(rootPkg.json) !== undefined || files.includes('pnpm-workspace.yaml')));
  const dirs = [...packages.keys()]
    .filter((d) => hasJson.has(d) && !d.split('/').some((s) => s.startsWith('.') || SKIP_PACKAGE.test(s)))
    .sort((a, b) => b.length - a.length);
  const filesOf = new Map<string, string[]>();
  for (const f of code) {
    const d = dirs.find((p) => p === '' || f.startsWith(`${p}/`));
    // a workspace root's own code is what lies in its code roots (src/), not its scripts and tooling
    if (d === '' && workspaceRoot && !CODE_ROOTS.includes(f.split('/')[0]!)) continue;
    if (d !== undefined && isJsSource(f, d === '' ? f : f.slice(d.length + 1))) filesOf.set(d, [...(filesOf.get(d) ?? []), f]);
  }
  const withCode = [...filesOf.keys()].sort();
  if (withCode.length > 1 || (workspaceRoot && withCode.length === 1 && withCode[0] !== '')) {
    // a workspace: one component per package that has code
    for (const d of withCode) {
      const fs = filesOf.get(d)!;
      const src = d === '' ? 'src/' : `${d}/src/`;
      const inSrc = fs.filter((f) => f.startsWith(src));
      const name = packages.get(d)?.name;
      const globs = d === '' ? [...new Set(fs.map((f) => `${f.split('/')[0]}/**`))].sort() : [inSrc.length ? `${d}/src/**` : `${d}/**`];
      out.add([d.split('/').pop()!, ...(name ? [name] : []), 'root'], globs, inSrc.length ? inSrc : fs);
    }
    return;
  }
  for (const d of withCode) singlePackage(out, d, filesOf.get(d)!, packages.get(d)?.name ?? null);
}

const CODE_ROOTS = ['src', 'source', 'lib', 'app', 'server'];

function singlePackage(out: Components, dir: string, fs: string[], pkgName: string | null): void {
  const base = dir === '' ? '' : `${dir}/`;
  const rel = (f: string) => f.slice(base.length);
  const codeRoot = CODE_ROOTS.find((r) => fs.some((f) => rel(f).startsWith(`${r}/`)));
  const scope = codeRoot ? fs.filter((f) => rel(f).startsWith(`${codeRoot}/`)) : fs;
  const prefix = codeRoot ? `${base}${codeRoot}/` : base;
  const folders = new Map<string, string[]>();
  const top: string[] = [];
  for (const f of scope) {
    const parts = f.slice(prefix.length).split('/');
    if (parts.length === 1) top.push(f);
    else folders.set(parts[0]!, [...(folders.get(parts[0]!) ?? []), f]);
  }
  for (const [folder, ffs] of [...folders].sort((a, b) => a[0].localeCompare(b[0]))) out.add([folder], [`${prefix}${folder}/**`], ffs);
  // modules directly in the code root (src/index.ts): named after the package; not the repo root's own scripts
  if (codeRoot && top.length) {
    const exts = [...new Set(top.map((f) => f.slice(f.lastIndexOf('.'))))].sort();
    const folderName = dir.split('/').pop() || '';
    out.add([pkgName ?? folderName, folderName, codeRoot], exts.map((e) => `${prefix}*${e}`), top);
  }
}

/** Components proposed from the layout, each with globs that match at least one of its source files. */
export function proposeComponents(
  root: string,
  files: readonly string[],
  readText: (f: string) => string | undefined,
  graph?: ImportGraph,
  max = 30,
): { components: ProposedComponent[]; left: number; sourceFiles: string[] } {
  const out = new Components();
  pythonComponents(out, files, graph);
  jsComponents(out, root, files, readText);
  const kept = out.list.filter((c) => {
    const m = picomatch(c.paths, { dot: true });
    return c.files.some((f) => m(f));
  });
  const sourceFiles = [...new Set(kept.flatMap((c) => c.files))].sort();
  return {
    components: kept.slice(0, max).map((c) => ({ id: c.id, paths: c.paths, files: c.files.length })),
    left: Math.max(0, kept.length - max),
    sourceFiles,
  };
}

/** The source files a proposal's layout would look at (the graph's entries), before the graph exists. */
export function layoutSourceFiles(files: readonly string[]): string[] {
  return files.filter((f) => isPythonSource(f) || isJsSource(f));
}

export interface WorkflowProposal {
  id: string;
  chain: string[];
  /** How many files of each link's first component import the second (or its modules). */
  imports: number[];
}

/**
 * Workflows the import graph suggests: chains of components where each one's files import the
 * next one's (or reach an external system through its modules). Greedy from every component along
 * its most-imported neighbour, up to four long; a chain inside a longer one is dropped.
 */
export function proposeWorkflows(
  graph: ImportGraph,
  components: readonly { id: string; paths: string[] }[],
  externalOf: (module: string) => string | undefined,
  max = 5,
): WorkflowProposal[] {
  const matchers = components.map((c) => ({ id: c.id, m: picomatch(c.paths, { dot: true }) }));
  const compOf = new Map<string, string | undefined>();
  const of = (f: string) => {
    if (!compOf.has(f)) compOf.set(f, TEST_FILE.test(f) || isSkippedPath(f) ? undefined : matchers.find((x) => x.m(f))?.id);
    return compOf.get(f);
  };
  // the weight of a link a → b: how many of a's files import b's files (or b's modules)
  const weight = new Map<string, Map<string, number>>();
  const bump = (a: string, b: string) => {
    const row = weight.get(a) ?? new Map<string, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    weight.set(a, row);
  };
  for (const [file, node] of Object.entries(graph.files)) {
    const a = of(file);
    if (!a) continue;
    const linked = new Set<string>();
    const link = (b: string) => {
      if (!linked.has(b)) bump(a, b);
      linked.add(b);
    };
    for (const e of node.imports) {
      if (e.kind === 're-export' || e.kind === 'deferred') continue;
      const b = of(e.file);
      if (b && b !== a) link(b);
    }
    for (const e of node.externals) {
      if (e.kind === 're-export') continue;
      const b = externalOf(e.module);
      if (b && b !== a) link(b);
    }
  }
  const chains: WorkflowProposal[] = [];
  for (const start of [...weight.keys()].sort()) {
    const chain = [start];
    const imports: number[] = [];
    while (chain.length < 4) {
      const row = weight.get(chain[chain.length - 1]!);
      const next = [...(row ?? [])].filter(([b]) => !chain.includes(b)).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
      if (!next) break;
      chain.push(next[0]);
      imports.push(next[1]);
    }
    if (chain.length >= 2) chains.push({ id: chain.join('-'), chain, imports });
  }
  const inside = (a: string[], b: string[]) => a.length < b.length && `\0${b.join('\0')}\0`.includes(`\0${a.join('\0')}\0`);
  // of chains over the same components (a → b and b → a in a cycle), the one with more imports
  const seen = new Set<string>();
  return chains
    .filter((c) => !chains.some((o) => inside(c.chain, o.chain)))
    .sort((a, b) => b.chain.length - a.chain.length || sum(b.imports) - sum(a.imports) || a.id.localeCompare(b.id))
    .filter((c) => {
      const key = [...c.chain].sort().join('\0');
      return !seen.has(key) && Boolean(seen.add(key));
    })
    .slice(0, max);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
