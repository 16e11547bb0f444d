import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveredTest, RepoInventory, RunnerId } from '../../core/types.js';
import { execCommand } from '../../util/exec.js';
import { relativePosix, toPosix } from '../../util/paths.js';
import type { VerifyOptions, VerifyReport } from '../types.js';
import { jsInstallCommand, jsPackageManager } from '../../workspace/package-manager.js';
import { verifyByFile, type ComparedItem } from '../../core/verify.js';

/**
 * `--verify` for the JavaScript runners: runs the repo's own installed runner binary
 * (`vitest list --json`, `playwright test --list --reporter=json`, `jest --listTests`) and compares
 * with the static inventory, like with like.
 */

export interface NativeEntry {
  project: string | null;
  file: string;
  name: string;
  /** Title path and line of the test call, when known: what ties a missing test to a dynamic one. */
  titlePath?: string[];
  line?: number;
  /** A static entry that seams listed as dynamic. */
  dynamic?: boolean;
}

const key = (e: { project: string | null; file: string; name: string }) => `${e.project ?? ''}\u0000${e.file}\u0000${e.name}`;
const show = (k: string) => {
  const [p, f, n] = k.split('\u0000');
  return `${p ? `[${p}] ` : ''}${f} > ${n}`;
};

/**
 * Native and static entries compared like with like, per file too; `tests` are the static tests
 * the entries come from (which are dynamic, for the differences they explain).
 */
export function compareEntries(
  runner: RunnerId,
  project: string | null,
  command: string,
  native: NativeEntry[],
  stat: NativeEntry[],
  erroredFiles: string[] = [],
  tests: readonly DiscoveredTest[] = [],
): VerifyReport {
  const errored = new Set(erroredFiles);
  const n = new Map<string, NativeEntry[]>();
  const s = new Map<string, NativeEntry[]>();
  for (const e of native) if (!errored.has(e.file)) n.set(key(e), [...(n.get(key(e)) ?? []), e]);
  for (const e of stat) if (!errored.has(e.file)) s.set(key(e), [...(s.get(key(e)) ?? []), e]);
  let matched = 0;
  const missing: string[] = [];
  const extra: string[] = [];
  const items: ComparedItem[] = [];
  for (const [k, list] of n) {
    const sc = s.get(k)?.length ?? 0;
    matched += Math.min(list.length, sc);
    for (let i = 0; i < Math.min(list.length, sc); i++) items.push({ kind: 'identical', file: list[0]!.file });
    for (let i = sc; i < list.length; i++) {
      missing.push(show(k));
      const e = list[i]!;
      const titlePath = e.titlePath ?? [e.name];
      items.push({ kind: 'missing', file: e.file, listed: { id: `${e.file} > ${titlePath.join(' > ')}`, project: e.project, titlePath, ...(e.line ? { line: e.line } : {}) } });
    }
  }
  for (const [k, list] of s)
    for (let i = n.get(k)?.length ?? 0; i < list.length; i++) {
      extra.push(show(k));
      items.push({ kind: 'extra', file: list[i]!.file, dynamic: list[i]!.dynamic === true });
    }
  const nativeCount = [...n.values()].reduce((a, b) => a + b.length, 0);
  const staticCount = [...s.values()].reduce((a, b) => a + b.length, 0);
  const denom = Math.max(nativeCount, staticCount);
  const byFile = verifyByFile(items, tests.filter((t) => !errored.has(t.file)));
  return { runner, project, command, nativeCount, staticCount, matched, missing, extra, erroredFiles, matchRate: denom === 0 ? 1 : matched / denom, files: byFile.files, explained: byFile.explained };
}

function errorReport(runner: RunnerId, command: string, error: string): VerifyReport {
  return { runner, project: null, command, nativeCount: 0, staticCount: 0, matched: 0, missing: [], extra: [], erroredFiles: [], matchRate: 0, error };
}

