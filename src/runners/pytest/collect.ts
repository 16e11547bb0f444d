import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CollectedTest, CollectInput, CollectListing, CollectOutput, CommandSpec, NativeCollector } from '../contract.js';
import { relToRoot } from '../_shared/targets.js';
import { locatePython } from '../_shared/python-install.js';
import { tailMessage } from '../_shared/collect.js';
import { dirnamePosix, joinRel } from '../../util/paths.js';
import { leftOutBy, parseCollectOnly, splitNodeId } from './verify.js';

/**
 * Native collection of chosen files: `python -m pytest --collect-only <files>` in the pytest
 * rootdir, with `--rootdir` so that the node ids are relative to it whatever pytest would infer
 * from the files given, and `--verbosity=-1` (one id a line) whatever `-q`/`-v` addopts holds.
 * Each file of the command is one argument; pytest imports the conftest.py files of their folders
 * and the repo's plugins, which is why `--resolve` is opt-in.
 */
export const pytestCollector: NativeCollector = {
  command(input: CollectInput): CommandSpec {
    const cwd = path.resolve(input.root, input.rootDir);
    return {
      argv: [
        input.python,
        '-m',
        'pytest',
        '--collect-only',
        '--verbosity=-1',
        '-p',
        'no:cacheprovider',
        `--rootdir=${cwd}`,
        ...input.files.map((f) => relToRoot(input.rootDir, f)),
      ],
      cwd,
      env: { PYTHONDONTWRITEBYTECODE: '1' },
      resultFile: '',
      format: 'listing',
      resultFromStdout: true,
    };
  },
  parse(output: CollectOutput, input: CollectInput): CollectListing {
    if (/No module named '?pytest'?\s*$/m.test(output.stderr)) return { tests: [], errors: [], missing: `pytest is not installed for ${input.python}` };
    const native = parseCollectOnly(output.stdout);
    const rootDir = input.rootDir === '.' ? '' : input.rootDir;
    const wanted = new Set(input.files);
    const tests: CollectedTest[] = [];
    for (const id of native.ids) {
      const s = splitNodeId(id);
      const file = joinRel(rootDir, s.file);
      if (!wanted.has(file)) continue;
      tests.push({ id, project: null, file, titlePath: s.titlePath, name: s.name, ...(s.base ? { origin: s.base } : {}) });
    }
    const errors: CollectListing['errors'] = [];
    // an errored file, or a conftest.py/__init__.py/folder above it, leaves the file uncollected
    for (const errored of native.erroredFiles) {
      const leftOut = leftOutBy([errored]);
      const message = native.messages.get(errored) ?? `pytest could not collect ${errored}`;
      for (const f of input.files) {
        const rel = relToRoot(input.rootDir, f);
        if (leftOut(rel)) errors.push({ file: f, message: errored === rel ? message : `${errored}: ${message}` });
      }
    }
    // 3 internal error, 4 usage error (a conftest.py that does not import): nothing was collected
    if (output.code !== null && ![0, 1, 2, 5].includes(output.code))
      errors.push({ message: `pytest exited with code ${output.code}: ${tailMessage(output.stderr || output.stdout)}` });
    return { tests, errors };
  },
  locate: ({ root, rootDir, python, env }) => locatePython(python, env, path.resolve(root, rootDir), 'pytest'),
  inputsOf(file, { root, rootDir, configFiles }) {
    // the conftest.py files pytest loads for the file: its folder and every folder above it
    const out: string[] = [...configFiles];
    for (let dir = dirnamePosix(file); ; dir = dirnamePosix(dir)) {
      const c = joinRel(dir, 'conftest.py');
      if (c !== file && existsSync(path.join(root, c))) out.push(c);
      if (dir === '') break;
    }
    void rootDir;
    return out;
  },
  envKeys: ['PYTHONPATH', 'PYTEST_ADDOPTS', 'PYTEST_PLUGINS', 'PYTEST_DISABLE_PLUGIN_AUTOLOAD'],
  listsInactive: true,
  chunkSize: 8,
};
