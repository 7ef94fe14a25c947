const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, compact: boolean): Intl.NumberFormat {
  const key = `${currency}:${compact ? 'c' : 'f'}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        notation: compact ? 'compact' : 'standard',
        maximumFractionDigits: compact ? 1 : 0,
      });
    } catch {
      // A currency code this browser does not know still shows as a number.
      format = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
    }
    moneyFormats.set(key, format);
  }
  return format;
}

/** An amount of money in the organization's currency: "$1,250,000", or "$1.3M" when compact. */
export function formatMoney(value: number, currency: string, compact = false): string {
  return moneyFormat(currency, compact).format(value);
}

/** A probability as a percentage: 0.1234 → "12.3%"; tiny non-zero values do not round to "0%". */
export function formatPercent(fraction: number, digits = 1): string {
  if (fraction > 0 && fraction < 0.001) return '< 0.1%';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A count of events a year, with enough digits for rare events: 0.05 → "0.05". */
export function formatRate(value: number): string {
  return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

/** Black or white text, whichever reads better on a #rrggbb background. */
export function textOn(colour: string): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return '#000';
  const [r, g, b] = [match[1], match[2], match[3]].map((hex) => {
    const c = parseInt(hex ?? '0', 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  // Where white and black give the same contrast ratio (WCAG relative luminance).
  return luminance > 0.179 ? '#1a1b1e' : '#fff';
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A day (no time) in the browser's zone, for due and review dates: "12 Mar 2026". */
export function formatDay(iso: string): string {
  return dateFormat.format(new Date(iso));
}
