import { deflateRawSync } from 'node:zlib';
import { endianness } from 'node:os';
import type { ReportData } from './data.js';
import type { ReportTests } from './model.js';

/**
 * The page's file format (issue 14): ReportData without its tests as a JSON block (small: repos,
 * gaps, trace, runs, trends…), and the tests' columns (model.ts ReportTests) as a few binary
 * *parts*, each compressed with raw deflate and embedded as base64 in a non-executed
 * `<script type="application/octet-stream">` block (or, with `--split`, in a chunk file that
 * registers itself with `seamsPart(name, base64)`). The page decodes the parts with
 * DecompressionStream, and only when a view needs them:
 *
 * - `core`: the columns of the Tests list (status, tier, file, history strip, …) and `strings`;
 * - `ids`: test ids as one UTF-8 text of the part after the file path when an id starts with it
 *   (`idPre` 1), their UTF-16 lengths, and `byId`, the rows in id order (the page sorts without
 *   comparing strings);
 * - `msg`: `messages` (UTF-8, with each one's length in bytes: the page decodes only the messages
 *   it shows), the `message` column and the history messages (test detail);
 * - `hist`: the history durations (test detail).
 *
 * A part is `[u32 header length][header JSON][sections]`: each section a little-endian typed
 * array (narrowed to the smallest of u8/u16/u32 that holds its values) or UTF-8 text, aligned to
 * 4 bytes, so the page views them in place. Offsets (historyStart, …) are stored as per-row counts.
 */
export const PAGE_FORMAT = 1;

export const PART_NAMES = ['core', 'ids', 'msg', 'hist'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface SectionInfo {
  name: string;
  /** u8 | u16 | u32 typed array, or utf8 text (n: bytes). */
  t: 'u8' | 'u16' | 'u32' | 'utf8';
  /** Byte offset in the part. */
  o: number;
  /** Elements (bytes for utf8). */
  n: number;
}

export interface PartHeader {
  sections: SectionInfo[];
  /** core: the row count and `strings`. */
  count?: number;
  strings?: string[];
}

/** The JSON block: ReportData with `tests` replaced by where its parts are. */
export interface PageMeta extends Omit<ReportData, 'tests'> {
  format: typeof PAGE_FORMAT;
  tests: { count: number; parts: { name: PartName; bytes: number; raw: number; file?: string }[] };
}

export interface EncodedPart {
  name: PartName;
  /** Compressed bytes. */
  data: Buffer;
  raw: number;
}

export interface EncodedReport {
  meta: PageMeta;
  parts: EncodedPart[];
}

type Column = Uint8Array | Uint16Array | Uint32Array;

/** The smallest of u8/u16/u32 that holds every value of `a` (a copy only when narrower). */
export function narrow(a: Column): Column {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > max) max = a[i]!;
  if (max < 0x100) return a instanceof Uint8Array ? a : Uint8Array.from(a);
  if (max < 0x10000) return a instanceof Uint16Array || a instanceof Uint8Array ? a : Uint16Array.from(a);
  return a;
}

const typeOf = (a: Column): SectionInfo['t'] => (a instanceof Uint8Array ? 'u8' : a instanceof Uint16Array ? 'u16' : 'u32');

interface Section {
  name: string;
  data: Column | Buffer;
  utf8?: boolean;
}

/**
 * `[u32 L][header JSON, padded with spaces to L, L a multiple of 4][sections, each at a 4-byte
 * boundary]`; a section's offset `o` counts from the end of the header (4 + L).
 */
export function packPart(extra: Omit<PartHeader, 'sections'>, list: Section[]): Buffer {
  const infos: SectionInfo[] = [];
  let off = 0;
  for (const s of list) {
    const bytes = s.data.byteLength;
    infos.push({ name: s.name, t: s.utf8 ? 'utf8' : typeOf(s.data as Column), o: off, n: s.utf8 ? bytes : s.data.length });
    off += (bytes + 3) & ~3;
  }
  const json = Buffer.from(JSON.stringify({ ...extra, sections: infos }), 'utf8');
  const headLen = 4 + ((json.length + 3) & ~3);
  const out = Buffer.alloc(headLen + off);
  out.writeUInt32LE(headLen - 4, 0);
  out.fill(0x20, 4, headLen);
  json.copy(out, 4);
  for (let k = 0; k < list.length; k++) {
    const d = list[k]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), headLen + infos[k]!.o);
  }
  return out;
}

/** Per-row counts from offsets (count + 1 entries). */
function countsOf(start: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.max(0, start.length - 1));
  for (let i = 0; i < out.length; i++) out[i] = start[i + 1]! - start[i]!;
  return out;
}

