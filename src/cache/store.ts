import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SEAMS_VERSION } from '../util/version.js';

/**
 * The content-addressed cache of a scanned repository: `.seams/cache/<namespace>/<k0k1>/<key>.json`.
 *
 * - A key is a hash of everything the value depends on (`cacheKey`): file contents, the config
 *   files that affect collection, the environment, the runner's identity; seams' version is
 *   always part of it, so an entry written by another seams is never read.
 * - Each entry carries its own key and a checksum of its payload. An entry that does not parse,
 *   has another key, or fails the checksum is ignored (a miss) and rewritten by the next `set`:
 *   a corrupt cache costs time, never a wrong answer.
 * - Writes go to a temporary file renamed into place, so a reader never sees half an entry and two
 *   scans writing the same key both leave a whole one.
 * - Writing is best effort: a read-only checkout or a full disk makes the cache a no-op.
 */

export interface CacheStore {
  /** False with `--no-cache`: every get misses and nothing is written. */
  readonly enabled: boolean;
  /** Folder of the cache (`<root>/.seams/cache`). */
  readonly dir: string;
  get<T>(namespace: string, key: string): T | undefined;
  set(namespace: string, key: string, value: unknown): void;
}

/** A stable hash of the parts (strings or bytes), each length-prefixed so parts never run together. */
export function cacheKey(...parts: readonly (string | Uint8Array | null | undefined)[]): string {
  const h = createHash('sha256');
  h.update(`seams ${SEAMS_VERSION}\0`);
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

interface Envelope {
  seams: string;
  key: string;
  sum: string;
  data: string;
}

const SAFE_NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/;

export function openCache(root: string, options: { enabled?: boolean } = {}): CacheStore {
  const dir = path.join(root, '.seams', 'cache');
  const enabled = options.enabled !== false;
  const fileOf = (namespace: string, key: string) => {
    if (!SAFE_NAMESPACE.test(namespace)) throw new Error(`cache namespace "${namespace}" is not a plain name`);
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new Error('cache key must be a hex digest (cacheKey)');
    return path.join(dir, namespace, key.slice(0, 2), `${key}.json`);
  };
  return {
    enabled,
    dir,
    get<T>(namespace: string, key: string): T | undefined {
      if (!enabled) return undefined;
      const file = fileOf(namespace, key);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const e = JSON.parse(text) as Envelope;
        if (e.seams !== SEAMS_VERSION || e.key !== key || typeof e.data !== 'string' || contentHash(e.data) !== e.sum) return undefined;
        return JSON.parse(e.data) as T;
      } catch {
        return undefined;
      }
    },
    set(namespace: string, key: string, value: unknown): void {
      if (!enabled) return;
      const file = fileOf(namespace, key);
      const data = JSON.stringify(value);
      const envelope: Envelope = { seams: SEAMS_VERSION, key, sum: contentHash(data), data };
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(tmp, JSON.stringify(envelope));
        renameSync(tmp, file);
      } catch {
        rmSync(tmp, { force: true });
      }
    },
  };
}
