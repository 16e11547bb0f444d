import path from 'node:path';
import type { CollectedTest, CollectInput, CollectListing, CollectOutput, CommandSpec, NativeCollector } from '../contract.js';
import { relToRoot } from '../_shared/targets.js';
import { tailMessage } from '../_shared/collect.js';
import { locateJsRunner, stripAnsi } from '../js/installed.js';
import { relativePosix, toPosix } from '../../util/paths.js';
import { VITEST_CONFIG_FILES } from './config-files.js';

const REPORT = 'vitest-list.json';

/** The error lines of Vitest's output (`Error: …` and the `❯ file:line:col` under it), trimmed. */
export function vitestError(output: string): string {
  const lines = stripAnsi(output)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const at = lines.findIndex((l) => /^(?:\w*Error|FAIL)\b|Error:/.test(l));
  if (at < 0) return tailMessage(stripAnsi(output));
  const kept = [lines[at]!, ...(lines[at + 1]?.startsWith('❯') ? [lines[at + 1]!] : [])].join(' ');
  return kept.length > 500 ? `${kept.slice(0, 499)}…` : kept;
}

/**
 * `vitest list <files> --json=<file> --includeTaskLocation` in the Vitest root: the tests of the
 * chosen files in every project, with the line of each test call. Vitest imports the files and
 * the config (it runs their top-level code). It leaves out skipped and todo tests, and lists
 * nothing at all when one file fails to load (`allOrNothing`).
 */
export const vitestCollector: NativeCollector = {
  command(input: CollectInput): CommandSpec {
    const report = path.join(input.workDir, REPORT);
    return {
      argv: [
        ...(input.executable ? [process.execPath, input.executable] : ['npx', '--no-install', 'vitest']),
        'list',
        ...input.files.map((f) => relToRoot(input.rootDir, f)),
        `--json=${report}`,
        '--includeTaskLocation',
      ],
      cwd: path.resolve(input.root, input.rootDir),
      env: { CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
      resultFile: report,
      format: 'vitest-list',
    };
  },
  parse(output: CollectOutput, input: CollectInput): CollectListing {
    let list: unknown;
    try {
      list = output.report === null ? undefined : JSON.parse(output.report);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      if (output.code === null) return { tests: [], errors: [] };
      const text = `${output.stderr}\n${output.stdout}`;
      const message = `vitest list failed (exit ${output.code}): ${vitestError(text)}`;
      if (input.files.length === 1) return { tests: [], errors: [{ file: input.files[0]!, message }] };
      // `❯ src/b.test.ts:2:7` under the error names the file that failed to load
      const at = new Set(
        [...stripAnsi(text).matchAll(/❯ (\S+?):\d+:\d+/g)].map((m) => toPosix(path.posix.join(input.rootDir === '.' ? '' : input.rootDir, m[1]!))),
      );
      const named = input.files.filter((f) => at.has(f));
      return { tests: [], errors: named.length ? named.map((file) => ({ file, message })) : [{ message }] };
    }
    const wanted = new Set(input.files);
    const tests: CollectedTest[] = [];
    for (const e of list as { name?: unknown; file?: unknown; projectName?: unknown; location?: { line?: unknown } }[]) {
      if (typeof e?.name !== 'string' || typeof e.file !== 'string') continue;
      const file = path.isAbsolute(e.file) ? relativePosix(input.root, e.file) : toPosix(path.posix.join(input.rootDir === '.' ? '' : input.rootDir, e.file));
      if (!wanted.has(file)) continue;
      const titlePath = e.name.split(' > ');
      tests.push({
        id: `${file} > ${titlePath.join(' > ')}`,
        project: typeof e.projectName === 'string' && e.projectName ? e.projectName : null,
        file,
        titlePath,
        name: e.name,
        ...(typeof e.location?.line === 'number' ? { line: e.location.line } : {}),
      });
    }
    return { tests, errors: [] };
  },
  locate: ({ root, rootDir }) => locateJsRunner(root, rootDir, ['vitest'], 'vitest'),
  // the configs of the projects, and every config file name of the root (one added later counts)
  inputsOf: (_file, { rootDir, configFiles }) => {
    const dir = rootDir === '.' ? '' : rootDir;
    return [...new Set([...configFiles, ...[...VITEST_CONFIG_FILES, 'package.json'].map((f) => (dir ? `${dir}/${f}` : f))])];
  },
  envKeys: ['NODE_OPTIONS', 'VITEST_MODE'],
  listsInactive: false,
  allOrNothing: true,
};
