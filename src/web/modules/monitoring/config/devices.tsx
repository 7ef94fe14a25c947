import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { deviceSchema, type Device } from '../../../../contracts/monitoring.js';
import { apiGet, apiPage } from '../../../app/api.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { devicesKey } from '../labels.js';

// Not the drawers' [...devicesKey, 'one', id]: those entries hold the device with its ETag.
const deviceKey = (id: string) => [...devicesKey, 'plain', id] as const;
const fetchDevice = (id: string) => apiGet(`/api/v1/devices/${id}`, deviceSchema);

/** Devices by id, fetched one by one and cached (for the few devices that rules name). */
export function useDevicesById(ids: readonly string[]): Map<string, Device> {
  const unique = [...new Set(ids)];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: deviceKey(id),
      queryFn: () => fetchDevice(id),
      staleTime: 60_000,
    })),
  });
  const devices = new Map<string, Device>();
  for (const result of results) if (result.data) devices.set(result.data.id, result.data);
  return devices;
}

/**
 * A device picker that searches the registry on the server (by name, account, serial…), optionally
 * within one site; the chosen device stays labelled even when the search moves on.
 */
export function DeviceSelect({
  siteId,
  value,
  onChange,
  ...props
}: Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchable' | 'searchValue' | 'onSearchChange'> & {
  siteId: string | null;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const { byId } = useSiteDirectory();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const chosen = useQuery({
    queryKey: deviceKey(value ?? ''),
    queryFn: () => fetchDevice(value ?? ''),
    enabled: value !== null,
    staleTime: 60_000,
  });
  // Once a device is chosen the search box shows its name: list the site's devices, not just that one.
  const searchTerm = chosen.data && q === chosen.data.name ? '' : q;
  const found = useQuery({
    queryKey: [...devicesKey, 'pick', siteId, searchTerm],
    queryFn: () => apiPage('/api/v1/devices', deviceSchema, { q: searchTerm, siteId, limit: 50 }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const data = useMemo(() => {
    const devices = [...(found.data?.items ?? [])];
    if (chosen.data && !devices.some((device) => device.id === chosen.data.id)) devices.unshift(chosen.data);
    return devices.map((device) => ({
      value: device.id,
      label: siteId ? device.name : `${device.name} · ${byId.get(device.siteId)?.code ?? 'site'}`,
    }));
  }, [found.data, chosen.data, siteId, byId]);

  return (
    <Select
      {...props}
      data={data}
      value={value}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server has filtered already: show what it answered.
      filter={({ options }) => options}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'No device matches'}
    />
  );
}
