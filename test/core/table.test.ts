import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/util/table.js';

describe('textTable fitting', () => {
  const header = ['Severity', 'Workflow', 'Chain', 'Status'];
  const rows = [['CRITICAL', 'secret-provisioning', 'secret-templates → secret-provisioner → secrets-manager', 'partial: missing secret-templates']];

  it('keeps full width without a limit', () => {
    expect(textTable(header, rows, '')).toContain('secret-templates → secret-provisioner → secrets-manager');
  });

  it('cuts the shrinkable columns, most expendable first, to fit the terminal', () => {
    const text = textTable(header, rows, '    ', { maxWidth: 80, shrink: [2, 3] });
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // the chain goes first, down to its minimum; the status then loses only what is still missing
    expect(text).toContain('secret-temp…  partial: missing secret-templa…');
    expect(text).toContain('CRITICAL  secret-provisioning'); // other columns untouched
  });

  it('cuts further, to a few cells a column, rather than overflow, and never to nothing', () => {
    const text = textTable(header, rows, '', { maxWidth: 40, shrink: [2, 3] });
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    const tiny = textTable(header, rows, '', { maxWidth: 10, shrink: [2, 3] });
    expect(tiny.split('\n')[2]).toBe('CRI…  sec…  sec…  par…');
  });
});
