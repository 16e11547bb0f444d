import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { md, mdCode, mdTable, mdText } from '../../src/report/markdown.js';
import { runCli } from '../helpers/cli.js';
import { result, runRecord, saveRuns, tempRepo } from '../gate/helpers.js';

const IMG = '<img src=x onerror=alert(1)>';
const LINK = '**x** [l](javascript:a)';

/** Renders like a Markdown viewer that lets HTML through (the worst case for a report). */
const html = (text: string) => new MarkdownIt({ html: true, linkify: true }).render(text);

function expectInert(markdown: string): void {
  const out = html(markdown);
  expect(out).not.toMatch(/<img/i);
  expect(out).not.toMatch(/<a\s/i);
  expect(out).not.toMatch(/javascript:a"/);
  expect(out).not.toMatch(/<strong>x<\/strong>/);
}

describe('Markdown escaping', () => {
  it('mdText leaves no HTML, link, emphasis or table syntax; mdCode keeps text literal', () => {
    for (const s of [IMG, LINK, 'a | b', '`code`', '~~gone~~', '_em_', '# heading', '1. item', 'x\ny'])
      expect(html(mdText(s, { start: true })).replace(/^<p>|<\/p>\n$/g, '')).not.toMatch(/<(img|a|strong|em|del|code|h1|ol|li|br)\b/);
    expect(mdText('test_api_ok')).toBe('test_api_ok');
    expect(html(`| a |\n|---|\n| ${mdText('x | y')} |`)).toContain('<td>x | y</td>');
    expect(html(mdCode(IMG))).toContain('<code>&lt;img src=x onerror=alert(1)&gt;</code>');
    expect(mdTable(['A', 'B'], [[md('**bold**'), IMG]])).toBe('| A | B |\n|---|---|\n| **bold** | &lt;img src=x onerror=alert(1)&gt; |');
  });

  it('seams report --markdown and seams gate --format markdown keep hostile titles, ids and messages inert', async () => {
    const root = tempRepo({
      'seams.yaml': `
components:
  api: { paths: ["src/api.py"] }
workflows:
  evil: { title: "${IMG} ${LINK}", chain: [api], priority: P1 }
scenarios:
  s: { title: "${LINK}", select: ["tests/integration/**"] }
gates:
  pass: { metric: passrate.integration, min: 1 }
`,
      'src/api.py': 'def handler():\n    return 1\n',
      'tests/integration/test_a.py': 'def test_ok():\n    pass\n',
    });
    await saveRuns(root, [
      runRecord([
        // the repo's test fails with a hostile message; a result that matches no inventory test has a hostile id
        result('tests/integration/test_a.py::test_ok', 'failed', { message: `${LINK} ${IMG}` }),
        result(`tests/integration/test_a.py::test_${IMG}`, 'failed', { message: `${LINK} ${IMG}` }),
      ]),
    ]);

    const gate = await runCli(['gate', root, '--format', 'markdown']);
    expect(gate.code).toBe(1);
    expectInert(gate.stdout);
    expect(html(gate.stdout)).toContain('**x** [l](javascript:a) &lt;img src=x onerror=alert(1)&gt;');

    const report = await runCli(['report', root, '--markdown']);
    expect(report.code).toBe(0);
    expectInert(report.stdout);
    const rendered = html(report.stdout);
    expect(rendered).toContain('<td>**x** [l](javascript:a)</td>'); // the scenario title, as text
    expect(rendered).toContain('&lt;img src=x onerror=alert(1)&gt; **x** [l](javascript:a)'); // the workflow title
  });
});
