import {
  ActionIcon,
  Badge,
  Button,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconAlarm, IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useState, type ReactNode } from 'react';
import type { MonitoringEvent } from '../../../../contracts/monitoring.js';
import { useSiteDirectory, useSiteTime } from '../../sites/directory.js';
import { humanize, outcomeLabels, sourceLabels } from '../labels.js';

// A device clock this far from the receipt time is worth showing beside it.
const CLOCK_SKEW_MS = 60_000;

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="xs">
      <Text span c="dimmed" size="xs">
        {label}{' '}
      </Text>
      {children}
    </Text>
  );
}

function EventDetails({ event }: { event: MonitoringEvent }) {
  const siteTime = useSiteTime();
  return (
    <Stack gap="xs" py="xs">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
        <Detail label="Occurred (device clock)">{siteTime(event.occurredAt, event.siteId)}</Detail>
        <Detail label="Received">{siteTime(event.receivedAt, event.siteId)}</Detail>
        <Detail label="Source event id">{event.sourceEventId}</Detail>
        <Detail label="Addressed to">{event.deviceRef ?? '—'}</Detail>
        {event.restoreOf ? <Detail label="Restores">{humanize(event.restoreOf)}</Detail> : null}
        <Detail label="Event id">{event.id}</Detail>
      </SimpleGrid>
      {event.details ? <Code block>{JSON.stringify(event.details, null, 2)}</Code> : null}
    </Stack>
  );
}

/** The event log's rows, newest first, with their details one click (or Enter) away. */
export function EventTable({
  events,
  onOpenAlarm,
}: {
  events: readonly MonitoringEvent[];
  onOpenAlarm: (alarmId: string) => void;
}) {
  const { byId } = useSiteDirectory();
  const siteTime = useSiteTime();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table aria-label="Events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36} />
            <Table.Th>Received</Table.Th>
            <Table.Th>Site</Table.Th>
            <Table.Th>Device</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Source</Table.Th>
            <Table.Th>Outcome</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => {
            const site = event.siteId ? byId.get(event.siteId) : undefined;
            const expanded = open.has(event.id);
            const skewed =
              Math.abs(Date.parse(event.occurredAt) - Date.parse(event.receivedAt)) > CLOCK_SKEW_MS;
            const outcome = outcomeLabels[event.outcome];
            const alarmId = event.alarmId;
            return (
              <Fragment key={event.id}>
                <Table.Tr data-testid="event-row">
                  <Table.Td>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      size="sm"
                      aria-label={`${expanded ? 'Hide' : 'Show'} details of ${humanize(event.type)} event`}
                      aria-expanded={expanded}
                      onClick={() => toggle(event.id)}
                    >
                      {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                    </ActionIcon>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{siteTime(event.receivedAt, event.siteId)}</Text>
                    {skewed ? (
                      <Text size="xs" c="dimmed">
                        occurred {siteTime(event.occurredAt, event.siteId)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {site ? (
                      <Tooltip label={site.name}>
                        <Text size="sm">{site.code}</Text>
                      </Tooltip>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {event.deviceName ? (
                      <Text size="sm">{event.deviceName}</Text>
                    ) : (
                      <>
                        <Text size="sm" c="orange">
                          Unregistered
                        </Text>
                        {event.deviceRef ? (
                          <Text size="xs" c="dimmed">
                            {event.deviceRef}
                          </Text>
                        ) : null}
                      </>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {humanize(event.type)}
                      {event.restoreOf ? (
                        <Text span size="sm" fw={400} c="dimmed">
                          {' '}
                          of {humanize(event.restoreOf).toLowerCase()}
                        </Text>
                      ) : null}
                    </Text>
                    {event.code || event.zone ? (
                      <Group gap={6}>
                        {event.code ? (
                          <Code fz="xs" title="Raw code from the device">
                            {event.code}
                          </Code>
                        ) : null}
                        {event.zone ? (
                          <Text size="xs" c="dimmed">
                            zone {event.zone}
                          </Text>
                        ) : null}
                      </Group>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color="gray" size="sm" tt="none">
                      {sourceLabels[event.source]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Badge variant="light" color={outcome.color} size="sm" tt="none">
                        {outcome.label}
                      </Badge>
                      {alarmId ? (
                        <Button
                          variant="subtle"
                          size="compact-xs"
                          leftSection={<IconAlarm size={12} />}
                          onClick={() => onOpenAlarm(alarmId)}
                        >
                          Open alarm
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
                {expanded ? (
                  <Table.Tr>
                    <Table.Td />
                    <Table.Td colSpan={6}>
                      <EventDetails event={event} />
                    </Table.Td>
                  </Table.Tr>
                ) : null}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
