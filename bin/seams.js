#!/usr/bin/env node
import module from 'node:module';

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
