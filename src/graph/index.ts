import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphFile, ImportEdge, ImportGraph } from '../core/graph.js';
import type { Diagnostic } from '../core/types.js';
import { isCodeFile, JsResolver } from '../workspace/js-modules.js';
import { createPythonIndex, pythonRootsFromConfig, resolvePythonImport } from '../workspace/python-roots.js';
import { parsePythonImports, parsePythonOutline, type PyImport, type PyModuleOutline } from './python.js';
import { isPackageInit, PythonNames } from './python-names.js';
import { JsBarrels } from './js-barrels.js';
import { bindingUses, type BindingUse } from './js-uses.js';
import { jsImports, readJsModule, type JsModule } from './typescript.js';

/**
 * Builds the static import graph of a repository, lazily: starting from the entry files (the
 * test files), every file they import is parsed once, and so on. Files nothing reaches are never
 * parsed, so the cost follows what the tests touch, not the size of the repo.
 *
 * Parsed imports are cached per file (content hash), across calls in one process.
 */

export interface GraphOptions {
  /** Every file of the repo (repo-relative POSIX), e.g. from the scan's file lister. */
  files: readonly string[];
  /** Files to start from (test files, conftest.py files, setup files). */
  entries: readonly string[];
  /** Extra Python source roots (repo-relative), tried after the importing file's own base. */
  pythonRoots?: readonly string[];
  /** Upper bound on files parsed (safety valve for enormous repos). */
  maxFiles?: number;
}

export interface GraphBuild {
  graph: ImportGraph;
  diagnostics: Diagnostic[];
  /** Files parsed in this build (cache misses). */
  parsed: number;
}

type Parsed = { kind: 'py'; imports: PyImport[]; outline?: PyModuleOutline } | { kind: 'js'; module: JsModule; uses?: Map<string, BindingUse> } | { kind: 'error'; message: string };

const cache = new Map<string, { hash: string; parsed: Parsed }>();

/** `program` receives the AST reader of a JavaScript file parsed now (the AST is read only when needed). */
function parseFile(abs: string, rel: string, text: string, program?: (read: () => unknown) => void): Parsed {
  const hash = createHash('sha1').update(text).digest('base64');
  const hit = cache.get(abs);
  if (hit && hit.hash === hash) return hit.parsed;
  let parsed: Parsed;
  try {
    if (rel.endsWith('.py') || rel.endsWith('.pyi')) parsed = { kind: 'py', imports: parsePythonImports(text) };
    else {
      const r = readJsModule(rel, text);
      parsed = { kind: 'js', module: r.module };
      program?.(r.program);
    }
  } catch (error) {
    parsed = { kind: 'error', message: (error as Error).message.split('\n')[0]! };
  }
  cache.set(abs, { hash, parsed });
  return parsed;
}

const MAX_FILE_BYTES = 2_000_000;
/** Source characters of parsed JS files whose AST text a build keeps for later (see `programs`). */
const PROGRAM_BUDGET = 4_000_000;

/** Reads repo files once each; binary, oversized and unreadable files are `undefined`, with a diagnostic. */
function repoReader(root: string, diagnostics: Diagnostic[]): (rel: string) => string | undefined {
  const texts = new Map<string, string | undefined>();
  return (rel: string): string | undefined => {
    if (texts.has(rel)) return texts.get(rel);
    let text: string | undefined;
    try {
      const buf = readFileSync(path.join(root, rel));
      text = buf.length > MAX_FILE_BYTES || buf.includes(0) ? undefined : buf.toString('utf8');
      if (text === undefined)
        diagnostics.push({ severity: 'info', code: 'IMPORT_SKIPPED', file: rel, message: `${rel} is binary or larger than 2 MB; its imports are not followed` });
    } catch (error) {
      diagnostics.push({ severity: 'warning', code: 'UNREADABLE', file: rel, message: `cannot read ${rel}: ${(error as Error).message}` });
    }
    texts.set(rel, text);
    return text;
  };
}

