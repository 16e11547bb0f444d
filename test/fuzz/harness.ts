/**
 * The hostile-input fuzzer's parts (test/fuzz/fuzz.test.ts runs a bounded share in CI; bench/fuzz
 * runs more): seeded mutations of real-shaped inputs, and for each format the entry point seams
 * reads it through. An input passes when it gives a value, or a SeamsError whose exit code is 1
 * or 2 (for coverage's parser level: its CoverageFormatError, which loadCoverage turns into one);
 * any other exception, or an input slower than the time limit, is a finding.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isSeamsError } from '../../src/util/errors.js';

import { rng } from '../helpers/rng.js';

export { rng };

export type Rand = ReturnType<typeof rng>;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

/** How a format nests (for the deep-nesting mutation): an opener and a closer, repeated. */
export interface Nesting {
  open: string;
  close: string;
}

export interface FormatSpec {
  name: string;
  seeds: string[];
  nest: Nesting[];
  /** JSON formats: mutations of the parsed value (wrong types) as well as of the text. */
  json?: 'whole' | 'lines';
}

const DEPTHS = [8, 64, 300, 1000, 6000];
/** Sizes of the huge-string mutation, up to the run's `hugeMax` (the CI share: 64 kB; bench/fuzz: more). */
const HUGE = [1_000, 16_000, 64_000, 256_000, 1_000_000];
const WRONG: unknown[] = [null, 0, -1, 1e308, '', 'x', true, [], {}, [[[]]], { a: { b: {} } }, 'é\u0000\uFFFF', '../../etc/passwd'];

/** One mutation of `text`; its name goes into a finding's description. */
export function mutate(r: Rand, text: string, spec: FormatSpec, hugeMax = 64_000): { text: string; how: string } {
  const at = () => int(r, text.length + 1);
  const kind = int(r, spec.json ? 7 : 6);
  switch (kind) {
    case 0: {
      // byte flips
      const chars = [...text];
      const n = 1 + int(r, 8);
      for (let i = 0; i < n && chars.length; i++) chars[int(r, chars.length)] = String.fromCharCode(int(r, 4) === 0 ? int(r, 0x10000) : int(r, 128));
      return { text: chars.join(''), how: `flip ${n}` };
    }
    case 1: {
      const cut = at();
      return { text: text.slice(0, cut), how: `truncate at ${cut}` };
    }
    case 2: {
      const a = at();
      const b = Math.min(text.length, a + int(r, 400));
      const to = at();
      const times = 1 + int(r, 20);
      return { text: text.slice(0, to) + text.slice(a, b).repeat(times) + text.slice(to), how: `duplicate ${a}..${b} x${times} at ${to}` };
    }
    case 3: {
      const n = pick(r, DEPTHS);
      const { open, close } = pick(r, spec.nest);
      const to = at();
      const closed = int(r, 3) !== 0;
      return { text: text.slice(0, to) + open.repeat(n) + (closed ? close.repeat(n) : '') + text.slice(to), how: `nest ${JSON.stringify(open)} x${n}${closed ? '' : ' unclosed'} at ${to}` };
    }
    case 4: {
      const size = pick(r, HUGE.filter((h) => h <= hugeMax).concat(hugeMax));
      const to = at();
      const ch = pick(r, ['a', 'é', '"', '<', '\\', ' ', '\n', '0']);
      return { text: text.slice(0, to) + ch.repeat(size) + text.slice(to), how: `huge ${JSON.stringify(ch)} x${size} at ${to}` };
    }
    case 5: {
      // splice two places of the text (reordered markup)
      const a = at();
      const b = at();
      const [x, y] = a < b ? [a, b] : [b, a];
      return { text: text.slice(y) + text.slice(x, y) + text.slice(0, x), how: `rotate ${x}/${y}` };
    }
    default:
      return wrongType(r, text, spec);
  }
}

/** Replaces one value of a JSON document (or of one line of a JSON-lines text) with a value of another type. */
function wrongType(r: Rand, text: string, spec: FormatSpec): { text: string; how: string } {
  const lines = spec.json === 'lines' ? text.split('\n') : [text];
  const li = int(r, lines.length);
  let doc: unknown;
  try {
    doc = JSON.parse(lines[li]!);
  } catch {
    return { text, how: 'wrong type (not JSON: unchanged)' };
  }
  // every container and key of the document, then one of them
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number; path: string }[] = [];
  const walk = (v: unknown, p: string) => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i, path: `${p}/${i}` }), walk(x, `${p}/${i}`)));
    else for (const [k, x] of Object.entries(v)) slots.push({ parent: v as Record<string, unknown>, key: k, path: `${p}/${k}` }), walk(x, `${p}/${k}`);
  };
  walk(doc, '');
  if (!slots.length) return { text, how: 'wrong type (no slot: unchanged)' };
  const slot = pick(r, slots);
  const value = structuredClone(pick(r, WRONG));
  (slot.parent as Record<string | number, unknown>)[slot.key] = value;
  lines[li] = JSON.stringify(doc);
  return { text: lines.join('\n'), how: `wrong type ${slot.path} := ${JSON.stringify(value)}` };
}

/** The outcome of one input: read, or refused with a user error. Anything else throws (a finding). */
export type Outcome = 'read' | 'refused';

/** Runs one input through `read`: a value or an accepted error is an outcome; any other exception is rethrown, described. */
export async function attempt(read: () => unknown, accept: (error: unknown) => boolean, describe: () => string): Promise<Outcome> {
  try {
    await read();
    return 'read';
  } catch (error) {
    if ((isSeamsError(error) && (error.exitCode === 1 || error.exitCode === 2)) || accept(error)) return 'refused';
    const e = error as Error;
    throw new Error(`finding: ${describe()}: ${e?.constructor?.name ?? typeof error}: ${String(e?.message ?? error).slice(0, 300)}\n${e?.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`);
  }
}

const here = path.dirname(new URL(import.meta.url).pathname);
export const REPO_ROOT = path.resolve(here, '../..');
export const readRepoFile = (rel: string) => readFileSync(path.join(REPO_ROOT, rel), 'utf8');