/** Directories (repo-relative) where a runner's native command runs, from the inventory's RunnerInfo. */
function originDirs(inventory: RepoInventory, runner: RunnerId): string[] {
  return [...new Set(inventory.runners.filter((r) => r.runner === runner).map((r) => r.rootDir))].sort();
}

/** The installed runner's entry file, resolved like Node does: node_modules folders from `dir` up to the file-system root. */
function findBin(root: string, dir: string, pkgs: string[], rel: string): string | undefined {
  for (let d = path.join(root, dir); ; d = path.dirname(d)) {
    for (const p of pkgs) {
      const candidate = path.join(d, 'node_modules', p, rel);
      if (existsSync(candidate)) return candidate;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

function staticTests(inventory: RepoInventory, runner: RunnerId, dir: string, filter: (t: DiscoveredTest) => boolean): { entries: NativeEntry[]; tests: DiscoveredTest[] } {
  const projects = new Set(inventory.runners.filter((r) => r.runner === runner && r.rootDir === dir).map((r) => r.project));
  const tests = inventory.tests.filter((t) => t.runner === runner && projects.has(t.project) && (dir === '' || t.file.startsWith(dir + '/')) && filter(t));
  return { entries: tests.map((t) => ({ project: t.project, file: t.file, name: t.name, dynamic: t.dynamic })), tests };
}

/* ------------------------------------------------------------------ Vitest */

export async function verifyVitest(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const dir of originDirs(inventory, 'vitest')) {
    const bin = findBin(root, dir, ['vitest'], 'vitest.mjs');
    const cwd = path.join(root, dir);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'seams-vitest-'));
    const out = path.join(tmp, 'list.json');
    const command = `vitest list --json=${out}`;
    if (!bin) {
      reports.push(errorReport('vitest', command, `vitest is not installed in ${dir || '.'} (run ${jsInstallCommand(jsPackageManager(path.join(root, dir), root))} there)`));
      continue;
    }
    const r = await execCommand(process.execPath, [bin, 'list', `--json=${out}`, '--includeTaskLocation'], { cwd, timeoutMs: options.timeoutMs ?? 600_000, env: { ...process.env, CI: '1', FORCE_COLOR: '0' } });
    let list: { name: string; file: string; projectName?: string; location?: { line?: number } }[] | undefined;
    try {
      list = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      list = undefined;
    }
    rmSync(tmp, { recursive: true, force: true });
    if (!Array.isArray(list)) {
      reports.push(errorReport('vitest', command, `vitest list failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`));
      continue;
    }
    const native = list.map((e) => ({
      project: e.projectName || null,
      file: relativePosix(root, e.file),
      name: e.name,
      titlePath: e.name.split(' > '),
      ...(typeof e.location?.line === 'number' ? { line: e.location.line } : {}),
    }));
    // vitest list leaves out skipped and todo tests: compare like with like.
    const stat = staticTests(inventory, 'vitest', dir, (t) => t.status === 'active');
    const erroredFiles = collectErroredFiles(r.stderr + r.stdout, root);
    reports.push(compareEntries('vitest', null, `(cd ${dir || '.'} && vitest list --json)`, native, stat.entries, erroredFiles, stat.tests));
  }
  return reports;
}

