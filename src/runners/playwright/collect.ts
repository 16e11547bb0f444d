import path from 'node:path';
import type { CollectedTest, CollectInput, CollectListing, CollectOutput, CommandSpec, NativeCollector } from '../contract.js';
import { relToRoot } from '../_shared/targets.js';
import { tailMessage } from '../_shared/collect.js';
import { locateJsRunner, stripAnsi } from '../js/installed.js';
import { relativePosix } from '../../util/paths.js';

const REPORT = 'playwright-list.json';

interface PwSuite {
  title: string;
  file?: string;
  specs?: { title: string; file?: string; line?: number; tests: { projectName?: string }[] }[];
  suites?: PwSuite[];
}

/**
 * `playwright test --list --reporter=json <files>` (with the config the scan read) in the
 * package folder; the JSON report goes to a file (`PLAYWRIGHT_JSON_OUTPUT_NAME`). Playwright loads
 * the config and the test files to list them. A file that fails to load makes the whole listing
 * empty (`allOrNothing`); its error names the file.
 */
export const playwrightCollector: NativeCollector = {
  command(input: CollectInput): CommandSpec {
    const report = path.join(input.workDir, REPORT);
    const config = input.configFiles?.[0];
    return {
      argv: [
        ...(input.executable ? [process.execPath, input.executable] : ['npx', '--no-install', 'playwright']),
        'test',
        '--list',
        '--reporter=json',
        ...(config ? ['--config', path.join(input.root, config)] : []),
        ...input.files.map((f) => relToRoot(input.rootDir, f)),
      ],
      cwd: path.resolve(input.root, input.rootDir),
      env: { CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', PLAYWRIGHT_JSON_OUTPUT_NAME: report, PLAYWRIGHT_JSON_OUTPUT_FILE: report },
      resultFile: report,
      format: 'playwright-list',
    };
  },
  parse(output: CollectOutput, input: CollectInput): CollectListing {
    let json: { config?: { rootDir?: string }; suites?: PwSuite[]; errors?: { message?: string; location?: { file?: string } }[] } | undefined;
    try {
      json = output.report === null ? undefined : JSON.parse(output.report);
    } catch {
      json = undefined;
    }
    if (!json || typeof json !== 'object') {
      if (output.code === null) return { tests: [], errors: [] };
      const message = `playwright test --list failed (exit ${output.code}): ${tailMessage(stripAnsi(output.stderr || output.stdout))}`;
      return { tests: [], errors: input.files.length === 1 ? [{ file: input.files[0]!, message }] : [{ message }] };
    }
    const base = json.config?.rootDir ?? path.resolve(input.root, input.rootDir);
    const wanted = new Set(input.files);
    const tests: CollectedTest[] = [];
    const walk = (s: PwSuite, titles: string[], file: string) => {
      for (const spec of s.specs ?? []) {
        const f = relativePosix(input.root, path.resolve(base, spec.file ?? file));
        if (!wanted.has(f)) continue;
        const titlePath = [...titles, spec.title].filter(Boolean);
        for (const t of spec.tests)
          tests.push({
            id: `${f} > ${titlePath.join(' > ')}`,
            project: t.projectName || null,
            file: f,
            titlePath,
            name: titlePath.join(' › '),
            ...(typeof spec.line === 'number' ? { line: spec.line } : {}),
          });
      }
      for (const c of s.suites ?? []) walk(c, [...titles, c.title], c.file ?? file);
    };
    for (const s of json.suites ?? []) walk(s, [], s.file ?? s.title);
    const errors: CollectListing['errors'] = [];
    for (const e of json.errors ?? []) {
      const message = stripAnsi(e.message ?? 'error').split('\n')[0]!.trim();
      const file = e.location?.file ? relativePosix(input.root, path.resolve(base, e.location.file)) : undefined;
      if (file && wanted.has(file)) errors.push({ file, message });
      else if (!file) errors.push({ message });
    }
    return { tests, errors };
  },
  locate: ({ root, rootDir }) => locateJsRunner(root, rootDir, ['@playwright/test', 'playwright'], 'playwright'),
  inputsOf: (_file, { configFiles }) => [...configFiles],
  envKeys: ['NODE_OPTIONS'],
  listsInactive: true,
  allOrNothing: true,
};
