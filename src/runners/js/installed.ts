import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { jsInstallCommand, jsPackageManager } from '../../workspace/package-manager.js';
import type { CollectorSetup } from '../contract.js';

/**
 * An installed JS package as Node resolves it from a folder: `node_modules/<name>/package.json`
 * in that folder and every folder above it, up to the file-system root. Read from files only.
 */
export interface InstalledPackage {
  name: string;
  /** Real path of the package folder. */
  dir: string;
  version: string;
  json: Record<string, unknown>;
}

export function installedPackage(from: string, names: readonly string[]): InstalledPackage | null {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    for (const name of names) {
      const folder = path.join(dir, 'node_modules', name);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
      } catch {
        continue;
      }
      let real = folder;
      try {
        real = realpathSync(folder);
      } catch {
        // keep the path as found
      }
      return { name, dir: real, version: typeof json.version === 'string' ? json.version : '', json };
    }
    if (dir === path.dirname(dir)) return null;
  }
}

/** The file of a package's `bin` entry (`{ "vitest": "./vitest.mjs" }` or a string). */
export function binOf(pkg: InstalledPackage, bin: string): string | null {
  const b = pkg.json.bin;
  const rel = typeof b === 'string' ? b : b && typeof b === 'object' ? (b as Record<string, unknown>)[bin] : undefined;
  return typeof rel === 'string' ? path.join(pkg.dir, rel) : null;
}

/**
 * `NativeCollector.locate` of a JS runner: the CLI entry of the first of `packages` installed
 * from the runner root upwards (started with the Node that runs seams), its name, version and
 * folder as the identity.
 */
export function locateJsRunner(root: string, rootDir: string, packages: readonly string[], bin: string): CollectorSetup {
  const where = rootDir && rootDir !== '.' ? rootDir : '.';
  const pkg = installedPackage(path.resolve(root, rootDir), packages);
  const entry = pkg && binOf(pkg, bin);
  if (!pkg || !entry) return { identity: null, missing: `${packages[0]} is not installed in ${where} (no node_modules/${packages[0]} there or above; run ${jsInstallCommand(jsPackageManager(path.resolve(root, rootDir), root))})` };
  return { executable: entry, identity: `${pkg.name}@${pkg.version} ${pkg.dir}` };
}

/** ANSI colours out of a runner's output. */
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
