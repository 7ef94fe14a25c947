import { Badge, Grid, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { Incident } from '../../../../contracts/incidents.js';
import { humanize } from '../labels.js';
import { useIncidentTypes } from '../list/queries.js';
import { Detail, TextBlock } from './parts.js';
import { reportedWhen, useCaseZone } from './queries.js';

function Assets({ assets }: { assets: Incident['assets'] }) {
  if (assets.length === 0) return <TextBlock value={null} empty="No assets recorded" />;
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table withRowBorders verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Asset</Table.Th>
            <Table.Th>Tag</Table.Th>
            <Table.Th ta="right">Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {assets.map((asset, index) => (
            <Table.Tr key={index}>
              <Table.Td>{asset.description}</Table.Td>
              <Table.Td>{asset.tag ?? '—'}</Table.Td>
              <Table.Td ta="right">{asset.value === undefined ? '—' : asset.value.toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Vehicles({ vehicles }: { vehicles: Incident['vehicles'] }) {
  if (vehicles.length === 0) return <TextBlock value={null} empty="No vehicles recorded" />;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table withRowBorders verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Plate</Table.Th>
            <Table.Th>Vehicle</Table.Th>
            <Table.Th>Colour</Table.Th>
            <Table.Th>Description</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {vehicles.map((vehicle, index) => (
            <Table.Tr key={index}>
              <Table.Td ff="monospace">{vehicle.plate ?? '—'}</Table.Td>
              <Table.Td>{[vehicle.make, vehicle.model].filter(Boolean).join(' ') || '—'}</Table.Td>
              <Table.Td>{vehicle.color ?? '—'}</Table.Td>
              <Table.Td>{vehicle.description ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** What happened, where and when, and what the investigation concluded. */
export function OverviewTab({ incident }: { incident: Incident }) {
  const { format, site, timeZone } = useCaseZone(incident);
  const types = useIncidentTypes();
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="md">
          <Paper p="md" radius="md">
            <Stack gap="md">
              <Detail label="Description">
                <TextBlock value={incident.description} empty="No description was given" />
              </Detail>
              <Detail label="Assets">
                <Assets assets={incident.assets} />
              </Detail>
              <Detail label="Vehicles">
                <Vehicles vehicles={incident.vehicles} />
              </Detail>
            </Stack>
          </Paper>
          <Paper p="md" radius="md">
            <Title order={5} mb="sm">
              Outcome
            </Title>
            <Stack gap="md">
              <Detail label="Findings">
                <TextBlock value={incident.findings} empty="No findings recorded yet" />
              </Detail>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Detail label="Root cause">
                  <TextBlock
                    value={incident.rootCause ? humanize(incident.rootCause) : null}
                    empty="Not determined"
                  />
                </Detail>
                <Detail label="Disposition">
                  {incident.disposition ? (
                    <Badge variant="light" color="gray" tt="none">
                      {humanize(incident.disposition)}
                    </Badge>
                  ) : (
                    <TextBlock value={null} empty="Set when the case is closed" />
                  )}
                </Detail>
              </SimpleGrid>
              {incident.dispositionNote ? (
                <Detail label="Disposition note">
                  <TextBlock value={incident.dispositionNote} />
                </Detail>
              ) : null}
            </Stack>
          </Paper>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Paper p="md" radius="md">
          <Stack gap="sm">
            <Detail label="Occurred">
              <TextBlock value={incident.occurredAt ? format(incident.occurredAt) : null} empty="Not known" />
            </Detail>
            <Detail label="Site">
              <TextBlock value={site ? `${site.name} (${site.code})` : null} empty="No site given" />
            </Detail>
            <Detail label="Location">
              <TextBlock value={incident.location} empty="Not given" />
            </Detail>
            <Detail label="Type">
              <Text size="sm">{types.labelOf(incident.type)}</Text>
            </Detail>
            <Detail label="Reported">
              <Text size="sm">
                {reportedWhen(incident, format)} by{' '}
                {incident.anonymous ? 'an anonymous reporter' : (incident.reportedBy?.name ?? 'a reporter')}
              </Text>
            </Detail>
            <Detail label="Milestones">
              <Stack gap={2}>
                {(
                  [
                    ['Triaged', incident.triagedAt],
                    ['Resolved', incident.resolvedAt],
                    ['Closed', incident.closedAt],
                  ] as const
                ).map(([label, at]) => (
                  <Text key={label} size="sm" c={at ? undefined : 'dimmed'}>
                    {label}: {at ? format(at) : 'not yet'}
                  </Text>
                ))}
              </Stack>
            </Detail>
            <Text size="xs" c="dimmed">
              Times in {timeZone} · last changed {format(incident.updatedAt)} · version {incident.version}
            </Text>
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
