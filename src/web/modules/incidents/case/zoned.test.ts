import { describe, expect, it } from 'vitest';
import { endOfZonedDay, zonedDay } from './zoned.js';

describe('days of a site', () => {
  it('ends a due day at midnight in the site zone, winter and summer', () => {
    expect(endOfZonedDay('2025-07-15', 'Europe/Paris')).toBe('2025-07-15T21:59:59.000Z');
    expect(endOfZonedDay('2025-01-15', 'Europe/Paris')).toBe('2025-01-15T22:59:59.000Z');
    expect(endOfZonedDay('2025-07-15', 'America/New_York')).toBe('2025-07-16T03:59:59.000Z');
    expect(endOfZonedDay('15/07/2025', 'Europe/Paris')).toBeNull();
  });

  it('reads the day an instant falls on in the zone, and round-trips a due day', () => {
    expect(zonedDay('2025-01-01T03:00:00.000Z', 'America/New_York')).toBe('2024-12-31');
    expect(zonedDay('2025-01-01T03:00:00.000Z', 'Europe/Paris')).toBe('2025-01-01');
    const due = endOfZonedDay('2025-03-30', 'Europe/Paris') ?? '';
    expect(zonedDay(due, 'Europe/Paris')).toBe('2025-03-30');
  });
});
