/**
 * The static import graph as plain data, and the reachability questions gaps asks of it.
 * Built by `src/graph/` (which reads and parses files); everything here is pure.
 */

export interface ImportEdge {
  /** Repo-relative POSIX path of the imported repo file. */
  file: string;
  /** 1-based line of the import statement. */
  line: number;
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

export interface Closure {
  /** Every repo file reachable from the entries (entries included), with the shortest path to it. */
  files: Map<string, ReachStep[]>;
  /** Every external module imported anywhere in the closure, with a shortest path; the last step is the module name and the line importing it. */
  externals: Map<string, ReachStep[]>;
}

/**
 * The transitive closure of `entries` over the graph, breadth first, so each file's recorded path
 * is a shortest one (test → module → module).
 */
export function closureOf(graph: ImportGraph, entries: readonly string[]): Closure {
  const files = new Map<string, ReachStep[]>();
  const externals = new Map<string, ReachStep[]>();
  const queue: string[] = [];
  for (const e of entries) {
    if (files.has(e)) continue;
    files.set(e, [{ file: e, line: 0 }]);
    queue.push(e);
  }
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    const node = graph.files[file];
    if (!node) continue;
    const pathHere = files.get(file)!;
    for (const ext of node.externals) {
      if (!externals.has(ext.module)) externals.set(ext.module, [...pathHere, { file: ext.module, line: ext.line }]);
    }
    for (const edge of node.imports) {
      if (files.has(edge.file)) continue;
      files.set(edge.file, [...pathHere, { file: edge.file, line: edge.line }]);
      queue.push(edge.file);
    }
  }
  return { files, externals };
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
