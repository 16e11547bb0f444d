import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/resolve.js';
import { countFindings, requirementFindings } from '../../src/core/findings.js';
import { buildTrace } from '../../src/core/trace.js';
import { parseRequirementsMarkdown } from '../../src/requirements/markdown.js';
import { testOf } from './helpers.js';

const PATTERN = new RegExp(DEFAULTS.requirementPattern, 'g');

const SPEC = `# Spec

## FR-001: Heading requirement

Text that mentions FR-999 in the middle is not a definition.

- **FR-002**: System MUST do a thing
  over two lines.
- See FR-998 for details (a mention)
- [ ] **FR-003** — checkbox item

1. REQ-004. Ordered item

NFR-005 The API answers within 200 ms, checked by an integration test.

| ID | Requirement | Priority |
|----|-------------|----------|
| FR-006 | Table row requirement | P1 |
| x | mentions FR-997 | P2 |

\`\`\`
FR-996 inside a code block
\`\`\`

### Requirement SC-007 — labelled heading
`;

describe('requirements from Markdown', () => {
  it('finds definitions in headings, list items, paragraphs and table rows with their lines', () => {
    const defs = parseRequirementsMarkdown(SPEC, 'specs/a.md', PATTERN);
    expect(defs.map((d) => [d.id, d.kind, d.line, d.title])).toEqual([
      ['FR-001', 'heading', 3, 'Heading requirement'],
      ['FR-002', 'list', 7, 'System MUST do a thing over two lines.'],
      ['FR-003', 'list', 10, 'checkbox item'],
      ['REQ-004', 'list', 12, 'Ordered item'],
      ['NFR-005', 'paragraph', 14, 'The API answers within 200 ms, checked by an integration test.'],
      ['FR-006', 'table', 18, 'Table row requirement'],
      ['SC-007', 'heading', 25, 'labelled heading'],
    ]);
  });
});

describe('traceability matrix', () => {
  const defs = parseRequirementsMarkdown(SPEC, 'specs/a.md', PATTERN).concat(parseRequirementsMarkdown('- **FR-002**: again\n', 'specs/b.md', PATTERN));
  const ref = (id: string, tier: string, reqs: string[], status: 'active' | 'skip' = 'active') =>
    testOf({ id, file: `tests/${tier}/test_x.py`, tier, status, refs: { workflows: [], components: [], requirements: reqs } });
  const trace = buildTrace({
    definitions: defs,
    tests: [
      ref('u1', 'unit', ['FR-001', 'NFR-005']),
      ref('i1', 'integration', ['FR-002', 'FR-002']),
      ref('s1', 'unit', ['FR-006'], 'skip'),
      ref('o1', 'e2e', ['FR-042']),
    ],
    needsIntegration: DEFAULTS.needsIntegration,
    critical: ['FR-003', '/200 ms/'],
  });

  it('gives each requirement its tests per tier and a status', () => {
    const status = Object.fromEntries(trace.rows.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'FR-001': 'covered',
      'FR-002': 'covered',
      'FR-003': 'uncovered',
      'FR-006': 'only-skipped',
      'NFR-005': 'covered-only-by-unit',
      'REQ-004': 'uncovered',
      'SC-007': 'uncovered',
    });
    const fr2 = trace.rows.find((r) => r.id === 'FR-002')!;
    expect(fr2.tiers).toEqual([{ tier: 'integration', tests: [expect.objectContaining({ id: 'i1', file: 'tests/integration/test_x.py' })] }]);
    expect(trace.rows.filter((r) => r.critical).map((r) => r.id)).toEqual(['FR-003', 'NFR-005']);
  });

  it('turns gaps into findings by severity: critical ids high, missing/unit-only medium, orphans/duplicates low', () => {
    expect(requirementFindings(trace).map((f) => [f.id, f.severity])).toEqual([
      ['FR-003', 'high'],
      ['NFR-005', 'high'],
      ['FR-006', 'medium'],
      ['REQ-004', 'medium'],
      ['SC-007', 'medium'],
      ['FR-042', 'low'],
      ['FR-002', 'low'],
    ]);
    expect(countFindings({ workflows: [], components: [], diagnostics: [] }, trace)).toEqual({ critical: 0, high: 2, medium: 3, low: 2 });
  });

  it('lists orphan references and duplicate definitions', () => {
    expect(trace.orphans).toEqual([{ id: 'FR-042', tests: [expect.objectContaining({ id: 'o1', tier: 'e2e' })] }]);
    expect(trace.duplicates).toEqual([
      { id: 'FR-002', definitions: [{ file: 'specs/a.md', line: 7, title: 'System MUST do a thing over two lines.' }, { file: 'specs/b.md', line: 1, title: 'again' }] },
    ]);
    expect(trace.summary).toEqual({ total: 7, covered: 2, coveredOnlyByUnit: 1, onlySkipped: 1, uncovered: 3, orphans: 1, duplicates: 1, coveredShare: 2 / 7 });
  });
});
