#!/usr/bin/env node
// Ingest throughput: generates a JUnit XML file with N test cases (default 1,000,000) and times
// `seams ingest` on it into a fresh SQLite history, reporting wall time and peak RSS of the
// seams process. Needs the build (npm run build).
//
//   node bench/run/ingest.mjs [--cases 1000000] [--message-bytes 0] [--keep]
//
// --message-bytes N gives every 10th case a failure text of N bytes (e.g. 5000 → ~500 MB file).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(args[i + 1]);
};
const cases = opt('cases', 1_000_000);
const messageBytes = opt('message-bytes', 0);
const keep = args.includes('--keep');
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'seams-bench-ingest-'));
const file = path.join(dir, 'big.xml');

async function generate() {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n');
  const filler = 'x'.repeat(messageBytes);
  for (let s = 0; s < cases / 1000; s++) {
    let chunk = `<testsuite name="suite${s}" tests="1000">\n`;
    for (let i = 0; i < 1000; i++) {
      const n = s * 1000 + i;
      const body =
        n % 10 === 9
          ? `><failure message="assert ${n}">Traceback ${filler}</failure></testcase>\n`
          : n % 50 === 7
            ? `><skipped message="flag off"/></testcase>\n`
            : '/>\n';
      chunk += `<testcase classname="tests.pkg${s}.test_mod${i % 20}.TestThing" name="test_case_${n}[param-${i}]" time="0.${(n % 997).toString().padStart(3, '0')}"${body}`;
    }
    chunk += '</testsuite>\n';
    await write(chunk);
  }
  await write('</testsuites>\n');
  await new Promise((r) => out.end(r));
}

const t0 = Date.now();
await generate();
const size = statSync(file).size;
console.log(`generated ${cases.toLocaleString('en')} test cases, ${(size / 2 ** 20).toFixed(0)} MB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const child = `
const t0 = process.hrtime.bigint();
const { run } = await import(${JSON.stringify(path.join(repo, 'dist/cli/main.js'))});
const code = await run(['ingest', ${JSON.stringify(file)}, '--root', ${JSON.stringify(dir)}, '--no-scan', '--runner', 'pytest', '--db', 'sqlite:history.db']);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.error(JSON.stringify({ code, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
`;
const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
process.stdout.write(r.stdout);
const line = r.stderr.trim().split('\n').pop();
let m;
try {
  m = JSON.parse(line);
} catch {
  console.error(r.stderr);
  process.exit(1);
}
const dbSize = statSync(path.join(dir, 'history.db')).size;
console.log(
  `seams ingest: ${(m.ms / 1000).toFixed(1)} s wall, ${Math.round(cases / (m.ms / 1000)).toLocaleString('en')} cases/s, peak RSS ${m.maxRssMB.toFixed(0)} MB, history.db ${(dbSize / 2 ** 20).toFixed(0)} MB, exit ${m.code}`,
);
console.log(`goal: < 30 s and < 1024 MB for 1,000,000 cases → ${m.ms < 30_000 && m.maxRssMB < 1024 ? 'met' : 'NOT met'}`);
if (!keep) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
