import { readFileSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { result, runRecord, saveRuns, tempRepo } from '../gate/helpers.js';
import { mkdirSync, writeFileSync } from 'node:fs';

function writeRepoAt(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/**
 * Issue 12, defect 8: every Markdown output escapes HTML and Markdown in what comes from the code
 * under test or the runners. Hostile text goes into a test title (a pytest parametrisation id), a
 * docstring, a failure message, a requirement title, a workflow and a scenario title, and a
 * result id that matches no test; each Markdown renderer's output is rendered by markdown-it with
 * HTML allowed (the worst viewer) and must hold no tag, link or emphasis made from that text.
 */

const IMG = '<img src=x onerror=alert(1)>';
const LINK = '[x](javascript:alert(1))';
const BOLD = '**bold**';
const HOSTILE = `${IMG} ${LINK} ${BOLD}`;

const render = (text: string) => new MarkdownIt({ html: true, linkify: true }).render(text);

function expectInert(name: string, markdown: string): void {
  const out = render(markdown);
  expect(out, `${name}: raw tag`).not.toMatch(/<img/i);
  expect(out, `${name}: link`).not.toMatch(/<a\s[^>]*href="javascript:/i);
  expect(out, `${name}: link text`).not.toMatch(/<a\s[^>]*>x<\/a>/i);
  expect(out, `${name}: emphasis`).not.toMatch(/<strong>bold<\/strong>/);
}

describe('every Markdown output keeps hostile text inert', () => {
  it('scan, gaps, trace, gate (stdout and GitHub step summary) and the completion report', async () => {
    // the repository's folder name is hostile too (it names the repo in every heading)
    const files: Record<string, string> = {
      'seams.yaml': `
components:
  api: { paths: ["src/api.py"] }
  db: { paths: ["src/db.py"] }
workflows:
  evil: { title: "${IMG} ${LINK} ${BOLD}", chain: [api], priority: P1 }
  open: { title: "${IMG} ${LINK} ${BOLD} uncovered", chain: [db], priority: P1 }
scenarios:
  s: { title: "${LINK} ${BOLD}", select: ["tests/integration/**"] }
gates:
  pass: { metric: passrate.integration, min: 1 }
  stray: { metric: passrate.e2e, min: 1 }
`,
      'specs/req.md': `# Requirements\n\n| Requirement | Description |\n|---|---|\n| REQ-001 | ${IMG.replace(/\|/g, '')} ${LINK} ${BOLD} MUST hold end-to-end |\n| REQ-002 | ${IMG} ${LINK} no test yet |\n`,
      'src/api.py': 'def handler():\n    return 1\n',
      'src/db.py': 'def query():\n    return 1\n',
      'tests/integration/test_a.py': `import pytest\nfrom src.api import handler\n\n\n@pytest.mark.parametrize("v", ["${IMG} ${LINK} ${BOLD}"])\ndef test_ok(v):\n    """Covers: REQ-001 ${BOLD}"""\n    assert handler()\n`,
      'tests/e2e/test_flow.py': 'def test_flow():\n    pass\n',
    };
    const root = path.join(tempRepo({}), HOSTILE);
    writeRepoAt(root, files);
    const scan = await runCli(['scan', root, '--format', 'json']);
    const ids: string[] = JSON.parse(scan.stdout).repos[0].tests.map((t: { id: string }) => t.id);
    const hostileId = ids.find((i) => i.includes('<img'));
    expect(hostileId, ids.join('\n')).toBeDefined();
    await saveRuns(root, [
      runRecord([result(hostileId!, 'failed', { message: `AssertionError: ${HOSTILE}` })]),
      runRecord([result(`tests/e2e/test_${IMG}.py::test_${BOLD}`, 'failed', { tier: 'e2e', known: false, message: HOSTILE })], { tiers: ['e2e'] }),
    ]);

    const outputs: Record<string, string> = {};
    const ok = async (name: string, args: string[], codes: number[], env?: NodeJS.ProcessEnv) => {
      const r = await runCli(args, env ? { env } : undefined);
      expect(codes, `${name}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
      outputs[name] = r.stdout;
    };
    await ok('scan', ['scan', root, '--format', 'markdown'], [0]);
    await ok('gaps', ['gaps', root, '--format', 'markdown'], [0, 1]);
    await ok('trace', ['trace', root, '--format', 'markdown'], [0, 1]);
    await ok('gate', ['gate', root, '--format', 'markdown'], [1]);
    const summary = path.join(root, 'summary.md');
    await ok('gate summary', ['gate', root], [1], { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    outputs['gate summary'] = readFileSync(summary, 'utf8');
    await ok('report', ['report', root, '--markdown'], [0]);

    // the hostile text reached every output (as text), so the checks below are not vacuous
    expect(outputs.scan).toContain('onerror');
    expect(outputs.trace).toContain('onerror');
    expect(outputs.gaps).toContain('onerror');
    expect(outputs.gate).toContain('javascript:alert(1)');
    expect(outputs['gate summary']).toContain('javascript:alert(1)');
    expect(outputs.report).toContain('javascript:alert(1)');
    for (const [name, text] of Object.entries(outputs)) expectInert(name, text);
    // shown as the text it is
    expect(render(outputs.gate!)).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
