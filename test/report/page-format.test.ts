import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/report/html/data.js';
import { readReport } from '../../src/report/html/decode.js';
import { encodeReport, narrow } from '../../src/report/html/encode.js';
import { renderHtmlReport, renderSplitReport } from '../../src/report/html/index.js';
import { ReportTestsBuilder, testRows, type ReportTestRow } from '../../src/report/html/model.js';
import { BREAKOUT, XSS } from './fixtures.js';

/** Issue 14: the page's compressed columns read back (decode.ts) exactly as ReportData was. */
const NASTY = ['</script><script>alert(1)</script>', '<!-- x', 'line\u2028sep\u2029para', 'emoji 🧪🚀 é ñ 漢字', 'nul\u0000byte', 'tab\tand\nnewline', XSS, BREAKOUT, '"quotes" \'and\' `ticks` \\ back'];

function data(rows: Omit<ReportTestRow, 'historyDurations' | 'historyMessages'>[], extra: [number[], [number, string][]][] = []): ReportData {
  const b = new ReportTestsBuilder();
  rows.forEach((r, i) => b.add(r, extra[i]?.[0] ?? [], extra[i]?.[1] ?? []));
  return {
    version: 2,
    title: `report ${NASTY[0]}`,
    generatedAt: '2026-12-07T10:00:00.000Z',
    missing: [NASTY[2]!],
    repos: [{ name: 'demo', root: '/r', tiers: [{ tier: 'unit', tests: rows.length, files: 2, skipped: 0 }], total: { tests: rows.length, files: 2 }, runners: ['pytest'] }],
    gaps: null,
    reach: [],
    trace: [{ repo: 'demo', id: 'FR-1', title: NASTY[4]!, source: 'a.md', status: 'uncovered', tiers: {}, tests: [NASTY[0]!] }],
    gate: null,
    latestRun: [],
    files: ['tests/unit/test_a.py', `tests/${NASTY[3]}/test_b.py`, ''],
    tests: b.finish(),
    failureGroups: [{ category: NASTY[0]!, count: 1, rows: [0] }],
    flaky: [],
    historyRuns: [[{ id: 'run-0', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:01:00.000Z', commit: null, tiers: ['unit'], shard: null }]],
    trends: [],
  };
}

const row = (i: number, over: Partial<ReportTestRow> = {}): Omit<ReportTestRow, 'historyDurations' | 'historyMessages'> => ({
  repo: 0,
  id: `tests/unit/test_a.py::test_${i}`,
  file: 0,
  line: i + 1,
  tier: 'unit',
  runner: 'pytest',
  status: 'passed',
  duration: i * 3,
  message: '',
  markers: '',
  history: 'P',
  flaky: '',
  stale: '',
  known: true,
  ...over,
});

function nastyData(): ReportData {
  const rows = [
    row(0, { status: 'failed', message: NASTY.join('\n'), history: 'PF.-', flaky: 'same-commit' }),
    row(1, { id: `tests/unit/test_a.py::${NASTY.join('|')}`, markers: NASTY[3]!, stale: '2026-11-01T10:00:00.000Z', known: false }),
    // an id that does not start with its file, and one equal to it
    row(2, { id: `other::${NASTY[5]}`, status: '' }),
    row(3, { id: 'tests/unit/test_a.py' }),
    row(4, { id: `tests/${NASTY[3]}/test_b.py::🧪`, file: 1, tier: NASTY[0]!, runner: NASTY[1]! }),
    // very long ids and large numbers (u32 columns stay u32)
    row(5, { id: `tests/unit/test_a.py::${'x'.repeat(100_000)}`, duration: 0xfffffff0, line: 70_000, status: 'xpassed' }),
    row(6, { id: 'z'.repeat(5), file: 2, status: 'not-run', message: 'svc down' }),
  ];
  return data(rows, [
    [[5, 6, 7], [[0, `boom ${NASTY[0]}`], [2, NASTY[4]!]]],
    [[], []],
    [[1], [[65_535, 'far run']]],
  ]);
}

describe('report page format: encode → decode', () => {
  it('one file: every column, dictionary and nasty string reads back as written', () => {
    const d = nastyData();
    const back = readReport(renderHtmlReport(d));
    expect(testRows(back.tests)).toEqual(testRows(d.tests));
    expect(back.tests.strings).toEqual(d.tests.strings);
    expect(back.tests.messages).toEqual(d.tests.messages);
    expect({ ...back, tests: null }).toEqual({ ...d, tests: null });
    // the typed columns keep the model's types
    expect(back.tests.duration).toBeInstanceOf(Uint32Array);
    expect(back.tests.historyMessageRun).toBeInstanceOf(Uint16Array);
    expect(back.tests.historyStart).toEqual(d.tests.historyStart);
  });

  it('a split folder reads back the same, and the chunks are plain seamsPart calls', () => {
    const d = nastyData();
    const s = renderSplitReport(d);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seams-split-'));
    writeFileSync(path.join(dir, 'index.html'), s.index);
    for (const c of s.chunks) {
      expect(c.text).toMatch(/^seamsPart\("(core|ids|msg|hist)","[A-Za-z0-9+/=]+"\);\n$/);
      writeFileSync(path.join(dir, c.file), c.text);
    }
    expect(s.index).not.toContain('application/octet-stream');
    expect(s.index).toMatch(/script-src 'sha256-[^']+' 'self';/);
    const back = readReport(dir);
    expect(testRows(back.tests)).toEqual(testRows(d.tests));
    expect({ ...back, tests: null }).toEqual({ ...d, tests: null });
  });

  it('no tests at all, and rows in id order (no byId section)', () => {
    for (const d of [data([]), data([row(1), row(2), row(3)])]) {
      const back = readReport(renderHtmlReport(d));
      expect(back.tests.count).toBe(d.tests.count);
      expect(testRows(back.tests)).toEqual(testRows(d.tests));
    }
  });

  it('stores the part of an id after its file path, narrows columns, and compresses repetitive ids well', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => row(i, { id: `tests/unit/test_a.py::TestA::test_${i}` }));
    const d = data(rows);
    const enc = encodeReport(d);
    const ids = enc.parts.find((p) => p.name === 'ids')!;
    const idText = d.tests.id.join('').length;
    // the ids part holds ::TestA::test_i (without the 20-char path) and is compressed
    expect(ids.raw).toBeLessThan(idText * 0.7);
    expect(ids.data.length).toBeLessThan(ids.raw / 3);
    expect(narrow(Uint32Array.from([1, 255]))).toBeInstanceOf(Uint8Array);
    expect(narrow(Uint32Array.from([1, 256]))).toBeInstanceOf(Uint16Array);
    expect(narrow(Uint32Array.from([1, 65_536]))).toBeInstanceOf(Uint32Array);
    expect(testRows(readReport(renderHtmlReport(d)).tests)).toEqual(testRows(d.tests));
  });

  it('refuses what is not a seams page', () => {
    expect(() => readReport('<html><body>nothing</body></html>')).toThrow(/not a seams report/);
  });
});
