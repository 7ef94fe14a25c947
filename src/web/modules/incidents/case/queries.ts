import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { caseWorkerSchema, incidentSchema, type Incident } from '../../../../contracts/incidents.js';
import { ApiError, apiAll, apiGetVersioned } from '../../../app/api.js';
import { useSession } from '../../../app/session.js';
import { browserTimeZone, formatDateTime, formatDay } from '../../../app/time.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { incidentKey, incidentsKey } from '../labels.js';

/** The API path of a case, or of something under it. */
export const casePath = (id: string, rest = '') => `/api/v1/incidents/${id}${rest}`;

/** Query keys under a case: invalidating `incidentKey(id)` refreshes all of them. */
export const caseKeys = {
  timeline: (id: string) => [...incidentKey(id), 'timeline'] as const,
  notes: (id: string) => [...incidentKey(id), 'notes'] as const,
  work: (id: string, kind: 'tasks' | 'actions') => [...incidentKey(id), kind] as const,
  people: (id: string) => [...incidentKey(id), 'people'] as const,
  members: (id: string) => [...incidentKey(id), 'members'] as const,
  exclusions: (id: string) => [...incidentKey(id), 'exclusions'] as const,
  evidence: (id: string) => [...incidentKey(id), 'evidence'] as const,
  custody: (id: string, evidenceId: string) =>
    [...incidentKey(id), 'evidence', evidenceId, 'custody'] as const,
  referrals: (id: string) => [...incidentKey(id), 'referrals'] as const,
  messages: (id: string) => [...incidentKey(id), 'concern-messages'] as const,
  edit: (id: string) => [...incidentKey(id), 'edit'] as const,
};

/** The case with its ETag (for If-Match on edits). */
export function useCase(id: string) {
  return useQuery({
    queryKey: incidentKey(id),
    queryFn: () => apiGetVersioned(casePath(id), incidentSchema),
    // a missing or invisible case stays missing: no retries on 404
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
}

/**
 * What to call after a change to a case: refreshes the case, everything under it and the case list
 * (statuses, assignees and SLA states show there too).
 */
export function useCaseChanged(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.invalidateQueries({ queryKey: incidentsKey }), [queryClient]);
}

/**
 * The site's zone of a case and formatters for its times: a case's times read in its site's zone
 * (a concern filed without a site reads in the browser's), always with the zone's abbreviation.
 */
export function useCaseZone(incident: Pick<Incident, 'siteId'>) {
  const { byId } = useSiteDirectory();
  const site = incident.siteId ? byId.get(incident.siteId) : undefined;
  const timeZone = site?.timezone ?? browserTimeZone;
  const format = useCallback((iso: string) => formatDateTime(iso, timeZone), [timeZone]);
  return { timeZone, site, format };
}

/**
 * When a case was reported, for people. An anonymous concern records the day only (a precise time
 * could identify the reporter): it reads as that day, never as a made-up midnight.
 */
export function reportedWhen(
  incident: Pick<Incident, 'anonymous' | 'createdAt'>,
  format: (iso: string) => string,
) {
  return incident.anonymous
    ? `on ${formatDay(incident.createdAt.slice(0, 10), 'short')}`
    : format(incident.createdAt);
}

/**
 * Users a case can be assigned to or shared with. Only case managers may list them
 * (incidents:manage); everyone else is offered themselves alone.
 */
export function useCaseWorkers() {
  const { me, can } = useSession();
  const mayList = can('incidents:manage');
  const query = useQuery({
    queryKey: ['incidents', 'case-workers'],
    queryFn: async () => (await apiAll('/api/v1/incident-case-workers', caseWorkerSchema)).items,
    enabled: mayList,
    staleTime: 60_000,
  });
  const workers = useMemo(
    () => (mayList ? (query.data ?? []) : [{ id: me.id, name: me.name, role: me.role }]),
    [query.data, mayList, me],
  );
  const options = useMemo(
    () =>
      workers.map((worker) => ({
        value: worker.id,
        label: worker.id === me.id ? `${worker.name} (me)` : `${worker.name} · ${worker.role}`,
      })),
    [workers, me.id],
  );
  return { workers, options, isLoading: mayList && query.isLoading, error: query.error };
}
