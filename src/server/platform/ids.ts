import { v7 } from 'uuid';

/** A new app-generated id: UUIDv7, time-ordered so that ids sort by creation. */
export function newId(): string {
  return v7();
}

/** The current time as an ISO-8601 UTC string with milliseconds (sortable as text). */
export function nowIso(date: Date = new Date()): string {
  return date.toISOString();
}
