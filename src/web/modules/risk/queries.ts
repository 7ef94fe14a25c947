import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { listOf } from '../../../contracts/common.js';
import { userSchema } from '../../../contracts/identity.js';
import { appetiteSchema, matrixSchema, type RiskMatrix } from '../../../contracts/risk.js';
import { apiAll, apiGet, apiGetVersioned } from '../../app/api.js';
import { useSession } from '../../app/session.js';

export const riskKey = ['risk'] as const;
export const risksKey = [...riskKey, 'risks'] as const;
export const riskOne = (id: string) => [...risksKey, 'one', id] as const;

/** Every risk matrix, oldest first, with a lookup by id and the organization's default. */
export function useMatrices() {
  const query = useQuery({
    queryKey: [...riskKey, 'matrices'],
    queryFn: async () => (await apiGet('/api/v1/risk/matrices', listOf(matrixSchema))).items,
    staleTime: 60_000,
  });
  const byId = useMemo(
    () => new Map<string, RiskMatrix>((query.data ?? []).map((matrix) => [matrix.id, matrix])),
    [query.data],
  );
  const defaultMatrix = (query.data ?? []).find((matrix) => matrix.isDefault) ?? query.data?.[0] ?? null;
  return { ...query, matrices: query.data ?? [], byId, defaultMatrix };
}

/** The organization's loss appetite and currency (with its ETag, for changing it). */
export function useAppetite() {
  return useQuery({
    queryKey: [...riskKey, 'appetite'],
    queryFn: () => apiGetVersioned('/api/v1/risk/appetite', appetiteSchema),
    staleTime: 60_000,
  });
}

/** The currency amounts are shown in (the appetite's), USD until it is loaded or set. */
export function useCurrency(): string {
  return useAppetite().data?.data.currency ?? 'USD';
}

/**
 * Names of risk owners. Users who may list users (users:read) see every name; others see their own
 * and "Another user", since the user directory is not theirs to read.
 */
export function useOwners() {
  const { me, can } = useSession();
  const mayList = can('users:read');
  const users = useQuery({
    queryKey: ['users', 'directory'],
    queryFn: async () => (await apiAll('/api/v1/users', userSchema)).items,
    enabled: mayList,
    staleTime: 60_000,
  });
  const byId = useMemo(() => new Map((users.data ?? []).map((user) => [user.id, user])), [users.data]);
  const nameOf = useCallback(
    (id: string | null): string | null => {
      if (id === null) return null;
      if (id === me.id) return me.name;
      return byId.get(id)?.name ?? (mayList && users.isPending ? '…' : 'Another user');
    },
    [byId, me, mayList, users.isPending],
  );
  const options = useMemo(() => {
    const active = (users.data ?? []).filter((user) => user.status === 'active');
    const list = mayList ? active : [{ id: me.id, name: me.name }];
    return list
      .map((user) => ({ value: user.id, label: user.id === me.id ? `${user.name} (me)` : user.name }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [users.data, mayList, me]);
  return { nameOf, options };
}

export { etagOf } from '../../app/api.js';
