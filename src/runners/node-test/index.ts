import path from 'node:path';
import picomatch from 'picomatch';
import { joinPosix } from '../../util/paths.js';
import { scanSuites, type JsSuite, type ResolvedSuites } from '../js/common.js';
import { nodeTestPatterns } from '../js/scripts.js';
import type { JsWorkspace } from '../../workspace/js-workspace.js';
import type { RunnerScan, ScanContext } from '../types.js';
import { nodeTestDialect } from './dialect.js';

/** Node's default `--test` patterns (Node 20/22), relative to the working directory. */
export const NODE_TEST_DEFAULTS = [
  '**/*.test.?(c|m)js',
  '**/*-test.?(c|m)js',
  '**/*_test.?(c|m)js',
  '**/test-*.?(c|m)js',
  '**/test.?(c|m)js',
  '**/test/**/*.?(c|m)js',
];

export function resolveNodeTest(ws: JsWorkspace): ResolvedSuites | null {
  const suites: JsSuite[] = [];
  for (const pkg of ws.packages) {
    const invocations = Object.values(pkg.scripts).flatMap(nodeTestPatterns);
    if (!invocations.length) continue;
    const files = new Set<string>();
    const defaults = picomatch(NODE_TEST_DEFAULTS, { dot: false });
    const under = (dir: string) => {
      for (const f of ws.filesUnder(dir)) {
        // Node matches its default patterns on the path relative to the working directory.
        const rel = pkg.dir === '' ? f : f.slice(pkg.dir.length + 1);
        if (!f.split('/').includes('node_modules') && defaults(rel)) files.add(f);
      }
    };
    for (const patterns of invocations) {
      if (!patterns.length) under(pkg.dir);
      for (const p of patterns) {
        const rel = path.posix.normalize(joinPosix(pkg.dir, p)).replace(/\/+$/, '');
        if (ws.hasFile(rel)) files.add(rel);
        else if (!picomatch.scan(rel).isGlob && ws.filesUnder(rel).length) under(rel);
        else {
          const m = picomatch(rel, { dot: false });
          for (const f of ws.filesUnder(pkg.dir)) if (m(f) && !f.split('/').includes('node_modules')) files.add(f);
        }
      }
    }
    suites.push({ info: { runner: 'node-test', project: null, rootDir: pkg.dir, configFile: null }, dialect: nodeTestDialect, files: [...files].sort() });
  }
  if (!suites.length) return null;
  return { suites, diagnostics: [] };
}

/** The plugin's scan (./plugin.ts loads this module on the first scan). */
export const scanNodeTestRepo = (ctx: ScanContext): Promise<RunnerScan | null> => scanSuites(ctx, 'node-test', resolveNodeTest);
