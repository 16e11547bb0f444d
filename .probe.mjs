import { parseJsImports } from './dist/graph/typescript.js';
const src = process.argv[2];
console.log(JSON.stringify(parseJsImports('a.tsx', src), null, 1));
