import { textTable } from '../util/table.js';
import { tone, type Tone } from '../util/term.js';
import { mdCode, mdTable, mdText } from './markdown.js';
import { formatValue } from '../core/metrics/vocabulary.js';
import type { GateReport, MetricItem, RuleResult } from '../core/metrics/types.js';

/** Renderers of gate results: terminal text, JSON, JUnit XML, GitHub job summary and annotations. */

const MAX_ITEMS_TEXT = 10;
const MARK: Record<RuleResult['status'], string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN' };
const MARK_TONE: Record<RuleResult['status'], Tone> = { pass: 'good', fail: 'bad', warn: 'warn' };
/** The rule's mark, coloured on a colour terminal (never a word of the rule's name or message). */
const mark = (status: RuleResult['status']) => tone(MARK[status], MARK_TONE[status]);

function itemLine(i: MetricItem): string {
  const where = i.file ? ` (${i.file}${i.line ? `:${i.line}` : ''})` : '';
  return `${i.label}${i.file && i.label.startsWith(i.file) ? (i.line ? ` :${i.line}` : '') : where}${i.detail ? ` — ${i.detail}` : ''}`;
}

export function renderGateText(reports: GateReport[]): string {
  const out: string[] = [];
  for (const rep of reports) {
    if (reports.length > 1 || !rep.results.length) out.push(`${rep.repo}`);
    if (!rep.results.length) {
      out.push('  no gates or targets configured (add gates: to seams.yaml)\n');
      continue;
    }
    const values = rep.results.map((r) => formatValue(r.value, r.unit));
    const width = Math.max(5, ...values.map((v) => v.length));
    const rows = rep.results.map((r, i) => [
      mark(r.status),
      r.name,
      r.metric + (r.scenario ? ` (${r.scenario})` : '') + (r.tier && !r.metric.endsWith(`.${r.tier}`) ? ` [${r.tier}]` : ''),
      values[i]!.padStart(width),
      r.threshold,
    ]);
    out.push(textTable(['', 'Rule', 'Metric', 'Value'.padStart(width), 'Threshold'], rows));
    const notable = rep.results.filter((r) => r.status !== 'pass');
    if (notable.length) out.push('');
    for (const r of notable) {
      out.push(`${mark(r.status)} ${r.name}: ${r.message}`);
      if (r.detail) out.push(`     ${r.detail}`);
      for (const i of r.items.slice(0, MAX_ITEMS_TEXT)) out.push(`     - ${itemLine(i)}`);
      if (r.items.length > MAX_ITEMS_TEXT) out.push(`     … and ${r.items.length - MAX_ITEMS_TEXT} more (--format json lists all)`);
      if (r.source) out.push(`     defined at ${r.source}`);
    }
    const { pass, fail, warn } = rep.counts;
    out.push('');
    const count = (n: number, word: string, kind: Tone) => (n > 0 ? tone(`${n} ${word}`, kind) : `${n} ${word}`);
    out.push(`${rep.passed ? `gate ${tone('passed', 'good')}` : `gate ${tone('FAILED', 'bad')}`}: ${count(pass, 'passed', 'good')}, ${count(fail, 'failed', 'bad')}, ${count(warn, 'warnings', 'warn')}`);
    out.push('');
  }
  return out.join('\n');
}

export function renderGateJson(reports: GateReport[]): string {
  return `${JSON.stringify({ version: 1, passed: reports.every((r) => r.passed), repos: reports }, null, 2)}\n`;
}

