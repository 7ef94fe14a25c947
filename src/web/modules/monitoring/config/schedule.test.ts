import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleSchema, type Schedule } from '../../../../contracts/monitoring.js';
import { scheduleMatches } from '../../../../server/modules/monitoring/rules.js';
import {
  armedSegments,
  describeDays,
  describeSchedule,
  describeTimes,
  isArmedAt,
  presetOf,
  schedulePresets,
} from './schedule.js';

const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const windowArb = fc.record({
  days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
  from: time,
  to: time,
});
const scheduleArb = fc.record({ windows: fc.array(windowArb, { minLength: 1, maxLength: 4 }) });

describe('arming schedules in words', () => {
  it('names the presets, with the site time zone', () => {
    const nightsAndWeekends = schedulePresets.find((preset) => preset.id === 'nights_and_weekends');
    expect(describeSchedule(nightsAndWeekends?.schedule ?? null, 'Europe/Paris')).toBe(
      'Nights and weekends, Europe/Paris',
    );
    expect(
      describeSchedule(
        { windows: [{ days: [5, 4, 3, 2, 1], from: '08:00', to: '18:00' }] },
        'America/Chicago',
      ),
    ).toBe('Business hours (Mon–Fri 08:00–18:00), America/Chicago');
    expect(describeSchedule(null, 'Europe/Paris')).toBe('At all times');
  });

  it('recognises a preset by what it covers, however its windows are written', () => {
    // Nights and weekends written as one window per evening and whole weekend days.
    const spelledOut: Schedule = {
      windows: [
        { days: [0, 1, 2, 3, 4], from: '18:00', to: '08:00' },
        { days: [5], from: '18:00', to: '00:00' },
        { days: [6], from: '00:00', to: '00:00' },
        { days: [0], from: '00:00', to: '18:00' },
      ],
    };
    expect(presetOf(spelledOut)?.id).toBe('nights_and_weekends');
    expect(presetOf({ windows: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '17:00' }] })).toBeUndefined();
  });

  it('describes other schedules window by window', () => {
    expect(
      describeSchedule({
        windows: [
          { days: [1, 3, 5], from: '22:00', to: '05:30' },
          { days: [6], from: '09:00', to: '12:00' },
        ],
      }),
    ).toBe('Mon, Wed, Fri 22:00–05:30 next day; Sat 09:00–12:00');
    expect(describeSchedule({ windows: [{ days: [0, 1, 2, 3, 4, 5, 6], from: '00:00', to: '00:00' }] })).toBe(
      'Around the clock',
    );
  });

  it('writes days Monday first, runs of three or more as a range', () => {
    expect(describeDays([0, 1, 2, 3, 4, 5, 6])).toBe('Every day');
    expect(describeDays([6, 0])).toBe('Sat, Sun');
    expect(describeDays([0, 5, 6, 1, 2])).toBe('Mon, Tue, Fri–Sun');
    expect(describeDays([3])).toBe('Wed');
  });

  it('writes overnight and whole-day windows plainly', () => {
    expect(describeTimes('08:00', '18:00')).toBe('08:00–18:00');
    expect(describeTimes('18:00', '08:00')).toBe('18:00–08:00 next day');
    expect(describeTimes('00:00', '00:00')).toBe('all day');
    expect(describeTimes('06:00', '06:00')).toBe('24 hours from 06:00');
  });

  it('every preset is a valid schedule for the API', () => {
    for (const preset of schedulePresets)
      expect(scheduleSchema.safeParse(preset.schedule).success).toBe(true);
  });
});

describe('the week preview', () => {
  it('splits an overnight window over two days and merges overlaps', () => {
    const segments = armedSegments({
      windows: [
        { days: [5], from: '18:00', to: '08:00' },
        { days: [6], from: '07:00', to: '10:00' },
      ],
    });
    expect(segments[5]).toEqual([{ start: 18 * 60, end: 24 * 60 }]);
    expect(segments[6]).toEqual([{ start: 0, end: 10 * 60 }]);
    expect(segments[0]).toEqual([]);
  });

  it('is armed exactly when the server would apply the rule', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        (schedule, day, minutes) =>
          isArmedAt(schedule, day, minutes) === scheduleMatches(schedule, { day, minutes }),
      ),
      { numRuns: 2000 },
    );
  });
});
