import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveredTest, RepoInventory, RunnerId } from '../../core/types.js';
import { execCommand } from '../../util/exec.js';
import { relativePosix, toPosix } from '../../util/paths.js';
import type { VerifyOptions, VerifyReport } from '../types.js';

/**
 * `--verify` for the JavaScript runners: runs the repo's own installed runner binary
 * (`vitest list --json`, `playwright test --list --reporter=json`, `jest --listTests`) and compares
 * with the static inventory, like with like.
 */

export interface NativeEntry {
  project: string | null;
  file: string;
  name: string;
}

const key = (e: { project: string | null; file: string; name: string }) => `${e.project ?? ''}\u0000${e.file}\u0000${e.name}`;
const show = (k: string) => {
  const [p, f, n] = k.split('\u0000');
  return `${p ? `[${p}] ` : ''}${f} > ${n}`;
};

export function compareEntries(runner: RunnerId, project: string | null, command: string, native: NativeEntry[], stat: NativeEntry[], erroredFiles: string[] = []): VerifyReport {
  const errored = new Set(erroredFiles);
  const n = new Map<string, number>();
  const s = new Map<string, number>();
  for (const e of native) if (!errored.has(e.file)) n.set(key(e), (n.get(key(e)) ?? 0) + 1);
  for (const e of stat) if (!errored.has(e.file)) s.set(key(e), (s.get(key(e)) ?? 0) + 1);
  let matched = 0;
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [k, c] of n) {
    const sc = s.get(k) ?? 0;
    matched += Math.min(c, sc);
    for (let i = sc; i < c; i++) missing.push(show(k));
  }
  for (const [k, c] of s) for (let i = n.get(k) ?? 0; i < c; i++) extra.push(show(k));
  const nativeCount = [...n.values()].reduce((a, b) => a + b, 0);
  const staticCount = [...s.values()].reduce((a, b) => a + b, 0);
  const denom = Math.max(nativeCount, staticCount);
  return { runner, project, command, nativeCount, staticCount, matched, missing, extra, erroredFiles, matchRate: denom === 0 ? 1 : matched / denom };
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

function staticTests(inventory: RepoInventory, runner: RunnerId, dir: string, filter: (t: DiscoveredTest) => boolean): NativeEntry[] {
  const projects = new Set(inventory.runners.filter((r) => r.runner === runner && r.rootDir === dir).map((r) => r.project));
  return inventory.tests
    .filter((t) => t.runner === runner && projects.has(t.project) && (dir === '' || t.file.startsWith(dir + '/')) && filter(t))
    .map((t) => ({ project: t.project, file: t.file, name: t.name }));
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
      reports.push(errorReport('vitest', command, `vitest is not installed in ${dir || '.'} (run npm install there)`));
      continue;
    }
    const r = await execCommand(process.execPath, [bin, 'list', `--json=${out}`], { cwd, timeoutMs: options.timeoutMs ?? 600_000, env: { ...process.env, CI: '1', FORCE_COLOR: '0' } });
    let list: { name: string; file: string; projectName?: string }[] | undefined;
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
    const native = list.map((e) => ({ project: e.projectName || null, file: relativePosix(root, e.file), name: e.name }));
    // vitest list leaves out skipped and todo tests: compare like with like.
    const stat = staticTests(inventory, 'vitest', dir, (t) => t.status === 'active');
    const erroredFiles = collectErroredFiles(r.stderr + r.stdout, root);
    reports.push(compareEntries('vitest', null, `(cd ${dir || '.'} && vitest list --json)`, native, stat, erroredFiles));
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
  specs?: { title: string; file: string; tests: { projectName: string }[] }[];
  suites?: PwSuite[];
}

export async function verifyPlaywright(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const reports: VerifyReport[] = [];
  for (const dir of originDirs(inventory, 'playwright')) {
    const bin = findBin(root, dir, ['@playwright/test', 'playwright'], 'cli.js');
    const command = `(cd ${dir || '.'} && playwright test --list --reporter=json)`;
    if (!bin) {
      reports.push(errorReport('playwright', command, `@playwright/test is not installed in ${dir || '.'} (run npm install there)`));
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
        for (const t of spec.tests) native.push({ project: t.projectName || null, file: f, name: [...titles, spec.title].filter(Boolean).join(' › ') });
      }
      for (const c of s.suites ?? []) walk(c, [...titles, c.title], c.file ?? file);
    };
    for (const s of json.suites ?? []) walk(s, [], s.file ?? s.title);
    const erroredFiles = (json.errors ?? []).map((e) => e.location?.file).filter((f): f is string => !!f).map((f) => relativePosix(root, f));
    const stat = staticTests(inventory, 'playwright', dir, () => true);
    reports.push(compareEntries('playwright', null, command, native, stat, erroredFiles));
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
      reports.push(errorReport('jest', command, `jest is not installed in ${dir || '.'} (run npm install there)`));
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
