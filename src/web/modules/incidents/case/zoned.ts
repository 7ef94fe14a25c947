import { isoToZonedTime, zonedTimeToIso } from '../intake/zonedTime.js';

/*
 * Days of a case's site. A case's dates are shown and entered in its site's zone (a task due "on
 * the 5th" at a Paris site ends at midnight in Paris, whatever zone the investigator's browser is in).
 */

/** The end of a calendar day ("2025-03-01") on the zone's clocks, as ISO UTC: due dates of tasks. */
export function endOfZonedDay(day: string, timeZone: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? zonedTimeToIso(`${day}T23:59:59`, timeZone) : null;
}

/** The calendar day ("2025-03-01") an instant falls on in the zone. */
export function zonedDay(iso: string, timeZone: string): string {
  return isoToZonedTime(iso, timeZone).slice(0, 10);
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
