import type { Schedule } from '../../../../contracts/monitoring.js';

/*
 * Arming schedules as people read them. A schedule is a list of weekly windows in the site's time
 * zone (days 0 Sunday … 6 Saturday); a window whose end is not after its start runs into the next
 * day, and one that ends where it starts lasts 24 hours — the server's `scheduleMatches` rules.
 */

export type ScheduleWindow = Schedule['windows'][number];

const MINUTES_PER_DAY = 24 * 60;
/** The week as people plan it: Monday first. */
export const weekOrder: readonly number[] = [1, 2, 3, 4, 5, 6, 0];
export const dayShort = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export const dayLong = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;

export interface SchedulePreset {
  id: string;
  label: string;
  /** What it covers, in a few words. */
  hint: string;
  /** How a rule's schedule reads in the table when it amounts to this preset. */
  words: string;
  schedule: Schedule;
}

const weekdays = [1, 2, 3, 4, 5];
const everyDay = [0, 1, 2, 3, 4, 5, 6];

/** Common arming schedules, offered as one-click starting points in the editor. */
export const schedulePresets: readonly SchedulePreset[] = [
  {
    id: 'business_hours',
    label: 'Business hours',
    hint: 'Mon–Fri 08:00–18:00',
    words: 'Business hours (Mon–Fri 08:00–18:00)',
    schedule: { windows: [{ days: weekdays, from: '08:00', to: '18:00' }] },
  },
  {
    id: 'nights_and_weekends',
    label: 'Nights and weekends',
    hint: 'Outside Mon–Fri 08:00–18:00',
    words: 'Nights and weekends',
    schedule: {
      windows: [
        { days: weekdays, from: '18:00', to: '08:00' },
        { days: [6, 0], from: '00:00', to: '00:00' },
        { days: [1], from: '00:00', to: '08:00' },
      ],
    },
  },
  {
    id: 'nights',
    label: 'Nights',
    hint: 'Every day 20:00–06:00',
    words: 'Nights (every day 20:00–06:00)',
    schedule: { windows: [{ days: everyDay, from: '20:00', to: '06:00' }] },
  },
  {
    id: 'weekends',
    label: 'Weekends',
    hint: 'Saturday and Sunday, all day',
    words: 'Weekends',
    schedule: { windows: [{ days: [6, 0], from: '00:00', to: '00:00' }] },
  },
];

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** A span of armed time within one day, in minutes from midnight: [start, end). */
export interface Segment {
  start: number;
  end: number;
}

/**
 * The armed time of each day of the week (index 0 Sunday), merged and sorted: what the week
 * preview draws, and how two schedules are compared by what they cover rather than how they are written.
 */
export function armedSegments(schedule: Schedule): Segment[][] {
  const days: Segment[][] = Array.from({ length: 7 }, () => []);
  for (const window of schedule.windows) {
    const from = minutesOf(window.from);
    const to = minutesOf(window.to);
    for (const day of new Set(window.days)) {
      if (from < to) {
        days[day]?.push({ start: from, end: to });
      } else {
        days[day]?.push({ start: from, end: MINUTES_PER_DAY });
        if (to > 0) days[(day + 1) % 7]?.push({ start: 0, end: to });
      }
    }
  }
  return days.map((segments) => {
    const merged: Segment[] = [];
    for (const segment of [...segments].sort((a, b) => a.start - b.start)) {
      const last = merged[merged.length - 1];
      if (last && segment.start <= last.end) last.end = Math.max(last.end, segment.end);
      else merged.push({ ...segment });
    }
    return merged;
  });
}

/** True when the schedule is armed at this site-local day (0 Sunday) and minute of the day. */
export function isArmedAt(schedule: Schedule, day: number, minute: number): boolean {
  return (armedSegments(schedule)[day] ?? []).some((s) => minute >= s.start && minute < s.end);
}

function sameCoverage(a: Schedule, b: Schedule): boolean {
  return JSON.stringify(armedSegments(a)) === JSON.stringify(armedSegments(b));
}

/** The preset a schedule amounts to (whatever windows express it), if any. */
export function presetOf(schedule: Schedule): SchedulePreset | undefined {
  return schedulePresets.find((preset) => sameCoverage(preset.schedule, schedule));
}

/** "Mon–Fri", "Sat, Sun", "Every day": days Monday first, runs of three or more as a range. */
export function describeDays(days: readonly number[]): string {
  const chosen = weekOrder.filter((day) => days.includes(day));
  if (chosen.length === 7) return 'Every day';
  const runs: number[][] = [];
  for (const day of chosen) {
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (run && previous !== undefined && weekOrder.indexOf(day) === weekOrder.indexOf(previous) + 1)
      run.push(day);
    else runs.push([day]);
  }
  return runs
    .flatMap((run) => {
      const first = run[0] ?? 0;
      const last = run[run.length - 1] ?? first;
      return run.length >= 3
        ? [`${dayShort[first]}–${dayShort[last]}`]
        : run.map((day) => dayShort[day] ?? '');
    })
    .join(', ');
}

/** "08:00–18:00", "18:00–08:00 next day", "all day". */
export function describeTimes(from: string, to: string): string {
  if (from === to) return from === '00:00' ? 'all day' : `24 hours from ${from}`;
  return minutesOf(to) < minutesOf(from) ? `${from}–${to} next day` : `${from}–${to}`;
}

/** One window in words: "Mon–Fri 08:00–18:00". */
export function describeWindow(window: ScheduleWindow): string {
  return `${describeDays(window.days)} ${describeTimes(window.from, window.to)}`;
}

/**
 * A schedule in words, e.g. "Nights and weekends, Europe/Paris" or "Mon–Fri 08:00–18:00; Sat
 * 09:00–12:00, Europe/Paris". Without a schedule a rule applies at all times.
 */
export function describeSchedule(schedule: Schedule | null, timeZone?: string): string {
  if (!schedule) return 'At all times';
  const aroundTheClock = armedSegments(schedule).every(
    (day) => day.length === 1 && day[0]?.start === 0 && day[0].end === MINUTES_PER_DAY,
  );
  const words = aroundTheClock
    ? 'Around the clock'
    : (presetOf(schedule)?.words ?? schedule.windows.map(describeWindow).join('; '));
  return timeZone ? `${words}, ${timeZone}` : words;
}
