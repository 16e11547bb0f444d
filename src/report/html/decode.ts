import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { ReportData } from './data.js';
import { PAGE_FORMAT, type PageMeta, type PartHeader, type PartName } from './encode.js';
import type { ReportTests } from './model.js';

/**
 * Reads a report page back into ReportData (tests, tools and checks of what a page holds): the
 * HTML text of a one-file report, the path of such a file, or the folder of a `--split` report.
 * The inverse of encode.ts, as the page's own decoder does it in the browser.
 */
export function readReport(input: string): ReportData {
  let html: string;
  let folder: string | null = null;
  if (/^\s*</.test(input)) html = input;
  else if (statSync(input).isDirectory()) {
    folder = input;
    html = readFileSync(path.join(input, 'index.html'), 'utf8');
  } else html = readFileSync(input, 'utf8');
  const metaText = /<script type="application\/json" id="seams-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (metaText === undefined) throw new Error('not a seams report: no seams-data block');
  const meta = JSON.parse(metaText) as PageMeta;
  if (meta.format !== PAGE_FORMAT) throw new Error(`report page format ${String(meta.format)}; this reader knows ${PAGE_FORMAT}`);
  const parts = {} as Record<PartName, Section>;
  for (const p of meta.tests.parts) {
    let b64: string | undefined;
    if (p.file) {
      if (!folder) throw new Error(`part ${p.name} is in ${p.file}: give the report's folder`);
      b64 = /^seamsPart\("[a-z]+","([A-Za-z0-9+/=]*)"\);?\s*$/.exec(readFileSync(path.join(folder, p.file), 'utf8'))?.[1];
    } else b64 = new RegExp(`<script type="application/octet-stream" id="seams-part-${p.name}">([A-Za-z0-9+/=]*)</script>`).exec(html)?.[1];
    if (b64 === undefined) throw new Error(`report part ${p.name} not found`);
    const bytes = inflateRawSync(Buffer.from(b64, 'base64'));
    if (bytes.length !== p.raw) throw new Error(`report part ${p.name}: ${bytes.length} bytes, expected ${p.raw}`);
    parts[p.name] = unpackPart(bytes);
  }
  const { format: _format, tests: _tests, ...rest } = meta;
  return { ...rest, tests: testsOf(meta.tests.count, parts, meta.files) } as ReportData;
}

interface Section {
  header: PartHeader;
  get(name: string): Uint8Array | Uint16Array | Uint32Array;
  text(name: string): string;
  bytes(name: string): Uint8Array;
}

/** A part's sections, viewed in place (copied first when the buffer is not 4-byte aligned). */
export function unpackPart(bytes: Uint8Array): Section {
  let b = bytes;
  if (b.byteOffset % 4) b = new Uint8Array(b);
  const len = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(b.subarray(4, 4 + len))) as PartHeader;
  const base = b.byteOffset + 4 + len;
  const find = (name: string) => {
    const s = header.sections.find((x) => x.name === name);
    if (!s) throw new Error(`report part: no section ${name}`);
    return s;
  };
  return {
    header,
    get(name) {
      const s = find(name);
      if (s.t === 'u8') return new Uint8Array(b.buffer, base + s.o, s.n);
      if (s.t === 'u16') return new Uint16Array(b.buffer, base + s.o, s.n);
      if (s.t === 'u32') return new Uint32Array(b.buffer, base + s.o, s.n);
      throw new Error(`report part: section ${name} is text`);
    },
    text(name) {
      const s = find(name);
      return new TextDecoder().decode(new Uint8Array(b.buffer, base + s.o, s.n));
    },
    bytes(name) {
      const s = find(name);
      return new Uint8Array(b.buffer, base + s.o, s.n);
    },
  };
}

const u32 = (a: ArrayLike<number>) => Uint32Array.from(a);
const u16 = (a: ArrayLike<number>) => Uint16Array.from(a);
const u8 = (a: ArrayLike<number>) => Uint8Array.from(a);

function offsets(counts: ArrayLike<number>): Uint32Array {
  const out = new Uint32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) out[i + 1] = out[i]! + counts[i]!;
  return out;
}

function splitBytes(bytes: Uint8Array, lens: ArrayLike<number>): string[] {
  const dec = new TextDecoder();
  const out: string[] = new Array(lens.length);
  let at = 0;
  for (let i = 0; i < lens.length; i++) {
    out[i] = dec.decode(bytes.subarray(at, at + lens[i]!));
    at += lens[i]!;
  }
  return out;
}

function split(text: string, lens: ArrayLike<number>): string[] {
  const out: string[] = new Array(lens.length);
  let at = 0;
  for (let i = 0; i < lens.length; i++) {
    out[i] = text.slice(at, at + lens[i]!);
    at += lens[i]!;
  }
  return out;
}

function testsOf(count: number, p: Record<PartName, Section>, files: readonly string[]): ReportTests {
  const c = p.core;
  const rest = split(p.ids.text('ids'), p.ids.get('idLen'));
  const idPre = p.ids.get('idPre');
  const file = u32(c.get('file'));
  return {
    count,
    strings: c.header.strings ?? [''],
    messages: splitBytes(p.msg.bytes('messages'), p.msg.get('messageBytes')),
    repo: u8(c.get('repo')),
    id: rest.map((r, i) => (idPre[i] ? files[file[i]!]! + r : r)),
    file,
    line: u32(c.get('line')),
    tier: u32(c.get('tier')),
    runner: u32(c.get('runner')),
    status: u8(c.get('status')),
    duration: u32(c.get('duration')),
    message: u32(p.msg.get('message')),
    markers: u32(c.get('markers')),
    history: u32(c.get('history')),
    flaky: u32(c.get('flaky')),
    stale: u32(c.get('stale')),
    known: u8(c.get('known')),
    historyStart: offsets(p.hist.get('historyCount')),
    historyDurations: u32(p.hist.get('historyDurations')),
    historyMessageStart: offsets(p.msg.get('historyMessageCount')),
    historyMessageRun: u16(p.msg.get('historyMessageRun')),
    historyMessage: u32(p.msg.get('historyMessage')),
  };
}
