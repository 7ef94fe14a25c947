import { v7 } from 'uuid';

/**
 * A new app-generated id: UUIDv7, time-ordered so that ids sort by creation. `at` sets the time
 * the id carries (anonymous reports use the day, so their ids do not reveal the moment).
 */
export function newId(at?: Date): string {
  return at ? v7({ msecs: at.getTime() }) : v7();
}

/** The current time as an ISO-8601 UTC string with milliseconds (sortable as text). */
export function nowIso(date: Date = new Date()): string {
  return date.toISOString();
}
