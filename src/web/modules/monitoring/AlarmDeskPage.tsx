import { Alert, Badge, Group, Paper, SegmentedControl, Table, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconAlarm, IconAlertOctagon } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { listOf } from '../../../contracts/common.js';
import { alarmSchema, type Alarm, type AlarmStreamMessage } from '../../../contracts/monitoring.js';
import { apiGet } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { openableRow } from '../../app/lists.js';
import { sitesKey, useSiteDirectory, useSiteTime } from '../sites/directory.js';
import { AlarmDrawer } from './AlarmDrawer.js';
import { alarmsKey, compareAlarms, humanize, priorityColors } from './labels.js';
import { playCriticalTone, useAlarmStream, type StreamState } from './live.js';

type View = 'open' | 'resolved';

const streamBadge: Record<StreamState, { color: string; label: string }> = {
  connecting: { color: 'gray', label: 'Connecting…' },
  live: { color: 'green', label: 'Live' },
  reconnecting: { color: 'orange', label: 'Reconnecting…' },
};

/** The alarm desk: open alarms, highest priority first then oldest, kept current by the live stream. */
export default function AlarmDeskPage() {
  const [view, setView] = useState<View>('open');
  const [openId, setOpenId] = useState<string | null>(null);
  const { byId } = useSiteDirectory();
  const siteTime = useSiteTime();
  const list = useQuery({
    queryKey: [...alarmsKey, 'desk', view],
    // The desk shows the whole open queue at once; 500 is the API's page maximum.
    queryFn: () =>
      apiGet('/api/v1/alarms', listOf(alarmSchema), {
        limit: 500,
        ...(view === 'resolved' ? { state: 'resolved' } : {}),
      }),
  });
  const stream = useAlarmStream((message: AlarmStreamMessage) => {
    if (message.change === 'raised' && message.alarm.priority === 'critical') playCriticalTone();
  });
  const alarms: Alarm[] = [...(list.data?.items ?? [])].sort(compareAlarms);
  // An alarm of a site created after the directory was cached: reload the directory once for it,
  // so the alarm's site and time zone show.
  const queryClient = useQueryClient();
  const directoryTried = useRef(new Set<string>());
  const missingSite = alarms.find(
    (alarm) => alarm.siteId && !byId.has(alarm.siteId) && !directoryTried.current.has(alarm.siteId),
  )?.siteId;
  useEffect(() => {
    if (!missingSite) return;
    directoryTried.current.add(missingSite);
    void queryClient.invalidateQueries({ queryKey: [...sitesKey, 'directory'] });
  }, [missingSite, queryClient]);
  const critical = alarms.filter((alarm) => alarm.priority === 'critical' && alarm.state === 'active');
  useHotkeys([
    [
      'shift+N',
      () => {
        const first = alarms[0];
        if (first) setOpenId(first.id);
      },
    ],
  ]);

  return (
    <>
      <PageHeader
        title="Alarm desk"
        description="Open alarms, highest priority first, then the oldest. Shift+N opens the top alarm; Tab and Enter open any row."
        actions={
          <Group gap="sm">
            <Badge variant="dot" color={streamBadge[stream].color} tt="none" data-testid="stream-state">
              {streamBadge[stream].label}
            </Badge>
            <SegmentedControl
              value={view}
              onChange={(value) => setView(value === 'resolved' ? 'resolved' : 'open')}
              data={[
                { value: 'open', label: 'Open' },
                { value: 'resolved', label: 'Resolved' },
              ]}
              aria-label="Which alarms"
            />
          </Group>
        }
      />
      {critical.length > 0 ? (
        <Alert
          color="red"
          variant="filled"
          mb="md"
          icon={<IconAlertOctagon size={22} />}
          title={critical.length === 1 ? 'Critical alarm' : `${critical.length} critical alarms`}
          role="alert"
          data-testid="critical-banner"
        >
          {critical
            .slice(0, 3)
            .map((alarm) => `${humanize(alarm.type)} — ${alarm.deviceName ?? 'unregistered device'}`)
            .join(' · ')}
          {critical.length > 3 ? ` and ${critical.length - 3} more` : ''}
        </Alert>
      ) : null}
      <Paper p="md" radius="md">
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : alarms.length === 0 ? (
          <EmptyList
            icon={<IconAlarm size={28} />}
            title={view === 'open' ? 'No open alarms' : 'No resolved alarms'}
            description={
              view === 'open'
                ? 'New alarms appear here as they arrive, without reloading the page.'
                : 'Resolved alarms are listed here once handled.'
            }
          />
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table aria-label="Alarms">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Priority</Table.Th>
                  <Table.Th>Alarm</Table.Th>
                  <Table.Th>Device</Table.Th>
                  <Table.Th>Site</Table.Th>
                  <Table.Th>First seen</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Claimed by</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {alarms.map((alarm) => {
                  const site = alarm.siteId ? byId.get(alarm.siteId) : undefined;
                  return (
                    <Table.Tr
                      key={alarm.id}
                      data-testid="alarm-row"
                      {...openableRow(
                        () => setOpenId(alarm.id),
                        `${alarm.priority} ${humanize(alarm.type)} alarm on ${alarm.deviceName ?? 'unregistered device'}`,
                      )}
                    >
                      <Table.Td>
                        <Badge color={priorityColors[alarm.priority]} tt="uppercase" size="sm">
                          {alarm.priority}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {humanize(alarm.type)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {[
                            alarm.code,
                            alarm.zone ? `zone ${alarm.zone}` : null,
                            alarm.count > 1 ? `×${alarm.count}` : null,
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{alarm.deviceName ?? 'Unregistered device'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{site ? site.code : '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {siteTime(alarm.firstAt, alarm.siteId)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={
                            alarm.state === 'active'
                              ? 'red'
                              : alarm.state === 'acknowledged'
                                ? 'blue'
                                : 'green'
                          }
                          tt="none"
                        >
                          {alarm.state}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={alarm.claimedBy ? undefined : 'dimmed'}>
                          {alarm.claimedBy?.name ?? 'Unclaimed'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {openId ? <AlarmDrawer id={openId} onClose={() => setOpenId(null)} /> : null}
    </>
  );
}
