// compare import scopes: block skeleton vs full parse, over every .py file under a folder
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const { parsePythonImports, blockSkeleton, parsePythonOutline } = await import('/work/wt/pyreach/dist/graph/python.js');
const { parsePythonTree } = await import('/work/wt/pyreach/dist/languages/python/parser.js');
const { treeHasError } = await import('/work/wt/pyreach/dist/languages/python/tree.js');
const files = execSync(`find ${process.argv[2]} -name '*.py'`, { encoding: 'utf8' }).trim().split('\n');
let diff = 0, fallback = 0, reducedBytes = 0, fullBytes = 0, n = 0;
let tRed = 0, tFull = 0;
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  if (!src.includes('import')) continue;
  n++;
  let t = performance.now();
  const red = blockSkeleton(src);
  const rt = parsePythonTree(red);
  tRed += performance.now() - t;
  if (treeHasError(rt.data)) { fallback++; }
  t = performance.now();
  const ft = parsePythonTree(src);
  tFull += performance.now() - t;
  reducedBytes += red.length; fullBytes += src.length;
  const a = JSON.stringify(parsePythonImports(src));
  // full-parse reference: force via a TYPE_CHECKING-free path is not possible; compare against a tree walk of the full file
  { const b = JSON.stringify(parsePythonOutline(src).imports); if (a !== b) { diff++; if (diff < 6) console.log('DIFF', f); } }
}
console.log({ files: n, diff, fallback, reducedMB: (reducedBytes / 1e6).toFixed(1), fullMB: (fullBytes / 1e6).toFixed(1), tRed: Math.round(tRed), tFull: Math.round(tFull) });
