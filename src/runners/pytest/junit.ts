import path from 'node:path';
import type { JUnitNaming } from '../contract.js';
import { toPosix } from '../../util/paths.js';

/** pytest's junit naming (`mangle_test_address`): `a/b.py::C::t[x]` → classname `a.b.C`, name `t[x]`. */
export function pytestJUnitKey(nodeId: string): string {
  const bracket = nodeId.indexOf('[');
  const head = bracket === -1 ? nodeId : nodeId.slice(0, bracket);
  const params = bracket === -1 ? '' : nodeId.slice(bracket);
  const names = head.replace(/::\(\)::/g, '::').split('::');
  names[0] = names[0]!.replace(/\//g, '.').replace(/\.py$/, '');
  names[names.length - 1] += params;
  return `${names.slice(0, -1).join('.')}\u0000${names[names.length - 1]}`;
}

/**
 * The node id of a JUnit case before its name: `a/b.py::C` (the name follows after `::`). A
 * function of (runnerRoot, file, classname) only, which a report repeats for every case of a
 * class: kept in a small cache, so that a million results cost a few thousand path computations.
 */
function pytestIdPrefix(classname: string, file: string | undefined, runnerRoot: string): string {
  // consecutive cases mostly share their class: compare with the last one before hashing a key
  const last = lastPrefix;
  if (last && last.classname === classname && last.file === file && last.runnerRoot === runnerRoot) return last.prefix;
  // a copy of its own: the reader's strings are slices of a 1 MB chunk of the report, which a
  // cached key would keep alive (4,096 keys held ~200 MB more at 1M cases)
  const key = own(`${runnerRoot}\u0000${file ?? '\u0001'}\u0000${classname}`);
  let prefix = prefixes.get(key);
  if (prefix !== undefined) {
    lastPrefix = { classname, file, runnerRoot, prefix };
    return prefix;
  }
  const parts = classname.split('.');
  if (file) {
    const modParts = file.replace(/\.py$/, '').split('/');
    prefix = [toPosix(path.posix.relative(runnerRoot || '.', file) || file), ...parts.slice(modParts.length)].join('::');
  } else {
    let i = parts.findIndex((p) => /^[A-Z]/.test(p));
    if (i === -1) i = parts.length;
    const mod = parts.slice(0, i).join('/');
    prefix = [mod ? `${mod}.py` : classname, ...parts.slice(i)].join('::');
  }
  prefix = own(prefix);
  // bounded: a report of many classes keeps at most this many (cleared, not evicted one by one)
  if (prefixes.size >= 1024) prefixes.clear();
  prefixes.set(key, prefix);
  lastPrefix = { classname, file, runnerRoot, prefix };
  return prefix;
}
const prefixes = new Map<string, string>();
/** A fresh flat copy of a string (not a slice of a bigger one). */
const own = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');
let lastPrefix: { classname: string; file: string | undefined; runnerRoot: string; prefix: string } | undefined;

/** A pytest node id for a JUnit case no inventory test matched (best effort). */
export function guessPytestId(c: { classname: string; name: string; file?: string }, runnerRoot: string): string {
  return `${pytestIdPrefix(c.classname, c.file, runnerRoot)}::${c.name}`;
}

export const pytestJUnitNaming: JUnitNaming = {
  keys: (t) => [pytestJUnitKey(t.id)],
  guessId: guessPytestId,
};

/** conftest.py files pytest loads for a test file: in its folder and every folder above. */
export function conftestsFor(testFile: string, conftests: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const parts = testFile.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const c = [...parts.slice(0, i), 'conftest.py'].join('/');
    if (conftests.has(c) && c !== testFile) out.push(c);
  }
  return out;
}
