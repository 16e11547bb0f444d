import { SaxesParser } from 'saxes';
import type { CoverageFormat, Counts, CoverageReport, FileCoverage } from '../core/coverage.js';
import { slashes } from '../util/paths.js';

/**
 * Parsers for the coverage tools' own report formats. Each returns per-file line counts (and
 * branch counts when the format has them); `detectFormat` names the format a text is in so a
 * mismatch with the configured format is reported instead of read as zero coverage.
 */

export class CoverageFormatError extends Error {}

const add = (a: Counts, b: Counts): Counts => ({ covered: a.covered + b.covered, total: a.total + b.total });
const zero = (): Counts => ({ covered: 0, total: 0 });

/** Which format a report is in, from its content (null when it is none of them). */
export function detectFormat(text: string): CoverageFormat | null {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('<')) return /<coverage[\s>]/.test(head.slice(0, 4096)) ? 'cobertura' : null;
  if (head.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(head);
    } catch {
      return null;
    }
    if (!json || typeof json !== 'object') return null;
    const o = json as Record<string, unknown>;
    if (o.files && typeof o.files === 'object' && (o.meta || o.totals)) return 'coveragepy';
    const total = o.total as Record<string, unknown> | undefined;
    if (total && typeof total === 'object' && total.lines && typeof total.lines === 'object') return 'istanbul';
    return null;
  }
  if (/^(TN|SF):/m.test(head) && /^end_of_record\s*$/m.test(head)) return 'lcov';
  return null;
}

export function parseCoverage(text: string, format: CoverageFormat, file: string): CoverageReport {
  try {
    return parseCoverageOf(text, format, file);
  } catch (error) {
    // a report that runs a reader out of stack is the report's problem (a seams: error), not an internal one
    if (error instanceof RangeError) throw new CoverageFormatError(`past what seams reads (${error.message.split('\n')[0]})`);
    throw error;
  }
}

function parseCoverageOf(text: string, format: CoverageFormat, file: string): CoverageReport {
  const files =
    format === 'lcov'
      ? parseLcov(text)
      : format === 'cobertura'
        ? parseCobertura(text)
        : format === 'coveragepy'
          ? parseCoveragePy(text)
          : parseIstanbulSummary(text);
  return summarise(format, file, files);
}

export function summarise(format: CoverageFormat, file: string, files: FileCoverage[]): CoverageReport {
  let lines = zero();
  let branches: Counts | undefined;
  for (const f of files) {
    lines = add(lines, f.lines);
    if (f.branches) branches = add(branches ?? zero(), f.branches);
  }
  return { format, file, files, lines, branches };
}

/** lcov tracefile: SF / DA / LF / LH / BRDA / BRF / BRH … end_of_record. */
export function parseLcov(text: string): FileCoverage[] {
  const out: FileCoverage[] = [];
  let cur: { path: string; lf?: number; lh?: number; brf?: number; brh?: number; da: Map<number, number> } | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line === 'end_of_record') {
      if (cur) {
        // Prefer the DA lines (exact); LF/LH are summaries some tools omit.
        const lines =
          cur.da.size > 0
            ? { total: cur.da.size, covered: [...cur.da.values()].filter((h) => h > 0).length }
            : { total: cur.lf ?? 0, covered: cur.lh ?? 0 };
        const entry: FileCoverage = { path: slashes(cur.path), lines };
        if (cur.brf !== undefined) entry.branches = { total: cur.brf, covered: cur.brh ?? 0 };
        out.push(entry);
      }
      cur = null;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key === 'SF') {
      cur = { path: value, da: new Map() };
      continue;
    }
    if (!cur) continue;
    if (key === 'DA') {
      const [n, hits] = value.split(',');
      const ln = Number(n);
      const h = Number(hits);
      if (Number.isFinite(ln) && Number.isFinite(h)) cur.da.set(ln, Math.max(cur.da.get(ln) ?? 0, h));
    } else if (key === 'LF') cur.lf = Number(value) || 0;
    else if (key === 'LH') cur.lh = Number(value) || 0;
    else if (key === 'BRF') cur.brf = Number(value) || 0;
    else if (key === 'BRH') cur.brh = Number(value) || 0;
  }
  if (!out.length && !/end_of_record/.test(text)) throw new CoverageFormatError('no lcov records (SF: … end_of_record)');
  return out;
}

/**
 * Cobertura XML (coverage.py `coverage xml`, Jest/Istanbul `cobertura`, JaCoCo converters):
 * `<class filename=…>` with `<line number hits branch condition-coverage>`; paths are joined to
 * the first `<source>` when they are relative. Streamed with saxes, which does not expand
 * entities declared in a DTD (no entity-expansion attacks).
 */
