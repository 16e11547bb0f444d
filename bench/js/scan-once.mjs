#!/usr/bin/env node
// One static JS/TS scan of a repository in a fresh process (used by scan-vs-vitest-list.mjs so that
// wall time and peak RSS belong to the scan alone). Prints one JSON line.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.SEAMS_DIST ?? path.join(here, '../../dist');
const t0 = performance.now();
// scan/ and the runner registry only (the package entry, dist/index.js, also loads the app layer
// and every renderer: ~250 ms and ~15 MB that a scan does not need)
const { scanRepo } = await import(pathToFileURL(path.join(dist, 'scan/index.js')).href);
const { getRunner } = await import(pathToFileURL(path.join(dist, 'runners/registry.js')).href);
const t1 = performance.now();
const repo = await scanRepo(process.argv[2], { plugins: [getRunner('vitest')] });
const t2 = performance.now();
console.log(
  JSON.stringify({
    tests: repo.tests.length,
    active: repo.tests.filter((t) => t.status === 'active').length,
    files: repo.files.length,
    loadMs: Math.round(t1 - t0),
    scanMs: Math.round(t2 - t1),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