export const xmlEscape = (s: string) =>
  s
    // characters XML 1.0 cannot carry at all
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** JUnit XML: one testsuite per repo, one testcase per rule; warnings are passing cases with system-out. */
export function renderGateJunit(reports: GateReport[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = reports.reduce((n, r) => n + r.results.length, 0);
  const failures = reports.reduce((n, r) => n + r.counts.fail, 0);
  lines.push(`<testsuites name="seams gate" tests="${total}" failures="${failures}">`);
  for (const rep of reports) {
    lines.push(`  <testsuite name="${xmlEscape(`seams gate: ${rep.repo}`)}" tests="${rep.results.length}" failures="${rep.counts.fail}" errors="0" skipped="0">`);
    for (const r of rep.results) {
      const attrs = `classname="${xmlEscape(`seams.${r.kind}`)}" name="${xmlEscape(r.name)}"${r.source ? ` file="${xmlEscape(r.source.replace(/:\d+:\d+$/, ''))}"` : ''}`;
      const body = [r.message, r.detail ?? '', ...r.items.map((i) => `- ${itemLine(i)}`)].filter(Boolean).join('\n');
      if (r.status === 'fail') {
        lines.push(`    <testcase ${attrs}>`);
        lines.push(`      <failure message="${xmlEscape(`${r.metric}: ${r.message}`)}" type="${xmlEscape(r.kind)}">${xmlEscape(body)}</failure>`);
        lines.push('    </testcase>');
      } else {
        lines.push(`    <testcase ${attrs}>`);
        lines.push(`      <system-out>${xmlEscape(`${r.status === 'warn' ? 'WARNING: ' : ''}${body}`)}</system-out>`);
        lines.push('    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Markdown for `$GITHUB_STEP_SUMMARY` (also used for the Markdown report's gate section). */
export function renderGateMarkdown(reports: GateReport[]): string {
  const out: string[] = [];
  const passed = reports.every((r) => r.passed);
  out.push(`## seams gate: ${passed ? '✅ passed' : '❌ failed'}`);
  for (const rep of reports) {
    if (reports.length > 1) out.push(`\n### ${mdText(rep.repo)}`);
    out.push('');
    out.push(
      mdTable(
        ['', 'Rule', 'Metric', 'Value', 'Threshold'],
        rep.results.map((r) => [
          r.status === 'pass' ? '✅' : r.status === 'warn' ? '⚠️' : '❌',
          r.name,
          r.metric + (r.scenario ? ` (${r.scenario})` : ''),
          formatValue(r.value, r.unit),
          r.threshold,
        ]),
      ),
    );
    for (const r of rep.results.filter((x) => x.status !== 'pass')) {
      out.push('');
      out.push(`**${mdText(r.name)}** — ${mdText(r.message)}${r.detail ? `  \n${mdText(r.detail, { start: true })}` : ''}`);
      for (const i of r.items.slice(0, 20)) out.push(`- ${mdCode(i.label)}${i.detail ? ` — ${mdText(i.detail)}` : ''}`);
      if (r.items.length > 20) out.push(`- … and ${r.items.length - 20} more`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Workflow-command escaping (GitHub: %, CR, LF in data; also : and , in properties). */
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * `::error file=…,line=…,title=…::message` annotations: one per failing test / file behind a
 * failed rule (up to 10 per rule), else one pointing at the rule in seams.yaml.
 */
export function renderGithubAnnotations(reports: GateReport[], cwdRelative: (file: string, root: string) => string): string {
  const out: string[] = [];
  for (const rep of reports)
    for (const r of rep.results) {
      if (r.status === 'pass') continue;
      const level = r.status === 'fail' ? 'error' : 'warning';
      const title = `seams gate ${r.name}`;
      const located = r.items.filter((i) => i.file).slice(0, 10);
      if (located.length) {
        for (const i of located)
          out.push(
            `::${level} file=${ghProp(cwdRelative(i.file!, rep.root))}${i.line ? `,line=${i.line}` : ''},title=${ghProp(title)}::${ghData(`${r.message}${i.detail ? ` — ${i.label}: ${i.detail}` : ` — ${i.label}`}`)}`,
          );
      } else {
        const m = r.source ? /^(.*):(\d+):(\d+)$/.exec(r.source) : null;
        const loc = m ? `file=${ghProp(m[1]!)},line=${m[2]},col=${m[3]},` : '';
        out.push(`::${level} ${loc}title=${ghProp(title)}::${ghData(`${r.message}${r.detail ? ` (${r.detail})` : ''}`)}`);
      }
    }
  return out.length ? `${out.join('\n')}\n` : '';
}
