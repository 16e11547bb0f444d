/**
 * The static import graph as plain data, and the reachability questions gaps asks of it.
 * Built by `src/graph/` (which reads and parses files); everything here is pure.
 */

export interface ImportEdge {
  /** Repo-relative POSIX path of the imported repo file. */
  file: string;
  /** 1-based line of the import statement. */
  line: number;
  /**
   * How reach follows the edge. A file is entered either **whole** (a test file, or through a
   * plain edge) or **for names** (through a `names` edge); see {@link followsEdge}.
   * - none: the importer runs the target and may use all of it: the target is entered whole.
   * - `names`: the importer uses only named bindings of a re-exporting module (a TS barrel, a
   *   Python `__init__.py`), and the builder gave it plain edges to the modules that define those
   *   names. The target runs, so it is reached and its own imports are followed, but not its
   *   `re-export` edges.
   * - `re-export`: an edge of a re-exporting module to a module it re-exports from
   *   (`export * from './a'`, `export { x } from './b'`, `from .a import x` in `__init__.py`).
   *   Followed only when the re-exporting module is entered whole.
   * - `deferred`: an import that runs only when a function runs (a function-local import). It is
   *   weaker evidence than a module-level import, so reach never follows it; `--why` can name it.
   * Imports that never run (`if TYPE_CHECKING:`, `import type`) are not edges at all. A file may
   * hold a `names` and a `re-export` edge to the same target; a plain edge makes both redundant.
   */
  kind?: 'deferred' | 'names' | 're-export';
}

export interface ExternalImport {
  /** Module name as written: Python dotted name (`boto3`, `google.cloud.storage`), npm package name (`pg`, `@aws-sdk/client-s3`) or built-in (`node:fs`). */
  module: string;
  line: number;
  /** `re-export`: re-exported from (`export * from 'pg'`), counted only when the file is entered whole. */
  kind?: 're-export';
}

/**
 * Whether reach follows `edge` out of a file entered whole (`whole`) or for names, and how it enters
 * the target: `'whole'`, `'names'`, or `null` when the edge is not followed.
 */
export function followsEdge(edge: Pick<ImportEdge, 'kind'>, whole: boolean): 'whole' | 'names' | null {
  switch (edge.kind) {
    case undefined:
      return 'whole';
    case 'names':
      return 'names';
    case 're-export':
      return whole ? 'whole' : null;
    default:
      return null;
  }
}

export interface GraphFile {
  /** Repo files this file imports (resolved, deduplicated, in source order). */
  imports: ImportEdge[];
  /** Modules outside the repo this file imports. */
  externals: ExternalImport[];
}

export interface ImportGraph {
  /** Every file the graph builder visited, by repo-relative path. */
  files: Record<string, GraphFile>;
}

/** One step of a reach path: the file, and the line in the previous file that imported it. */
export interface ReachStep {
  file: string;
  line: number;
}

/** How the closure reached a file: the file that imported it (none for an entry), the line, the depth. */
export interface ClosureNode {
  parent: string | null;
  line: number;
  depth: number;
}

export interface Closure {
  /** Every repo file reachable from the entries (entries included), with a shortest-path parent. */
  files: Map<string, ClosureNode>;
  /** Every external module imported anywhere in the closure: the first (shallowest) importing file. */
  externals: Map<string, ClosureNode>;
}

/**
 * The transitive closure of `entries` over the graph, breadth first, so each file's parent chain
 * is a shortest path (test → module → module). Paths are rebuilt on demand with `pathOf`.
 * Entries are entered whole; a file first entered for names (a barrel) and later whole has its
 * `re-export` edges followed then.
 */
export function closureOf(graph: ImportGraph, entries: readonly string[]): Closure {
  const files = new Map<string, ClosureNode>();
  const externals = new Map<string, ClosureNode>();
  const whole = new Set<string>();
  const queue: { file: string; whole: boolean }[] = [];
  for (const e of entries) {
    if (whole.has(e)) continue;
    whole.add(e);
    if (!files.has(e)) files.set(e, { parent: null, line: 0, depth: 0 });
    queue.push({ file: e, whole: true });
  }
  const enter = (file: string, how: 'whole' | 'names', parent: string, line: number, depth: number) => {
    if (how === 'whole') {
      if (whole.has(file)) return;
      whole.add(file);
    } else if (files.has(file)) return;
    if (!files.has(file)) files.set(file, { parent, line, depth });
    queue.push({ file, whole: how === 'whole' });
  };
  for (let i = 0; i < queue.length; i++) {
    const { file, whole: isWhole } = queue[i]!;
    const node = graph.files[file];
    if (!node) continue;
    const depth = files.get(file)!.depth + 1;
    for (const ext of node.externals)
      if ((isWhole || ext.kind !== 're-export') && !externals.has(ext.module)) externals.set(ext.module, { parent: file, line: ext.line, depth });
    for (const edge of node.imports) {
      const how = followsEdge(edge, isWhole);
      if (how) enter(edge.file, how, file, edge.line, depth);
    }
  }
  return { files, externals };
}

/** The reach path to a file (`kind: 'file'`) or an external module: entry first, each step with the importing line. */
export function pathOf(closure: Closure, target: string, kind: 'file' | 'external' = 'file'): ReachStep[] {
  const steps: ReachStep[] = [];
  let node = kind === 'file' ? closure.files.get(target) : closure.externals.get(target);
  let name: string | null = target;
  while (node && name !== null) {
    steps.push({ file: name, line: node.line });
    name = node.parent;
    node = name === null ? undefined : closure.files.get(name);
  }
  return steps.reverse();
}

/**
 * Whether an imported module name satisfies a component's `imports:` entry: exactly, or as a
 * submodule (`boto3` matches `boto3.session`, `google.cloud` matches `google.cloud.storage`,
 * `lodash` matches `lodash/fp`). `node:` prefixes are ignored (`fs` matches `node:fs`).
 */
export function moduleMatches(imported: string, wanted: string): boolean {
  const a = imported.replace(/^node:/, '');
  const b = wanted.replace(/^node:/, '');
  if (a === b) return true;
  return a.startsWith(`${b}.`) || a.startsWith(`${b}/`);
}
