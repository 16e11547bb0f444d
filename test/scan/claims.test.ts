import { SeamsError } from '../../src/util/errors.js';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { RawTest } from '../../src/core/types.js';
import type { RunnerScan } from '../../src/runners/types.js';
import { allowedRunners, resolveClaims, runnerChoiceOf } from '../../src/scan/claims.js';
import { scanConfigured } from '../../src/scan/configured.js';
import { scanRepo } from '../../src/scan/index.js';
import { writeRepo } from '../helpers/repo.js';

const repo = (files: Record<string, string>): string => writeRepo(files, 'seams-claims-');

const test = (runner: RawTest['runner'], file: string, id = `${file}#t`): RawTest => ({
  runner,
  project: null,
  id,
  file,
  line: 1,
  titlePath: ['t'],
  name: 't',
  markers: [],
  status: 'active',
  dynamic: false,
  refs: { workflows: [], components: [], requirements: [] },
});
const result = (runner: RawTest['runner'], files: string[], extra: Partial<RunnerScan> = {}): RunnerScan => ({
  runners: [{ runner, project: null, rootDir: '.', configFile: null }],
  files: files.map((file) => ({ runner, project: null, file })),
  tests: files.map((f) => test(runner, f)),
  diagnostics: [],
  ...extra,
});

describe('runner claims', () => {
  it('a file claimed by an earlier runner is dropped from later ones; a runner left with nothing is dropped', () => {
    const out = resolveClaims(
      [
        { id: 'django', language: 'python', result: result('django', ['a/tests.py']) },
        { id: 'pytest', language: 'python', result: result('pytest', ['a/tests.py']) },
      ],
      runnerChoiceOf(undefined),
    );
    expect(out.map((o) => o.id)).toEqual(['django']);
  });

  it('a claimed folder keeps later runners of the same language out, not other languages', () => {
    const out = resolveClaims(
      [
        { id: 'django', language: 'python', result: result('django', ['app/tests/test_a.py'], { claimedFolders: [''] }) },
        { id: 'pytest', language: 'python', result: result('pytest', ['other/test_b.py']) },
        { id: 'vitest', language: 'typescript', result: result('vitest', ['web/a.test.ts']) },
      ],
      runnerChoiceOf(undefined),
    );
    expect(out.map((o) => [o.id, o.result.tests.map((t) => t.file)])).toEqual([
      ['django', ['app/tests/test_a.py']],
      ['vitest', ['web/a.test.ts']],
    ]);
  });

  it('a folder claimed by a runner seams.yaml does not choose there keeps nobody out', () => {
    const out = resolveClaims(
      [
        { id: 'unittest', language: 'python', result: result('unittest', ['tests/test_a.py'], { claimedFolders: [''] }) },
        { id: 'pytest', language: 'python', result: result('pytest', ['tests/test_a.py', 'tests/test_b.py']) },
      ],
      runnerChoiceOf(['pytest']),
    );
    expect(out.map((o) => [o.id, o.result.tests.map((t) => t.file)])).toEqual([['pytest', ['tests/test_a.py', 'tests/test_b.py']]]);
  });

  it('JS runners keep their existing overlap (a Vitest include that matches Playwright specs)', () => {
    const out = resolveClaims(
      [
        { id: 'vitest', language: 'typescript', result: result('vitest', ['e2e/b.spec.ts']) },
        { id: 'playwright', language: 'typescript', result: result('playwright', ['e2e/b.spec.ts']) },
      ],
      runnerChoiceOf(undefined),
    );
    expect(out.map((o) => o.id)).toEqual(['vitest', 'playwright']);
  });

  it('seams.yaml runners: the longest chosen folder decides; a list applies to the whole repo', () => {
    const choice = runnerChoiceOf({ '.': ['pytest', 'vitest'], './tools/': ['unittest'] });
    expect(allowedRunners(choice, 'tools/tests/test_x.py')).toEqual(['unittest']);
    expect(allowedRunners(choice, 'toolsx/test_x.py')).toEqual(['pytest', 'vitest']);
    expect(allowedRunners(runnerChoiceOf(['django']), 'a/b.py')).toEqual(['django']);
    const out = resolveClaims(
      [
        { id: 'unittest', language: 'python', result: result('unittest', ['tools/tests/test_x.py', 'lib/test_y.py']) },
        { id: 'pytest', language: 'python', result: result('pytest', ['lib/test_y.py', 'tools/tests/test_x.py']) },
      ],
      choice,
    );
    expect(out.map((o) => [o.id, o.result.tests.map((t) => t.file)])).toEqual([
      ['unittest', ['tools/tests/test_x.py']],
      ['pytest', ['lib/test_y.py']],
    ]);
  });

  it('no test of a scanned repo is claimed by two runners (Django project with pytest-looking files)', async () => {
    const root = repo({
      'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
      'site/__init__.py': '',
      'app/__init__.py': '',
      'app/tests.py': 'from django.test import TestCase\nclass T(TestCase):\n    def test_a(self):\n        pass\n',
      'app/test_plain.py': 'def test_function():\n    pass\n',
      'scripts/test_tool.py': 'def test_tool():\n    pass\n',
    });
    const inv = await scanRepo(root);
    const owners = new Map<string, Set<string>>();
    for (const f of inv.files) owners.set(f.file, (owners.get(f.file) ?? new Set()).add(f.runner));
    for (const t of inv.tests) owners.set(t.file, (owners.get(t.file) ?? new Set()).add(t.runner));
    for (const [, s] of owners) expect(s.size).toBe(1);
    expect(inv.tests.map((t) => [t.runner, t.id])).toEqual([['django', 'app.tests.T.test_a']]);
    expect(inv.runners.map((r) => r.runner)).toEqual(['django']);
  });

  it('reads runners: from seams.yaml (a list or folders); an unknown runner id is a configuration error with a did-you-mean', async () => {
    expect(parseConfig('runners: [django]\n', '/tmp/x/seams.yaml').config.runners).toEqual({ '.': ['django'] });
    expect(parseConfig('runners:\n  ".": [django]\n  tools/: [unittest]\n', '/tmp/x/seams.yaml').config.runners).toEqual({ '.': ['django'], 'tools/': ['unittest'] });
    expect(parseConfig('', '/tmp/x/seams.yaml').config.runners).toEqual({});
    const files = {
      'tools/tests/__init__.py': '',
      'tools/tests/test_t.py': 'import unittest\nclass T(unittest.TestCase):\n    def test_t(self):\n        pass\n',
    };
    const root = repo({ 'seams.yaml': 'runners:\n  tools/: [unittest]\n', ...files });
    const { inventory } = await scanConfigured([root]);
    expect(inventory.repos[0]!.tests.map((t) => [t.runner, t.id])).toEqual([['unittest', 'tests.test_t.T.test_t']]);
    const misspelt = repo({ 'seams.yaml': 'runners:\n  tools/: [unitest]\n', ...files });
    const error = await scanConfigured([misspelt]).then(() => null, (e: unknown) => e as SeamsError);
    expect(error).toBeInstanceOf(SeamsError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toBe('seams.yaml runners (tools/): "unitest" is not a runner seams knows');
    expect(error!.hint).toMatch(/^did you mean "unittest"\? runners: django, unittest, pytest/);
  });
});
