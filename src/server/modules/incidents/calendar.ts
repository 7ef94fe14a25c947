/*
 * Time zones and business hours, with the runtime's own zone database (Intl): SLA clocks count
 * only the opening hours of a calendar, and custody entries show their instant in a local zone.
 */

export interface BusinessCalendar {
  timezone: string;
  /** Monday first, 7 entries; each a list of opening windows "HH:MM"–"HH:MM" (end may be 24:00). */
  hours: { start: string; end: string }[][];
  holidays: string[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the zone. */
export function isValidZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - (instant - (instant % 1000));
}

/** The UTC instant of a wall-clock time in a zone (the later reading when a DST gap or overlap makes it ambiguous). */
export function zonedToUtc(localAsUtc: number, timeZone: string): number {
  const first = localAsUtc - zoneOffsetMs(localAsUtc, timeZone);
  const second = localAsUtc - zoneOffsetMs(first, timeZone);
  return second;
}

/** An instant as local ISO-8601 with offset, e.g. 2025-03-01T10:15:00.000+01:00. */
export function formatInZone(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  const offset = zoneOffsetMs(instant, timeZone);
  const local = new Date(instant + offset).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** True when the calendar has at least one opening window (else no business time ever passes). */
export function hasOpeningHours(calendar: Pick<BusinessCalendar, 'hours'>): boolean {
  return calendar.hours.some((day) => day.some((w) => minutesOf(w.end) > minutesOf(w.start)));
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 3 * 3660;

/**
 * The instant when `minutes` of business time have passed after `start`: around the clock when
 * there is no calendar; otherwise counting only opening windows on non-holiday days, in the
 * calendar's zone.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar | null): Date {
  if (!calendar || !hasOpeningHours(calendar)) return new Date(start.getTime() + minutes * 60_000);
  const holidays = new Set(calendar.holidays);
  let remaining = minutes * 60_000;
  const cursor = start.getTime();
  const offset = zoneOffsetMs(cursor, calendar.timezone);
  const firstLocalDay = Math.floor((cursor + offset) / DAY_MS) * DAY_MS;
  for (let day = 0; day < MAX_DAYS; day++) {
    const localMidnight = firstLocalDay + day * DAY_MS;
    const date = new Date(localMidnight).toISOString().slice(0, 10);
    if (holidays.has(date)) continue;
    const weekday = (new Date(localMidnight).getUTCDay() + 6) % 7;
    for (const window of calendar.hours[weekday] ?? []) {
      const open = zonedToUtc(localMidnight + minutesOf(window.start) * 60_000, calendar.timezone);
      const close = zonedToUtc(localMidnight + minutesOf(window.end) * 60_000, calendar.timezone);
      const from = Math.max(open, cursor);
      if (from >= close) continue;
      const available = close - from;
      if (available >= remaining) return new Date(from + remaining);
      remaining -= available;
    }
  }
  // A calendar open a few minutes a year: fall back to wall-clock time rather than loop forever.
  return new Date(start.getTime() + minutes * 60_000);
}
