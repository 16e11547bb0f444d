import { readFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { RequirementDef } from '../core/trace.js';
import type { Diagnostic } from '../core/types.js';
import { parseRequirementsMarkdown } from './markdown.js';

export { parseRequirementsMarkdown } from './markdown.js';

const MAX_BYTES = 5_000_000;

/**
 * Reads requirement definitions from the repo files matching `sources` (globs). Markdown files
 * (`.md`, `.markdown`, `.mdx`) are parsed with markdown-it; other text files are read line by
 * line (a line that starts with an id defines it). Unreadable files become diagnostics.
 * With `explicit` (the user wrote `requirements.sources`), a glob that matches no file and
 * sources that define no id are diagnostics too: a typo must not read as "no requirements".
 */
export async function readRequirements(
  root: string,
  files: readonly string[],
  sources: readonly string[],
  pattern: string,
  options: { explicit?: boolean } = {},
): Promise<{ definitions: RequirementDef[]; sources: string[]; diagnostics: Diagnostic[] }> {
  const match = picomatch([...sources], { dot: true });
  const selected = files.filter((f) => match(f));
  const re = new RegExp(pattern, 'g');
  const definitions: RequirementDef[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of selected) {
    let text: string;
    try {
      const buf = await readFile(path.join(root, file));
      if (buf.length > MAX_BYTES || buf.includes(0)) {
        diagnostics.push({ severity: 'warning', code: 'REQUIREMENTS_SKIPPED', file, message: `${file} is binary or larger than 5 MB; no requirements read from it` });
        continue;
      }
      text = buf.toString('utf8');
    } catch (error) {
      diagnostics.push({ severity: 'warning', code: 'UNREADABLE', file, message: `cannot read ${file}: ${(error as Error).message}` });
      continue;
    }
    if (/\.(md|markdown|mdx)$/i.test(file)) definitions.push(...parseRequirementsMarkdown(text, file, re));
    else definitions.push(...parsePlainText(text, file, re));
  }
  if (options.explicit) {
    for (const glob of sources)
      if (!files.some((f) => picomatch.isMatch(f, glob, { dot: true })))
        diagnostics.push({ severity: 'warning', code: 'REQUIREMENTS_SOURCE_EMPTY', message: `requirements.sources "${glob}" matches no file` });
    if (selected.length && !definitions.length)
      diagnostics.push({
        severity: 'warning',
        code: 'REQUIREMENTS_NONE_DEFINED',
        message: `requirements.sources match ${selected.length === 1 ? selected[0] : `${selected.length} files`} but define no id matching ${pattern}`,
      });
  }
  return { definitions, sources: selected, diagnostics };
}

function parsePlainText(text: string, file: string, pattern: RegExp): RequirementDef[] {
  const defs: RequirementDef[] = [];
  const re = new RegExp(`^\\s*[-*]?\\s*(?:${pattern.source})`, pattern.flags.replace('g', ''));
  text.split(/\r?\n/).forEach((line, i) => {
    const m = re.exec(line);
    if (!m) return;
    const id = new RegExp(pattern.source).exec(line)![0];
    const rest = line.slice(line.indexOf(id) + id.length).replace(/^[\s:.\-–—]+/, '').trim();
    defs.push({ id, title: rest.slice(0, 160), text: line.trim(), file, line: i + 1, kind: 'paragraph' });
  });
  return defs;
}
