import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { calendarSchema, incidentTypeSchema, slaPolicySchema } from '../../../../contracts/incidents.js';
import { apiGet } from '../../../app/api.js';
import { incidentsKey } from '../labels.js';

/**
 * The configuration of the incidents section. The keys sit under `incidentsKey`, so invalidating
 * it after a change also refreshes the pick lists (types) of the other incident pages.
 */
export const incidentSettingsKey = [...incidentsKey, 'settings'] as const;
const typesKey = [...incidentSettingsKey, 'types'] as const;
export const slaPoliciesKey = [...incidentSettingsKey, 'sla-policies'] as const;
export const calendarsKey = [...incidentSettingsKey, 'calendars'] as const;

/** Built-in and user-defined incident types. */
export function useIncidentTypes() {
  return useQuery({
    queryKey: typesKey,
    queryFn: async () =>
      (await apiGet('/api/v1/incident-types', z.object({ items: z.array(incidentTypeSchema) }))).items,
  });
}

/** The SLA of each severity, most severe first. */
export function useSlaPolicies() {
  return useQuery({
    queryKey: slaPoliciesKey,
    queryFn: async () =>
      (await apiGet('/api/v1/incident-sla-policies', z.object({ items: z.array(slaPolicySchema) }))).items,
  });
}

/** The business-hours calendars, by name. */
export function useCalendars() {
  return useQuery({
    queryKey: calendarsKey,
    queryFn: async () =>
      (await apiGet('/api/v1/business-calendars', z.object({ items: z.array(calendarSchema) }))).items,
  });
}
