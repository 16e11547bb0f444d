import { parseSync } from 'oxc-parser';
const src = "import { only } from './only';\nexport { only };\nexport { x } from './x';";
const r = parseSync('a.ts', src);
for (const e of r.module.staticExports) console.log(e.start, e.end, JSON.stringify(e.entries.map(x=>[x.start,x.end,x.moduleRequest, x.localName])));
