import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { siteSchema, type Site } from '../../../contracts/sites.js';
import { apiAll } from '../../app/api.js';
import { useSession } from '../../app/session.js';
import { browserTimeZone, formatDateTime } from '../../app/time.js';

export const sitesKey = ['sites'] as const;

/** Every site the user can see (for pick lists, names and time zones), cached for the session. */
export function useSiteDirectory() {
  const { can } = useSession();
  const query = useQuery({
    queryKey: [...sitesKey, 'directory'],
    queryFn: async () => (await apiAll('/api/v1/sites', siteSchema)).items,
    enabled: can('sites:read'),
    staleTime: 60_000,
  });
  const byId = useMemo(
    () => new Map<string, Site>((query.data ?? []).map((site) => [site.id, site])),
    [query.data],
  );
  // Archived sites stay listed (records still point at them) but cannot be chosen for new assignments.
  const options = useMemo(
    () =>
      (query.data ?? []).map((site) => ({
        value: site.id,
        label: `${site.name} (${site.code})${site.status === 'archived' ? ' · archived' : ''}`,
        disabled: site.status === 'archived',
      })),
    [query.data],
  );
  return { sites: query.data ?? [], byId, options, isLoading: query.isLoading, error: query.error };
}

/**
 * Formats a record's time in its site's zone, or in the browser's zone when the record has no site
 * (or the site is out of the user's view); the zone abbreviation always shows which one it is.
 */
export function useSiteTime(): (iso: string, siteId?: string | null) => string {
  const { byId } = useSiteDirectory();
  return useCallback(
    (iso, siteId) =>
      formatDateTime(iso, (siteId ? byId.get(siteId)?.timezone : undefined) ?? browserTimeZone),
    [byId],
  );
}
