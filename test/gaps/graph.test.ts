import { describe, expect, it } from 'vitest';
import { closureOf, pathOf } from '../../src/core/graph.js';
import { buildImportGraph } from '../../src/graph/index.js';
import { parsePythonImports } from '../../src/graph/python.js';
import { parseJsImports } from '../../src/graph/typescript.js';
import { parseJsonc } from '../../src/workspace/manifests.js';
import { createFileLister } from '../../src/workspace/files.js';
import { writeRepo } from './helpers.js';

async function graphOf(files: Record<string, string>, entries: string[]) {
  const root = writeRepo(files);
  const all = await createFileLister(root)();
  return buildImportGraph(root, { files: all, entries });
}

const importsOf = (b: Awaited<ReturnType<typeof graphOf>>, file: string) => b.graph.files[file]?.imports.map((e) => e.file) ?? [];
const externalsOf = (b: Awaited<ReturnType<typeof graphOf>>, file: string) => b.graph.files[file]?.externals.map((e) => e.module) ?? [];

describe('Python imports', () => {
  it('parses every import form with lines, also nested ones', () => {
    const imps = parsePythonImports('import a.b as c, d\nfrom ..x.y import (z as w,\n v)\nfrom . import q\nfrom m import *\ndef f():\n    import inner\n    return importlib.import_module("plugins.csv")\n');
    expect(imps).toEqual([
      { line: 1, module: 'a.b', level: 0, names: [], from: false, as: ['c'] },
      { line: 1, module: 'd', level: 0, names: [], from: false },
      { line: 2, module: 'x.y', level: 2, names: ['z', 'v'], from: true, as: ['w', 'v'] },
      { line: 4, module: '', level: 1, names: ['q'], from: true },
      { line: 5, module: 'm', level: 0, names: [], from: true, star: true },
      { line: 7, module: 'inner', level: 0, names: [], from: false, scope: 'function' },
      { line: 8, module: 'plugins.csv', level: 0, names: [], from: false },
    ]);
  });

  it('skips imports inside docstrings, keeps one-line compound statements and continuation lines', () => {
    const src = [
      `x = "a \\" quote with ''' inside"`,
      'DOC = """',
      'import not_real',
      '"""',
      `s = '"""'  # a triple quote inside a normal string`,
      'try: import ujson as json',
      'except ImportError: import json',
      'from pkg import (a,',
      '    b)',
      'from other import c, \\',
      '    d',
      'def f():',
      '    """doc with import lines:',
      '    from fake import x',
      '    """',
      '    import real_nested',
    ].join('\n');
    expect(parsePythonImports(src).map((i) => [i.line, i.module, i.names])).toEqual([
      [6, 'ujson', []],
      [7, 'json', []],
      [8, 'pkg', ['a', 'b']],
      [10, 'other', ['c', 'd']],
      [16, 'real_nested', []],
    ]);
  });

  it('resolves src layouts, packages, submodules named in from-imports, relative and namespace packages', async () => {
    const b = await graphOf(
      {
        'src/app/__init__.py': '',
        'src/app/core.py': 'from . import util\nfrom .sub.deep import thing\nimport requests\n',
        'src/app/util.py': 'import os.path\n',
        'src/app/sub/__init__.py': '',
        'src/app/sub/deep.py': 'from ..core import x\nfrom ..... import up\nfrom .. import nothing_here\nthing = 1\n',
        'nspkg/tools/helper.py': 'import boto3.session\n',
        'tests/test_core.py': 'from app.core import thing\nfrom app import util\nimport nspkg.tools.helper\n',
      },
      ['tests/test_core.py'],
    );
    expect(importsOf(b, 'tests/test_core.py')).toEqual(['src/app/__init__.py', 'src/app/core.py', 'src/app/util.py', 'nspkg/tools/helper.py']);
    expect(importsOf(b, 'src/app/core.py')).toEqual(['src/app/__init__.py', 'src/app/util.py', 'src/app/sub/__init__.py', 'src/app/sub/deep.py']);
    expect(externalsOf(b, 'src/app/core.py')).toEqual(['requests']);
    expect(externalsOf(b, 'nspkg/tools/helper.py')).toEqual(['boto3.session']);
    expect(externalsOf(b, 'src/app/util.py')).toEqual(['os.path']);
    expect(importsOf(b, 'src/app/sub/deep.py')).toEqual(['src/app/core.py', 'src/app/__init__.py']);
    // five dots from src/app/sub climb above the repository root
    expect(b.diagnostics.map((d) => d.message)).toEqual([
      'src/app/sub/deep.py:2: cannot resolve import "..... (beyond the repository root)"',
    ]);
  });

  it('follows pytest_plugins in conftest.py', () => {
    expect(parsePythonImports('import pytest\npytest_plugins = [\n    "tests.fixtures.db",\n    \'tests.fixtures.aws\',\n]\n').map((i) => [i.line, i.module])).toEqual([
      [1, 'pytest'],
      [2, 'tests.fixtures.db'],
      [2, 'tests.fixtures.aws'],
    ]);
    expect(parsePythonImports('pytest_plugins = "myplugin"\n').map((i) => i.module)).toEqual(['myplugin']);
  });

  it('uses pytest.ini pythonpath and the test file’s own folder (rootdir insertion)', async () => {
    const b = await graphOf(
      {
        'svc/pytest.ini': '[pytest]\npythonpath = lib\n  extra\n',
        'svc/lib/mylib.py': 'X = 1\n',
        'svc/extra/more.py': '',
        'svc/tests/helpers.py': '',
        'svc/tests/test_x.py': 'import mylib\nimport more\nimport helpers\nfrom mylib import missing_name\n',
      },
      ['svc/tests/test_x.py'],
    );
    expect(importsOf(b, 'svc/tests/test_x.py')).toEqual(['svc/lib/mylib.py', 'svc/extra/more.py', 'svc/tests/helpers.py']);
    expect(b.diagnostics).toEqual([]);
  });

  it('reports a broken import of an own package and keeps going after a syntax error', async () => {
    const b = await graphOf(
      {
        'pkg/__init__.py': '',
        'pkg/ok.py': '',
        'tests/test_a.py': 'import pkg.gone\nfrom pkg import ok\ndef broken(:\n',
      },
      ['tests/test_a.py'],
    );
    expect(importsOf(b, 'tests/test_a.py')).toEqual(['pkg/__init__.py', 'pkg/ok.py']);
    expect(b.diagnostics.map((d) => d.code)).toEqual(['IMPORT_UNRESOLVED']);
    expect(b.diagnostics[0]!.line).toBe(1);
  });
});

