import Papa from 'papaparse';
import type { MonitoringEvent } from '../../../../contracts/monitoring.js';
import type { Site } from '../../../../contracts/sites.js';

const localFormats = new Map<string, Intl.DateTimeFormat>();

/** "2026-03-10 13:00:01": a wall-clock time in a zone, sortable and the same in every locale. */
function wallClock(iso: string, timeZone: string): string {
  let format = localFormats.get(timeZone);
  if (!format) {
    // Swedish writes dates the ISO way (year-month-day, 24-hour clock).
    format = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

/**
 * The event log as CSV (RFC 4180): UTC times for machines, and the time in the site's zone for
 * people. Events of sites out of the directory keep the site id; unregistered devices keep the
 * account or external id they were sent to.
 */
export function eventsCsv(events: readonly MonitoringEvent[], sites: ReadonlyMap<string, Site>): string {
  const rows = events.map((event) => {
    const site = event.siteId ? sites.get(event.siteId) : undefined;
    return {
      received_at: event.receivedAt,
      occurred_at: event.occurredAt,
      site_time: site ? wallClock(event.receivedAt, site.timezone) : '',
      site_timezone: site?.timezone ?? '',
      site: site?.code ?? event.siteId ?? '',
      device: event.deviceName ?? '',
      device_ref: event.deviceRef ?? '',
      type: event.type,
      restore_of: event.restoreOf ?? '',
      code: event.code ?? '',
      zone: event.zone ?? '',
      source: event.source,
      outcome: event.outcome,
      alarm_id: event.alarmId ?? '',
      source_event_id: event.sourceEventId,
      id: event.id,
    };
  });
  // escapeFormulae: a code or zone such as "=HYPERLINK(...)" must not run as a formula in a spreadsheet.
  return Papa.unparse(rows, { escapeFormulae: true, newline: '\r\n' });
}
