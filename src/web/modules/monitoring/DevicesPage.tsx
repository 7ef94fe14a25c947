import { Badge, Button, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDeviceCctv, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { deviceKinds, deviceSchema, deviceStatuses, type Device } from '../../../contracts/monitoring.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, openableRow, useCursorList } from '../../app/lists.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../sites/directory.js';
import { DeviceDrawer } from './DeviceDrawer.js';
import { deviceStatusColors, devicesKey, humanize, optionsOf } from './labels.js';

/** The device registry: status, last contact in the site's zone, and register/edit for those who may. */
export default function DevicesPage() {
  const { can } = useSession();
  const directory = useSiteDirectory();
  const siteTime = useSiteTime();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [status, setStatus] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [siteId, setSiteId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Device | 'new' | null>(null);
  const list = useCursorList(devicesKey, '/api/v1/devices', deviceSchema, { q, status, kind, siteId });
  const mayWrite = can('devices:write');
  const filtered = q !== '' || status !== null || kind !== null || siteId !== null;

  return (
    <>
      <PageHeader
        title="Devices"
        description="Panels, cameras, doors and sensors, with their health. Times are shown in each device's site zone."
        actions={
          mayWrite ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              Register device
            </Button>
          ) : null
        }
      />
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm">
          <TextInput
            placeholder="Search by name, account, serial…"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            aria-label="Search devices"
            w={260}
          />
          <Select
            placeholder="Any status"
            data={optionsOf(deviceStatuses)}
            value={status}
            onChange={setStatus}
            clearable
            searchable
            aria-label="Filter by status"
            w={150}
          />
          <Select
            placeholder="Any kind"
            data={optionsOf(deviceKinds)}
            value={kind}
            onChange={setKind}
            clearable
            searchable
            aria-label="Filter by kind"
            w={180}
          />
          <Select
            placeholder="Any site"
            data={directory.options}
            value={siteId}
            onChange={setSiteId}
            clearable
            searchable
            aria-label="Filter by site"
            w={220}
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconDeviceCctv size={28} />}
            title={filtered ? 'No device matches' : 'No devices yet'}
            description={
              filtered
                ? 'Try another search or clear the filters.'
                : 'Register the panels, cameras and sensors that report to Vigil.'
            }
            action={
              !filtered && mayWrite ? (
                <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                  Register device
                </Button>
              ) : undefined
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={860}>
              <Table aria-label="Devices">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Site</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last seen</Table.Th>
                    <Table.Th>Connections</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((device) => (
                    <Table.Tr
                      key={device.id}
                      data-testid="device-row"
                      {...(mayWrite
                        ? openableRow(() => setEditing(device), `Edit device ${device.name}`)
                        : {})}
                    >
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {device.name}
                        </Text>
                        {device.location || device.zone ? (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {[device.location, device.zone ? `zone ${device.zone}` : null]
                              .filter(Boolean)
                              .join(' · ')}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{humanize(device.kind)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{directory.byId.get(device.siteId)?.code ?? '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="dot" color={deviceStatusColors[device.status]} tt="none">
                          {device.status}
                        </Badge>
                        {device.troubles.length > 0 ? (
                          <Text size="xs" c="orange">
                            {device.troubles.map((trouble) => humanize(trouble.condition)).join(', ')}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {device.lastSeenAt ? siteTime(device.lastSeenAt, device.siteId) : 'Never'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" c="dimmed">
                          {[
                            device.dc09
                              ? `DC-09 ${device.dc09.account}${device.dc09.hasKey ? ' (encrypted)' : ''}`
                              : null,
                            device.frigate ? `Frigate ${device.frigate.camera}` : null,
                            device.zigbee2mqtt ? `Zigbee ${device.zigbee2mqtt.name}` : null,
                            device.externalId ? `id ${device.externalId}` : null,
                          ]
                            .filter(Boolean)
                            .join(' · ') || '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMore
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              count={list.items.length}
              onLoadMore={() => void list.fetchNextPage()}
            />
          </>
        )}
      </Paper>
      {editing ? (
        <DeviceDrawer device={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
