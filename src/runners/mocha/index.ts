import path from 'node:path';
import picomatch from 'picomatch';
import YAML from 'yaml';
import type { Diagnostic } from '../../core/types.js';
import { dirnamePosix, joinPosix } from '../../util/paths.js';
import { configLoader, configProblem, evaluateConfigFile, isObject, scanSuites, type JsSuite, type ResolvedSuites } from '../js/common.js';
import { mochaInvocations } from '../js/scripts.js';
import { filesIn, findConfig, type JsWorkspace } from '../../workspace/js-workspace.js';
import type { RunnerScan, ScanContext } from '../types.js';
import { mochaDialect } from './dialect.js';

export const MOCHARC_FILES = ['.mocharc.js', '.mocharc.cjs', '.mocharc.yaml', '.mocharc.yml', '.mocharc.jsonc', '.mocharc.json'];
const DEFAULT_SPEC = ['./test/*.{js,cjs,mjs}'];

function stripJsonComments(s: string): string {
  return s.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => str ?? '');
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** Files a list of Mocha spec entries selects, relative to the package dir (like Mocha's lookupFiles). */
export function mochaFiles(ws: JsWorkspace, dir: string, spec: string[], extensions: string[], recursive: boolean, ignore: string[]): string[] {
  const exts = extensions.map((e) => (e.startsWith('.') ? e : '.' + e));
  const hasExt = (f: string) => exts.some((e) => f.endsWith(e));
  const out = new Set<string>();
  const ign = ignore.length ? picomatch(ignore.map((g) => path.posix.normalize(joinPosix(dir, g))), { dot: true }) : () => false;
  for (const raw of spec) {
    const rel = path.posix.normalize(joinPosix(dir, raw)).replace(/\/+$/, '');
    if (ws.hasFile(rel)) {
      out.add(rel);
      continue;
    }
    const under = ws.filesUnder(rel);
    if (under.length && !picomatch.scan(rel).isGlob) {
      for (const f of under) if (hasExt(f) && (recursive || dirnamePosix(f) === rel)) out.add(f);
      continue;
    }
    const m = picomatch(rel, { dot: false });
    for (const f of ws.files) if (m(f)) out.add(f);
    // a glob can also match directories
    const mDir = [...new Set(ws.files.map(dirnamePosix))].filter((d) => d && m(d));
    for (const d of mDir) for (const f of ws.filesUnder(d)) if (hasExt(f) && (recursive || dirnamePosix(f) === d)) out.add(f);
  }
  return [...out].filter((f) => !ign(f) && !f.split('/').includes('node_modules')).sort();
}

export function resolveMocha(ws: JsWorkspace): ResolvedSuites | null {
  const diagnostics: Diagnostic[] = [];
  const suites: JsSuite[] = [];
  for (const pkg of ws.packages) {
    if (!pkg.deps.has('mocha')) continue;
    const rc = findConfig(ws, pkg.dir, MOCHARC_FILES);
    let config: Record<string, unknown> = isObject(pkg.json.mocha) ? pkg.json.mocha : {};
    const problems: string[] = [];
    if (rc) {
      const abs = path.join(ws.root, rc);
      if (rc.endsWith('.js') || rc.endsWith('.cjs')) {
        const r = evaluateConfigFile(configLoader(), abs);
        if (r.problem) problems.push(r.problem);
        if (isObject(r.value)) config = r.value;
      } else {
        try {
          const text = ws.readText(rc) ?? '';
          const v = rc.endsWith('.json') || rc.endsWith('.jsonc') ? JSON.parse(stripJsonComments(text)) : YAML.parse(text);
          if (isObject(v)) config = v;
        } catch (e) {
          problems.push(`cannot parse: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    const clis = Object.values(pkg.scripts).flatMap(mochaInvocations);
    const specs = new Set<string>();
    let recursive = config.recursive === true;
    const extension = list(config.extension);
    const ignore = [...list(config.ignore), ...list(config.exclude)];
    for (const cli of clis) {
      cli.spec.forEach((s) => specs.add(s));
      if (cli.recursive) recursive = true;
      extension.push(...cli.extension);
      ignore.push(...cli.ignore);
    }
    if (!specs.size) list(config.spec).forEach((s) => specs.add(s));
    if (!specs.size) DEFAULT_SPEC.forEach((s) => specs.add(s));
    if (problems.length && rc) diagnostics.push(configProblem('mocha', rc, problems, 'Mocha defaults used'));
    const files = mochaFiles(ws, pkg.dir, [...specs], extension.length ? extension : ['js', 'cjs', 'mjs'], recursive, ignore);
    void filesIn;
    suites.push({
      info: { runner: 'mocha', project: null, rootDir: pkg.dir, configFile: rc ?? null, ...(ws.installedVersion(pkg.dir, 'mocha') ? { version: ws.installedVersion(pkg.dir, 'mocha') } : {}) },
      dialect: mochaDialect,
      files,
    });
  }
  if (!suites.length && !diagnostics.length) return null;
  return { suites, diagnostics };
}

/** The plugin's scan (./plugin.ts loads this module on the first scan). */
export const scanMochaRepo = (ctx: ScanContext): Promise<RunnerScan | null> => scanSuites(ctx, 'mocha', resolveMocha);
