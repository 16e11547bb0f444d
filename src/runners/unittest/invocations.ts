/**
 * How a repository runs `python -m unittest`: the invocations found in tox.ini `commands`,
 * Makefiles, GitHub workflow `run:` steps (read with the yaml parser), package.json scripts and
 * pyproject.toml / setup.cfg script tables (read with smol-toml / line by line), each with the
 * folder it runs in and its discover arguments (`-s`, `-p`, `-t`, or the positional forms).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { noteInput } from '../../util/inputs.js';
import { parse as parseToml } from 'smol-toml';
import YAML from 'yaml';

export interface Invocation {
  /** Repo-relative folder the command runs in ('' for the root). */
  cwd: string;
  /** Relative to cwd, POSIX, '.' for cwd itself. */
  start: string;
  pattern: string;
  /** Relative to cwd; null when not given (unittest then uses the start folder). */
  top: string | null;
  /** Where it was found (`tox.ini`, `.github/workflows/ci.yml`). */
  source: string;
  /** Module names given instead of discovery (`python -m unittest tests.test_a`). */
  names: string[];
}

const UNITTEST = /(?:^|[\s;&|(])(?:\S*python[\w.{}]*|py|coverage run)(?:\s+-\S+)*?\s+-m\s+unittest(?=\s|$)(.*)$/;

/** Shell-ish words of a command tail, stopping at `;`, `&&`, `||`, `|`, `>` and comments. */
function words(tail: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(tail))) {
    const w = m[1] ?? m[2] ?? m[3]!;
    if (m[3] && /^(;|&&|\|\||\||>|>>|2>&1|#.*)$/.test(w)) break;
    if (m[3] && /[;]$/.test(w)) {
      out.push(w.slice(0, -1));
      break;
    }
    out.push(w);
  }
  return out;
}

/** The discover arguments of one `python -m unittest …` command tail. */
export function parseUnittestArgs(tail: string): Omit<Invocation, 'cwd' | 'source'> | null {
  const ws = words(tail.replace(/\{(toxinidir|project|package)\}/g, '.')).filter((w) => !/^\{.*\}$/.test(w) && !/^\$/.test(w));
  let discover = false;
  const positional: string[] = [];
  const opt: Record<string, string> = {};
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (w === 'discover' && !discover && positional.length === 0) {
      discover = true;
      continue;
    }
    const long = /^--(start-directory|pattern|top-level-directory)(?:=(.*))?$/.exec(w);
    const short = /^-([spt])(.*)$/.exec(w);
    if (long) {
      const key = long[1]![0]!;
      opt[key] = long[2] ?? ws[++i] ?? '';
    } else if (short && (discover || ws.includes('discover'))) {
      opt[short[1]!] = short[2] || (ws[++i] ?? '');
    } else if (w === '-k') i++;
    else if (!w.startsWith('-')) positional.push(w);
  }
  if (!discover && positional.length) return { start: '.', pattern: 'test*.py', top: null, names: positional };
  return {
    start: clean(opt.s ?? positional[0] ?? '.'),
    pattern: opt.p ?? positional[1] ?? 'test*.py',
    top: (opt.t ?? positional[2]) !== undefined ? clean((opt.t ?? positional[2])!) : null,
    names: [],
  };
}

const clean = (p: string) => path.posix.normalize(p.replace(/\/+$/, '')) || '.';

function commandsIn(text: string): string[] {
  const out: string[] = [];
  // joined continuation lines (Makefile / shell `\`)
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const m = UNITTEST.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

function read(rootAbs: string, file: string): string | null {
  noteInput('file', path.join(rootAbs, file));
  try {
    return readFileSync(path.join(rootAbs, file), 'utf8');
  } catch {
    return null;
  }
}

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringsOf(v, out));
  return out;
}

/** Commands (with their cwd) of the GitHub workflow steps. */
function workflowCommands(text: string): { cwd: string; text: string }[] {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch {
    return [];
  }
  const out: { cwd: string; text: string }[] = [];
  const jobs = (doc as { jobs?: Record<string, { defaults?: { run?: { 'working-directory'?: string } }; steps?: unknown[] }> })?.jobs ?? {};
  for (const job of Object.values(jobs)) {
    const jobCwd = job?.defaults?.run?.['working-directory'] ?? '';
    for (const step of job?.steps ?? []) {
      const s = step as { run?: unknown; 'working-directory'?: string };
      if (typeof s?.run === 'string') out.push({ cwd: s['working-directory'] ?? jobCwd, text: s.run });
    }
  }
  return out;
}

const dirOf = (f: string) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '');
const norm = (d: string) => {
  const n = d ? path.posix.normalize(d).replace(/^\.\//, '').replace(/\/$/, '') : '';
  return n === '.' ? '' : n;
};

const CANDIDATE = /^(tox\.ini|Makefile|makefile|GNUmakefile|setup\.cfg|noxfile\.py|package\.json|pyproject\.toml)$/;

/** Every `python -m unittest` invocation the repository's own tooling makes. */
export function findInvocations(rootAbs: string, files: readonly string[]): Invocation[] {
  const out: Invocation[] = [];
  const add = (cwd: string, tail: string, source: string) => {
    const parsed = parseUnittestArgs(tail);
    if (parsed) out.push({ ...parsed, cwd: norm(cwd), source });
  };
  const skip = /(^|\/)(node_modules|\.venv|venv|site-packages|\.tox)\//;
  for (const f of files) {
    if (skip.test(f)) continue;
    const base = f.slice(f.lastIndexOf('/') + 1);
    if (!CANDIDATE.test(base) && !/^\.github\/workflows\//.test(f)) continue;
    const text = read(rootAbs, f);
    if (!text?.includes('unittest')) continue;
    if (base === 'tox.ini' || base === 'Makefile' || base === 'makefile' || base === 'GNUmakefile' || base === 'setup.cfg' || base === 'noxfile.py') {
      for (const c of commandsIn(text)) add(dirOf(f), c, f);
    } else if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(f)) {
      for (const step of workflowCommands(text)) for (const c of commandsIn(step.text)) add(step.cwd, c, f);
    } else if (base === 'package.json') {
      try {
        const scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {};
        for (const s of stringsOf(scripts)) for (const c of commandsIn(s)) add(dirOf(f), c, f);
      } catch {
        /* not JSON */
      }
    } else if (base === 'pyproject.toml') {
      try {
        const doc = parseToml(text) as { tool?: unknown };
        for (const s of stringsOf(doc.tool)) for (const c of commandsIn(s)) add(dirOf(f), c, f);
      } catch {
        /* not TOML */
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((i) => {
    const key = `${i.cwd}\u0000${i.start}\u0000${i.pattern}\u0000${i.top}\u0000${i.names.join(' ')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
