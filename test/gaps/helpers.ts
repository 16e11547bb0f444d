import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DiscoveredTest } from '../../src/core/types.js';

/** Writes a tiny repo into a fresh temp dir: { 'a/b.py': 'text' }. */
export function writeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'seams-gaps-'));
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return root;
}

export function testOf(partial: Partial<DiscoveredTest> & { id: string; file: string }): DiscoveredTest {
  return {
    runner: 'pytest',
    project: null,
    line: 1,
    titlePath: [partial.id],
    name: partial.id,
    tier: 'unit',
    tierSource: 'default',
    markers: [],
    status: 'active',
    dynamic: false,
    refs: { workflows: [], components: [], requirements: [] },
    ...partial,
  };
}
