import { createRequire, syncBuiltinESMExports } from 'node:module';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { externalInputs } from '../../src/cache/inventory.js';
import { scanRepo } from '../../src/scan/index.js';
import { journalInputs, type InputKind } from '../../src/util/inputs.js';
import { listTree } from '../../src/workspace/files.js';

/**
 * The cached inventory is keyed by the repository's listing plus what the scan read outside it (the
 * input journal). This test watches the file system under every scan of the fixtures and fails
 * when a scan reads a path the listing does not cover and the journal did not note: a new reader
 * that forgets `noteInput` would otherwise make the cache serve a stale inventory.
 */

const here = path.resolve(import.meta.dirname, '../..');
const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

const WATCHED: [keyof typeof fs, InputKind][] = [
  ['readFileSync', 'file'],
  ['openSync', 'file'],
  ['readdirSync', 'dir'],
  ['opendirSync', 'dir'],
  ['statSync', 'stat'],
  ['lstatSync', 'stat'],
  ['existsSync', 'stat'],
  ['accessSync', 'stat'],
];
const WATCHED_ASYNC: [keyof typeof fs.promises, InputKind][] = [
  ['readFile', 'file'],
  ['open', 'file'],
  ['readdir', 'dir'],
  ['stat', 'stat'],
  ['lstat', 'stat'],
  ['access', 'stat'],
];

/** Runs `fn` recording every path the watched fs functions get. */
async function watchFs<T>(fn: () => Promise<T>): Promise<{ value: T; touched: [InputKind, string][] }> {
  const touched: [InputKind, string][] = [];
  const restore: (() => void)[] = [];
  const wrap = (obj: Record<string, unknown>, name: string, kind: InputKind) => {
    const original = obj[name] as (...a: unknown[]) => unknown;
    obj[name] = function (this: unknown, p: unknown, ...rest: unknown[]) {
      if (p instanceof URL || (typeof p === 'string' && p.startsWith('file:'))) touched.push([kind, fileURLToPath(p)]);
      else if (typeof p === 'string' || Buffer.isBuffer(p)) touched.push([kind, path.resolve(String(p))]);
      return original.call(this, p, ...rest);
    };
    restore.push(() => (obj[name] = original));
  };
  for (const [name, kind] of WATCHED) wrap(fs as unknown as Record<string, unknown>, name, kind);
  for (const [name, kind] of WATCHED_ASYNC) wrap(fs.promises as unknown as Record<string, unknown>, name, kind);
  syncBuiltinESMExports();
  try {
    return { value: await fn(), touched };
  } finally {
    for (const r of restore) r();
    syncBuiltinESMExports();
  }
}

/** seams' own files (its code, its dependencies, loaded on the first scan) and the system's (native modules look at /etc, /usr) are not inputs of a scan. */
const OWN = [path.join(here, 'src'), path.join(here, 'dist'), path.join(here, 'node_modules'), '/proc', '/dev', '/sys', '/etc', '/usr', '/lib'];
const own = (p: string) => OWN.some((o) => p === o || p.startsWith(o + path.sep));

const fixtures = [
  ...['django', 'js', 'pytest', 'unittest'].flatMap((group) => readdirSync(path.join(here, 'test/fixtures', group)).map((n) => path.join(here, 'test/fixtures', group, n))),
  path.join(here, 'examples/platform'),
];

describe('input journal', () => {
  for (const root of fixtures)
    it(`every path a scan of ${path.relative(here, root)} reads is in its listing or in the journal`, async () => {
      const tree = await listTree(root);
      const { value, touched } = await watchFs(() => journalInputs(() => scanRepo(root, { listing: tree.files })));
      expect(value.value.tests.length + value.value.files.length).toBeGreaterThan(0);
      const noted = new Set(value.inputs.map(([k, p]) => `${k}:${p}`));
      const isNoted = (kind: InputKind, p: string) => noted.has(`${kind}:${p}`) || (kind === 'stat' && (noted.has(`file:${p}`) || noted.has(`dir:${p}`)));
      const missing = externalInputs(root, tree, touched.filter(([, p]) => !own(p)))
        .filter(([kind, p]) => !isNoted(kind, p))
        .map(([kind, p]) => `${kind} ${p}`);
      expect([...new Set(missing)]).toEqual([]);
    });
});
