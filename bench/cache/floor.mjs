#!/usr/bin/env node
// The floor of a warm `seams scan`: start Node, read the cached inventory of a repository and print
// it with the same renderer — nothing else (no file walk, no key, no checksum, no CLI).
//
//   node bench/cache/floor.mjs <repo> [text|json]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [root, format = 'text'] = process.argv.slice(2);
const dir = path.join(root, '.seams', 'cache');
const slot = readdirSync(dir).find((f) => f.startsWith('inventory-'));
const buf = readFileSync(path.join(dir, slot));
const entry = JSON.parse(buf.subarray(buf.indexOf(10) + 1).toString('utf8'));
const { scanRenderers } = await import('../../dist/report/renderers/scan.js');
process.stdout.write(scanRenderers[format]({ version: 1, repos: [entry.value.inventory] }));
