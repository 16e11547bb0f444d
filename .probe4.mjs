import { parseSync } from 'oxc-parser';
import fs from 'node:fs';
import { execSync } from 'node:child_process';
const root = '/work/scratch/tsreach/zod/';
const files = execSync(`cd ${root} && git ls-files 'packages/zod/src/*.ts'`, {encoding:'utf8'}).trim().split('\n').slice(0, 400);
const texts = files.map(f => fs.readFileSync(root+f, 'utf8'));
const mode = process.argv[2];
const t0 = performance.now();
let n = 0;
for (let i = 0; i < texts.length; i++) { const r = parseSync(files[i], texts[i]); r.module; if (mode === 'program') { r.program; n++; } }
console.log(mode, files.length, 'files', (performance.now()-t0).toFixed(0), 'ms');
