import { Badge, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { falseAlarmReportSchema, uptimeReportSchema } from '../../../contracts/monitoring.js';
import { apiGet } from '../../app/api.js';
import { LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../sites/directory.js';
import { alarmsKey, devicesKey } from './labels.js';
import { RateChart } from './RateChart.js';

const percent = (share: number) => `${(share * 100).toFixed(share >= 0.999 || share === 0 ? 0 : 1)} %`;

function FalseAlarms() {
  const { byId } = useSiteDirectory();
  const report = useQuery({
    queryKey: [...alarmsKey, 'false-alarms'],
    queryFn: () => apiGet('/api/v1/monitoring/false-alarms', falseAlarmReportSchema),
  });
  const bars = useMemo(
    () =>
      (report.data?.devices ?? [])
        .filter((device) => device.resolved > 0)
        .sort((a, b) => b.rate - a.rate)
        .slice(0, 15)
        .map((device) => ({ name: device.name, value: device.rate })),
    [report.data],
  );
  if (report.isPending) return <PageLoader />;
  if (report.isError) return <LoadError error={report.error} onRetry={() => void report.refetch()} />;
  return (
    <Paper p="md" radius="md">
      <Title order={4} mb="xs">
        False alarms, last 30 days
      </Title>
      {report.data.sites.length === 0 ? (
        <Text size="sm" c="dimmed">
          No alarm was resolved in the period.
        </Text>
      ) : (
        <>
          <Table aria-label="False alarms by site" mb="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Site</Table.Th>
                <Table.Th>Resolved</Table.Th>
                <Table.Th>False</Table.Th>
                <Table.Th>Rate</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.sites.map((site) => (
                <Table.Tr key={site.siteId}>
                  <Table.Td>{byId.get(site.siteId)?.name ?? '—'}</Table.Td>
                  <Table.Td>{site.resolved}</Table.Td>
                  <Table.Td>{site.falseAlarms}</Table.Td>
                  <Table.Td>{percent(site.rate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm" fw={600} mb={4}>
            False-alarm rate by device
          </Text>
          <RateChart label="False-alarm rate by device" bars={bars} />
        </>
      )}
    </Paper>
  );
}

/** Site health: uptime per site, the devices offline now, and false-alarm rates. */
export default function SiteHealthPage() {
  const { can } = useSession();
  const { byId } = useSiteDirectory();
  const siteTime = useSiteTime();
  const uptime = useQuery({
    queryKey: [...devicesKey, 'uptime'],
    queryFn: () => apiGet('/api/v1/monitoring/uptime', uptimeReportSchema),
  });
  const offline = (uptime.data?.devices ?? []).filter((device) => device.status === 'offline');

  return (
    <>
      <PageHeader
        title="Site health"
        description="Uptime of each site's devices over the last 30 days, what is offline now, and how many alarms were false."
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Paper p="md" radius="md">
          <Title order={4} mb="xs">
            Uptime, last 30 days
          </Title>
          {uptime.isPending ? (
            <PageLoader />
          ) : uptime.isError ? (
            <LoadError error={uptime.error} onRetry={() => void uptime.refetch()} />
          ) : uptime.data.sites.length === 0 ? (
            <Text size="sm" c="dimmed">
              No device is registered yet.
            </Text>
          ) : (
            <>
              <Table aria-label="Uptime by site" mb="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Site</Table.Th>
                    <Table.Th>Devices</Table.Th>
                    <Table.Th>Uptime</Table.Th>
                    <Table.Th>Offline now</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {uptime.data.sites.map((site) => (
                    <Table.Tr key={site.siteId}>
                      <Table.Td>{byId.get(site.siteId)?.name ?? '—'}</Table.Td>
                      <Table.Td>{site.devices}</Table.Td>
                      <Table.Td>
                        <Badge color={site.uptime >= 0.99 ? 'green' : site.uptime >= 0.95 ? 'yellow' : 'red'}>
                          {percent(site.uptime)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{site.byStatus.offline ?? 0}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Text size="sm" fw={600} mb={4}>
                Offline devices
              </Text>
              {offline.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Every device is reporting.
                </Text>
              ) : (
                <Table aria-label="Offline devices">
                  <Table.Tbody>
                    {offline.map((device) => {
                      const since = device.outages.find((outage) => outage.endedAt === null)?.startedAt;
                      return (
                        <Table.Tr key={device.deviceId}>
                          <Table.Td>{device.name}</Table.Td>
                          <Table.Td>{byId.get(device.siteId)?.code ?? '—'}</Table.Td>
                          <Table.Td>
                            <Text size="sm" c="dimmed">
                              {since ? `since ${siteTime(since, device.siteId)}` : ''}
                            </Text>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              )}
            </>
          )}
        </Paper>
        {can('alarms:read') ? <FalseAlarms /> : null}
      </SimpleGrid>
    </>
  );
}
