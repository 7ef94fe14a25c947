import { describe, expect, it } from 'vitest';
import { endOfZonedDay, fromZonedInput, toZonedInput, zonedDay } from './zoned.js';

describe('wall-clock times of a site', () => {
  it('reads a local time in the site zone, winter and summer', () => {
    expect(fromZonedInput('2025-01-15T08:30', 'Europe/Paris')).toBe('2025-01-15T07:30:00.000Z');
    expect(fromZonedInput('2025-07-15T08:30', 'Europe/Paris')).toBe('2025-07-15T06:30:00.000Z');
    expect(fromZonedInput('2025-07-15T08:30', 'America/New_York')).toBe('2025-07-15T12:30:00.000Z');
    expect(fromZonedInput('2025-07-15T08:30', 'UTC')).toBe('2025-07-15T08:30:00.000Z');
  });

  it('handles the hours around clock changes', () => {
    // Paris springs forward at 02:00 on 30 March 2025: 01:30 is still winter time, 03:30 summer time.
    expect(fromZonedInput('2025-03-30T01:30', 'Europe/Paris')).toBe('2025-03-30T00:30:00.000Z');
    expect(fromZonedInput('2025-03-30T03:30', 'Europe/Paris')).toBe('2025-03-30T01:30:00.000Z');
    // 02:30 does not exist that night: it is read with the winter offset.
    expect(fromZonedInput('2025-03-30T02:30', 'Europe/Paris')).toBe('2025-03-30T01:30:00.000Z');
    // 02:30 happens twice on 26 October 2025 (clocks go back at 03:00): the later one is meant.
    expect(fromZonedInput('2025-10-26T02:30', 'Europe/Paris')).toBe('2025-10-26T01:30:00.000Z');
  });

  it('shows an instant on the site clocks, and round-trips', () => {
    expect(toZonedInput('2025-07-15T06:30:00.000Z', 'Europe/Paris')).toBe('2025-07-15T08:30');
    expect(toZonedInput('2025-01-01T03:00:00.000Z', 'America/New_York')).toBe('2024-12-31T22:00');
    for (const iso of ['2025-03-30T00:59:00.000Z', '2025-10-26T02:30:00.000Z', '2025-06-01T12:00:00.000Z']) {
      expect(fromZonedInput(toZonedInput(iso, 'Europe/Paris'), 'Europe/Paris')).toBe(iso);
    }
  });

  it('gives days and ends of days in the zone, and refuses malformed input', () => {
    expect(zonedDay('2025-01-01T03:00:00.000Z', 'America/New_York')).toBe('2024-12-31');
    expect(endOfZonedDay('2025-07-15', 'Europe/Paris')).toBe('2025-07-15T21:59:59.000Z');
    expect(endOfZonedDay('15/07/2025', 'Europe/Paris')).toBeNull();
    expect(fromZonedInput('yesterday', 'Europe/Paris')).toBeNull();
  });
});