/** Appends UTF-8 to a growing buffer (no joined string, no buffer per string). */
class Utf8Writer {
  private buf: Buffer;
  length = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, size));
  }
  /** Writes `s` from character `from`; returns its length in bytes. */
  write(s: string, from = 0): number {
    const max = (s.length - from) * 3;
    if (this.length + max > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + max));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    const n = this.buf.write(from ? s.slice(from) : s, this.length, 'utf8');
    this.length += n;
    return n;
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** UTF-8 bytes of each string (messages: the page decodes one message's bytes when it shows it). */
function joinedBytes(list: readonly string[]): { text: Buffer; len: Uint32Array } {
  const w = new Utf8Writer(list.reduce((n, x) => n + x.length, 0) + 16);
  const len = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) len[i] = w.write(list[i]!);
  return { text: w.bytes(), len };
}

/** Rows in id order (JS string order, as the page compares); null when already in that order. */
function idOrder(ids: readonly string[]): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) if (ids[i - 1]! > ids[i]!) sorted = false;
  if (sorted) return null;
  // [id, row] pairs and Array#sort (stable: equal ids keep row order): 3× faster at 1M than a
  // Uint32Array sorted with a comparator that indexes the ids
  const pairs: [string, number][] = ids.map((id, i) => [id, i]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = pairs[i]![1];
  return order;
}

/** The bytes of one part (uncompressed); one at a time, so a render holds one raw part at most. */
export function partOf(name: PartName, t: ReportTests, files: readonly string[]): Buffer {
  if (endianness() !== 'LE') throw new Error('the report page format is little-endian; this host is big-endian');
  const n = t.count;
  const col = (section: string, a: Column) => ({ name: section, data: narrow(a) });
  if (name === 'core')
    return packPart({ count: n, strings: t.strings }, [
      col('repo', t.repo),
      col('file', t.file),
      col('line', t.line),
      col('tier', t.tier),
      col('runner', t.runner),
      col('status', t.status),
      col('duration', t.duration),
      col('markers', t.markers),
      col('history', t.history),
      col('flaky', t.flaky),
      col('stale', t.stale),
      col('known', t.known),
    ]);
  if (name === 'ids') {
    // the part after the file path when the id starts with it, as UTF-8 with its UTF-16 length
    const idPre = new Uint8Array(n);
    const idLen = new Uint32Array(n);
    let chars = 0;
    for (let i = 0; i < n; i++) chars += t.id[i]!.length;
    const w = new Utf8Writer(chars + 16);
    for (let i = 0; i < n; i++) {
      const id = t.id[i]!;
      const f = files[t.file[i]!];
      const from = f && id.length > f.length && id.startsWith(f) ? f.length : 0;
      idPre[i] = from ? 1 : 0;
      idLen[i] = id.length - from;
      w.write(id, from);
    }
    const byId = idOrder(t.id);
    return packPart({}, [{ name: 'ids', data: w.bytes(), utf8: true }, col('idLen', idLen), col('idPre', idPre), ...(byId ? [col('byId', byId)] : [])]);
  }
  if (name === 'msg') {
    const msgs = joinedBytes(t.messages);
    return packPart({}, [
      { name: 'messages', data: msgs.text, utf8: true },
      col('messageBytes', msgs.len),
      col('message', t.message),
      col('historyMessageCount', countsOf(t.historyMessageStart)),
      col('historyMessageRun', t.historyMessageRun),
      col('historyMessage', t.historyMessage),
    ]);
  }
  return packPart({}, [col('historyCount', countsOf(t.historyStart)), col('historyDurations', t.historyDurations)]);
}

/** Every part's bytes (uncompressed). */
export function partsOf(t: ReportTests, files: readonly string[]): Record<PartName, Buffer> {
  return Object.fromEntries(PART_NAMES.map((name) => [name, partOf(name, t, files)])) as Record<PartName, Buffer>;
}

/**
 * Raw-deflate level, chosen by bench/report/page.mjs --levels at 1M tests: 1: 32.0 MB, 3.1 s CPU;
 * 4: 28.8 MB, 2.9 s; 6: 26.6 MB, 4.1 s; 9: 25.8 MB, 9.3 s (whole render, load 8 on 2 cores).
 */
export const DEFAULT_LEVEL = 4;

export function encodeReport(data: ReportData, options: { level?: number } = {}): EncodedReport {
  const { tests, ...rest } = data;
  const parts: EncodedPart[] = PART_NAMES.map((name) => {
    const raw = partOf(name, tests, data.files);
    return { name, data: deflateRawSync(raw, { level: options.level ?? DEFAULT_LEVEL }), raw: raw.length };
  });
  return {
    meta: { ...rest, format: PAGE_FORMAT, tests: { count: tests.count, parts: parts.map((p) => ({ name: p.name, bytes: p.data.length, raw: p.raw })) } },
    parts,
  };
}
