import { describe, expect, it } from 'vitest';
import { describeMinutes, splitMinutes, toMinutes } from './duration.js';

describe('splitMinutes / toMinutes', () => {
  it('shows whole hours in hours and anything else in minutes, and reads them back', () => {
    expect(splitMinutes(240)).toEqual({ amount: 4, unit: 'hours' });
    expect(splitMinutes(90)).toEqual({ amount: 90, unit: 'minutes' });
    for (const minutes of [1, 59, 60, 90, 1440, 43_200]) {
      const { amount, unit } = splitMinutes(minutes);
      expect(toMinutes(amount, unit)).toBe(minutes);
    }
  });

  it('takes fractions of hours and refuses what is not a positive time', () => {
    expect(toMinutes(1.5, 'hours')).toBe(90);
    expect(toMinutes('2', 'hours')).toBe(120);
    expect(toMinutes(0, 'minutes')).toBeNull();
    expect(toMinutes(-3, 'hours')).toBeNull();
    expect(toMinutes('', 'hours')).toBeNull();
    expect(toMinutes(0.2, 'minutes')).toBeNull();
  });
});

describe('describeMinutes', () => {
  it('reads as hours and minutes, with days around the clock', () => {
    expect(describeMinutes(45, true)).toBe('45 min');
    expect(describeMinutes(270, true)).toBe('4 h 30 min');
    expect(describeMinutes(1440, true)).toBe('24 h, 1 day');
    expect(describeMinutes(43_200, true)).toBe('720 h, 30 days');
    expect(describeMinutes(2160, true)).toBe('36 h, 1.5 days');
  });

  it('says business hours, and no days, when a calendar counts the time', () => {
    expect(describeMinutes(480, false)).toBe('8 h of business hours');
  });
});
