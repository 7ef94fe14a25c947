import type { z } from 'zod';
import type { calendarBody, calendarSchema } from '../../../../contracts/incidents.js';

export type Calendar = z.infer<typeof calendarSchema>;
type CalendarBody = z.input<typeof calendarBody>;

/** An opening window as the form edits it ("HH:MM"; an end of "00:00" means midnight at the end of the day). */
export interface OpeningWindow {
  start: string;
  end: string;
}

export interface CalendarValues {
  name: string;
  timezone: string;
  /** Monday first; an empty day is closed. */
  hours: OpeningWindow[][];
  holidays: string[];
}

export const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const shortDays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export const officeHours: OpeningWindow = { start: '09:00', end: '17:00' };

/** Monday to Friday, 09:00–17:00: where a new calendar starts. */
export function newCalendarValues(timezone: string): CalendarValues {
  return {
    name: '',
    timezone,
    hours: weekdays.map((_, day) => (day < 5 ? [{ ...officeHours }] : [])),
    holidays: [],
  };
}

// A time input cannot show 24:00, so the end of the day is edited as 00:00 and sent as 24:00.
const endForApi = (end: string) => (end === '00:00' ? '24:00' : end);
const endForForm = (end: string) => (end === '24:00' ? '00:00' : end);

/** A stored calendar in the form's terms. */
export function calendarValuesOf(calendar: Calendar): CalendarValues {
  return {
    name: calendar.name,
    timezone: calendar.timezone,
    hours: calendar.hours.map((day) =>
      day.map((window) => ({ start: window.start, end: endForForm(window.end) })),
    ),
    holidays: [...calendar.holidays].sort(),
  };
}

/** The request body: windows in order of opening, midnight ends as 24:00, holidays sorted and once each. */
export function toCalendarBody(values: CalendarValues): CalendarBody {
  return {
    name: values.name.trim(),
    timezone: values.timezone,
    hours: values.hours.map((day) =>
      day
        .map((window) => ({ start: window.start, end: endForApi(window.end) }))
        .sort((a, b) => a.start.localeCompare(b.start)),
    ),
    holidays: [...new Set(values.holidays)].sort(),
  };
}

/**
 * Checks the contract cannot express: each window ends after it starts and windows of a day do not
 * overlap. Errors are keyed by the form path of the end time ("hours.2.0.end").
 */
export function openingWindowErrors(hours: OpeningWindow[][]): Record<string, string> {
  const errors: Record<string, string> = {};
  hours.forEach((day, dayIndex) => {
    const windows = day.map((window, index) => ({ ...window, end: endForApi(window.end), index }));
    for (const window of windows) {
      if (window.start === '') errors[`hours.${dayIndex}.${window.index}.start`] = 'Enter a time';
      if (window.end === '') errors[`hours.${dayIndex}.${window.index}.end`] = 'Enter a time';
      if (window.start !== '' && window.end !== '' && window.end <= window.start)
        errors[`hours.${dayIndex}.${window.index}.end`] = 'Must be after the opening time';
    }
    const ordered = windows
      .filter((window) => window.start !== '' && window.end !== '' && window.end > window.start)
      .sort((a, b) => a.start.localeCompare(b.start));
    for (let i = 1; i < ordered.length; i++) {
      const previous = ordered[i - 1];
      const current = ordered[i];
      if (previous && current && current.start < previous.end)
        errors[`hours.${dayIndex}.${current.index}.start`] = 'Overlaps another opening on this day';
    }
  });
  if (hours.every((day) => day.length === 0)) errors.hours = 'Open on at least one day';
  return errors;
}

function dayText(day: OpeningWindow[]): string {
  return day.map((window) => `${window.start}–${window.end}`).join(', ');
}

/** The week in one line: "Mon–Fri 09:00–17:00 · Sat 10:00–14:00"; consecutive days with the same hours are grouped. */
export function summarizeWeek(hours: readonly OpeningWindow[][]): string {
  const groups: { from: number; to: number; text: string }[] = [];
  hours.forEach((day, index) => {
    const text = dayText(day);
    const last = groups.at(-1);
    if (last && last.text === text && last.to === index - 1) last.to = index;
    else groups.push({ from: index, to: index, text });
  });
  const open = groups.filter((group) => group.text !== '');
  if (open.length === 0) return 'Closed all week';
  return open
    .map((group) => {
      const days =
        group.from === group.to ? shortDays[group.from] : `${shortDays[group.from]}–${shortDays[group.to]}`;
      return `${days} ${group.text}`;
    })
    .join(' · ');
}