export function buildImportGraph(root: string, options: GraphOptions): GraphBuild {
  const files = new Set(options.files);
  const diagnostics: Diagnostic[] = [];
  const read = repoReader(root, diagnostics);
  const pyIndex = createPythonIndex(options.files, [...(options.pythonRoots ?? []), ...pythonRootsFromConfig(options.files, read)]);
  const js = new JsResolver({ files, read: (f) => (files.has(f) ? read(f) : undefined) });
  let parsedCount = 0;
  const parsedFiles = new Map<string, Parsed>();
  // AST readers of the files parsed in this build, until the file is processed. Each holds the
  // parser's AST text (many times the source), so files parsed early (a barrel lookup parses
  // files long before the walk gets to them) are kept up to a budget of source characters, the
  // oldest dropped first (a file whose reader was dropped is parsed again if its AST is needed).
  const programs = new Map<string, { read: () => unknown; size: number }>();
  let programChars = 0;
  const keepProgram = (rel: string, read: () => unknown, size: number) => {
    programs.set(rel, { read, size });
    programChars += size;
    for (const [file, p] of programs) {
      if (programChars <= PROGRAM_BUDGET) break;
      programs.delete(file);
      programChars -= p.size;
    }
  };
  const dropProgram = (rel: string) => {
    const p = programs.get(rel);
    if (p) programChars -= p.size;
    programs.delete(rel);
  };
  /** Parses a repo file (cached by content hash across builds, by path within one), counting cache misses. */
  const parsedOf = (rel: string, text: string): Parsed => {
    let parsed = parsedFiles.get(rel);
    if (parsed) return parsed;
    const abs = path.join(root, rel);
    const before = cache.get(abs);
    parsed = parseFile(abs, rel, text, (program) => keepProgram(rel, program, text.length));
    if (cache.get(abs) !== before) parsedCount++;
    parsedFiles.set(rel, parsed);
    return parsed;
  };
  // Names imported from a barrel lead to the modules that define them (graph/js-barrels.ts).
  const barrels = new JsBarrels({
    resolve: (from, specifier) => js.resolve(from, specifier),
    exportsOf: (file) => {
      if (!isCodeFile(file)) return undefined;
      const text = read(file);
      const parsed = text === undefined ? undefined : parsedOf(file, text);
      return parsed?.kind === 'js' ? parsed.module.exports : undefined;
    },
  });
  /**
   * The imports of a parsed JS file. The AST is read (once per file content) only when a binding's
   * use can change what is followed: it is exported again, or it comes from a barrel of the repo.
   */
  const importsOf = (rel: string, text: string, parsed: Extract<Parsed, { kind: 'js' }>) => {
    const mod = parsed.module;
    const needed =
      !parsed.uses &&
      mod.candidates.some((c) => {
        if (mod.exportedLocals.includes(c.local)) return true;
        const r = js.resolve(rel, c.specifier);
        return 'file' in r && barrels.isBarrel(r.file);
      });
    if (needed) {
      const program = programs.get(rel)?.read ?? readJsModule(rel, text).program;
      parsed.uses = bindingUses(program() as Parameters<typeof bindingUses>[0], mod.candidates, text);
    }
    dropProgram(rel);
    return jsImports(mod, parsed.uses ?? new Map());
  };
  // Names imported from a package lead through its `__init__.py` re-exports to the modules that
  // define them (graph/python-names.ts).
  const pyOutline = (rel: string): PyModuleOutline | undefined => {
    if (!files.has(rel)) return undefined;
    const text = read(rel);
    if (text === undefined) return undefined;
    const parsed = parsedOf(rel, text);
    if (parsed.kind !== 'py') return undefined;
    try {
      return (parsed.outline ??= parsePythonOutline(text));
    } catch {
      return undefined;
    }
  };
  const pyNames = new PythonNames({ index: pyIndex, outline: pyOutline, read: (rel) => (files.has(rel) ? read(rel) : undefined) });
  const graph: ImportGraph = { files: {} };
  const queue = options.entries.filter((e) => files.has(e));
  const seen = new Set(queue);
  const max = options.maxFiles ?? 200_000;

  for (let i = 0; i < queue.length && i < max; i++) {
    const rel = queue[i]!;
    const node: GraphFile = { imports: [], externals: [] };
    graph.files[rel] = node;
    const isPy = rel.endsWith('.py') || rel.endsWith('.pyi');
    if (!isPy && !isCodeFile(rel)) continue;
    const text = read(rel);
    if (text === undefined) continue;
    const parsed = parsedOf(rel, text);
    // One edge per target and kind. A plain edge makes every other edge to the same file
    // redundant; a `deferred` one is kept only while the file has no other edge. A target is
    // walked when an edge reach may follow leads to it (`deferred` ones never are).
    const added = new Map<string, Set<ImportEdge['kind'] | 'plain'>>([[rel, new Set(['plain'])]]);
    const addedExternal = new Map<string, ImportEdge['kind'] | 'plain'>();
    const addFile = (file: string, line: number, kind?: ImportEdge['kind']) => {
      const kinds = added.get(file);
      if (kinds?.has('plain') || kinds?.has(kind) || (kind === 'deferred' && kinds)) return;
      if (kinds && (!kind || kinds.has('deferred'))) {
        node.imports = node.imports.filter((e) => e.file !== file || (kind && e.kind !== 'deferred'));
        kinds.delete('deferred');
      }
      if (kinds) kinds.add(kind ?? 'plain');
      else added.set(file, new Set([kind ?? 'plain']));
      node.imports.push(kind ? { file, line, kind } : { file, line });
      if (kind !== 'deferred' && !seen.has(file)) {
        seen.add(file);
        queue.push(file);
      }
    };
    const addExternal = (module: string, line: number, kind?: 're-export') => {
      const had = addedExternal.get(module);
      if (had === 'plain' || (had && kind)) return;
      if (had) node.externals = node.externals.filter((e) => e.module !== module);
      addedExternal.set(module, kind ?? 'plain');
      node.externals.push(kind ? { module, line, kind } : { module, line });
    };
    const unresolved = (specifier: string, line: number) =>
      diagnostics.push({ severity: 'warning', code: 'IMPORT_UNRESOLVED', file: rel, line, message: `${rel}:${line}: cannot resolve import "${specifier}"` });

    if (parsed.kind === 'error') {
      diagnostics.push({ severity: 'warning', code: 'IMPORT_PARSE_ERROR', file: rel, message: `${rel}: cannot read imports: ${parsed.message}` });
      continue;
    }
    if (parsed.kind === 'py') {
      for (const imp of parsed.imports) {
        // an import under `if TYPE_CHECKING:` never runs: no edge, no external
        if (imp.module === '__future__' || imp.scope === 'type-checking') continue;
        const r = resolvePythonImport(pyIndex, rel, imp);
        // An `__init__.py`'s own imports are its re-exports; an importer reaches a package's
        // `__init__.py` for names (it runs) and, directly, the modules defining what it uses (or
        // everything the package imports, when it takes the package whole).
        for (const f of pyNames.targetsOf(rel, imp))
          addFile(f, imp.line, imp.scope === 'function' ? 'deferred' : PythonNames.isReexport(rel, f) ? 're-export' : isPackageInit(f) ? 'names' : undefined);
        if (r.external && imp.scope !== 'function') addExternal(r.external, imp.line);
        if (r.unresolved) unresolved(r.unresolved, imp.line);
      }
    } else {
      if (parsed.module.error)
        diagnostics.push({ severity: 'warning', code: 'IMPORT_PARSE_ERROR', file: rel, message: `${rel}: syntax error, imports may be incomplete: ${parsed.module.error}` });
      for (const imp of importsOf(rel, text, parsed)) {
        const r = js.resolve(rel, imp.specifier);
        if ('unresolved' in r) unresolved(r.unresolved, imp.line);
        else if ('external' in r) addExternal(r.external, imp.line, imp.use === 're-export' ? 're-export' : undefined);
        else if (imp.use === 're-export') addFile(r.file, imp.line, 're-export');
        else if (imp.use === 'names') {
          const t = barrels.follow(r.file, imp.names ?? []);
          for (const f of t.names) addFile(f, imp.line, 'names');
          for (const f of t.whole) addFile(f, imp.line);
          for (const m of t.externals) addExternal(m, imp.line);
        } else addFile(r.file, imp.line);
      }
    }
  }
  if (queue.length > max)
    diagnostics.push({ severity: 'warning', code: 'GRAPH_TRUNCATED', message: `import graph stopped after ${max} files; reach may be incomplete` });
  for (const d of js.diagnostics) diagnostics.push({ severity: 'warning', code: 'CONFIG_PARSE_ERROR', file: d.file, message: d.message });
  return { graph, diagnostics, parsed: parsedCount };
}
