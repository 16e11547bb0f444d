#!/usr/bin/env node
// Writes dist/build-id.txt: a hash of every built file, read by src/cache/store.ts (codeFingerprint)
// so that the scan cache never serves what another build of seams wrote. Run by `npm run build`.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const h = createHash('sha256');
const visit = (dir, rel) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) visit(path.join(dir, e.name), `${rel}${e.name}/`);
    else if (e.name.endsWith('.js')) h.update(`${rel}${e.name}\0`).update(readFileSync(path.join(dir, e.name))).update('\0');
  }
};
visit(dist, '');
writeFileSync(path.join(dist, 'build-id.txt'), `${h.digest('hex')}\n`);
