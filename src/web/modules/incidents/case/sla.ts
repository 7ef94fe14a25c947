import type { Incident } from '../../../../contracts/incidents.js';

/** Where one SLA clock of a case stands. */
export interface SlaClock {
  /** running: time left; warning: inside the warning window; breached: past due; met; none: no target. */
  state: 'running' | 'warning' | 'breached' | 'met' | 'met-late' | 'none';
  /** The due time, when there is one. */
  dueAt: string | null;
  /** Milliseconds left (negative once overdue) while the clock runs. */
  remainingMs: number | null;
  /** When the step was done (triaged or resolved), once it was. */
  doneAt: string | null;
  /** Resolved once and reopened since: the SLA was judged on that first resolution. */
  reopened: boolean;
}

/**
 * The triage or resolution clock of a case at `now`. A step done stops its clock ("met", or "met
 * late" when it was done after the due time); an open step is breached when the server says so or
 * the due time has passed, and in warning from the policy's warning time.
 */
export function slaClock(incident: Incident, clock: 'triage' | 'resolve', now: number): SlaClock {
  const { sla } = incident;
  const dueAt = clock === 'triage' ? sla.triageDueAt : sla.resolveDueAt;
  const warnAt = clock === 'triage' ? sla.triageWarnAt : sla.resolveWarnAt;
  const breached = clock === 'triage' ? sla.triageBreached : sla.resolveBreached;
  const warned = clock === 'triage' ? sla.triageWarned : sla.resolveWarned;
  const doneAt = clock === 'triage' ? incident.triagedAt : incident.resolvedAt;
  if (doneAt !== null) {
    const late = breached || (dueAt !== null && doneAt > dueAt);
    const reopened = clock === 'resolve' && incident.status !== 'resolved' && incident.status !== 'closed';
    return { state: late ? 'met-late' : 'met', dueAt, remainingMs: null, doneAt, reopened };
  }
  // A merged duplicate is closed without being worked: its clocks no longer mean anything.
  if (dueAt === null || incident.mergedInto !== null || incident.status === 'closed')
    return { state: 'none', dueAt, remainingMs: null, doneAt: null, reopened: false };
  const remainingMs = Date.parse(dueAt) - now;
  if (breached || remainingMs <= 0)
    return { state: 'breached', dueAt, remainingMs, doneAt: null, reopened: false };
  const warning = warned || (warnAt !== null && now >= Date.parse(warnAt));
  return { state: warning ? 'warning' : 'running', dueAt, remainingMs, doneAt: null, reopened: false };
}

/** A duration as people read a countdown: "2d 4h", "3h 05m", "12m 09s". */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${two(minutes)}m`;
  return `${minutes}m ${two(seconds)}s`;
}
