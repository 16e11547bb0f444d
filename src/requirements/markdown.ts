import MarkdownIt from 'markdown-it';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import type { RequirementDef } from '../core/trace.js';

/**
 * Requirement definitions in Markdown, found with markdown-it's token line maps:
 *   - headings that start with an id:            `## FR-007: Provisioning summary`, `### Requirement REQ-12 — …`
 *   - list items that start with one (spec-kit): `- **FR-001**: System MUST …`
 *   - paragraphs that start with one:            `NFR-002 The API answers within 200 ms.`
 *   - table rows with a cell that is exactly one: `| FR-020 | Nested keys MUST … | P1 |`
 * An id in the middle of a sentence is a mention, not a definition. Code blocks are ignored.
 */

const md = new MarkdownIt({ html: false, linkify: false });

function plain(inline: Token): string {
  if (!inline.children?.length) return inline.content;
  let out = '';
  for (const c of inline.children) {
    if (c.type === 'text' || c.type === 'code_inline') out += c.content;
    else if (c.type === 'softbreak' || c.type === 'hardbreak') out += ' ';
  }
  return out;
}

const PREFIX_WORDS = /^(requirement|req|feature|story|criterion|criteria|success criterion)$/i;

/** Where the first id of `text` starts, if it stands at the beginning (after punctuation or one label word). */
function leadingId(text: string, pattern: RegExp): { id: string; rest: string } | undefined {
  const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  const m = re.exec(text);
  if (!m) return undefined;
  const before = text.slice(0, m.index).replace(/[\s*_`[\](){}#:.\-–—|>]+/g, ' ').trim();
  if (before && !PREFIX_WORDS.test(before)) return undefined;
  const rest = text
    .slice(m.index + m[0].length)
    .replace(/^[\s*_`\])}]*[:.\-–—)]?\s*/, '')
    .trim();
  return { id: m[0], rest };
}

function titleOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 160 ? `${t.slice(0, 157)}…` : t;
}

export function parseRequirementsMarkdown(source: string, file: string, pattern: RegExp): RequirementDef[] {
  const tokens = md.parse(source, {});
  const defs: RequirementDef[] = [];
  let listDepth = 0;
  let row: { line: number; cells: string[] } | undefined;
  let inHead = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    switch (tok.type) {
      case 'list_item_open':
        listDepth++;
        break;
      case 'list_item_close':
        listDepth--;
        break;
      case 'thead_open':
        inHead = true;
        break;
      case 'thead_close':
        inHead = false;
        break;
      case 'tr_open':
        row = { line: (tok.map?.[0] ?? 0) + 1, cells: [] };
        break;
      case 'tr_close':
        if (row && !inHead) defineRow(row, file, pattern, defs);
        row = undefined;
        break;
      case 'inline': {
        const prev = tokens[i - 1];
        const text = plain(tok);
        if (row && (prev?.type === 'td_open' || prev?.type === 'th_open')) {
          row.cells.push(text.trim());
          break;
        }
        const kind: RequirementDef['kind'] | undefined =
          prev?.type === 'heading_open' ? 'heading' : prev?.type === 'paragraph_open' ? (listDepth > 0 ? 'list' : 'paragraph') : undefined;
        if (!kind) break;
        // A list item defines an id only in its first paragraph.
        if (kind === 'list' && tokens[i - 2]?.type !== 'list_item_open') break;
        const hit = leadingId(text, pattern);
        if (!hit) break;
        defs.push({ id: hit.id, title: titleOf(hit.rest), text: text.replace(/\s+/g, ' ').trim(), file, line: (tok.map?.[0] ?? 0) + 1, kind });
        break;
      }
      default:
        break;
    }
  }
  return defs;
}

function defineRow(row: { line: number; cells: string[] }, file: string, pattern: RegExp, defs: RequirementDef[]): void {
  const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace('g', ''));
  const idx = row.cells.findIndex((c) => whole.test(c.replace(/[*_`]/g, '').trim()));
  if (idx < 0) return;
  const id = row.cells[idx]!.replace(/[*_`]/g, '').trim();
  const others = row.cells.filter((c, j) => j !== idx && c !== '');
  const title = row.cells.slice(idx + 1).find((c) => c !== '') ?? others[0] ?? '';
  defs.push({ id, title: titleOf(title), text: row.cells.join(' | '), file, line: row.line, kind: 'table' });
}
