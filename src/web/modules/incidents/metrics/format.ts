/** A duration in minutes as people say it: "45 min", "3 h 20 min", "2.5 days". */
export function formatDuration(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) {
    const whole = Math.round(minutes);
    const hours = Math.floor(whole / 60);
    const rest = whole % 60;
    return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  }
  const days = minutes / (24 * 60);
  return `${days < 10 ? days.toFixed(1).replace(/\.0$/, '') : Math.round(days)} days`;
}

/** A share (0..1) as a percentage with one decimal: 0.125 → "12.5%". */
export function formatShare(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
}

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "2025-03" → "Mar 2025". */
export function monthLabel(month: string): string {
  const [year, number] = month.split('-').map(Number);
  if (!year || !number) return month;
  return monthFormat.format(new Date(Date.UTC(year, number - 1, 1)));
}

/**
 * Counts by month ("YYYY-MM") from the first month to the last, with the months that had no
 * incident as 0, so a bar chart shows quiet months as gaps rather than leaving them out.
 */
export function fillMonths(counts: readonly { key: string | null; count: number }[]): {
  month: string;
  count: number;
}[] {
  const known = new Map<string, number>();
  for (const { key, count } of counts) if (key && /^\d{4}-\d{2}$/.test(key)) known.set(key, count);
  const months = [...known.keys()].sort();
  const first = months[0];
  const last = months.at(-1);
  if (!first || !last) return [];
  const filled: { month: string; count: number }[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    filled.push({ month: key, count: known.get(key) ?? 0 });
    if (key >= last) return filled;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}
