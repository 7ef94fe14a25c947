import type { IncidentStatus, Severity } from '../../../contracts/incidents.js';

/** Query keys of the incidents section; invalidate `incidentsKey` after any change to a case. */
export const incidentsKey = ['incidents'] as const;
export const incidentKey = (id: string) => ['incidents', id] as const;

export { humanize, optionsOf } from '../../app/labels.js';

export const severityColors: Record<Severity, string> = {
  critical: 'red',
  high: 'orange',
  medium: 'yellow',
  low: 'gray',
};

export const statusColors: Record<IncidentStatus, string> = {
  new: 'blue',
  triaged: 'cyan',
  investigating: 'violet',
  resolved: 'teal',
  closed: 'gray',
};

/** Query keys of the incident types (built-in and user-defined) and of the list's saved views. */
export const incidentTypesKey = ['incident-types'] as const;
export const incidentViewsKey = ['incident-views'] as const;
