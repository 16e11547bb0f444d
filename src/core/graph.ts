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
   * `deferred`: an import that runs only when a function runs (a function-local import). It is
   * weaker evidence than a module-level import, so reach never follows it; `--why` can name it.
   * Imports that never run (`if TYPE_CHECKING:`) are not edges at all.
   *
   * `reexport`: an import of a repo module by a package's `__init__.py` (Python re-exports). Reach does not follow it either: importing the package reaches the
   * `__init__.py`, and the importer's own edges go to the modules that define the names it uses
   * (the graph builder resolves them), or to every re-exported module when it takes the package
   * whole (`from pkg import *`, a name the `__init__.py` defines itself).
   */
  kind?: 'deferred' | 'reexport';
}

/** Whether reach follows an edge: module-level imports only (not `deferred`, not `reexport`). */
export function followsEdge(edge: ImportEdge): boolean {
  return edge.kind === undefined;
}

export interface ExternalImport {
  /** Module name as written: Python dotted name (`boto3`, `google.cloud.storage`), npm package name (`pg`, `@aws-sdk/client-s3`) or built-in (`node:fs`). */
  module: string;
  line: number;
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
 */
export function closureOf(graph: ImportGraph, entries: readonly string[]): Closure {
  const files = new Map<string, ClosureNode>();
  const externals = new Map<string, ClosureNode>();
  const queue: string[] = [];
  for (const e of entries) {
    if (files.has(e)) continue;
    files.set(e, { parent: null, line: 0, depth: 0 });
    queue.push(e);
  }
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    const node = graph.files[file];
    if (!node) continue;
    const depth = files.get(file)!.depth + 1;
    for (const ext of node.externals) if (!externals.has(ext.module)) externals.set(ext.module, { parent: file, line: ext.line, depth });
    for (const edge of node.imports) {
      if (!followsEdge(edge) || files.has(edge.file)) continue;
      files.set(edge.file, { parent: file, line: edge.line, depth });
      queue.push(edge.file);
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
