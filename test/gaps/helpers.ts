import type { DiscoveredTest } from '../../src/core/types.js';
import { writeRepo as writeRepoIn } from '../helpers/repo.js';

/** Writes a tiny repo into a fresh temp dir: { 'a/b.py': 'text' }. */
export const writeRepo = (files: Record<string, string>): string => writeRepoIn(files, 'seams-gaps-');

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
