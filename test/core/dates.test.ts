import { describe, expect, it } from 'vitest';
import { daysUntilDue, dueText, isPastDue } from '../../src/core/dates.js';

describe('due dates (shared by gaps targets, gate and report)', () => {
  it('counts whole UTC days, whatever the time of day', () => {
    for (const t of ['2026-11-23T00:00:00Z', '2026-11-23T04:35:00Z', '2026-11-23T23:59:59.999Z']) {
      const now = new Date(t);
      expect(daysUntilDue('2026-12-31', now)).toBe(38);
      expect(daysUntilDue('2026-11-24', now)).toBe(1);
      expect(daysUntilDue('2026-11-23', now)).toBe(0);
      expect(daysUntilDue('2026-11-22', now)).toBe(-1);
      expect(daysUntilDue('2026-10-31', now)).toBe(-23);
    }
  });

  it('uses the UTC day, not the local one, and ignores DST', () => {
    // 23:30 UTC on the 22nd is the 23rd in Berlin; the count stays on UTC
    expect(daysUntilDue('2026-11-23', new Date('2026-11-22T23:30:00Z'))).toBe(1);
    expect(daysUntilDue('2026-04-01', new Date('2026-03-01T12:00:00Z'))).toBe(31);
  });

  it('is late only after the due day ends', () => {
    expect(isPastDue('2026-11-23', new Date('2026-11-23T23:59:59Z'))).toBe(false);
    expect(isPastDue('2026-11-23', new Date('2026-11-24T00:00:00Z'))).toBe(true);
  });

  it('says it in words', () => {
    expect([dueText(38), dueText(1), dueText(0), dueText(-1), dueText(-23)]).toEqual(['38 days left', '1 day left', 'due today', '1 day past due', '23 days past due']);
  });
});
