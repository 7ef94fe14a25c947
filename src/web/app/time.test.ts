import { describe, expect, it } from 'vitest';
import { formatDay } from './time.js';

describe('formatDay', () => {
  it('shows the calendar day as sent, whatever the time zone of the reader', () => {
    expect(formatDay('2025-12-31', 'long', 'en-US')).toBe('Wednesday, December 31, 2025');
    expect(formatDay('2026-01-01', 'short', 'en-US')).toBe('Thu, Jan 1, 2026');
  });

  it('shows what is not a day as it came rather than "Invalid Date"', () => {
    expect(formatDay('someday', 'long', 'en-US')).toBe('someday');
    expect(formatDay('2026-02-30T10:00', 'long', 'en-US')).toBe('2026-02-30T10:00');
  });
});
