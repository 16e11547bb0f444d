#!/usr/bin/env node
// How good `seams run`'s live ETA is on a real suite: the estimate shown at 10 %, 25 %, 50 % and
// 75 % of the runner's time against the time that was really left. Needs the build and a pytest.
//
//   node bench/run/eta.mjs [--source /work/scratch/repos/click] [--history 1] [--work <dir>]
//
// The repository is copied to a scratch folder with a seams.yaml (tier `unit`), PYTHONPATH=src.
// `--history` runs of `seams run unit` with live events fill the history first (the per-test
// durations in .seams/history.db, the task's phases in .seams/timings.json); then one run with a
// live progress recorder (the display's own `TaskProgress`) samples the ETA every 250 ms. The same
// events also feed a model that knows neither (the pace alone).
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const source = opt('source', '/work/scratch/repos/click');
const historyRuns = Number(opt('history', 1));
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const work = opt('work', mkdtempSync(path.join(tmpdir(), 'seams-bench-eta-')));
const root = path.join(work, path.basename(source));
if (!existsSync(root)) cpSync(source, root, { recursive: true, filter: (p) => !/[/\\](\.seams|__pycache__|\.pytest_cache)$/.test(p) });
writeFileSync(path.join(root, 'seams.yaml'), 'tiers:\n  unit: {}\n');
const env = { ...process.env, PYTHONPATH: 'src' };
delete env.CI;
const load = async (p) => import(pathToFileURL(path.join(repo, 'dist', p)).href);
const { run } = await load('app/run.js');
const { TaskProgress, expectedDurations } = await load('core/progress.js');
const quiet = { log: () => undefined };

const liveOnly = { live: true, taskStarted: (plan) => new TaskProgress(plan, Date.now()), taskFinished() {}, tierFinished() {} };
for (let i = 0; i < historyRuns; i++) await run({ root, tiers: ['unit'], env, progress: liveOnly, ...quiet });

// one run; two models fed the same events: with the history's durations, and without
const samples = [];
let withHistory;
let paceOnly;
let durations;
let timer;
let planned;
const progress = {
  live: true,
  taskStarted(plan, tests, keys) {
    withHistory = new TaskProgress(plan, Date.now());
    const { previous, ...bare } = plan;
    void previous;
    paceOnly = new TaskProgress(bare, Date.now());
    planned = { tests, keys };
    if (durations) withHistory.setExpected(expectedDurations(tests, durations, keys));
    const apply = withHistory.apply.bind(withHistory);
    // the reader applies events to the task it was given; mirror them into the pace-only model
    withHistory.apply = (e, now, keyOf) => {
      apply(e, now, keyOf);
      paceOnly.apply(e, now, keyOf);
    };
    timer = setInterval(() => {
      const now = Date.now();
      samples.push({ t: now, done: withHistory.done, total: withHistory.total, history: withHistory.eta(now), pace: paceOnly.eta(now) });
    }, 250);
    return withHistory;
  },
  taskFinished() {
    clearInterval(timer);
  },
  tierFinished() {},
  setDurations(d) {
    durations = d;
    if (withHistory && planned) withHistory.setExpected(expectedDurations(planned.tests, d, planned.keys));
  },
};
const started = Date.now();
const result = await run({ root, tiers: ['unit'], env, progress, ...quiet, history: false });
const start = withHistory.startedAt;
const end = samples.length ? samples[samples.length - 1].t : Date.now();
const span = end - start;
console.log(`${path.basename(source)}: ${withHistory.done} tests reported of ${withHistory.total}; runner ${(span / 1000).toFixed(1)} s (seams run ${((Date.now() - started) / 1000).toFixed(1)} s); history: ${historyRuns} run(s); ${result.outcomes[0].run.status}`);
console.log(`last time's phases: ${withHistory.plan.previous ? JSON.stringify(withHistory.plan.previous) : 'none'}`);
console.log('| at | tests done | time really left | ETA from history | error | ETA from the pace alone | error |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
const fmt = (ms) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
const err = (eta, left) => (eta === undefined ? '—' : `${(((eta - left) / span) * 100).toFixed(0)} % of the run`);
for (const at of [0.1, 0.25, 0.5, 0.75]) {
  const t = start + span * at;
  const s = samples.find((x) => x.t >= t);
  if (!s) continue;
  const left = end - s.t;
  console.log(`| ${at * 100} % | ${s.done}/${s.total} | ${fmt(left)} | ${fmt(s.history)} | ${err(s.history, left)} | ${fmt(s.pace)} | ${err(s.pace, left)} |`);
}
