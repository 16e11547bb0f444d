import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../gaps/helpers.js';

/** Every command that writes a file takes a path the same way and reports the same way. */
const writers: [string, (root: string, out: string) => string[]][] = [
  ['scan -o', (root, out) => ['scan', root, '-o', out]],
  ['scan --format json -o', (root, out) => ['scan', root, '--format', 'json', '-o', out]],
  ['gaps -o', (root, out) => ['gaps', root, '-o', out]],
  ['trace -o', (root, out) => ['trace', root, '--format', 'markdown', '-o', out]],
  ['gate -o', (root, out) => ['gate', root, '--format', 'junit', '-o', out]],
  ['report --html', (root, out) => ['report', root, '--html', out]],
  ['report --markdown', (root, out) => ['report', root, '--markdown', out]],
];

function repo(): string {
  const root = writeRepo({
    'tests/test_a.py': 'def test_a():\n    pass\n',
    'seams.yaml': 'gates:\n  some-tests: { metric: tests, min: 1 }\n',
  });
  mkdirSync(path.join(root, 'out'));
  return root;
}

describe('output files (-o, --html, --markdown)', () => {
  for (const [name, args] of writers) {
    it(`${name}: writes the file and says so on stderr, relative to the working folder`, async () => {
      const root = repo();
      const r = await runCli(args(root, 'out/result.txt'), { cwd: root });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^seams: wrote out\/result\.txt( \(\d+ KB\))?\n$/);
      expect(r.stdout).toBe('');
      expect(readFileSync(path.join(root, 'out/result.txt'), 'utf8').length).toBeGreaterThan(20);
    });

    it(`${name}: a folder is a usage error, not an internal one`, async () => {
      const root = repo();
      const r = await runCli(args(root, 'out'), { cwd: root });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('seams: cannot write out: is a directory\nhint: give the path of a file, e.g. out/seams-output.txt\n');
    });

    it(`${name}: a missing parent folder is refused and not created`, async () => {
      const root = repo();
      const r = await runCli(args(root, path.join(root, 'missing/dir/result.txt')), { cwd: path.join(root, 'out') }); // outside: absolute paths
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`seams: cannot write ${root}/missing/dir/result.txt: folder ${root}/missing/dir does not exist\nhint: create it first (mkdir -p ${root}/missing/dir) or choose another path\n`);
      expect(existsSync(path.join(root, 'missing'))).toBe(false);
    });
  }
});
