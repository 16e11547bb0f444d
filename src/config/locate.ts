import path from 'node:path';

/**
 * `file:line:col` of a key path in a config file, from positions taken when it was parsed, so a
 * config restored from the scan cache points at its lines without parsing the YAML again.
 * Keys are the key path joined with NUL; a path that is not in the file points at its deepest
 * existing parent, as the YAML document would.
 */
export type ConfigPositions = Record<string, [line: number, col: number]>;

export const positionKey = (keyPath: readonly (string | number)[]): string => keyPath.map(String).join('\u0000');

export function locatorOf(file: string, positions: ConfigPositions): (keyPath: readonly (string | number)[]) => string {
  return (keyPath) => {
    const display = path.relative(process.cwd(), file) || file;
    for (let n = keyPath.length; n >= 0; n--) {
      const at = positions[positionKey(keyPath.slice(0, n))];
      if (at) return `${display}:${at[0]}:${at[1]}`;
    }
    return display;
  };
}
