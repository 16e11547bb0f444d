import { createHash } from 'node:crypto';
import { CLIENT_JS } from './client.js';
import { buildReportData, type ReportData, type ReportInput, type TrendPoint } from './data.js';
import { encodeReport } from './encode.js';
import { STATUSES, countedRow, inventoryTiersOf } from './model.js';
import { donutChart, escapeHtml, lineChart, PALETTE, timelineChart } from './svg.js';

export { buildReportData, buildReportDataFrom, memoryHistory, type ReportData, type ReportHistory, type ReportRunInfo, type ReportInput, type ReportRepoInput, type ReportGapRow, type ReportTraceRow, type TrendPoint } from './data.js';
export { escapeHtml } from './svg.js';
export { readReport } from './decode.js';

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` become \u escapes, so no
 * string in the data (e.g. a test named `</script><script>…`) can close the element, and U+2028/9
 * are escaped for old parsers. JSON.parse turns them back into the same characters.
 */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CSS = `
:root{--bg:#f7f7f8;--fg:#1f2328;--muted:#656d76;--card:#fff;--line:#d8dee4;--pass:#1a7f37;--fail:#cf222e;--warn:#bf8700;--skip:#8c959f;--nr:#8250df;--accent:#0969da}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{background:#24292f;color:#fff;padding:10px 20px;display:flex;align-items:center;gap:24px;flex-wrap:wrap}
header h1{font-size:16px;margin:0;font-weight:600}header .gen{color:#afb8c1;font-size:12px}
nav{display:flex;gap:4px}nav a{color:#d0d7de;text-decoration:none;padding:6px 10px;border-radius:6px}nav a.active,nav a:hover{background:#424a53;color:#fff}
main{padding:16px 20px;max-width:1400px;margin:0 auto}h2{margin:8px 0 4px;font-size:20px}h3{margin:0 0 6px;font-size:15px}
.muted{color:var(--muted);font-size:13px}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px;margin:0 0 14px}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:10px 14px;margin:0 0 14px}.notice ul{margin:4px 0 0;padding-left:20px}
.pyramids{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:14px}
.pyramid .tier-row{display:flex;justify-content:center;margin:3px 0}
.tier-bar{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:5px 10px;border-radius:4px;color:#fff;font-weight:600;min-width:120px;background:#57606a}
.tier-unit{background:#2da44e}.tier-integration{background:#0969da}.tier-e2e{background:#8250df}.tier-contract{background:#1b7c83}.tier-smoke,.tier-system,.tier-functional{background:#bf3989}.tier-performance{background:#9a6700}
.tier-count{font-variant-numeric:tabular-nums}
.stats{display:flex;gap:10px;margin-top:8px;flex-wrap:wrap}.stat{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:80px}.stat b{display:block;font-size:20px}
.stat.st-passed b{color:var(--pass)}.stat.st-failed b,.stat.st-error b{color:var(--fail)}.stat.st-not-run b{color:var(--nr)}.stat.st-skipped b{color:var(--skip)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--skip);white-space:nowrap}
.st-passed.badge{background:var(--pass)}.st-failed.badge,.st-error.badge{background:var(--fail)}.st-flaky.badge{background:var(--warn)}.st-not-run.badge{background:var(--nr)}.st-none.badge{background:#d0d7de;color:#24292f}
.filters{display:flex;gap:8px;margin:8px 0}.filters input{flex:1;padding:6px 10px;border:1px solid var(--line);border-radius:6px;font-size:14px}.filters select{padding:6px;border:1px solid var(--line);border-radius:6px}
.vt{background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}.vt-count{padding:6px 10px;color:var(--muted);font-size:12px;border-bottom:1px solid var(--line)}
.vt-head,.vt-row{display:grid;align-items:center;gap:8px;padding:0 10px}.vt-head{height:30px;font-weight:600;background:#f6f8fa;border-bottom:1px solid var(--line)}
.vt-view{height:calc(100vh - 260px);min-height:300px;overflow-y:auto;position:relative;contain:strict}.vt-spacer{position:relative}
.vt-row{position:absolute;left:0;right:0;top:0;height:30px;border-bottom:1px solid #eef1f4;cursor:pointer;will-change:transform}.vt-row:hover{background:#f3f8ff}
.vt-c{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.vt-c.name{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}.vt-c.num{text-align:right;font-variant-numeric:tabular-nums}
i.h{display:inline-block;width:6px;height:14px;margin-right:1px;border-radius:1px;background:#eaeef2;vertical-align:middle}i.h.big{width:14px;height:22px;margin-right:2px}
.h-passed{background:var(--pass)!important}.h-failed,.h-error{background:var(--fail)!important}.h-skipped{background:var(--skip)!important}.h-not-run{background:var(--nr)!important}.h-absent{background:#fff!important;outline:1px dashed var(--skip)}.flaky-badge{margin-left:4px}td.hmsg{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12px;max-width:520px;word-break:break-word}.group-unmatched{margin-top:18px}.flaky-count{font-size:20px;color:var(--warn)}
table.simple{border-collapse:collapse;width:100%;background:var(--card)}table.simple th,table.simple td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}table.simple th{background:#f6f8fa}
.sev-critical{color:#fff;background:var(--fail);font-weight:700}.sev-high{color:#fff;background:#bc4c00;font-weight:700}.sev-medium{background:#fff8c5}.tr-uncovered{color:var(--fail);font-weight:600}.tr-covered{color:var(--pass)}
.test-title{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:16px;word-break:break-all}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;word-break:break-all}
pre.msg{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px;white-space:pre-wrap;max-height:300px;overflow:auto}
.strip{margin:6px 0 12px}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:14px}
svg.chart{background:#fff;border:1px solid var(--line);border-radius:8px;max-width:100%;height:auto}svg .ct{font-weight:600;font-size:13px}svg .grid{stroke:#eef1f4}svg .yl{font-size:10px;text-anchor:end;fill:#656d76}svg .xl{font-size:10px;text-anchor:middle;fill:#656d76}svg .lg{font-size:11px;fill:#24292f}svg .empty{text-anchor:middle;fill:#8c959f}svg .donut-total{font-size:20px;font-weight:700;fill:#24292f}.donuts{display:flex;gap:14px;flex-wrap:wrap}.timeline-box{overflow-x:auto;margin-bottom:14px}details.tnode{margin-left:14px;content-visibility:auto;contain-intrinsic-size:auto 24px;font-family:ui-monospace,monospace;font-size:12.5px}details.tnode>summary{cursor:pointer;padding:2px 0}.tcount{color:var(--muted)}.tfail{color:var(--fail)}.tflaky{color:var(--warn)}.tleaf{margin-left:28px;padding:2px 0}
a.back{display:inline-block;margin:4px 0;color:var(--accent)}
td.tests-cell{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;max-width:420px}.tid{overflow-wrap:normal;word-break:normal;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}table.trace td.tid{max-width:260px}tr[hidden]{display:none}.fgroup summary{cursor:pointer}.fcount{display:inline-block;min-width:40px;color:var(--fail)}.ftests{margin:6px 0 0;padding-left:20px;font-family:ui-monospace,monospace;font-size:12px}
`;

/** The run timeline of a repository: the runs read, one lane per tier set (and shard count), on a time axis. */
function runTimeline(runs: ReportData['historyRuns'][number]): string {
  const sets = [...new Set(runs.map((r) => [...r.tiers].sort().join(' + ') || 'run'))];
  const time = (s: string) => (Number.isFinite(Date.parse(s)) ? Date.parse(s) : 0);
  return timelineChart({
    title: 'Run timeline (tiers and shards)',
    bars: runs.map((r) => {
      const set = [...r.tiers].sort().join(' + ') || 'run';
      const lane = r.shard ? `${set} · shard ${r.shard}` : set;
      const start = time(r.startedAt);
      return {
        lane,
        start,
        end: Math.max(start, time(r.finishedAt)),
        label: `${lane} · ${r.startedAt.replace('T', ' ').slice(0, 16)}${r.commit ? ` · ${r.commit.slice(0, 7)}` : ''} · ${r.id}`,
        color: PALETTE[sets.indexOf(set) % PALETTE.length]!,
      };
    }),
  });
}

function trendCharts(trends: TrendPoint[], repos: string[], historyRuns: ReportData['historyRuns'] = []): string {
  const out: string[] = [];
  for (const [ri, repo] of repos.entries()) {
    const pts = trends.filter((t) => t.repo === repo);
    // time of day when every run is from one day, else the date
    // dates on the time axis: the day, with the time when several runs share a day
    const perDay = new Set(pts.map((p) => p.startedAt.slice(0, 10))).size < pts.length;
    const labels = pts.map((p) => (perDay ? `${p.startedAt.slice(5, 10)} ${p.startedAt.slice(11, 16)}` : p.startedAt.slice(0, 10)));
    const sets = [...new Set(pts.map((p) => Object.keys(p.tiers).sort().join('+') || 'run'))];
    const tiers = [...new Set(pts.flatMap((p) => Object.keys(p.tiers)))];
    out.push(`<h3>${escapeHtml(repo)}</h3><div class="timeline-box">${runTimeline(historyRuns[ri] ?? [])}</div><div class="charts">`);
    out.push(
      lineChart({
        title: 'Tests run per tier',
        labels,
        integer: true,
        format: (v) => String(Math.round(v)),
        series: tiers.map((t, i) => ({ name: t, color: PALETTE[i % PALETTE.length]!, values: pts.map((p) => p.tiers[t] ?? null) })),
      }),
    );
    out.push(
      lineChart({
        title: 'Pass rate',
        labels,
        yMin: 0,
        yMax: 1,
        format: (v) => `${Math.round(v * 100)}%`,
        series: [{ name: 'pass rate', color: PALETTE[1]!, values: pts.map((p) => (p.passed + p.failed ? p.passed / (p.passed + p.failed) : null)) }],
      }),
    );
    out.push(
      lineChart({
        title: 'Run duration per tier',
        labels,
        format: (v) => (v >= 60 ? `${Math.round(v / 6) / 10}m` : `${Math.round(v)}s`),
        series: sets.map((set, i) => ({
          name: set,
          color: PALETTE[(i + 2) % PALETTE.length]!,
          values: pts.map((p) => ((Object.keys(p.tiers).sort().join('+') || 'run') === set ? p.durationMs / 1000 : null)),
        })),
      }),
    );
    out.push(
      lineChart({
        title: 'Flaky tests',
        labels,
        integer: true,
        format: (v) => String(Math.round(v)),
        series: [{ name: 'flaky (seams flaky)', color: PALETTE[4]!, values: pts.map((p) => p.flaky) }],
      }),
    );
    out.push('</div>');
  }
  return out.join('\n');
}

const STATUS_COLORS: [string, string][] = [
  ['passed', '#1a7f37'],
  ['failed', '#cf222e'],
  ['error', '#a40e26'],
  ['not-run', '#8250df'],
  ['skipped', '#8c959f'],
  ['xfailed', '#57606a'],
  ['xpassed', '#bf8700'],
  ['never run', '#d0d7de'],
];

/**
 * Per repository, the inventory's tests by their latest status (the Tests list's first group, so
 * the donut's total equals that list's count and the Overview's test count).
 */
export function statusTotals(data: ReportData): { repo: string; counts: Record<string, number> }[] {
  return data.repos.map((repo, ri) => {
    const counts: Record<string, number> = Object.fromEntries(STATUS_COLORS.map(([k]) => [k, 0]));
    const t = data.tests;
    const tiers = inventoryTiersOf(data.repos);
    for (let i = 0; i < t.count; i++) {
      if (t.repo[i] !== ri || !countedRow(t, i, tiers)) continue;
      const status = STATUSES[t.status[i]!] || 'never run';
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return { repo: repo.name, counts };
  });
}

function donuts(data: ReportData): string {
  return statusTotals(data)
    .map((s) => `<div class="card donut-card">${donutChart({ title: `${s.repo}: tests by latest result`, slices: STATUS_COLORS.map(([name, color]) => ({ name, color, value: s.counts[name] ?? 0 })) })}</div>`)
    .join('');
}

export interface RenderOptions {
  /** Raw-deflate level of the data parts (default encode.ts DEFAULT_LEVEL). */
  level?: number;
}

/** A `--split` report: index.html and the chunk files beside it. */
export interface SplitReport {
  index: string;
  chunks: { file: string; text: string }[];
}

/** The chunk file of a part: a script that hands its base64 to the page. */
const chunkFile = (name: string) => `seams-${name}.js`;

function page(data: ReportData, options: RenderOptions, split: boolean): SplitReport {
  const { meta, parts } = encodeReport(data, options);
  const chunks: SplitReport['chunks'] = [];
  let blocks = '';
  for (const p of parts) {
    const b64 = p.data.toString('base64');
    if (split) {
      const file = chunkFile(p.name);
      meta.tests.parts.find((x) => x.name === p.name)!.file = file;
      chunks.push({ file, text: `seamsPart("${p.name}","${b64}");\n` });
    } else blocks += `<script type="application/octet-stream" id="seams-part-${p.name}">${b64}</script>\n`;
  }
  const scriptHash = createHash('sha256').update(CLIENT_JS).digest('base64');
  // default-src 'none': nothing loads from anywhere (no network, no injected <img>); only this one
  // inline script (by hash) runs, so inline event handlers never do. A --split report also allows
  // 'self' for its chunk files: Chromium refuses hashes (and SRI) for scripts from file://, and
  // 'self' there is the report's own folder (or its server); the page adds no other script.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${scriptHash}'${split ? " 'self'" : ''}; base-uri 'none'; form-action 'none'`;
  const title = escapeHtml(data.title);
  const index = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="seams">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${title}</h1><span class="gen">generated ${escapeHtml(data.generatedAt.replace('T', ' ').slice(0, 16))} UTC</span>
<nav><a href="#overview">Overview</a><a href="#tests">Tests</a><a href="#tree">Tree</a><a href="#run">Latest run</a><a href="#failures">Failures</a><a href="#gaps">Gaps</a><a href="#trace">Traceability</a><a href="#trends">Trends</a></nav></header>
<main id="main"><noscript><p class="notice">This report needs JavaScript to show its tables; the data is embedded in this file.</p></noscript></main>
<template id="status-donuts">${donuts(data)}</template>
<template id="trend-charts">${trendCharts(data.trends, data.repos.map((r) => r.name), data.historyRuns)}</template>
<script type="application/json" id="seams-data">${embedJson(meta)}</script>
${blocks}<script>${CLIENT_JS}</script>
</body>
</html>
`;
  return { index, chunks };
}

/**
 * Renders a complete, self-contained HTML report (no external resources): the tests' columns
 * compressed in base64 data blocks (encode.ts), the rest as JSON.
 */
export function renderHtmlReport(input: ReportInput | ReportData, options: RenderOptions = {}): string {
  const data: ReportData = 'version' in input ? input : buildReportData(input);
  return page(data, options, false).index;
}

/** The report as a folder: index.html loads the chunk files beside it with script tags (works from file://). */
export function renderSplitReport(input: ReportInput | ReportData, options: RenderOptions = {}): SplitReport {
  const data: ReportData = 'version' in input ? input : buildReportData(input);
  return page(data, options, true);
}
