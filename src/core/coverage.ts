/** Coverage read from a coverage tool's own report, normalised to line (and branch) counts. */
export type CoverageFormat = 'lcov' | 'cobertura' | 'coveragepy' | 'istanbul';

export const COVERAGE_FORMATS: readonly CoverageFormat[] = ['lcov', 'cobertura', 'coveragepy', 'istanbul'];

export interface Counts {
  covered: number;
  total: number;
}

export interface FileCoverage {
  /** Path as the report names it (POSIX separators); made repo-relative when possible. */
  path: string;
  lines: Counts;
  branches?: Counts;
}

export interface CoverageReport {
  format: CoverageFormat;
  /** The report file it was read from. */
  file: string;
  files: FileCoverage[];
  /** Sum over `files` (after any path filter). */
  lines: Counts;
  branches?: Counts;
}

/** Share covered (0..1); an empty report is 0 covered of 0 → null (no data). */
export function ratio(c: Counts): number | null {
  return c.total === 0 ? null : c.covered / c.total;
}
