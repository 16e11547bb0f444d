import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The input journal of a scan: every place that reads the disk while a scan runs notes what it
 * read, so that the cached inventory can be keyed by everything it was computed from — also the
 * files outside the repository's file list (an installed `node_modules/vitest/package.json`, a
 * config importing `../shared/config.js`, a folder reached through a symlink).
 *
 * - `file`: the content was read (or its absence matters);
 * - `dir`: the names in a folder were listed;
 * - `stat`: only whether the path exists, and as what (file or folder).
 *
 * Outside `journalInputs` (verify, gaps' import graph, tests) noting is a no-op.
 */
export type InputKind = 'file' | 'dir' | 'stat';

const journal = new AsyncLocalStorage<Set<string>>();

/** Notes that the running scan read `abs` (an absolute path). */
export function noteInput(kind: InputKind, abs: string): void {
  journal.getStore()?.add(`${kind}:${abs}`);
}

/** Runs `fn` and returns what it noted, as `[kind, absolute path]` pairs in first-noted order. */
export async function journalInputs<T>(fn: () => Promise<T>): Promise<{ value: T; inputs: [InputKind, string][] }> {
  const seen = new Set<string>();
  const value = await journal.run(seen, fn);
  return {
    value,
    inputs: [...seen].map((e) => {
      const i = e.indexOf(':');
      return [e.slice(0, i) as InputKind, e.slice(i + 1)];
    }),
  };
}
