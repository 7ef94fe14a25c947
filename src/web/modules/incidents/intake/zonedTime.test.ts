import { describe, expect, it } from 'vitest';
import { isoToZonedTime, zonedTimeToIso } from './zonedTime.js';

describe('times entered in a site’s zone', () => {
  it('reads a wall-clock time in the given zone, not the browser’s', () => {
    expect(zonedTimeToIso('2025-03-01T08:30', 'Europe/Paris')).toBe('2025-03-01T07:30:00.000Z');
    expect(zonedTimeToIso('2025-07-01T08:30', 'Europe/Paris')).toBe('2025-07-01T06:30:00.000Z');
    expect(zonedTimeToIso('2025-07-01T08:30', 'America/New_York')).toBe('2025-07-01T12:30:00.000Z');
    expect(zonedTimeToIso('2025-01-15T23:45', 'Asia/Kolkata')).toBe('2025-01-15T18:15:00.000Z');
    expect(zonedTimeToIso('2025-01-15T23:45:10', 'UTC')).toBe('2025-01-15T23:45:10.000Z');
  });

  it('handles the days the clocks change', () => {
    // Paris: 2025-03-30 02:00 → 03:00 (the hour does not exist); 2025-10-26 03:00 → 02:00.
    expect(zonedTimeToIso('2025-03-30T01:59', 'Europe/Paris')).toBe('2025-03-30T00:59:00.000Z');
    expect(zonedTimeToIso('2025-03-30T03:00', 'Europe/Paris')).toBe('2025-03-30T01:00:00.000Z');
    expect(zonedTimeToIso('2025-03-30T02:30', 'Europe/Paris')).toBe('2025-03-30T01:30:00.000Z');
    expect(zonedTimeToIso('2025-10-26T01:30', 'Europe/Paris')).toBe('2025-10-25T23:30:00.000Z');
    expect(zonedTimeToIso('2025-10-26T04:00', 'Europe/Paris')).toBe('2025-10-26T03:00:00.000Z');
  });

  it('refuses text that is not a date-time', () => {
    expect(zonedTimeToIso('', 'Europe/Paris')).toBeNull();
    expect(zonedTimeToIso('yesterday', 'Europe/Paris')).toBeNull();
    expect(zonedTimeToIso('2025-03-01', 'Europe/Paris')).toBeNull();
  });

  it('shows an instant as the zone’s wall-clock time, the inverse of reading one', () => {
    expect(isoToZonedTime('2025-03-01T07:30:00.000Z', 'Europe/Paris')).toBe('2025-03-01T08:30');
    expect(isoToZonedTime('2025-07-01T12:30:00.000Z', 'America/New_York')).toBe('2025-07-01T08:30');
    for (const local of ['2025-01-02T00:00', '2025-06-30T23:59', '2025-10-26T04:00']) {
      const iso = zonedTimeToIso(local, 'Australia/Sydney');
      expect(iso && isoToZonedTime(iso, 'Australia/Sydney')).toBe(local);
    }
  });
});
