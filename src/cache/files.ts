import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { contentHash, type CacheStore } from './store.js';

/**
 * What a file holds, without reading it when nothing changed: a stat index in the cache
 * (`stat-index` slot: path → size, modification and change times, inode, content hash) answers
 * for every file whose stat is the same as when it was hashed; only new or changed files are read.
 *
 * As git's index, an entry whose modification time is too close to when the index was written is
 * not trusted (a file changed again within the same clock tick keeps its stat): such files are read
 * again next time.
 */

/** Content hash of a path: a sha256, or `-` (missing), `dir`, or `big:<size>:<mtime>:<ino>` (huge files are never read whole by a scan). */
export type Signature = string;

export interface FileHashes {
  /** The signature of an absolute path (through the stat index). */
  hashOf(abs: string): Signature;
  /** Writes the index back when something was hashed (best effort). */
  save(): void;
}

type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, hash: string];

interface IndexFile {
  root: string;
  writtenAt: number;
  entries: Record<string, Entry>;
}

/** Files above this size are signed by their stat: the scan's readers skip files this large. */
export const MAX_HASHED_BYTES = 16 * 1024 * 1024;
/** Stat entries this close to the index's write time are not trusted (coarse file-system clocks). */
const RACY_MS = 2_000;
const SLOT = 'stat-index';

export function openFileHashes(store: CacheStore, root: string): FileHashes {
  const loaded = store.load<IndexFile>(SLOT);
  const old: Record<string, Entry> = loaded && loaded.root === root && loaded.entries ? loaded.entries : {};
  const fresh: Record<string, Entry> = {};
  const memo = new Map<string, Signature>();
  let changed = !loaded || loaded.root !== root;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const keyOf = (abs: string) => (abs.startsWith(prefix) ? abs.slice(prefix.length) : abs);
  return {
    hashOf(abs) {
      const hit = memo.get(abs);
      if (hit !== undefined) return hit;
      let sig: Signature;
      let st: Stats | undefined;
      try {
        st = statSync(abs, { throwIfNoEntry: false });
      } catch {
        st = undefined;
      }
      if (!st) sig = '-';
      else if (st.isDirectory()) sig = 'dir';
      else if (st.size > MAX_HASHED_BYTES) sig = `big:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
      else {
        const key = keyOf(abs);
        const e = old[key];
        if (e && e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ctimeMs && e[3] === st.ino) {
          sig = e[4];
          fresh[key] = e;
        } else {
          try {
            sig = contentHash(readFileSync(abs));
            fresh[key] = [st.size, st.mtimeMs, st.ctimeMs, st.ino, sig];
          } catch {
            sig = '-';
          }
          changed = true;
        }
      }
      memo.set(abs, sig);
      return sig;
    },
    save() {
      if (!store.enabled) return;
      // an unchanged repository never rewrites its index; entries not looked at this time (a
      // file of another branch) stay: each is checked against its stat before it is used
      if (!changed) return;
      const writtenAt = Date.now();
      const entries: Record<string, Entry> = {};
      // …unless they outnumber the ones in use (deleted files, long-gone branches)
      const keepOld = Object.keys(old).length <= 2 * Object.keys(fresh).length + 100;
      for (const [k, e] of Object.entries(keepOld ? { ...old, ...fresh } : fresh)) if (writtenAt - e[1] >= RACY_MS && writtenAt - e[2] >= RACY_MS) entries[k] = e;
      store.save(SLOT, { root, writtenAt, entries } satisfies IndexFile);
    },
  };
}

/** The signature of a folder's listing: its sorted entry names (`-` when it is not a readable folder). */
export function listingSignature(abs: string): Signature {
  try {
    return createHash('sha256').update(readdirSync(abs).sort().join('\0')).digest('hex');
  } catch {
    return '-';
  }
}

/** What a path is: `file`, `dir` or `-` (stat probes: their result depends on nothing else). */
export function kindSignature(abs: string): Signature {
  try {
    const st = statSync(abs);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return '-';
  }
}

/** What a scan's plugins get for their per-file caches (parse results keyed by content hash). */
export interface ScanCache {
  store: CacheStore;
  hashes: FileHashes;
}
