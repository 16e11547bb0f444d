import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerIds } from '../../src/runners/registry.js';

/**
 * Nothing outside `src/runners/` names a runner: every runner list, choice and special case comes
 * from the registry (`src/runners/registry.ts`), so a new runner is one folder and one registry
 * line. This test fails on a comparison with a runner id literal (`=== 'pytest'`, `'jest' !==`,
 * `case 'vitest':`) and on a literal list of two or more runner ids, in any file of src/ outside
 * src/runners/.
 */
const src = path.resolve(import.meta.dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const ids = runnerIds();
const lit = `['"](?:${ids.map(esc).join('|')})['"]`;
const PATTERNS: [string, RegExp][] = [
  ['comparison', new RegExp(`[!=]==?\\s*${lit}|${lit}\\s*[!=]==?`)],
  ['case label', new RegExp(`\\bcase\\s+${lit}\\s*:`)],
  ['runner list', new RegExp(`\\[[^\\]\\n]*${lit}[^\\]\\n]*${lit}`)],
];

/** `file:line: text` of every line naming a runner id the forbidden way. */
export function runnerNameUses(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // comments may name runners
        for (const [what, re] of PATTERNS) if (re.test(line)) out.push(`${path.relative(src, file)}:${i + 1}: ${what}: ${line.trim()}`);
      });
  }
  return out;
}

const outsideRunners = walk(src).filter((f) => !f.startsWith(path.join(src, 'runners') + path.sep));

describe('no runner names outside src/runners/', () => {
  it('the patterns catch what they must', () => {
    const probe = (line: string) => PATTERNS.some(([, re]) => re.test(line));
    expect(probe("if (t.runner === 'pytest') x();")).toBe(true);
    expect(probe(`if ("jest" !== r) x();`)).toBe(true);
    expect(probe("    case 'vitest':")).toBe(true);
    expect(probe("const JS = new Set(['vitest', 'jest']);")).toBe(true);
    expect(probe("if (r.runner === 'node-test') x();")).toBe(true);
    expect(probe("if (r.runner === other) x();")).toBe(false);
    expect(probe("const label = 'pytest is not installed';")).toBe(false);
  });

  it('src/ outside runners/ compares with no runner id (languages/ takes dialect options instead)', () => {
    expect(runnerNameUses(outsideRunners)).toEqual([]);
  });
});
