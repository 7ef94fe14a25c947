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

const dayStyles: Record<'long' | 'short', Intl.DateTimeFormatOptions> = {
  long: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
  short: { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' },
};

/**
 * A date-only value ("2026-03-01") as that calendar day — "Sunday, March 1, 2026" (long) or
 * "Sun, Mar 1, 2026" (short) — never shifted by the reader's time zone. Unreadable input is shown as is.
 */
export function formatDay(day: string, style: 'long' | 'short' = 'long', locale?: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(locale, { ...dayStyles[style], timeZone: 'UTC' }).format(date);
}
