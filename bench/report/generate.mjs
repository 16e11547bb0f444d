#!/usr/bin/env node
// Realistic JUnit XML for the report benchmark (issue 14), seeded so that every run of the
// benchmark, and seams and Allure within one, read byte-identical files.
//
//   node bench/report/generate.mjs --cases 100000 --out <dir> [--seed 14] [--run 0] [--per-file 10000]
//
// Shape (as issue 14 describes the data it measured): suites of 50 test cases, 10,000 cases per
// file (10k → 1 file, 100k → 10, 1M → 100), 5% failures with a message, a type and a 20-line
// stack trace, 2% skipped, a duration on every case. About 2.4 MB per 10,000 cases.
//
// --run k gives the k-th run of the same test suite (for history cases): the same tests, the same
// 4% that always fail, plus a 2% "flaky pool" of which each run fails about half (by seed and k),
// so that 5 or 20 runs hold real outcome flips for `seams flaky`. Every run has about 5% failures.
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A 32-bit integer hash of (seed, i, salt): each case's fate is decided on its own, in any order. */
function hash(seed, i, salt) {
  let h = (seed * 0x9e3779b1) ^ (i * 0x85ebca6b) ^ (salt * 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
const unit = (seed, i, salt) => hash(seed, i, salt) / 2 ** 32;

const WORDS = ['order', 'invoice', 'user', 'session', 'cart', 'payment', 'ledger', 'report', 'token', 'catalog', 'search', 'export'];
const VERBS = ['creates', 'rejects', 'updates', 'lists', 'deletes', 'retries', 'merges', 'renders', 'validates', 'expires'];

/** 'pass' | 'fail' | 'skip' for case i of run k. */
export function outcome(seed, i, run) {
  const r = unit(seed, i, 1);
  if (r < 0.04) return 'fail'; // fails in every run
  if (r < 0.06) return unit(seed, i, 100 + run) < 0.5 ? 'fail' : 'pass'; // flaky pool
  if (r < 0.08) return 'skip';
  return 'pass';
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function stack(seed, i, mod) {
  const lines = [];
  for (let l = 0; l < 20; l++) {
    const w = WORDS[hash(seed, i, 200 + l) % WORDS.length];
    lines.push(`    at ${w}Service.${VERBS[(l + i) % VERBS.length]} (src/services/${w}/${mod}.ts:${(hash(seed, i, 300 + l) % 900) + 10}:${(l * 7) % 60 + 1})`);
  }
  return lines.join('\n');
}

/** Writes `cases` cases of run `run` into `out` (created), one file per `perFile`; returns the paths. */
export async function generate({ cases, out, seed = 14, run = 0, perFile = 10_000 }) {
  mkdirSync(out, { recursive: true });
  const files = [];
  const SUITE = 50;
  for (let f = 0; f * perFile < cases; f++) {
    const file = path.join(out, `junit-${String(f).padStart(3, '0')}.xml`);
    files.push(file);
    const stream = createWriteStream(file);
    const write = (s) => (stream.write(s) ? undefined : new Promise((r) => stream.once('drain', r)));
    await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n');
    const end = Math.min(cases, (f + 1) * perFile);
    for (let s = f * perFile; s < end; s += SUITE) {
      const suite = s / SUITE;
      const area = WORDS[suite % WORDS.length];
      const mod = `test_${area}_${suite}`;
      const classname = `tests.${area}.${mod}.Test${area[0].toUpperCase()}${area.slice(1)}${suite}`;
      let body = '';
      let failures = 0;
      let skipped = 0;
      let total = 0;
      const n = Math.min(SUITE, end - s);
      for (let i = s; i < s + n; i++) {
        const ms = hash(seed, i, 2) % 2500;
        total += ms;
        const name = `test_${VERBS[i % VERBS.length]}_${WORDS[(i >>> 3) % WORDS.length]}_${i}`;
        const head = `    <testcase classname="${classname}" name="${name}" file="tests/${area}/${mod}.py" time="${(ms / 1000).toFixed(3)}"`;
        const o = outcome(seed, i, run);
        if (o === 'fail') {
          failures++;
          const got = hash(seed, i, 3 + run) % 1000;
          const msg = `AssertionError: expected ${area} ${i} to be "ready", got status ${got}`;
          body += `${head}>\n      <failure message="${esc(msg)}" type="AssertionError">${esc(`${msg}\n${stack(seed, i, mod)}`)}</failure>\n    </testcase>\n`;
        } else if (o === 'skip') {
          skipped++;
          body += `${head}>\n      <skipped message="feature flag ${area}_v2 is off"/>\n    </testcase>\n`;
        } else body += `${head}/>\n`;
      }
      await write(
        `  <testsuite name="${classname}" tests="${n}" failures="${failures}" errors="0" skipped="${skipped}" time="${(total / 1000).toFixed(3)}" timestamp="2026-12-01T10:00:00" hostname="ci-runner-${run}">\n${body}  </testsuite>\n`,
      );
    }
    await write('</testsuites>\n');
    await new Promise((r) => stream.end(r));
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i === -1 ? dflt : args[i + 1];
  };
  const out = opt('out');
  if (!out) {
    console.error('usage: generate.mjs --cases N --out <dir> [--seed 14] [--run 0] [--per-file 10000]');
    process.exit(2);
  }
  const files = await generate({
    cases: Number(opt('cases', 10_000)),
    out,
    seed: Number(opt('seed', 14)),
    run: Number(opt('run', 0)),
    perFile: Number(opt('per-file', 10_000)),
  });
  const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${out}`);
}
