import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEAMS_VERSION } from '../util/version.js';

/**
 * The content-addressed cache of a scanned repository: `.seams/cache/<namespace>/<key>` (one folder
 * per namespace: a few thousand entries, no sharding — a folder is one more mkdir, stat and open).
 *
 * - A key is a hash of everything the value depends on (`cacheKey`): file contents, the config
 *   files that affect collection, the environment, the runner's identity; seams' version and the
 *   fingerprint of its own code are always part of it, so an entry written by another seams (or
 *   another build of it) is never read.
 * - Each entry carries its own key and a checksum of its payload. An entry that does not parse,
 *   has another key, or fails the checksum is ignored (a miss) and rewritten by the next `set`:
 *   a corrupt cache costs time, never a wrong answer.
 * - Writes go to a temporary file renamed into place, so a reader never sees half an entry and two
 *   scans writing the same key both leave a whole one.
 * - Writing is best effort: a read-only checkout or a full disk makes the cache a no-op.
 *
 * An entry is one line of JSON header (`seams`, `key`, `sum`, `bytes`) and the payload after it:
 * JSON text for `get`/`set`, raw bytes for `getBytes`/`setBytes`, so a large value is parsed
 * once, not once as a string and again as JSON. Slots (`load`/`save`) are named entries that are
 * overwritten in place (the stat index, the last inventory of a repository).
 */

export interface CacheStore {
  /** False with `--no-cache`: every get misses and nothing is written. */
  readonly enabled: boolean;
  /** Folder of the cache (`<root>/.seams/cache`). */
  readonly dir: string;
  get<T>(namespace: string, key: string): T | undefined;
  set(namespace: string, key: string, value: unknown): void;
  getBytes(namespace: string, key: string): Buffer | undefined;
  setBytes(namespace: string, key: string, bytes: Uint8Array): void;
  /** A named slot (`[a-z0-9._-]`), overwritten by each `save`. */
  load<T>(slot: string): T | undefined;
  save(slot: string, value: unknown): void;
  /**
   * In each namespace this store used, deletes the entries it neither read nor wrote that are older
   * than `maxAgeMs` (parse results of old versions of files, of long-gone branches); returns how many.
   */
  prune(maxAgeMs: number): number;
}

let fingerprint: string | undefined;

/**
 * What identifies this seams: its version, and its own code, so a rebuilt seams never reads what an
 * older build wrote even when the version number did not change. A build has `dist/build-id.txt`
 * (a hash of every built file, written by `npm run build`: one small read) and this file's
 * modification time; from the sources (the tests) it is the sizes and modification times of every
 * source file.
 */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const codeRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  let built: string | undefined;
  try {
    built = readFileSync(path.join(codeRoot, 'build-id.txt'), 'utf8').trim();
  } catch {
    built = undefined;
  }
  // tsc rewrites every file it emits: this module's time changes with any rebuild (also one
  // without the build-id step)
  if (built) return (fingerprint = `${SEAMS_VERSION}+${built.slice(0, 32)}.${statSync(fileURLToPath(import.meta.url)).mtimeMs}`);
  const h = createHash('sha256');
  const visit = (dir: string, rel: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) visit(path.join(dir, e.name), `${rel}${e.name}/`);
      else if (/\.(m?[jt]s|json|scm)$/.test(e.name)) {
        try {
          const st = statSync(path.join(dir, e.name));
          h.update(`${rel}${e.name}\0${st.size}\0${st.mtimeMs}\n`);
        } catch {
          // gone meanwhile
        }
      }
    }
  };
  visit(codeRoot, '');
  return (fingerprint = `${SEAMS_VERSION}+src.${h.digest('hex').slice(0, 32)}`);
}

