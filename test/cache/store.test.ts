import { mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, openCache } from '../../src/cache/store.js';
import { SEAMS_VERSION } from '../../src/util/version.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'seams-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entryFile = (root: string, ns: string, key: string) => path.join(root, '.seams', 'cache', ns, key.slice(0, 2), `${key}.json`);

describe('cache store', () => {
  it('keys differ when any part differs, and parts never run together', () => {
    expect(cacheKey('a', 'bc')).not.toBe(cacheKey('ab', 'c'));
    expect(cacheKey('a', null)).not.toBe(cacheKey('a', ''));
    expect(cacheKey('x', Buffer.from('y'))).toBe(cacheKey('x', 'y'));
  });

  it('round-trips a value and leaves no temporary file', () => {
    const root = tmp();
    const cache = openCache(root);
    const key = cacheKey('file', 'content');
    expect(cache.get('parse', key)).toBeUndefined();
    cache.set('parse', key, { tests: ['a::b'] });
    expect(cache.get('parse', key)).toEqual({ tests: ['a::b'] });
    expect(readdirSync(path.dirname(entryFile(root, 'parse', key)))).toEqual([`${key}.json`]);
  });

  it('ignores a corrupt, truncated or foreign entry and the next set rewrites it', () => {
    const root = tmp();
    const cache = openCache(root);
    const key = cacheKey('k');
    cache.set('ids', key, ['x']);
    const file = entryFile(root, 'ids', key);
    const whole = readFileSync(file, 'utf8');
    writeFileSync(file, whole.slice(0, whole.length / 2));
    expect(cache.get('ids', key)).toBeUndefined();
    // a payload edited without its checksum
    writeFileSync(file, whole.replace('[\\"x\\"]', '[\\"y\\"]'));
    expect(cache.get('ids', key)).toBeUndefined();
    // an entry written by another seams version
    writeFileSync(file, whole.replace(`"seams":"${SEAMS_VERSION}"`, '"seams":"0.0.0-other"'));
    expect(cache.get('ids', key)).toBeUndefined();
    // an entry copied under another key
    const other = cacheKey('other');
    cache.set('ids', other, ['z']);
    writeFileSync(file, readFileSync(entryFile(root, 'ids', other)));
    expect(cache.get('ids', key)).toBeUndefined();
    cache.set('ids', key, ['x']);
    expect(cache.get('ids', key)).toEqual(['x']);
  });

  it('disabled (--no-cache): never reads, never writes', () => {
    const root = tmp();
    openCache(root).set('ids', cacheKey('k'), 1);
    const off = openCache(root, { enabled: false });
    expect(off.get('ids', cacheKey('k'))).toBeUndefined();
    off.set('ids', cacheKey('j'), 2);
    expect(openCache(root).get('ids', cacheKey('j'))).toBeUndefined();
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable cache folder is a no-op, not an error', () => {
    const root = tmp();
    chmodSync(root, 0o500);
    expect(() => openCache(root).set('ids', cacheKey('k'), 1)).not.toThrow();
    chmodSync(root, 0o700);
  });

  it('refuses a namespace or key that could leave the cache folder', () => {
    const cache = openCache(tmp());
    expect(() => cache.set('../x', cacheKey('k'), 1)).toThrow(/namespace/);
    expect(() => cache.get('ids', '../../etc')).toThrow(/hex digest/);
  });
});
