import { describe, expect, it } from 'vitest';
import { calendarBody } from '../../../../contracts/incidents.js';
import {
  calendarValuesOf,
  newCalendarValues,
  openingWindowErrors,
  summarizeWeek,
  toCalendarBody,
  type OpeningWindow,
} from './calendar.js';

const week = (...days: OpeningWindow[][]): OpeningWindow[][] => [
  ...days,
  ...Array.from({ length: 7 - days.length }, (): OpeningWindow[] => []),
];
const nineToFive = [{ start: '09:00', end: '17:00' }];

describe('calendar form values', () => {
  it('starts a new calendar on office hours, which the contract accepts once named', () => {
    const values = { ...newCalendarValues('Europe/Paris'), name: 'Paris office' };
    expect(summarizeWeek(values.hours)).toBe('Mon–Fri 09:00–17:00');
    expect(calendarBody.safeParse(toCalendarBody(values)).success).toBe(true);
  });

  it('sends an end of 00:00 as 24:00, windows in order, holidays sorted once each, and reads them back', () => {
    const values = {
      name: ' Control room ',
      timezone: 'UTC',
      hours: week([
        { start: '18:00', end: '00:00' },
        { start: '06:00', end: '14:00' },
      ]),
      holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
    };
    const body = toCalendarBody(values);
    expect(body.name).toBe('Control room');
    expect(body.hours[0]).toEqual([
      { start: '06:00', end: '14:00' },
      { start: '18:00', end: '24:00' },
    ]);
    expect(body.holidays).toEqual(['2026-01-01', '2026-12-25']);
    expect(calendarBody.safeParse(body).success).toBe(true);
    const back = calendarValuesOf({
      ...calendarBody.parse(body),
      id: '01900000-0000-7000-8000-000000000001',
      version: 1,
    });
    expect(back.hours[0]).toEqual([
      { start: '06:00', end: '14:00' },
      { start: '18:00', end: '00:00' },
    ]);
  });
});

describe('openingWindowErrors', () => {
  it('accepts ordinary hours, and a window that runs to midnight', () => {
    expect(openingWindowErrors(week(nineToFive, [{ start: '22:00', end: '00:00' }]))).toEqual({});
  });

  it('flags a window that ends before it starts, and overlapping windows', () => {
    const errors = openingWindowErrors(
      week(
        [{ start: '17:00', end: '09:00' }],
        [
          { start: '09:00', end: '13:00' },
          { start: '12:00', end: '18:00' },
        ],
      ),
    );
    expect(errors).toEqual({
      'hours.0.0.end': 'Must be after the opening time',
      'hours.1.1.start': 'Overlaps another opening on this day',
    });
  });

  it('asks for both times of a window', () => {
    expect(openingWindowErrors(week([{ start: '', end: '' }]))).toEqual({
      'hours.0.0.start': 'Enter a time',
      'hours.0.0.end': 'Enter a time',
    });
  });

  it('needs at least one open day', () => {
    expect(openingWindowErrors(week())).toEqual({ hours: 'Open on at least one day' });
  });
});

describe('summarizeWeek', () => {
  it('groups consecutive days with the same hours', () => {
    const hours = week(
      nineToFive,
      nineToFive,
      nineToFive,
      nineToFive,
      [{ start: '09:00', end: '15:00' }],
      [
        { start: '10:00', end: '12:00' },
        { start: '13:00', end: '16:00' },
      ],
    );
    expect(summarizeWeek(hours)).toBe('Mon–Thu 09:00–17:00 · Fri 09:00–15:00 · Sat 10:00–12:00, 13:00–16:00');
  });

  it('does not group days that are apart, and says when nothing is open', () => {
    expect(summarizeWeek(week(nineToFive, [], nineToFive))).toBe('Mon 09:00–17:00 · Wed 09:00–17:00');
    expect(summarizeWeek(week())).toBe('Closed all week');
  });
});
