// DC-09 timestamps are UTC, "_HH:MM:SS,MM-DD-YYYY" (ANSI/SIA DC-09 §5.5.1.8).
const pattern = /^_(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/;

const two = (n: number): string => String(n).padStart(2, '0');

/** Formats a time as a DC-09 timestamp, leading underscore included. */
export function formatDc09Timestamp(at: Date): string {
  return (
    `_${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())},` +
    `${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}-${String(at.getUTCFullYear()).padStart(4, '0')}`
  );
}

/** Parses a DC-09 timestamp (leading underscore included); undefined when malformed or impossible. */
export function parseDc09Timestamp(text: string): Date | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  const [hh, mi, ss, mo, dd, yyyy] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hh > 23 || mi > 59 || ss > 59 || mo < 1 || mo > 12 || dd < 1 || dd > 31) return undefined;
  const at = new Date(Date.UTC(yyyy, mo - 1, dd, hh, mi, ss));
  // Date.UTC rolls 02-31 over into March: reject instead of guessing.
  if (at.getUTCDate() !== dd || at.getUTCMonth() !== mo - 1 || at.getUTCFullYear() !== yyyy) return undefined;
  return at;
}

/** The length of a timestamp field, underscore included. */
export const DC09_TIMESTAMP_LENGTH = 20;