describe('bad input', () => {
  it('binary files, invalid UTF-8 and broken tsconfig/package.json become diagnostics, never crashes', async () => {
    const b = await graphOf(
      {
        'tests/test_bin.py': 'import blob\nimport latin\n',
        'blob.py': 'x = 1\n\u0000\u0001binary',
        'latin.py': 'import os\n# caf\u00e9\n',
        'tsconfig.json': '{ "compilerOptions": { "paths": ',
        'package.json': '{ "workspaces": [',
        'a.test.ts': "import { x } from '@scope/pkg';\nimport './b';\n",
        'b.ts': '',
      },
      ['tests/test_bin.py', 'a.test.ts'],
    );
    expect(importsOf(b, 'tests/test_bin.py')).toEqual(['blob.py', 'latin.py']);
    expect(externalsOf(b, 'latin.py')).toEqual(['os']);
    expect(externalsOf(b, 'a.test.ts')).toEqual(['@scope/pkg']);
    expect(b.diagnostics.map((d) => `${d.code} ${d.file}`).sort()).toEqual([
      'CONFIG_PARSE_ERROR package.json',
      'CONFIG_PARSE_ERROR tsconfig.json',
      'IMPORT_SKIPPED blob.py',
    ]);
  });
});

describe('TypeScript / JavaScript imports', () => {
  it('keeps runtime imports only, with lines', () => {
    const { imports } = parseJsImports(
      'a.ts',
      "import type { T } from './types';\nimport { type U, v } from './v.js';\nimport './side-effect';\nexport * from './re';\nexport type { W } from './w';\nconst m = await import('./lazy');\nconst r = require('cjs-dep');\n",
    );
    expect(imports).toEqual([
      { specifier: './v.js', line: 2, use: 'names', names: ['v'] },
      { specifier: './side-effect', line: 3 },
      { specifier: './re', line: 4, use: 're-export' },
      { specifier: './lazy', line: 6 },
      { specifier: 'cjs-dep', line: 7 },
    ]);
  });

  it('parses tsconfig with comments and trailing commas', () => {
    expect(parseJsonc('{\n // c\n "a": [1, "x",], /* b */ "b": {"c": true,},\n}')).toEqual({ a: [1, 'x'], b: { c: true } });
  });

  it('resolves .js to .ts, index files, tsconfig paths (extends) and baseUrl, workspace packages', async () => {
    const b = await graphOf(
      {
        'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*'] }),
        'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["apps/web/src/*"] } } }',
        'apps/web/tsconfig.json': '{ // app\n "extends": "../../tsconfig.base.json", }',
        'apps/web/src/util/index.ts': 'export const u = 1;\n',
        'apps/web/src/api.ts': "import { u } from './util';\nimport { z } from 'zod';\nimport fs from 'node:fs';\n",
        'apps/web/src/api.test.ts': "import { api } from './api.js';\nimport { x } from '@app/util';\nimport { shared } from '@acme/shared';\nimport { deep } from '@acme/shared/deep';\nimport { y } from 'apps/web/src/api';\nimport { nope } from './nope.js';\n",
        'packages/shared/package.json': JSON.stringify({ name: '@acme/shared', exports: { '.': { import: './dist/index.js' } } }),
        'packages/shared/src/index.ts': 'export const shared = 1;\n',
        'packages/shared/src/deep.ts': 'export const deep = 1;\n',
      },
      ['apps/web/src/api.test.ts'],
    );
    expect(importsOf(b, 'apps/web/src/api.test.ts')).toEqual([
      'apps/web/src/api.ts',
      'apps/web/src/util/index.ts',
      'packages/shared/src/index.ts',
      'packages/shared/src/deep.ts',
    ]);
    expect(externalsOf(b, 'apps/web/src/api.ts')).toEqual(['zod', 'node:fs']);
    expect(b.diagnostics.map((d) => d.message)).toEqual(['apps/web/src/api.test.ts:6: cannot resolve import "./nope.js"']);
  });

  it('resolves package.json subpath imports (#app/*), self-references and bundler queries', async () => {
    const b = await graphOf(
      {
        'package.json': JSON.stringify({ name: 'my-app', imports: { '#app/*': './app/*', '#tests/*': { default: './tests/*' } }, exports: { '.': './app/index.ts' } }),
        'app/index.ts': 'export const x = 1;\n',
        'app/utils/db.server.ts': "import styles from './db.css?url';\nexport const db = 1;\n",
        'app/utils/db.css': '',
        'tests/setup.ts': '',
        'tests/db.test.ts': "import { db } from '#app/utils/db.server.ts';\nimport '#tests/setup.ts';\nimport { x } from 'my-app';\nimport { y } from '#nope/z';\n",
      },
      ['tests/db.test.ts'],
    );
    expect(importsOf(b, 'tests/db.test.ts')).toEqual(['app/utils/db.server.ts', 'tests/setup.ts', 'app/index.ts']);
    expect(importsOf(b, 'app/utils/db.server.ts')).toEqual(['app/utils/db.css']);
    expect(b.diagnostics.map((d) => d.message)).toEqual(['tests/db.test.ts:4: cannot resolve import "#nope/z"']);
  });

  it('records scoped package names and survives unparsable files', async () => {
    const b = await graphOf({ 'a.test.ts': "import { S3 } from '@aws-sdk/client-s3/dist';\nimport './b';\n", 'b.ts': 'export const = ;' }, ['a.test.ts']);
    expect(externalsOf(b, 'a.test.ts')).toEqual(['@aws-sdk/client-s3']);
    expect(importsOf(b, 'a.test.ts')).toEqual(['b.ts']);
  });
});

describe('closure', () => {
  it('keeps a shortest path test → module → external', async () => {
    const b = await graphOf(
      {
        'scripts/__init__.py': '',
        'scripts/aws.py': 'import boto3\n',
        'scripts/ecr.py': '\nfrom scripts import aws\n',
        'tests/test_ecr.py': 'from scripts import ecr\n',
      },
      ['tests/test_ecr.py'],
    );
    const c = closureOf(b.graph, ['tests/test_ecr.py']);
    expect([...c.files.keys()].sort()).toEqual(['scripts/__init__.py', 'scripts/aws.py', 'scripts/ecr.py', 'tests/test_ecr.py']);
    expect(pathOf(c, 'boto3', 'external')).toEqual([
      { file: 'tests/test_ecr.py', line: 0 },
      { file: 'scripts/ecr.py', line: 1 },
      { file: 'scripts/aws.py', line: 2 },
      { file: 'boto3', line: 1 },
    ]);
  });
});
