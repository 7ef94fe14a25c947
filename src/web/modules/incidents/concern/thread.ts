import { useQuery } from '@tanstack/react-query';
import { concernThreadSchema } from '../../../../contracts/incidents.js';
import { apiSend } from '../../../app/api.js';

/** What opens a reporter's conversation. Held in the page's memory only: never in the address, storage or logs. */
export interface ConcernAccess {
  reference: string;
  followUpCode: string;
}

/** The cache of opened conversations; dropped when the reporter signs out of a report or leaves the page. */
export const concernThreadsKey = ['concern-thread'] as const;
// The key names the reference only: the code stays out of the cache's keys.
export const concernThreadKey = (reference: string) => [...concernThreadsKey, reference] as const;

/** Reads the conversation of a report (a POST: the code travels in the body, never in a URL). */
export function fetchConcernThread(access: ConcernAccess) {
  return apiSend('POST', '/api/v1/concerns/thread', concernThreadSchema, access);
}

/**
 * The opened conversation. It is read again only when the reporter asks: the public routes are
 * rate-limited per network, and colleagues behind the same address share that allowance.
 */
export function useConcernThread(access: ConcernAccess) {
  return useQuery({
    queryKey: concernThreadKey(access.reference),
    queryFn: () => fetchConcernThread(access),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
