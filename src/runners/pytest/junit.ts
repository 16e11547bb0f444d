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

/** A pytest node id for a JUnit case no inventory test matched (best effort). */
export function guessPytestId(c: { classname: string; name: string; file?: string }, runnerRoot: string): string {
  if (c.file) {
    const parts = c.classname.split('.');
    const modParts = c.file.replace(/\.py$/, '').split('/');
    const classes = parts.slice(modParts.length);
    return [toPosix(path.posix.relative(runnerRoot || '.', c.file) || c.file), ...classes, c.name].join('::');
  }
  const parts = c.classname.split('.');
  let i = parts.findIndex((p) => /^[A-Z]/.test(p));
  if (i === -1) i = parts.length;
  const mod = parts.slice(0, i).join('/');
  return [mod ? `${mod}.py` : c.classname, ...parts.slice(i), c.name].join('::');
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
