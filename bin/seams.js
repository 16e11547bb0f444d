#!/usr/bin/env node
import module from 'node:module';
import v8 from 'node:v8';

// A CLI run is short: by default V8 hands hot functions to its optimizing compiler so early
// that the background compile threads cost ~25% of a cold `seams scan` (perf, sympy: 1.4 s of
// 3.9 s CPU) for code that then runs for a few hundred milliseconds. A larger budget before
// tiering up keeps the main thread as fast and halves that work (bench/pytest/RESULTS.md).
// Set before the application is loaded, so that its functions get the budget.
v8.setFlagsFromString('--interrupt-budget=1000000');

// Node 22+: keep V8's compiled code of seams' modules between runs (a faster start); Node 20 has
// no compile cache and skips this.
module.enableCompileCache?.();

// `seams scan | head` closes the pipe early: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const { run } = await import('../dist/cli/main.js');
process.exitCode = await run(process.argv.slice(2));
