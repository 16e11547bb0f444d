import { deserialize, serialize } from 'node:v8';
import type { ScanCache } from '../../cache/files.js';
import { cacheKey, contentHash } from '../../cache/store.js';
import type { PyModule } from '../../languages/python/ast.js';
import { parsePythonModule } from '../../languages/python/parse.js';

/**
 * Parsed Python modules in the scan cache, keyed by the file's content alone (the module view is a
 * function of the source text and seams' code, which every key includes): a changed file is parsed
 * again, the others come back from `.seams/cache/py-module/` without tree-sitter. Values are
 * v8-serialized, which keeps the view's Maps, bigints and shared objects as they were.
 */

const NAMESPACE = 'py-module';

const keyOf = (hash: string) => cacheKey(NAMESPACE, hash);

/** The module view of a source whose content hash is known, when the cache has it. */
export function cachedPythonModule(cache: ScanCache, hash: string): PyModule | undefined {
  const bytes = cache.store.getBytes(NAMESPACE, keyOf(hash));
  if (!bytes) return undefined;
  try {
    const module = deserialize(bytes) as PyModule;
    return module && module.bindings instanceof Map ? module : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a parsed module under its source's content hash. */
export function storePythonModule(cache: ScanCache, hash: string, module: PyModule): void {
  if (cache.store.enabled) cache.store.setBytes(NAMESPACE, keyOf(hash), serialize(module));
}

/** Parses a source through the cache (the source was read already). */
export function parsePythonCached(cache: ScanCache | undefined, source: string | Buffer): PyModule {
  const text = typeof source === 'string' ? source : source.toString('utf8');
  if (!cache) return parsePythonModule(text);
  const hash = contentHash(source);
  const hit = cachedPythonModule(cache, hash);
  if (hit) return hit;
  const module = parsePythonModule(text);
  storePythonModule(cache, hash, module);
  return module;
}
