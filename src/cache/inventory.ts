import { createHash } from 'node:crypto';
import path from 'node:path';
import type { InputKind } from '../util/inputs.js';
import { kindSignature, listingSignature, type FileHashes, type Signature } from './files.js';
import { cacheKey, type CacheStore } from './store.js';

/**
 * The whole-repository inventory cache: a scan's result stored under a key made of everything the
 * scan read, so that a second scan of an unchanged repository runs no plugin and starts no process.
 *
 * The key covers: seams' code (cacheKey), the repository's absolute root, the seams.yaml path and
 * text, the environment that affects scanning (`PYTHONPATH`), and the listing — every file's path
 * and content hash (through the stat index: unchanged files are not read), every folder, and the
 * names of the folders never walked (`node_modules`, `.git`, …). What a scan read outside that
 * listing (an installed package's package.json, a config importing a file above the root, a
 * folder reached through a symlink) is in the entry with what it was (`externals`), and checked on
 * every hit.
 */

export interface RepoListing {
  files: readonly string[];
  dirs: readonly string[];
  skipped: readonly string[];
}

export interface InventoryKeyParts {
  root: string;
  configFile: string | null;
  configText: string | null;
  env: NodeJS.ProcessEnv;
}

/** An input read outside the listing, with what it was when the entry was written. */
export type External = [kind: InputKind, abs: string, sig: Signature];

interface Entry<T> {
  key: string;
  externals: External[];
  value: T;
}

/** Environment variables that change what a scan finds. */
export const SCAN_ENV = ['PYTHONPATH'] as const;

/** seams' own folder (this cache, logs, history) never changes what a scan finds. */
const OWN_FOLDER = '.seams';

export function inventoryKey(parts: InventoryKeyParts, listing: RepoListing, hashes: FileHashes): string {
  // one string, hashed once: a hash update per file costs more than the hashing itself
  const lines: string[] = [];
  for (const d of listing.dirs) lines.push(`d\0${d}`);
  for (const s of listing.skipped) if (path.posix.basename(s) !== OWN_FOLDER) lines.push(`s\0${s}`);
  const prefix = parts.root.endsWith(path.sep) ? parts.root : parts.root + path.sep;
  for (const f of listing.files) lines.push(`f\0${f}\0${hashes.hashOf(prefix + f)}`);
  const h = createHash('sha256').update(lines.join('\n'));
  return cacheKey(
    'inventory',
    parts.root,
    parts.configFile,
    parts.configText,
    ...SCAN_ENV.map((name) => `${name}=${parts.env[name] ?? ''}`),
    h.digest('hex'),
  );
}

/** The slot of a repository's last inventory (one per root and config file, overwritten). */
function slotOf(parts: InventoryKeyParts): string {
  return `inventory-${createHash('sha256').update(`${parts.root}\0${parts.configFile ?? ''}`).digest('hex').slice(0, 16)}`;
}

function signatureOf(kind: InputKind, abs: string, hashes: FileHashes): Signature {
  return kind === 'file' ? hashes.hashOf(abs) : kind === 'dir' ? listingSignature(abs) : kindSignature(abs);
}

/** The cached value for this key, when every input read outside the listing is as it was. */
export function lookupInventory<T>(store: CacheStore, parts: InventoryKeyParts, key: string, hashes: FileHashes): T | undefined {
  const entry = store.load<Entry<T>>(slotOf(parts));
  if (!entry || entry.key !== key || !Array.isArray(entry.externals)) return undefined;
  for (const [kind, abs, sig] of entry.externals) if (signatureOf(kind, abs, hashes) !== sig) return undefined;
  return entry.value;
}

/** Stores a scan's value with the inputs it read outside the listing. */
export function storeInventory(
  store: CacheStore,
  parts: InventoryKeyParts,
  key: string,
  listing: RepoListing,
  inputs: readonly (readonly [InputKind, string])[],
  hashes: FileHashes,
  value: unknown,
): void {
  const externals = externalInputs(parts.root, listing, inputs).map(([kind, abs]): External => [kind, abs, signatureOf(kind, abs, hashes)]);
  store.save(slotOf(parts), { key, externals, value } satisfies Entry<unknown>);
}

/**
 * The inputs the listing does not already cover. Covered: a path below a walked folder — a file
 * (its hash is in the key), a walked or skipped folder (its name is), or nothing (creating it would
 * change the listing); and the names in a walked folder. Not covered: anything outside the root,
 * inside a skipped folder or below a symlink, and the listing of a folder that was not walked.
 */
export function externalInputs(root: string, listing: RepoListing, inputs: readonly (readonly [InputKind, string])[]): [InputKind, string][] {
  const dirs = new Set(listing.dirs);
  const out: [InputKind, string][] = [];
  for (const [kind, abs] of inputs) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const inside = rel === '' || (!rel.startsWith('../') && rel !== '..' && !path.isAbsolute(rel));
    if (inside) {
      if (rel === '') {
        if (kind === 'dir' || kind === 'stat' || kind === 'file') continue;
      } else {
        const parent = path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel);
        if (dirs.has(parent) && (kind !== 'dir' || dirs.has(rel))) continue;
      }
    }
    out.push([kind, path.resolve(abs)]);
  }
  return out;
}
