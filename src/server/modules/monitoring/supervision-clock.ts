/**
 * How long past its supervision period a device may stay silent before it is declared offline:
 * panels and sensors drift and retry, so a small grace (30 s, or 5 % of long periods) avoids
 * raising communication-lost alarms for a heartbeat that is merely late.
 */
export function supervisionGraceSeconds(periodSeconds: number): number {
  return Math.max(30, Math.round(periodSeconds * 0.05));
}

/** When a device last heard at `heardAt` becomes overdue; null when it is not supervised. */
export function supervisionDueAt(heardAt: string, periodSeconds: number | null): string | null {
  if (periodSeconds === null) return null;
  const due = Date.parse(heardAt) + (periodSeconds + supervisionGraceSeconds(periodSeconds)) * 1000;
  return new Date(due).toISOString();
}
