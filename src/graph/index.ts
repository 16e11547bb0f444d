import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphFile, ImportEdge, ImportGraph } from '../core/graph.js';
import type { Diagnostic } from '../core/types.js';
import { isCodeFile, JsResolver } from '../workspace/js-modules.js';
import { createPythonIndex, pythonRootsFromConfig, resolvePythonImport } from '../workspace/python-roots.js';
import { parsePythonImports, parsePythonOutline, type PyImport, type PyModuleOutline } from './python.js';
import { PythonNames } from './python-names.js';
import { parseJsImports, type JsImport } from './typescript.js';

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

type Parsed = { kind: 'py'; imports: PyImport[]; outline?: PyModuleOutline } | { kind: 'js'; imports: JsImport[]; error?: string } | { kind: 'error'; message: string };

const cache = new Map<string, { hash: string; parsed: Parsed }>();

function parseFile(abs: string, rel: string, text: string): Parsed {
  const hash = createHash('sha1').update(text).digest('base64');
  const hit = cache.get(abs);
  if (hit && hit.hash === hash) return hit.parsed;
  let parsed: Parsed;
  try {
    if (rel.endsWith('.py') || rel.endsWith('.pyi')) parsed = { kind: 'py', imports: parsePythonImports(text) };
    else {
      const r = parseJsImports(rel, text);
      parsed = { kind: 'js', imports: r.imports, error: r.error };
    }
  } catch (error) {
    parsed = { kind: 'error', message: (error as Error).message.split('\n')[0]! };
  }
  cache.set(abs, { hash, parsed });
  return parsed;
}

const MAX_FILE_BYTES = 2_000_000;

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
  const pyOutline = (rel: string): PyModuleOutline | undefined => {
    if (!files.has(rel)) return undefined;
    const text = read(rel);
    if (text === undefined) return undefined;
    const parsed = parseFile(path.join(root, rel), rel, text);
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
  let parsedCount = 0;

  for (let i = 0; i < queue.length && i < max; i++) {
    const rel = queue[i]!;
    const node: GraphFile = { imports: [], externals: [] };
    graph.files[rel] = node;
    const isPy = rel.endsWith('.py') || rel.endsWith('.pyi');
    if (!isPy && !isCodeFile(rel)) continue;
    const text = read(rel);
    if (text === undefined) continue;
    const before = cache.get(path.join(root, rel));
    const parsed = parseFile(path.join(root, rel), rel, text);
    if (cache.get(path.join(root, rel)) !== before) parsedCount++;
    // one edge per imported file; a module-level import beats a re-export, which beats a deferred one
    const added = new Map<string, ImportEdge>([[rel, { file: rel, line: 0 }]]);
    const strength = (kind: ImportEdge['kind']) => (kind === undefined ? 2 : kind === 'reexport' ? 1 : 0);
    const addFile = (file: string, line: number, kind?: ImportEdge['kind']) => {
      const had = added.get(file);
      if (had) {
        if (strength(kind) <= strength(had.kind)) return;
        if (kind) had.kind = kind;
        else delete had.kind;
        had.line = line;
      } else {
        const edge: ImportEdge = kind ? { file, line, kind } : { file, line };
        added.set(file, edge);
        node.imports.push(edge);
      }
      // only edges reach follows lead the build on
      if (!kind && !seen.has(file)) {
        seen.add(file);
        queue.push(file);
      }
    };
    const addedExternal = new Set<string>();
    const addExternal = (module: string, line: number) => {
      if (addedExternal.has(module)) return;
      addedExternal.add(module);
      node.externals.push({ module, line });
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
        for (const f of pyNames.targetsOf(rel, imp))
          addFile(f, imp.line, imp.scope === 'function' ? 'deferred' : PythonNames.isReexport(rel, f) ? 'reexport' : undefined);
        if (r.external && imp.scope !== 'function') addExternal(r.external, imp.line);
        if (r.unresolved) unresolved(r.unresolved, imp.line);
      }
    } else {
      if (parsed.error)
        diagnostics.push({ severity: 'warning', code: 'IMPORT_PARSE_ERROR', file: rel, message: `${rel}: syntax error, imports may be incomplete: ${parsed.error}` });
      for (const imp of parsed.imports) {
        const r = js.resolve(rel, imp.specifier);
        if ('file' in r) addFile(r.file, imp.line);
        else if ('external' in r) addExternal(r.external, imp.line);
        else unresolved(r.unresolved, imp.line);
      }
    }
  }
  if (queue.length > max)
    diagnostics.push({ severity: 'warning', code: 'GRAPH_TRUNCATED', message: `import graph stopped after ${max} files; reach may be incomplete` });
  for (const d of js.diagnostics) diagnostics.push({ severity: 'warning', code: 'CONFIG_PARSE_ERROR', file: d.file, message: d.message });
  return { graph, diagnostics, parsed: parsedCount };
}
