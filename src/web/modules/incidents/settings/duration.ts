/** The units an SLA time is entered in. Days are left out: a "day" of business hours is ambiguous. */
export type DurationUnit = 'hours' | 'minutes';

export const durationUnits: readonly { value: DurationUnit; label: string }[] = [
  { value: 'hours', label: 'hours' },
  { value: 'minutes', label: 'minutes' },
];

/** A stored number of minutes as the form shows it: whole hours in hours, anything else in minutes. */
export function splitMinutes(minutes: number): { amount: number; unit: DurationUnit } {
  return minutes % 60 === 0 ? { amount: minutes / 60, unit: 'hours' } : { amount: minutes, unit: 'minutes' };
}

/** What the form holds as whole minutes for the API; null when it is not a positive amount. */
export function toMinutes(amount: number | string, unit: DurationUnit): number | null {
  const value = typeof amount === 'number' ? amount : Number(amount.trim() === '' ? Number.NaN : amount);
  if (!Number.isFinite(value) || value <= 0) return null;
  const minutes = Math.round(unit === 'hours' ? value * 60 : value);
  return minutes >= 1 ? minutes : null;
}

/**
 * A duration as people read it: "4 h 30 min". Around the clock, long ones also say the days
 * ("720 h, 30 days"); with a calendar they are business hours, which make no fixed number of days.
 */
export function describeMinutes(minutes: number, aroundTheClock: boolean): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [hours > 0 ? `${hours} h` : null, rest > 0 || hours === 0 ? `${rest} min` : null];
  const text = parts.filter((part) => part !== null).join(' ');
  if (!aroundTheClock) return `${text} of business hours`;
  if (minutes < 24 * 60) return text;
  const days = Math.round((minutes / (24 * 60)) * 10) / 10;
  return `${text}, ${days} day${days === 1 ? '' : 's'}`;
}
