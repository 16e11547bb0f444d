import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { SeamsError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { CoverageFormatError, detectFormat, parseCoverage, summarise } from './parse.js';
import type { CoverageFormat, CoverageReport } from '../core/coverage.js';
import { slashes } from '../util/paths.js';

/** A `coverage:` entry of seams.yaml (structurally config's CoverageConfig). */
export interface CoverageConfig {
  file: string;
  format?: CoverageFormat;
  /** Only these repo paths count (globs). */
  paths?: readonly string[];
}
export { detectFormat, parseCoverage, parseLcov, parseCobertura, parseCoveragePy, parseIstanbulSummary, CoverageFormatError } from './parse.js';

const FORMAT_NAMES: Record<CoverageFormat, string> = {
  lcov: 'lcov',
  cobertura: 'Cobertura XML',
  coveragepy: 'coverage.py JSON',
  istanbul: 'Istanbul JSON summary',
};

/** 200 MB: larger coverage reports are refused rather than read into memory. */
const MAX_BYTES = LIMITS.coverageFileBytes;

/** A loader for the `coverage:` entries of one repo that reads each report once, on first use. */
export function createCoverageLoader(root: string, entries: Record<string, CoverageConfig>): (name: string) => Promise<CoverageReport> {
  const cache = new Map<string, Promise<CoverageReport>>();
  return (name) => {
    let report = cache.get(name);
    if (!report) cache.set(name, (report = loadCoverage(root, name, entries[name]!)));
    return report;
  };
}

/**
 * Reads one `coverage:` entry of seams.yaml. The format is the configured one or detected from
 * the content; a file in another format than configured, a missing file, or one no parser
 * understands is a configuration error (SeamsError, exit 2) naming the entry and the file.
 * Paths are made repo-relative and, with `paths:`, filtered by those globs.
 */
export async function loadCoverage(root: string, name: string, entry: CoverageConfig): Promise<CoverageReport> {
  const file = path.resolve(root, entry.file);
  const shown = path.relative(root, file) || entry.file;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new SeamsError('SEAMS_COVERAGE_MISSING', `coverage.${name}: report ${shown} does not exist`, {
      hint: 'run the tests with coverage first (e.g. pytest --cov --cov-report=xml, vitest --coverage), or fix coverage.' + name + '.file',
    });
  }
  if (size > MAX_BYTES)
    throw new SeamsError('SEAMS_COVERAGE_TOO_LARGE', `coverage.${name}: ${shown} is ${Math.round(size / 1e6)} MB, over the 200 MB limit`);
  const text = await readFile(file, 'utf8');
  const detected = detectFormat(text);
  const format = entry.format ?? detected;
  if (!format)
    throw new SeamsError('SEAMS_COVERAGE_FORMAT', `coverage.${name}: ${shown} is not a coverage report seams can read`, {
      hint: 'supported: lcov, Cobertura XML, coverage.py JSON (coverage json), Istanbul JSON summary (json-summary reporter)',
    });
  if (entry.format && detected && detected !== entry.format)
    throw new SeamsError(
      'SEAMS_COVERAGE_FORMAT',
      `coverage.${name}: ${shown} is ${FORMAT_NAMES[detected]}, but format is ${entry.format}`,
      { hint: `set format: ${detected} (or remove format: to detect it)` },
    );
  let report: CoverageReport;
  try {
    report = parseCoverage(text, format, shown);
  } catch (e) {
    if (e instanceof CoverageFormatError)
      throw new SeamsError('SEAMS_COVERAGE_FORMAT', `coverage.${name}: ${shown}: ${e.message}`, {
        hint: `check that the file is ${FORMAT_NAMES[format]}`,
      });
    throw e;
  }
  return filterReport(report, root, entry.paths);
}

/** Makes file paths repo-relative (absolute paths under root) and keeps only `paths` globs. */
export function filterReport(report: CoverageReport, root: string, globs?: readonly string[]): CoverageReport {
  const rootPosix = slashes(root).replace(/\/$/, '');
  const files = report.files.map((f) => ({
    ...f,
    path: f.path.startsWith(`${rootPosix}/`) ? f.path.slice(rootPosix.length + 1) : f.path.replace(/^\.\//, ''),
  }));
  if (!globs?.length) return summarise(report.format, report.file, files);
  const match = picomatch(globs as string[], { dot: true });
  return summarise(
    report.format,
    report.file,
    files.filter((f) => match(f.path)),
  );
}
