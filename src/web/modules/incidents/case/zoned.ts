/*
 * Wall-clock times of a case's site. A case's times are shown and entered in its site's zone (a
 * guard in Paris types the local time of the theft, whatever zone the investigator's browser is in).
 */

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partFormatters.get(timeZone);
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
    partFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Year, month, day, hour, minute and second of an instant on the zone's clocks. */
function wallClock(epochMs: number, timeZone: string): number[] {
  const parts = partsFormatter(timeZone).formatToParts(new Date(epochMs));
  const value = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  return [value('year'), value('month'), value('day'), value('hour'), value('minute'), value('second')];
}

/** How far the zone's clocks are ahead of UTC at an instant, in milliseconds. */
function offsetAt(epochMs: number, timeZone: string): number {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = wallClock(epochMs, timeZone);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** An instant as a `datetime-local` input value ("2025-03-01T08:30") on the zone's clocks. */
export function toZonedInput(iso: string, timeZone: string): string {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0] = wallClock(Date.parse(iso), timeZone);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

/**
 * The instant a wall-clock time of the zone stands for, as ISO UTC, or null for a malformed value.
 * In the hour skipped when clocks go forward, the time is read with the offset from before the change;
 * in the hour repeated when they go back, it is the second one.
 */
export function fromZonedInput(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  if (Number.isNaN(wall)) return null;
  // The offset at the wall time read as UTC can be the wrong side of a change; the offset at that
  // first guess is the right one (and, in a skipped hour, the one from before the change).
  const guess = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(guess, timeZone)).toISOString();
}

/** The end of a calendar day ("2025-03-01") on the zone's clocks, as ISO UTC: due dates of tasks. */
export function endOfZonedDay(day: string, timeZone: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? fromZonedInput(`${day}T23:59:59`, timeZone) : null;
}

/** The calendar day ("2025-03-01") an instant falls on in the zone. */
export function zonedDay(iso: string, timeZone: string): string {
  return toZonedInput(iso, timeZone).slice(0, 10);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** A day for people ("Mar 1, 2025") as it falls in the zone. */
export function formatZonedDay(iso: string, timeZone: string): string {
  let formatter = dayFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone });
    dayFormatters.set(timeZone, formatter);
  }
  return formatter.format(new Date(iso));
}
