import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheKey, codeFingerprint, openCache } from '../../src/cache/store.js';
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

const entryFile = (root: string, ns: string, key: string) => path.join(root, '.seams', 'cache', ns, key);

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
    expect(readdirSync(path.dirname(entryFile(root, 'parse', key)))).toEqual([key]);
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
    writeFileSync(file, whole.replace('["x"]', '["y"]'));
    expect(cache.get('ids', key)).toBeUndefined();
    // an entry written by another seams version or build
    expect(whole).toContain(`"seams":"${codeFingerprint()}"`);
    writeFileSync(file, whole.replace(`"seams":"${codeFingerprint()}"`, '"seams":"0.0.0-other"'));
    expect(cache.get('ids', key)).toBeUndefined();
    // an entry copied under another key
    const other = cacheKey('other');
    cache.set('ids', other, ['z']);
    writeFileSync(file, readFileSync(entryFile(root, 'ids', other)));
    expect(cache.get('ids', key)).toBeUndefined();
    cache.set('ids', key, ['x']);
    expect(cache.get('ids', key)).toEqual(['x']);
  });

  it('keeps bytes and slots with the same checks, and marks a new cache folder for git and backups', () => {
    const root = tmp();
    const cache = openCache(root);
    const key = cacheKey('bytes');
    cache.setBytes('mod', key, Buffer.from([0, 1, 2, 10, 255]));
    expect([...cache.getBytes('mod', key)!]).toEqual([0, 1, 2, 10, 255]);
    const file = entryFile(root, 'mod', key);
    const whole = readFileSync(file);
    whole[whole.length - 1] = 254;
    writeFileSync(file, whole);
    expect(cache.getBytes('mod', key)).toBeUndefined();

    cache.save('stat-index', { a: 1 });
    expect(cache.load('stat-index')).toEqual({ a: 1 });
    cache.save('stat-index', { a: 2 });
    expect(cache.load('stat-index')).toEqual({ a: 2 });
    writeFileSync(path.join(root, '.seams', 'cache', 'stat-index.slot'), 'garbage');
    expect(cache.load('stat-index')).toBeUndefined();
    expect(() => cache.save('../x', 1)).toThrow(/slot/);

    expect(readFileSync(path.join(root, '.seams', 'cache', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(readFileSync(path.join(root, '.seams', 'cache', 'CACHEDIR.TAG'), 'utf8')).toMatch(/^Signature: 8a477f597d28d172789f06886806bc55/);
  });

  it('the fingerprint names the version and this build of seams', () => {
    expect(codeFingerprint()).toMatch(new RegExp(`^${SEAMS_VERSION.replace(/\./g, '\\.')}\\+`));
  });

  it('prunes, in the namespaces it used, the old entries it did not use', () => {
    const root = tmp();
    const first = openCache(root);
    const [old, usedOld, fresh, other] = ['old', 'used-old', 'fresh', 'other'].map((k) => cacheKey(k));
    first.set('mod', old!, 1);
    first.set('mod', usedOld!, 2);
    first.set('ids', other!, 3);
    const month = (Date.now() - 30 * 24 * 3600 * 1000) / 1000;
    for (const [ns, k] of [['mod', old], ['mod', usedOld], ['ids', other]] as const) utimesSync(entryFile(root, ns, k!), month, month);
    const second = openCache(root);
    expect(second.get('mod', usedOld!)).toBe(2);
    second.set('mod', fresh!, 4);
    expect(second.prune(14 * 24 * 3600 * 1000)).toBe(1);
    expect(existsSync(entryFile(root, 'mod', old!))).toBe(false);
    expect(second.get('mod', usedOld!)).toBe(2);
    expect(second.get('mod', fresh!)).toBe(4);
    // a namespace this store did not use is left alone
    expect(openCache(root).get('ids', other!)).toBe(3);
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
