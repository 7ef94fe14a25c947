import { Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { IconCalendarTime, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { openableRow } from '../../../app/lists.js';
import { humanize } from '../labels.js';
import { summarizeWeek, type Calendar } from './calendar.js';
import { CalendarDrawer } from './CalendarDrawer.js';
import { useCalendars, useSlaPolicies } from './queries.js';

/** Business-hours calendars: the opening hours and holidays SLA clocks can be counted in. */
export function CalendarsPanel() {
  const calendars = useCalendars();
  const policies = useSlaPolicies();
  // The id, not the record: after a reload the drawer edits the newest version from the list. A null id is a new calendar.
  const [editing, setEditing] = useState<{ id: string | null } | null>(null);
  const usedBy = (calendar: Calendar) =>
    (policies.data ?? [])
      .filter((policy) => policy.calendarId === calendar.id)
      .map((policy) => policy.severity)
      .reverse(); // most severe first, as on the SLA tab
  const current = editing?.id ? (calendars.data?.find((c) => c.id === editing.id) ?? null) : null;
  const addButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ id: null })}>
      New calendar
    </Button>
  );

  return (
    <Paper p="md" radius="md">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={5}>Business calendars</Title>
          <Text size="xs" c="dimmed">
            Opening hours and holidays. An SLA counted in a calendar only runs while it is open.
          </Text>
        </div>
        {calendars.data && calendars.data.length > 0 ? addButton : null}
      </Group>
      {calendars.isPending ? (
        <PageLoader />
      ) : calendars.isError ? (
        <LoadError error={calendars.error} onRetry={() => void calendars.refetch()} />
      ) : calendars.data.length === 0 ? (
        <EmptyList
          icon={<IconCalendarTime size={28} />}
          title="No business calendars yet"
          description="Without one, SLA clocks run around the clock. Add your opening hours to count only working time."
          action={addButton}
        />
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Business calendars">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Opening hours</Table.Th>
                <Table.Th>Holidays</Table.Th>
                <Table.Th>Used by</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {calendars.data.map((calendar) => {
                const severities = usedBy(calendar);
                return (
                  <Table.Tr
                    key={calendar.id}
                    {...openableRow(() => setEditing({ id: calendar.id }), `Edit calendar ${calendar.name}`)}
                  >
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {calendar.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {calendar.timezone}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{summarizeWeek(calendar.hours)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {calendar.holidays.length === 0 ? 'None' : calendar.holidays.length}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {severities.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          No SLA
                        </Text>
                      ) : (
                        <Group gap={4}>
                          {severities.map((severity) => (
                            <Badge key={severity} variant="light" color="gray" tt="none">
                              {humanize(severity)}
                            </Badge>
                          ))}
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing?.id === null || current ? (
        <CalendarDrawer
          calendar={current}
          onClose={() => setEditing(null)}
          onReload={() => void calendars.refetch()}
          reloading={calendars.isFetching}
        />
      ) : null}
    </Paper>
  );
}
