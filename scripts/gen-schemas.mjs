#!/usr/bin/env node
// Writes schemas/seams.config.schema.json from the zod schema (src/config/schema.ts, via dist/).
// Usage: npm run schemas   (builds first). test/config/schema.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { configJsonSchemaText } = await import(path.join(root, 'dist/config/json-schema.js'));
const out = path.join(root, 'schemas/seams.config.schema.json');
writeFileSync(out, configJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