export function parseCobertura(text: string): FileCoverage[] {
  const parser = new SaxesParser({ xmlns: false });
  const byPath = new Map<string, { lines: Map<number, number>; branches: Counts; hasBranches: boolean }>();
  let root: string | null = null;
  let current: string | null = null;
  let inSource = false;
  let sourceText = '';
  const sources: string[] = [];
  let error: Error | null = null;
  // the first error ends the read: saxes would go on reporting one per character
  parser.on('error', (e) => {
    error ??= e;
    throw e;
  });
  parser.on('opentag', (node) => {
    const name = node.name;
    const attr = node.attributes as Record<string, string>;
    if (root === null) root = name;
    if (name === 'source') {
      inSource = true;
      sourceText = '';
    } else if (name === 'class') {
      current = slashes(attr.filename ?? attr.name ?? '');
      if (!byPath.has(current)) byPath.set(current, { lines: new Map(), branches: zero(), hasBranches: false });
    } else if (name === 'line' && current !== null) {
      const entry = byPath.get(current)!;
      const n = Number(attr.number);
      const hits = Number(attr.hits);
      if (Number.isFinite(n) && Number.isFinite(hits) && !entry.lines.has(n)) {
        entry.lines.set(n, hits);
        // condition-coverage="50% (1/2)"
        const cond = /\((\d+)\/(\d+)\)/.exec(attr['condition-coverage'] ?? '');
        if (attr.branch === 'true' && cond) {
          entry.hasBranches = true;
          entry.branches = add(entry.branches, { covered: Number(cond[1]), total: Number(cond[2]) });
        }
      } else if (Number.isFinite(n) && Number.isFinite(hits)) {
        entry.lines.set(n, Math.max(entry.lines.get(n)!, hits));
      }
    }
  });
  parser.on('text', (t) => {
    if (inSource) sourceText += t;
  });
  parser.on('closetag', (node) => {
    if (node.name === 'source') {
      inSource = false;
      if (sourceText.trim()) sources.push(slashes(sourceText.trim()));
    } else if (node.name === 'class') current = null;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= e as Error;
  }
  if (error) throw new CoverageFormatError(`invalid Cobertura XML: ${(error as Error).message.split('\n')[0]}`);
  if (root !== 'coverage') throw new CoverageFormatError(`not Cobertura XML (root element <${root ?? 'none'}>, expected <coverage>)`);
  const base = sources[0];
  return [...byPath].map(([p, e]) => {
    const path = base && !p.startsWith('/') && base.startsWith('/') ? `${base.replace(/\/$/, '')}/${p}` : p;
    const f: FileCoverage = {
      path,
      lines: { total: e.lines.size, covered: [...e.lines.values()].filter((h) => h > 0).length },
    };
    if (e.hasBranches) f.branches = e.branches;
    return f;
  });
}

function parseJson(text: string, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new CoverageFormatError(`invalid JSON in ${what}: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new CoverageFormatError(`${what} is not a JSON object`);
  return json as Record<string, unknown>;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** coverage.py `coverage json`: files.<path>.summary.{covered_lines,num_statements,num_branches,covered_branches}. */
export function parseCoveragePy(text: string): FileCoverage[] {
  const json = parseJson(text, 'coverage.py JSON');
  const files = json.files;
  if (!files || typeof files !== 'object') throw new CoverageFormatError('not coverage.py JSON (no "files" object)');
  return Object.entries(files as Record<string, { summary?: Record<string, unknown> }>).map(([p, f]) => {
    const s = f?.summary ?? {};
    const entry: FileCoverage = { path: slashes(p), lines: { covered: num(s.covered_lines), total: num(s.num_statements) } };
    if (s.num_branches !== undefined) entry.branches = { covered: num(s.covered_branches), total: num(s.num_branches) };
    return entry;
  });
}

/** Istanbul `json-summary` reporter: { total: {...}, "<abs path>": { lines: {total,covered}, branches: … } }. */
export function parseIstanbulSummary(text: string): FileCoverage[] {
  const json = parseJson(text, 'Istanbul JSON summary');
  const total = json.total as Record<string, unknown> | undefined;
  if (!total || typeof total !== 'object' || !total.lines)
    throw new CoverageFormatError('not an Istanbul JSON summary (no "total.lines")');
  const out: FileCoverage[] = [];
  for (const [p, v] of Object.entries(json)) {
    if (p === 'total' || !v || typeof v !== 'object') continue;
    const o = v as Record<string, Record<string, unknown> | undefined>;
    const entry: FileCoverage = { path: slashes(p), lines: { covered: num(o.lines?.covered), total: num(o.lines?.total) } };
    if (o.branches) entry.branches = { covered: num(o.branches.covered), total: num(o.branches.total) };
    out.push(entry);
  }
  // A summary with only a total (no per-file entries) still carries the number.
  if (!out.length) {
    const lines = total.lines as Record<string, unknown>;
    const branches = total.branches as Record<string, unknown> | undefined;
    out.push({
      path: '(total)',
      lines: { covered: num(lines.covered), total: num(lines.total) },
      ...(branches ? { branches: { covered: num(branches.covered), total: num(branches.total) } } : {}),
    });
  }
  return out;
}
