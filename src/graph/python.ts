import type Parser from 'tree-sitter';
import { parsePython } from '../languages/python/parser.js';
import { dirnamePosix } from '../util/paths.js';

/** Joins normalised repo-relative parts ('' is the root); much cheaper than path.posix.join in the hot loop. */
function joinPosix(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

/**
 * Python imports: parsing (tree-sitter-python) and resolution to repo files under source roots,
 * the way Python's import system finds them (regular packages, namespace packages, submodules
 * named in `from x import y`, relative imports).
 */

export interface PyImport {
  /** 1-based line. */
  line: number;
  /** `import a.b` → `a.b`; `from ..x import y` → `x` (with level 2); `from . import y` → ''. */
  module: string;
  /** Number of leading dots (0 = absolute). */
  level: number;
  /** For `from … import a, b`: the imported names; empty for `import …` and `*`. */
  names: string[];
  from: boolean;
}


/**
 * The import statements of a module, cut out at their own line numbers with everything else
 * blanked, so tree-sitter parses a few lines instead of the whole file (parsing whole files is
 * ~2 MB/s; a big repo's graph would take seconds). A statement starts a logical line with
 * `import`/`from` outside a triple-quoted string and runs while brackets are open or a line
 * ends in a backslash.
 */
export function importSkeleton(source: string): string {
  if (!source.includes('import')) return '';
  const lines = source.split(/\r?\n/);
  const out: string[] = new Array(lines.length).fill('');
  let triple: string | null = null;
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = triple === null ? /^\s*(?:(?:try|else|finally|except\b[^:]*|(?:el)?if\b[^:]*):\s*)?(?=(?:import|from)\s)/.exec(line) : null;
    if (head) {
      let depth = 0;
      let j = i;
      for (;;) {
        const text = lines[j]!;
        const code = text.replace(/#.*$/, '');
        for (const ch of code) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
        out[j] = j === i ? text.slice(head[0].length) : text;
        if ((depth > 0 || /\\\s*$/.test(code)) && j + 1 < lines.length) j++;
        else break;
      }
      found = true;
      i = j;
      continue;
    }
    triple = updateTriple(line, triple);
  }
  return found ? out.join('\n') : '';
}

/**
 * Whether a line leaves us inside a triple-quoted string: skips comments and single-line
 * strings (with escapes) so quotes inside them do not count.
 */
function updateTriple(line: string, open: string | null): string | null {
  let state = open;
  let k = 0;
  const n = line.length;
  while (k < n) {
    if (state) {
      const end = line.indexOf(state, k);
      if (end < 0) return state;
      // an escaped quote right before does not close (e.g. \""" inside the string)
      let bs = 0;
      for (let b = end - 1; b >= k && line[b] === '\\'; b--) bs++;
      k = end + (bs % 2 ? 1 : 3);
      if (bs % 2 === 0) state = null;
      continue;
    }
    const ch = line[k]!;
    if (ch === '#') return null;
    if (ch === '"' || ch === "'") {
      if (line.startsWith(ch.repeat(3), k)) {
        state = ch.repeat(3);
        k += 3;
        continue;
      }
      // a single-line string: find its unescaped end
      k++;
      while (k < n && line[k] !== ch) k += line[k] === '\\' ? 2 : 1;
      k++;
      continue;
    }
    k++;
  }
  return state;
}

/** Every import statement of a module, also those nested in functions, `try` and `if TYPE_CHECKING`. */
export function parsePythonImports(fullSource: string): PyImport[] {
  const dynamic = dynamicImports(fullSource);
  const source = importSkeleton(fullSource);
  if (!source) return dynamic;
  const tree = parsePython(source);
  const out: PyImport[] = [];
  for (const node of tree.rootNode.descendantsOfType(['import_statement', 'import_from_statement'])) {
    const line = node.startPosition.row + 1;
    const dotted = (n: Parser.SyntaxNode | null): string => {
      if (!n) return '';
      if (n.type === 'aliased_import') return dotted(n.childForFieldName('name'));
      return n.text.replace(/\s+/g, '');
    };
    if (node.type === 'import_statement') {
      for (const n of node.childrenForFieldName('name')) {
        const module = dotted(n);
        if (module) out.push({ line, module, level: 0, names: [], from: false });
      }
      continue;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) continue;
    let level = 0;
    let module = '';
    if (moduleNode.type === 'relative_import') {
      for (const c of moduleNode.namedChildren) {
        if (c.type === 'import_prefix') level = c.text.replace(/\s+/g, '').length;
        else if (c.type === 'dotted_name') module = dotted(c);
      }
    } else module = dotted(moduleNode);
    const names = node.childrenForFieldName('name').map(dotted).filter(Boolean);
    out.push({ line, module, level, names, from: true });
  }
  if (dynamic.length) out.push(...dynamic);
  return out.sort((a, b) => a.line - b.line);
}

/** `importlib.import_module("a.b")` and `__import__("a")` with a literal absolute name. */
function dynamicImports(source: string): PyImport[] {
  const out: PyImport[] = [];
  // pytest_plugins = ["tests.fixtures.db", …] in a conftest.py / test module loads those modules
  const plugins = /^pytest_plugins\s*=\s*([[(]?)/m.exec(source);
  if (plugins) {
    const start = plugins.index + plugins[0].length;
    const end = plugins[1] ? source.indexOf(plugins[1] === '[' ? ']' : ')', start) : source.indexOf('\n', start);
    const body = source.slice(start, end < 0 ? undefined : end);
    const line = source.slice(0, plugins.index).split('\n').length;
    for (const m of body.matchAll(/(['"])([A-Za-z_][\w.]*)\1/g)) out.push({ line, module: m[2]!, level: 0, names: [], from: false });
  }
  if (!source.includes('import_module(') && !source.includes('__import__(')) return out;
  const re = /\b(?:import_module|__import__)\(\s*(['"])([A-Za-z_][\w.]*)\1/g;
  for (const m of source.matchAll(re)) {
    let line = 1;
    for (let i = source.indexOf('\n'); i >= 0 && i < m.index; i = source.indexOf('\n', i + 1)) line++;
    out.push({ line, module: m[2]!, level: 0, names: [], from: false });
  }
  return out;
}

/** What the resolver knows about the repo's Python files. */
export interface PythonIndex {
  files: ReadonlySet<string>;
  /** Directories that contain Python files somewhere below (namespace package candidates). */
  dirs: ReadonlySet<string>;
  /** Source roots tried after the importing file's own base directory, in order ('' = repo root). */
  roots: readonly string[];
}

export function createPythonIndex(allFiles: readonly string[], configuredRoots: readonly string[] = []): PythonIndex {
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const f of allFiles) {
    if (!f.endsWith('.py') && !f.endsWith('.pyi')) continue;
    files.add(f);
    for (let d = dirnamePosix(f); d !== ''; d = dirnamePosix(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
    }
  }
  const roots: string[] = [];
  const add = (r: string) => {
    const norm = r.replace(/^\.\/?/, '').replace(/\/$/, '');
    if (!roots.includes(norm)) roots.push(norm);
  };
  for (const r of configuredRoots) add(r);
  add('');
  if (dirs.has('src')) add('src');
  if (dirs.has('lib')) add('lib');
  // The base directories of every package (the folder above a top-level __init__.py) are where
  // installed or path-inserted packages are imported from.
  const counts = new Map<string, number>();
  for (const f of files) if (f.endsWith('/__init__.py')) {
    const base = baseDirOf(dirnamePosix(f), files);
    counts.set(base, (counts.get(base) ?? 0) + 1);
  }
  for (const [base] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) add(base);
  return { files, dirs, roots };
}

/** The folder above the outermost regular package containing `dir` (pytest's rootdir-insertion basedir). */
export function baseDirOf(dir: string, files: ReadonlySet<string>): string {
  let d = dir;
  while (d !== '' && files.has(joinPosix(d, '__init__.py'))) d = dirnamePosix(d);
  return d;
}

type ModuleHit = { kind: 'module'; file: string } | { kind: 'package'; file: string; dir: string } | { kind: 'namespace'; dir: string };

function findModule(index: PythonIndex, root: string, dotted: string): ModuleHit | undefined {
  const rel = joinPosix(root, dotted.split('.').join('/'));
  if (index.files.has(`${rel}/__init__.py`)) return { kind: 'package', file: `${rel}/__init__.py`, dir: rel };
  if (index.files.has(`${rel}.py`)) return { kind: 'module', file: `${rel}.py` };
  if (index.files.has(`${rel}.pyi`)) return { kind: 'module', file: `${rel}.pyi` };
  if (index.dirs.has(rel)) return { kind: 'namespace', dir: rel };
  return undefined;
}

export interface PyResolution {
  files: string[];
  external?: string;
  /** Set when the import names a repo package or module that does not exist (a broken import). */
  unresolved?: string;
}

/** Files an absolute dotted module loads: every parent package's `__init__.py`, then the module. */
function loadChain(index: PythonIndex, root: string, dotted: string): { files: string[]; hit?: ModuleHit; missingAt?: string } {
  const parts = dotted.split('.');
  const files: string[] = [];
  let hit: ModuleHit | undefined;
  for (let i = 1; i <= parts.length; i++) {
    const name = parts.slice(0, i).join('.');
    hit = findModule(index, root, name);
    if (!hit) return { files, missingAt: name };
    if (hit.kind !== 'namespace') files.push(hit.file);
  }
  return { files, hit };
}

/** Resolves one import of `fromFile` to repo files, an external module, or an unresolved name. */
export function resolvePythonImport(index: PythonIndex, fromFile: string, imp: PyImport): PyResolution {
  if (imp.level > 0) {
    // Relative: the package of the importing module is its directory.
    let pkg = dirnamePosix(fromFile);
    for (let i = 1; i < imp.level; i++) {
      if (pkg === '') return { files: [], unresolved: `${'.'.repeat(imp.level)}${imp.module} (beyond the repository root)` };
      pkg = dirnamePosix(pkg);
    }
    const files: string[] = [];
    let base = pkg;
    if (imp.module) {
      base = joinPosix(pkg, imp.module.split('.').join('/'));
      // parents between pkg and the target
      const parts = imp.module.split('.');
      for (let i = 1; i < parts.length; i++) {
        const mid = joinPosix(pkg, parts.slice(0, i).join('/'));
        if (index.files.has(`${mid}/__init__.py`)) files.push(`${mid}/__init__.py`);
      }
      if (index.files.has(`${base}/__init__.py`)) files.push(`${base}/__init__.py`);
      else if (index.files.has(`${base}.py`)) files.push(`${base}.py`);
      else if (index.files.has(`${base}.pyi`)) files.push(`${base}.pyi`);
      else if (!index.dirs.has(base)) return { files, unresolved: `${'.'.repeat(imp.level)}${imp.module}` };
    } else if (index.files.has(`${pkg === '' ? '' : `${pkg}/`}__init__.py`)) files.push(joinPosix(pkg, '__init__.py'));
    const hasInit = index.files.has(joinPosix(base, '__init__.py'));
    for (const name of imp.names) {
      const sub = joinPosix(base, name);
      if (index.files.has(`${sub}.py`)) files.push(`${sub}.py`);
      else if (index.files.has(`${sub}/__init__.py`)) files.push(`${sub}/__init__.py`);
      else if (index.dirs.has(sub)) continue;
      // a name that is neither a submodule nor possibly defined in an __init__.py
      else if (!hasInit && !index.files.has(`${base}.py`)) return { files, unresolved: `${'.'.repeat(imp.level)}${imp.module ? imp.module : ''} import ${name}` };
    }
    return { files };
  }

  const roots = [baseDirOf(dirnamePosix(fromFile), index.files), ...index.roots];
  const first = imp.module.split('.')[0]!;
  for (const root of roots) {
    if (!findModule(index, root, first)) continue;
    const chain = loadChain(index, root, imp.module);
    if (chain.missingAt) {
      // `import pkg.mod` where pkg is ours but mod is not there. With `from pkg import name`
      // where the module is missing the import is broken too.
      return { files: chain.files, unresolved: imp.module };
    }
    const files = chain.files;
    const hit = chain.hit!;
    if (imp.from && hit.kind !== 'module') {
      const dir = hit.kind === 'package' ? hit.dir : hit.dir;
      for (const name of imp.names) {
        const sub = joinPosix(dir, name);
        if (index.files.has(`${sub}.py`)) files.push(`${sub}.py`);
        else if (index.files.has(`${sub}/__init__.py`)) files.push(`${sub}/__init__.py`);
        else if (index.files.has(`${sub}.pyi`)) files.push(`${sub}.pyi`);
      }
    }
    return { files };
  }
  return { files: [], external: imp.module };
}
