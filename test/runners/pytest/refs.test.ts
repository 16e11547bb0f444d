import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPytest } from '../../../src/runners/pytest/index.js';
import { createFileLister } from '../../../src/workspace/files.js';

const root = path.resolve('test/fixtures/pytest/refs');

async function refsById() {
  const r = await scanPytest({ root, files: await createFileLister(root)() });
  return new Map(r.tests.map((t) => [t.id.replace('tests/test_refs.py::', ''), t.refs]));
}

describe('pytest references (issue 4: how a test reaches a component, traceability)', () => {
  it('reads marker arguments, docstrings (module, class, function) and comments, de-duplicated in source order', async () => {
    const refs = await refsById();
    const mod = ['FR-001', 'FR-002']; // module docstring, module pytestmark
    const wf = ['ecr-sync']; // module pytestmark
    expect(refs.get('test_positional')).toEqual({ workflows: wf, components: [], requirements: [...mod, 'FR-003', 'FR-004'] });
    expect(refs.get('test_list_tuple_aliases')?.requirements).toEqual([...mod, 'FR-005', 'FR-006', 'FR-007', 'FR-008']);
    expect(refs.get('test_constants')?.requirements).toEqual([...mod, 'FR-020', 'FR-030', 'FR-031']);
    expect(refs.get('test_workflow_and_components')).toEqual({
      workflows: ['ecr-sync', 'login', 'logout'],
      components: ['auth-api', 'session-store'],
      requirements: mod,
    });
    expect(refs.get('test_docstring')?.requirements).toEqual([...mod, 'FR-009', 'FR-010']);
    expect(refs.get('test_comment_above')?.requirements).toEqual([...mod, 'FR-011', 'FR-012']);
    for (const x of ['1', '2'])
      expect(refs.get(`test_comment_between_decorators[${x}]`)?.requirements).toEqual([...mod, 'FR-013', 'FR-014', 'FR-015']);
    expect(refs.get('test_duplicates')?.requirements).toEqual(mod);
    expect(refs.get('TestBilling::test_method')).toEqual({
      workflows: wf,
      components: ['billing'],
      requirements: [...mod, 'FR-016', 'FR-017', 'FR-018', 'FR-019'],
    });
    expect(refs.get('TestBilling::test_plain')?.requirements).toEqual([...mod, 'FR-016', 'FR-017']);
    expect(refs.get('test_none_of_its_own')?.requirements).toEqual(mod);
    expect(refs.size).toBe(12);
  });
});
