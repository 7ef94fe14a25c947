import type { Incident } from '../../../../contracts/incidents.js';

/** Where a case stands against its SLA clocks, for the list's badge (null: nothing to flag). */
export type SlaState = 'breached' | 'due_soon' | null;

const OPEN_FOR_TRIAGE: readonly Incident['status'][] = ['new'];
const OPEN_FOR_RESOLVE: readonly Incident['status'][] = ['new', 'triaged', 'investigating'];

/**
 * The SLA state of a case at `now`. The server's flags say what its monitor has seen; a running
 * clock whose due or warning time has passed since its last run counts too, so the list is never
 * behind the clock. A breach stays visible after the case moves on (it is part of its record).
 */
export function slaState(incident: Pick<Incident, 'status' | 'sla'>, now: number = Date.now()): SlaState {
  const { sla, status } = incident;
  const passed = (at: string | null) => at !== null && Date.parse(at) <= now;
  const triageOpen = OPEN_FOR_TRIAGE.includes(status);
  const resolveOpen = OPEN_FOR_RESOLVE.includes(status);
  if (
    sla.triageBreached ||
    sla.resolveBreached ||
    (triageOpen && passed(sla.triageDueAt)) ||
    (resolveOpen && passed(sla.resolveDueAt))
  )
    return 'breached';
  if (
    (triageOpen && (sla.triageWarned || passed(sla.triageWarnAt))) ||
    (resolveOpen && (sla.resolveWarned || passed(sla.resolveWarnAt)))
  )
    return 'due_soon';
  return null;
}
