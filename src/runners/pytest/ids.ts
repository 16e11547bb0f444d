/**
 * Parameter ids exactly as pytest makes them (`_pytest.python.IdMaker` and
 * `_pytest.compat.ascii_escaped`), from statically evaluated values.
 */
import { asciiEscapeBytes, asciiEscapeStr, pyFloatRepr } from '../../languages/python/values/repr.js';
import type { PyValue } from '../../languages/python/values/types.js';

export { asciiEscapeBytes, asciiEscapeStr, pyFloatRepr, pyImaginaryStr } from '../../languages/python/values/repr.js';

export interface IdOptions {
  /** `disable_test_id_escaping_and_forfeit_all_rights_to_community_support`. */
  noEscape: boolean;
}

/** `IdMaker._idval_from_value`; undefined where pytest falls back to `argname + index`. */
export function idFromValue(v: PyValue, opts: IdOptions): string | undefined {
  switch (v.k) {
    case 'str':
      return opts.noEscape ? v.v : asciiEscapeStr(v.v);
    case 'bytes':
      return opts.noEscape ? v.v : asciiEscapeBytes(v.v);
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'int':
      return v.v.toString();
    case 'float':
      return pyFloatRepr(v.v);
    case 'complex':
      return v.text;
    case 'enum':
      return v.text;
    case 'named':
      return v.name;
    case 'seq':
      // a generator object: its __name__
      return v.name;
    default:
      return undefined;
  }
}

/** `IdMaker.make_unique_parameterset_ids`: duplicate ids get a counter suffix. */
export function makeUnique(ids: string[]): string[] {
  const resolved = [...ids];
  if (new Set(resolved).size === resolved.length) return resolved;
  const counts = new Map<string, number>();
  for (const id of resolved) counts.set(id, (counts.get(id) ?? 0) + 1);
  const suffixes = new Map<string, number>();
  for (let i = 0; i < resolved.length; i++) {
    const id = ids[i]!;
    if ((counts.get(id) ?? 0) <= 1) continue;
    const suffix = id !== '' && /\d$/.test(id) ? '_' : '';
    let n = suffixes.get(id) ?? 0;
    let candidate = `${id}${suffix}${n}`;
    const taken = new Set(resolved);
    while (taken.has(candidate)) {
      n++;
      candidate = `${id}${suffix}${n}`;
    }
    resolved[i] = candidate;
    suffixes.set(id, n + 1);
  }
  return resolved;
}
