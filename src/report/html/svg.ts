/**
 * Inline SVG line charts for trends, generated here (no chart library, no network).
 * All text is escaped; values are numbers.
 */

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

export interface ChartOptions {
  title: string;
  labels: string[];
  series: Series[];
  format?: (v: number) => string;
  /** Fixed y range (e.g. 0..1 for rates). */
  yMin?: number;
  /** Counts: the axis has whole-number steps (at least 0..4). */
  integer?: boolean;
  yMax?: number;
  width?: number;
  height?: number;
}

export const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563', '#db2777', '#65a30d'];

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 520;
  const H = o.height ?? 200;
  const L = 52;
  const R = 22;
  const T = 28;
  const B = 36;
  const fmt = o.format ?? ((v: number) => String(Math.round(v * 100) / 100));
  const n = o.labels.length;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yMin = o.yMin ?? 0;
  let yMax = o.yMax ?? niceMax(Math.max(0, ...all));
  if (o.integer) yMax = Math.max(4, Math.ceil(yMax / 4) * 4);
  const x = (i: number) => (n <= 1 ? L + (W - L - R) / 2 : L + (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + (H - T - B) * (1 - (v - yMin) / (yMax - yMin || 1));
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<text x="${L}" y="16" class="ct">${escapeHtml(o.title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(`<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" class="yl">${escapeHtml(fmt(v))}</text>`);
  }
  if (n === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" class="empty">no runs recorded</text>`);
  } else {
    const step = Math.max(1, Math.ceil(n / 6));
    for (let i = 0; i < n; i += step)
      parts.push(`<text x="${x(i).toFixed(1)}" y="${H - B + 16}" class="xl"${x(i) > W - R - 40 ? ' style="text-anchor:end"' : i === 0 && n > 1 ? ' style="text-anchor:start"' : ''}>${escapeHtml(o.labels[i]!)}</text>`);
    for (const s of o.series) {
      // runs of other tiers in between leave gaps (null); the line connects across them
      let d = '';
      s.values.forEach((v, i) => {
        if (v === null) return;
        d += `${d ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      });
      if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      s.values.forEach((v, i) => {
        if (v !== null)
          parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"><title>${escapeHtml(`${s.name} ${o.labels[i]}: ${fmt(v)}`)}</title></circle>`);
      });
    }
    // legend
    let lx = L;
    for (const s of o.series) {
      parts.push(`<rect x="${lx}" y="${H - 12}" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="${H - 3}" class="lg">${escapeHtml(s.name)}</text>`);
      lx += 24 + s.name.length * 7;
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface Slice {
  name: string;
  color: string;
  value: number;
}

/** A donut of shares (e.g. tests per status), with the total in the middle and a legend with counts. */
export function donutChart(o: { title: string; slices: Slice[]; size?: number }): string {
  const S = o.size ?? 160;
  const r = S / 2 - 14;
  const c = 2 * Math.PI * r;
  const total = o.slices.reduce((a, s) => a + s.value, 0);
  const shown = o.slices.filter((s) => s.value > 0);
  const parts: string[] = [];
  const W = S + 300;
  const H = Math.max(S, 22 + shown.length * 18);
  parts.push(`<svg class="chart donut" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<circle cx="${S / 2}" cy="${S / 2}" r="${r}" fill="none" stroke="#eaeef2" stroke-width="22"/>`);
  let offset = 0;
  for (const s of shown) {
    const len = (s.value / total) * c;
    parts.push(
      `<circle class="slice" data-status="${escapeHtml(s.name)}" cx="${S / 2}" cy="${S / 2}" r="${r}" fill="none" stroke="${s.color}" stroke-width="22" stroke-dasharray="${len.toFixed(2)} ${(c - len).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 ${S / 2} ${S / 2})"><title>${escapeHtml(`${s.name}: ${s.value}`)}</title></circle>`,
    );
    offset += len;
  }
  parts.push(`<text x="${S / 2}" y="${S / 2 + 6}" text-anchor="middle" class="donut-total">${total.toLocaleString('en-US')}</text>`);
  parts.push(`<text x="${S + 16}" y="16" class="ct">${escapeHtml(o.title)}</text>`);
  shown.forEach((s, i) => {
    const y = 24 + i * 18;
    parts.push(`<rect x="${S + 16}" y="${y}" width="10" height="10" fill="${s.color}"/><text x="${S + 32}" y="${y + 9}" class="lg">${escapeHtml(`${s.name} ${s.value.toLocaleString('en-US')}`)}</text>`);
  });
  if (!total) parts.push(`<text x="${S / 2}" y="${S / 2 + 24}" text-anchor="middle" class="empty">no tests</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export interface TimelineBar {
  /** The row (e.g. a tier set, with the shard). */
  lane: string;
  start: number;
  end: number;
  label: string;
  color: string;
}

/** Runs on a time axis: one lane per tier set / shard, a bar from start to end, dates on the axis. */
export function timelineChart(o: { title: string; bars: TimelineBar[]; width?: number }): string {
  const W = o.width ?? 1060;
  const lanes = [...new Set(o.bars.map((b) => b.lane))].sort();
  const L = 170;
  const R = 20;
  const T = 28;
  const laneH = 22;
  const H = T + Math.max(1, lanes.length) * laneH + 30;
  const parts: string[] = [];
  parts.push(`<svg class="chart timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(o.title)}" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<text x="8" y="16" class="ct">${escapeHtml(o.title)}</text>`);
  if (!o.bars.length) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" class="empty">no runs recorded</text></svg>`);
    return parts.join('');
  }
  const t0 = Math.min(...o.bars.map((b) => b.start));
  const t1 = Math.max(...o.bars.map((b) => b.end), t0 + 60_000);
  const x = (t: number) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  lanes.forEach((lane, i) => {
    const y = T + i * laneH;
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y + laneH}" y2="${y + laneH}" class="grid"/>`);
    parts.push(`<text x="${L - 6}" y="${y + 15}" class="yl">${escapeHtml(lane)}</text>`);
  });
  for (const b of o.bars) {
    const y = T + lanes.indexOf(b.lane) * laneH + 4;
    const x0 = x(b.start);
    const w = Math.max(3, x(b.end) - x0);
    parts.push(`<rect class="run-bar" x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${laneH - 8}" rx="2" fill="${b.color}"><title>${escapeHtml(b.label)}</title></rect>`);
  }
  const oneDay = new Date(t0).toISOString().slice(0, 10) === new Date(t1).toISOString().slice(0, 10);
  for (let k = 0; k <= 4; k++) {
    const t = t0 + ((t1 - t0) * k) / 4;
    const iso = new Date(t).toISOString();
    const text = oneDay ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : `${iso.slice(0, 10)}${k === 0 || k === 4 ? '' : ` ${iso.slice(11, 16)}`}`;
    parts.push(`<text x="${x(t).toFixed(1)}" y="${H - 10}" class="xl"${k === 4 ? ' style="text-anchor:end"' : ''}>${escapeHtml(text)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
