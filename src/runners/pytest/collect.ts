import path from 'node:path';
import type { CollectInput, CommandSpec, NativeCollector } from '../contract.js';
import { relToRoot } from '../_shared/targets.js';
import { parseCollectOnly } from './verify.js';

/**
 * Native collection of chosen files: `python -m pytest --collect-only -q <files>` in the pytest
 * rootdir. The node ids it prints are relative to that rootdir, as the inventory's are. Pure.
 */
export const pytestCollector: NativeCollector = {
  command(input: CollectInput): CommandSpec {
    return {
      argv: [input.python, '-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider', ...input.files.map((f) => relToRoot(input.rootDir, f))],
      cwd: path.resolve(input.root, input.rootDir),
      env: {},
      resultFile: '',
      format: 'listing',
      resultFromStdout: true,
    };
  },
  parse(stdout: string) {
    const collected = parseCollectOnly(stdout);
    return { ids: collected.ids, errors: collected.erroredFiles.map((file) => ({ file, message: `pytest could not collect ${file}` })) };
  },
};
