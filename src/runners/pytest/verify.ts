/**
 * `--verify` for pytest: runs the repo's own `python -m pytest --collect-only -q` and compares
 * its node ids with the static inventory, file by file.
 */
import type { DiscoveredTest, RepoInventory } from '../../core/types.js';
import { verifyByFile, type ComparedItem } from '../../core/verify.js';
import { execCommand } from '../../util/exec.js';
import type { VerifyOptions, VerifyReport } from '../types.js';

export interface NativeCollection {
  ids: string[];
  /** Files pytest reported collection errors for. */
  erroredFiles: string[];
  /** The error of each errored file, in pytest's words (the `E   ` lines, or the summary line's message). */
  messages: Map<string, string>;
}

/** Parses `pytest --collect-only -q` output: node ids first, then errors and the summary. */
export function parseCollectOnly(stdout: string): NativeCollection {
  const ids: string[] = [];
  const errored = new Set<string>();
  const messages = new Map<string, string>();
  const lines = stdout.split(/\r?\n/);
  let inItems = true;
  // the ERRORS section: `___ ERROR collecting <file> ___`, a traceback, `E   <error>` lines
  let block: { file: string; e: string[]; last: string } | null = null;
  const fallback = new Map<string, string>();
  const cut = (text: string) => (text.length > 500 ? `${text.slice(0, 499)}…` : text);
  const closeBlock = () => {
    if (block) {
      // the E lines are the error itself; without them the summary line says more than a location
      if (block.e.length) messages.set(block.file, cut(block.e.join(' ').replace(/\s+/g, ' ').trim()));
      else if (block.last) fallback.set(block.file, cut(block.last));
    }
    block = null;
  };
  for (const line of lines) {
    if (inItems) {
      if (line === '' || /^=+ /.test(line) || /^_+ /.test(line)) {
        inItems = false;
      } else if (/^(ERROR|WARNING|INTERNALERROR)\b/.test(line) || /^\d+ (tests? )?(collected|deselected|error)/.test(line)) {
        inItems = false;
      } else {
        ids.push(line);
        continue;
      }
    }
    const header = /^_+ ERROR collecting (\S+) _+$/.exec(line);
    if (header || /^[=_]{3,}/.test(line)) closeBlock();
    if (header) {
      errored.add(header[1]!);
      block = { file: header[1]!, e: [], last: '' };
      continue;
    }
    if (block) {
      if (/^E\s/.test(line)) block.e.push(line.slice(1).trim());
      else if (line.trim()) block.last = line.trim();
    }
    const err = /^ERROR (?:collecting )?(\S+?)(?: - (.*))?$/.exec(line);
    if (err && !err[1]!.startsWith('-')) {
      const file = err[1]!.split('::')[0]!;
      errored.add(file);
      // the short summary line, cut to the terminal's width: only when no traceback said more
      if (err[2]?.trim() && !messages.has(file)) messages.set(file, err[2].trim());
    }
  }
  closeBlock();
  for (const [file, text] of fallback) if (!messages.has(file)) messages.set(file, text);
  return { ids, erroredFiles: [...errored].sort(), messages };
}

/** A pytest node id split into its file and title path (`Class`, `test[params]`); params may hold `::`. */
export function splitNodeId(id: string): { file: string; titlePath: string[]; name: string; base: string | null } {
  const at = id.indexOf('::');
  if (at < 0) return { file: id, titlePath: [], name: '', base: null };
  const rest = id.slice(at + 2);
  const bracket = rest.indexOf('[');
  const head = bracket < 0 ? rest : rest.slice(0, bracket);
  const titlePath = head.split('::');
  if (bracket >= 0) titlePath[titlePath.length - 1] += rest.slice(bracket);
  return { file: id.slice(0, at), titlePath, name: rest, base: bracket < 0 ? null : id.slice(0, at + 2 + bracket) };
}

function fileOf(id: string): string {
  return id.split('::')[0]!;
}

/**
 * Whether a test file lies in what pytest could not collect: an errored file itself, or anything
 * under an errored folder (a package whose `conftest.py`/`__init__.py` failed to import is
 * reported as the folder, or as that file).
 */
