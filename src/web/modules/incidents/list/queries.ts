import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { z } from 'zod';
import { incidentTypeSchema } from '../../../../contracts/incidents.js';
import { apiGet } from '../../../app/api.js';
import { humanize, incidentTypesKey } from '../labels.js';

/** The incident types (built-in first, then the organization's own), with labels by key. */
export function useIncidentTypes() {
  const query = useQuery({
    queryKey: incidentTypesKey,
    queryFn: async () =>
      (await apiGet('/api/v1/incident-types', z.object({ items: z.array(incidentTypeSchema) }))).items,
    staleTime: 5 * 60_000,
  });
  const labels = useMemo(
    () => new Map((query.data ?? []).map((type) => [type.key, type.label])),
    [query.data],
  );
  const options = useMemo(
    () => (query.data ?? []).map((type) => ({ value: type.key, label: type.label })),
    [query.data],
  );
  // A type removed from the settings (or not loaded yet) still reads well.
  const labelOf = useCallback((key: string) => labels.get(key) ?? humanize(key), [labels]);
  return { ...query, options, labelOf };
}