/** A stable hash of the parts (strings or bytes), each length-prefixed so parts never run together. */
export function cacheKey(...parts: readonly (string | Uint8Array | null | undefined)[]): string {
  const h = createHash('sha256');
  h.update(`seams ${codeFingerprint()}\0`);
  for (const part of parts) {
    if (part === null || part === undefined) {
      h.update('\u0001-\0');
      continue;
    }
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest('hex');
}

/** The sha256 of a file's bytes (hex). */
export function contentHash(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface Header {
  seams: string;
  key: string;
  sum: string;
  bytes: number;
}

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const NEWLINE = 0x0a;

export function openCache(root: string, options: { enabled?: boolean } = {}): CacheStore {
  const dir = path.join(root, '.seams', 'cache');
  const enabled = options.enabled !== false;
  const touched = new Map<string, Set<string>>();
  const fileOf = (namespace: string, key: string) => {
    if (!SAFE_NAME.test(namespace)) throw new Error(`cache namespace "${namespace}" is not a plain name`);
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new Error('cache key must be a hex digest (cacheKey)');
    let keys = touched.get(namespace);
    if (!keys) touched.set(namespace, (keys = new Set()));
    keys.add(key);
    return path.join(dir, namespace, key);
  };
  const slotOf = (slot: string) => {
    if (!SAFE_NAME.test(slot)) throw new Error(`cache slot "${slot}" is not a plain name`);
    return path.join(dir, `${slot}.slot`);
  };
  const made = new Set<string>();
  let written = 0;
  // a namespace folder that did not exist when first asked (a cold cache) has no entry to read
  // until this store writes one: no open per lookup
  const absent = new Set<string>();
  const exists = (folder: string) => {
    if (absent.has(folder)) return false;
    if (made.has(folder)) return true;
    if (existsSync(folder)) {
      made.add(folder);
      return true;
    }
    absent.add(folder);
    return false;
  };
  const read = (file: string, key: string): Buffer | undefined => {
    if (!enabled || !exists(path.dirname(file))) return undefined;
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) return undefined;
      const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Header;
      const payload = buf.subarray(nl + 1);
      if (h.seams !== codeFingerprint() || h.key !== key || h.bytes !== payload.length || contentHash(payload) !== h.sum) return undefined;
      return payload;
    } catch {
      return undefined;
    }
  };
  let prepared = false;
  const write = (file: string, key: string, payload: Uint8Array) => {
    if (!enabled) return;
    const header: Header = { seams: codeFingerprint(), key, sum: contentHash(payload), bytes: payload.length };
    const tmp = `${file}.${process.pid}.${++written}.tmp`;
    try {
      if (!prepared) {
        prepareDir(dir);
        prepared = true;
      }
      const folder = path.dirname(file);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
        absent.delete(folder);
      }
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), payload]));
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  };
  const parse = <T>(payload: Buffer | undefined): T | undefined => {
    if (payload === undefined) return undefined;
    try {
      return JSON.parse(payload.toString('utf8')) as T;
    } catch {
      return undefined;
    }
  };
  function pruneNamespace(namespace: string, keep: ReadonlySet<string>, before: number): number {
    let removed = 0;
    let names: string[];
    try {
      names = readdirSync(path.join(dir, namespace));
    } catch {
      return 0;
    }
    for (const name of names) {
      if (keep.has(name)) continue;
      const file = path.join(dir, namespace, name);
      try {
        if (statSync(file).mtimeMs < before) {
          rmSync(file, { force: true });
          removed++;
        }
      } catch {
        // gone meanwhile
      }
    }
    return removed;
  }

  return {
    enabled,
    dir,
    get: <T>(namespace: string, key: string) => parse<T>(read(fileOf(namespace, key), key)),
    set: (namespace, key, value) => write(fileOf(namespace, key), key, Buffer.from(JSON.stringify(value), 'utf8')),
    getBytes: (namespace, key) => read(fileOf(namespace, key), key),
    setBytes: (namespace, key, bytes) => write(fileOf(namespace, key), key, bytes),
    load: <T>(slot: string) => parse<T>(read(slotOf(slot), `slot:${slot}`)),
    save: (slot, value) => write(slotOf(slot), `slot:${slot}`, Buffer.from(JSON.stringify(value), 'utf8')),
    prune(maxAgeMs) {
      if (!enabled) return 0;
      const before = Date.now() - maxAgeMs;
      let removed = 0;
      for (const [namespace, keep] of touched) removed += pruneNamespace(namespace, keep, before);
      return removed;
    },
  };
}

/** A new cache folder is ignored by git and tagged for backup tools (https://bford.info/cachedir/). */
function prepareDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, '.gitignore'), '# seams scan cache: safe to delete\n*\n');
  writeFileSync(path.join(dir, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by seams (.seams/cache).\n');
}
