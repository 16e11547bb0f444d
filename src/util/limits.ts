/**
 * Every input limit of seams, in one table (docs/limits.md lists the same values and says what
 * happens past each). Two rules hold everywhere:
 *
 * - past a limit, a SOURCE file (a test file, a module of the import graph) becomes a per-file
 *   diagnostic naming the limit and the path, and the rest of the repository is still scanned;
 * - past a limit, a RESULTS or COVERAGE file, or seams.yaml, is rejected: a `seams:` error with a
 *   hint, exit 2.
 *
 * The depth limits are set far above real code (measured: docs/limits.md) and far below where a
 * parser's recursion (oxc-parser's native one, seams' own walkers) runs out of stack.
 */
export const LIMITS = {
  /** Nesting depth of a JS/TS source file (brackets, `${`, JSX tags, unbracketed chains), checked before oxc-parser sees it. */
  jsNestingDepth: 256,
  /** Backslashes outside strings, comments and regular expressions of a JS/TS file (oxc's error recovery is quadratic in them). */
  jsCodeBackslashes: 256,
  /** Bytes of a JS/TS test file read by the JS runners' scan. */
  jsFileBytes: 4 * 1024 * 1024,
  /** Bytes of a Python test file read by the pytest scan. */
  pythonFileBytes: 5 * 1024 * 1024,
  /** Nesting depth of a Python source file (indentation levels and brackets), checked before tree-sitter sees it. */
  pythonNestingDepth: 256,
  /** Milliseconds tree-sitter may take to parse one Python file (real files: well under 0.2 s; some garbage is super-linear). */
  pythonParseMs: 3000,
  /** Bytes of a results file (JUnit XML, JSON reports, `go test -json`). */
  resultsFileBytes: 512 * 1024 * 1024,
  /** Element depth of a JUnit XML file. */
  xmlDepth: 256,
  /** Characters of one XML attribute value, text node or tag (all its attributes) in a JUnit file. */
  xmlTextChars: 64 * 1024 * 1024,
  /** Nesting depth of a JSON report (Vitest/Jest/Playwright, a `go test -json` event). */
  jsonDepth: 512,
  /** Characters kept of a test id, name, suite (class name) or file at ingest (longer: cut, with a marker). */
  nameChars: 16 * 1024,
  /** Characters kept of a failure message or skip reason (longer: cut, with a marker). */
  messageChars: 4096,
  /** Bytes of a coverage report. */
  coverageFileBytes: 200 * 1024 * 1024,
  /** Bytes of seams.yaml. */
  configFileBytes: 128 * 1024,
  /** YAML aliases in seams.yaml (the yaml library's `maxAliasCount`; an alias bomb stops here). */
  configAliasCount: 100,
} as const;

/** The marker appended to a name or message cut at a limit. */
export const CUT_MARKER = '…[cut]';

/** `text` cut to `max` characters with the marker when longer. */
export function capText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}${CUT_MARKER}` : text;
}