export function leftOutBy(erroredFiles: readonly string[]): (file: string) => boolean {
  const files = new Set<string>();
  const dirs: string[] = [];
  for (const e of erroredFiles) {
    const p = e.replace(/\/+$/, '');
    if (/(^|\/)(conftest|__init__)\.py$/.test(p)) dirs.push(p.replace(/\/?[^/]+$/, ''));
    else if (/\.py$/.test(p)) files.add(p);
    else dirs.push(p);
  }
  return (file) => files.has(file) || dirs.some((d) => d === '' || d === '.' || file === d || file.startsWith(`${d}/`));
}

/**
 * Compares native and static ids, leaving out files and folders that pytest could not collect;
 * per file, with the differences that tests seams listed as dynamic explain (`tests`: the static
 * tests of the ids, for which are dynamic).
 */
export function compareIds(
  nativeIds: readonly string[],
  staticIds: readonly string[],
  erroredFiles: readonly string[],
  tests: readonly DiscoveredTest[] = [],
): Pick<VerifyReport, 'nativeCount' | 'staticCount' | 'matched' | 'missing' | 'extra' | 'matchRate' | 'files' | 'explained'> {
  const leftOut = leftOutBy(erroredFiles);
  const native = new Set(nativeIds.filter((id) => !leftOut(fileOf(id))));
  const stat = new Set(staticIds.filter((id) => !leftOut(fileOf(id))));
  let matched = 0;
  for (const id of native) if (stat.has(id)) matched++;
  const missing = [...native].filter((id) => !stat.has(id));
  const extra = [...stat].filter((id) => !native.has(id));
  const denom = Math.max(native.size, stat.size);
  const dynamicIds = new Set(tests.filter((t) => t.dynamic).map((t) => t.id));
  const items = function* (): Generator<ComparedItem> {
    for (const id of native) if (stat.has(id)) yield { kind: 'identical', file: fileOf(id) };
    for (const id of missing) {
      const s = splitNodeId(id);
      yield { kind: 'missing', file: s.file, listed: { id, project: null, titlePath: s.titlePath, ...(s.base ? { origin: s.base } : {}) } };
    }
    for (const id of extra) yield { kind: 'extra', file: fileOf(id), dynamic: dynamicIds.has(id) };
  };
  const byFile = verifyByFile(
    items(),
    tests.filter((t) => !leftOut(fileOf(t.id))),
    (t) => fileOf(t.id),
  );
  return {
    nativeCount: native.size,
    staticCount: stat.size,
    matched,
    missing,
    extra,
    matchRate: denom === 0 ? 1 : matched / denom,
    files: byFile.files,
    explained: byFile.explained,
  };
}

export async function verifyPytest(root: string, inventory: RepoInventory, options: VerifyOptions): Promise<VerifyReport[]> {
  const python = options.python ?? 'python3';
  // --verbosity=-1 rather than -q: one id a line even when addopts holds -q (-q -q lists counts)
  const args = ['-m', 'pytest', '--collect-only', '--verbosity=-1', '-p', 'no:cacheprovider'];
  const command = `${python} ${args.join(' ')}`;
  const tests = inventory.tests.filter((t) => t.runner === 'pytest');
  const staticIds = tests.map((t) => t.id);
  const base: VerifyReport = {
    runner: 'pytest',
    project: null,
    command,
    nativeCount: 0,
    staticCount: staticIds.length,
    matched: 0,
    missing: [],
    extra: [],
    erroredFiles: [],
    matchRate: 0,
  };
  const result = await execCommand(python, args, {
    cwd: root,
    timeoutMs: options.timeoutMs ?? 15 * 60_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (result.spawnError) {
    const reason = result.spawnError.code === 'ENOENT' ? `Python interpreter not found: ${python}` : `cannot run ${python}: ${result.spawnError.message}`;
    return [{ ...base, error: `${reason} (pass --python /path/to/python)` }];
  }
  if (result.signal) return [{ ...base, error: `${command} was stopped (${result.signal}) — timeout?` }];
  if (/No module named pytest/.test(result.stderr)) return [{ ...base, error: `pytest is not installed for ${python} (pip install pytest, or pass --python)` }];
  // Exit codes: 0 ok, 1 tests failed (n/a), 2 interrupted (collection errors), 5 no tests collected.
  if (result.code !== 0 && result.code !== 2 && result.code !== 5) {
    const firstErr = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
    return [{ ...base, error: `${command} failed with exit code ${result.code}: ${firstErr.slice(0, 300)}` }];
  }
  const native = parseCollectOnly(result.stdout);
  return [{ ...base, ...compareIds(native.ids, staticIds, native.erroredFiles, tests), erroredFiles: native.erroredFiles }];
}
