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
 * Outside `journalInputs` (verify, gaps' import graph, tests) noting is a no-op. Scans that overlap
 * in one process (a library caller scanning several repositories at once) each get every note made
 * while they run: more inputs than they read, which costs a check, never a stale answer. (An
 * AsyncLocalStorage would keep them apart, but turns on async hooks for every promise of the scan:
 * measured 0.2 s on sympy.)
 */
export type InputKind = 'file' | 'dir' | 'stat';

const active = new Set<Set<string>>();

/** Notes that the running scan read `abs` (an absolute path). */
export function noteInput(kind: InputKind, abs: string): void {
  if (active.size === 0) return;
  const entry = `${kind}:${abs}`;
  for (const journal of active) journal.add(entry);
}

/** Runs `fn` and returns what was noted meanwhile, as `[kind, absolute path]` pairs in first-noted order. */
export async function journalInputs<T>(fn: () => Promise<T>): Promise<{ value: T; inputs: [InputKind, string][] }> {
  const seen = new Set<string>();
  active.add(seen);
  let value: T;
  try {
    value = await fn();
  } finally {
    active.delete(seen);
  }
  return {
    value,
    inputs: [...seen].map((e) => {
      const i = e.indexOf(':');
      return [e.slice(0, i) as InputKind, e.slice(i + 1)];
    }),
  };
}
