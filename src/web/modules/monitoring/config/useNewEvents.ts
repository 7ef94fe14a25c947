import { useQuery } from '@tanstack/react-query';
import { eventSchema } from '../../../../contracts/monitoring.js';
import { apiPage, type QueryParams } from '../../../app/api.js';
import { eventsKey } from '../labels.js';
import { idTime } from './eventWindow.js';

const POLL_MS = 10_000;
const LOOK_AHEAD = 100;

/**
 * How many events matching the filters arrived after the newest one shown, checked every 10 s
 * while the page is visible. The check reads only from the newest shown event's instant on (a
 * short range of the time-ordered key), never the whole window again.
 */
export function useNewEvents({
  filters,
  newestId,
  windowFrom,
  enabled,
}: {
  filters: QueryParams;
  /** The newest event shown, or null when none is. */
  newestId: string | null;
  /** Where the window starts, used while no event is shown. */
  windowFrom: string;
  enabled: boolean;
}): { count: number; atLeast: boolean } {
  const since = newestId ? new Date(idTime(newestId)).toISOString() : windowFrom;
  const check = useQuery({
    queryKey: [...eventsKey, 'newer', filters, since],
    queryFn: () =>
      apiPage('/api/v1/monitoring/events', eventSchema, { ...filters, from: since, limit: LOOK_AHEAD }),
    enabled,
    refetchInterval: POLL_MS,
  });
  const items = check.data?.items ?? [];
  // Ids are time-ordered strings: newer events sort after the newest shown.
  const count = items.filter((event) => newestId === null || event.id > newestId).length;
  return { count, atLeast: check.data?.nextCursor !== null && check.data !== undefined };
}
