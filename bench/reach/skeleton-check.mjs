#!/usr/bin/env node
// Checks that the Python import parse (import skeleton, or block skeleton where the block of an
// import matters) gives exactly the imports and scopes of a whole-file tree-sitter parse, on
// every .py file under the given folders: node bench/reach/skeleton-check.mjs <dir>…
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const { parsePythonImports, blockSkeleton, parsePythonOutline } = await import(pathToFileURL(path.join(dist, 'graph/python.js')).href);
let files = 0;
let differ = 0;
let reduced = 0;
let full = 0;
for (const dir of process.argv.slice(2)) {
  for (const f of execFileSync('find', [dir, '-name', '*.py', '-not', '-path', '*/.*'], { encoding: 'utf8' }).trim().split('\n')) {
    if (!f) continue;
    const src = readFileSync(f, 'utf8');
    if (!src.includes('import')) continue;
    files++;
    reduced += blockSkeleton(src).replace(/\n+/g, '\n').length;
    full += src.length;
    const fast = JSON.stringify(parsePythonImports(src));
    const whole = JSON.stringify(parsePythonOutline(src).imports);
    if (fast !== whole) {
      differ++;
      if (differ <= 5) console.log(`differs: ${f}`);
    }
  }
}
console.log(`${files} files with imports, ${differ} differ from a whole-file parse; block skeleton ${(reduced / 1e6).toFixed(1)} MB of ${(full / 1e6).toFixed(1)} MB (blank lines folded)`);
process.exit(differ ? 1 : 0);