function collectErroredFiles(output: string, root: string): string[] {
  const out = new Set<string>();
  // eslint-disable-next-line no-control-regex
  const clean = output.replace(/\u001b\[[0-9;]*m/g, '');
  for (const m of clean.matchAll(/FAIL\s+(?:\|[^|]+\|\s+)?(\S+\.[cm]?[jt]sx?)/g)) {
    const f = m[1]!;
    out.add(path.isAbsolute(f) ? relativePosix(root, f) : toPosix(f));
  }
  return [...out];
}

/* ------------------------------------------------------------------ Playwright */

interface PwSuite {
  title: string;
  file?: string;
  specs?: { title: string; file: string; line?: number; tests: { projectName: string }[] }[];
  suites?: PwSuite[];
}

export async function verifyPlaywright(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const dir of originDirs(inventory, 'playwright')) {
    const bin = findBin(root, dir, ['@playwright/test', 'playwright'], 'cli.js');
    const command = `(cd ${dir || '.'} && playwright test --list --reporter=json)`;
    if (!bin) {
      reports.push(errorReport('playwright', command, `@playwright/test is not installed in ${dir || '.'} (run ${jsInstallCommand(jsPackageManager(path.join(root, dir), root))} there)`));
      continue;
    }
    const configFile = inventory.runners.find((r) => r.runner === 'playwright' && r.rootDir === dir)?.configFile;
    const args = [bin, 'test', '--list', '--reporter=json', ...(configFile ? ['--config', path.join(root, configFile)] : [])];
    const r = await execCommand(process.execPath, args, { cwd: path.join(root, dir), timeoutMs: options.timeoutMs ?? 600_000, env: { ...process.env, CI: '1', FORCE_COLOR: '0' } });
    let json: { config?: { rootDir?: string }; suites?: PwSuite[]; errors?: { message?: string; location?: { file: string } }[] };
    try {
      json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    } catch {
      reports.push(errorReport('playwright', command, `playwright --list failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`));
      continue;
    }
    const base = json.config?.rootDir ?? path.join(root, dir);
    const native: NativeEntry[] = [];
    const walk = (s: PwSuite, titles: string[], file: string) => {
      for (const spec of s.specs ?? []) {
        const f = relativePosix(root, path.resolve(base, spec.file ?? file));
        const titlePath = [...titles, spec.title].filter(Boolean);
        for (const t of spec.tests) native.push({ project: t.projectName || null, file: f, name: titlePath.join(' › '), titlePath, ...(spec.line ? { line: spec.line } : {}) });
      }
      for (const c of s.suites ?? []) walk(c, [...titles, c.title], c.file ?? file);
    };
    for (const s of json.suites ?? []) walk(s, [], s.file ?? s.title);
    const erroredFiles = (json.errors ?? []).map((e) => e.location?.file).filter((f): f is string => !!f).map((f) => relativePosix(root, f));
    const stat = staticTests(inventory, 'playwright', dir, () => true);
    reports.push(compareEntries('playwright', null, command, native, stat.entries, erroredFiles, stat.tests));
  }
  return reports;
}

/* ------------------------------------------------------------------ Jest (files) */

export async function verifyJest(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const dir of originDirs(inventory, 'jest')) {
    const bin = findBin(root, dir, ['jest'], 'bin/jest.js');
    const command = `(cd ${dir || '.'} && jest --listTests)`;
    if (!bin) {
      reports.push(errorReport('jest', command, `jest is not installed in ${dir || '.'} (run ${jsInstallCommand(jsPackageManager(path.join(root, dir), root))} there)`));
      continue;
    }
    // Jest finds its own config in the package dir (project configs are reached through `projects`).
    const args = [bin, '--listTests'];
    const r = await execCommand(process.execPath, args, { cwd: path.join(root, dir), timeoutMs: options.timeoutMs ?? 600_000, env: { ...process.env, CI: '1', FORCE_COLOR: '0' } });
    if (r.code !== 0) {
      reports.push(errorReport('jest', command, `jest --listTests failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`));
      continue;
    }
    const nativeFiles = new Set(r.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('/') || /^[A-Z]:\\/.test(l)).map((l) => relativePosix(root, l)));
    const projects = new Set(inventory.runners.filter((x) => x.runner === 'jest' && x.rootDir === dir).map((x) => x.project));
    const staticFiles = new Set(inventory.files.filter((f) => f.runner === 'jest' && projects.has(f.project)).map((f) => f.file));
    reports.push(
      compareEntries(
        'jest',
        null,
        command,
        [...nativeFiles].map((file) => ({ project: null, file, name: '(file)' })),
        [...staticFiles].map((file) => ({ project: null, file, name: '(file)' })),
      ),
    );
  }
  return reports;
}
