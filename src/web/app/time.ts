/** The browser's IANA time zone, used for records that belong to no site. */
export const browserTimeZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      });
    } catch {
      // A zone this browser does not know: fall back to the browser's own rather than fail the page.
      return formatterFor(browserTimeZone);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** A time in the given zone (the browser's by default), always ending with the zone's abbreviation. */
export function formatDateTime(iso: string, timeZone: string = browserTimeZone): string {
  return formatterFor(timeZone).format(new Date(iso));
}

/** Every IANA zone this browser knows, for pickers ("UTC" first). */
export function timeZoneNames(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
