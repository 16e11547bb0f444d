/**
 * How text output meets a terminal: whether it is coloured, and the width it must fit. The one
 * place that decides both; every text renderer and the table helper read it from here.
 *
 * - Colour: on when stdout is a TTY, unless `NO_COLOR` is set (any non-empty value) or `--no-color`
 *   is given; `FORCE_COLOR` turns it on anywhere (`0` turns it off). `CI` plays no part: a CI log
 *   is not a TTY anyway.
 * - Width: on a TTY every line fits `columns` (tables compact numbers, then cut free text with …;
 *   prose wraps at word boundaries). `--wide`, a pipe, a file and JSON keep the full text.
 */
import { styleText } from 'node:util';

export interface ColorInputs {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** `--no-color` was given. */
  noColor?: boolean;
}

/** Whether output is coloured: TTY × NO_COLOR × FORCE_COLOR × --no-color, never CI. */
export function decideColor({ isTTY, env, noColor }: ColorInputs): boolean {
  if (noColor) return false;
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return isTTY;
}

export interface TerminalInputs extends ColorInputs {
  columns?: number;
  /** `--wide`: the full text even on a terminal. */
  wide?: boolean;
}

export interface Terminal {
  color: boolean;
  /** The width every line must fit; undefined keeps the full text. */
  width?: number;
  /** `--wide` was given: renderers that take a width of their own keep the full text too. */
  wide?: boolean;
}

/** The width lines must fit: the terminal's columns on a TTY, none with --wide or in a pipe. */
export function decideWidth({ isTTY, columns, wide }: Pick<TerminalInputs, 'isTTY' | 'columns' | 'wide'>): number | undefined {
  if (wide || !isTTY || !columns || columns < 20) return undefined;
  return columns;
}

let current: Terminal = { color: false };

/** Set once by the CLI before a command runs (library callers keep the default: no colour, full width). */
export function setTerminal(t: Terminal): void {
  current = { ...t };
}

export function terminal(): Terminal {
  return current;
}

// ---------------------------------------------------------------------------------------------
// widths in terminal cells

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** East-Asian wide and fullwidth code points, and emoji: two cells. Combining marks: none. */
function cellsOf(cp: number): number {
  if (cp === 0 || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** The number of terminal cells `text` takes (ANSI colour codes take none). */
export function cellWidth(text: string): number {
  let w = 0;
  for (const ch of stripAnsi(text)) w += cellsOf(ch.codePointAt(0)!);
  return w;
}

/** `text` cut to at most `width` cells, ending in … when cut; colour codes stay whole (and a cut colour is ended). */
export function cutToCells(text: string, width: number): string {
  if (cellWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  let coloured = false;
  for (const part of text.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith('\u001b[')) {
      out += part;
      coloured = !/^\u001b\[(0|22|39|49)?m$/.test(part);
      continue;
    }
    let full = false;
    for (const ch of part) {
      const c = cellsOf(ch.codePointAt(0)!);
      if (w + c > width - 1) {
        full = true;
        break;
      }
      out += ch;
      w += c;
    }
    if (full) break;
  }
  return `${out}${coloured ? '\u001b[0m' : ''}…`;
}

export const padEndCells = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - cellWidth(text)));
export const padStartCells = (text: string, width: number): string => ' '.repeat(Math.max(0, width - cellWidth(text))) + text;

/** 12,345 → 12k, 1,234,567 → 1.2M; other text (percentages, dates, words) unchanged. */
export function compactNumber(text: string): string {
  const m = /^(-?)([\d,]+)$/.exec(text.trim());
  if (!m) return text;
  const n = Number(m[2]!.replace(/,/g, ''));
  if (!Number.isFinite(n) || n < 10_000) return text;
  const [div, unit] = n >= 1e9 ? [1e9, 'G'] : n >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
  const v = n / div;
  return `${m[1]}${v < 10 ? (Math.floor(v * 10) / 10).toString() : Math.floor(v).toString()}${unit}`;
}

/**
 * Wraps every line longer than `width` cells at word boundaries; the continuation lines keep the
 * line's indent plus two spaces. A word longer than the line is cut with ….
 */
export function wrapProse(text: string, width: number | undefined): string {
  if (!width) return text;
  return text
    .split('\n')
    .map((line) => {
      if (cellWidth(line) <= width) return line;
      const indent = /^\s*/.exec(line)![0];
      const hang = `${indent}  `;
      const words = line.slice(indent.length).split(/ +/);
      const out: string[] = [];
      let cur = indent;
      let curHasWord = false;
      for (const word of words) {
        const prefix = curHasWord ? `${cur} ` : cur;
        if (cellWidth(prefix + word) <= width) {
          cur = prefix + word;
          curHasWord = true;
          continue;
        }
        if (curHasWord) out.push(cur);
        const lead = out.length ? hang : indent;
        cur = cellWidth(lead + word) <= width ? lead + word : lead + cutToCells(word, width - cellWidth(lead));
        curHasWord = true;
      }
      out.push(cur);
      return out.join('\n');
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// colour

type Style = Parameters<typeof styleText>[0];

/**
 * We decide colour ourselves (decideColor), so styleText must not check the stream again: newer
 * Node 20/22 releases validate process.stdout by default (and strip in a pipe even under
 * FORCE_COLOR), older 20.x releases take no options and always colour.
 */
const styled = styleText as (style: Style, text: string, options?: { validateStream?: boolean }) => string;
const paint = (style: Style, s: string): string => styled(style, s, { validateStream: false });

/** What a status says, and so its colour: CRITICAL bold red; FAIL, HIGH, ✗ red; WARN, MEDIUM yellow; LOW cyan; PASS, ✓ green. */
export type Tone = 'critical' | 'bad' | 'warn' | 'info' | 'good';

const TONES: Record<Tone, Style> = { critical: ['bold', 'red'], bad: 'red', warn: 'yellow', info: 'cyan', good: 'green' };

/**
 * A status seams itself writes — a severity, PASS/FAIL/WARN, ✗, a verdict, a count of failures —
 * coloured when the terminal is (`t.color`), else as is. Renderers call it on exactly the token
 * they write, so a test named `test_FAIL_handling`, a file or a message is never coloured (colour
 * is never found by matching words in finished text). Colour codes take no cells: fitted tables
 * keep fitting, and cutToCells keeps the codes whole.
 */
export function tone(text: string, kind: Tone, t: Terminal = current): string {
  return t.color && text ? paint(TONES[kind], text) : text;
}

/** Text bound for stdout: wrapped to the terminal (its colour, if any, the renderers put in with tone). */
export function forTerminal(text: string, t: Terminal = current): string {
  return wrapProse(text, t.width);
}
