import { Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { Incident } from '../../../../contracts/incidents.js';
import { navigableRow } from '../../../app/lists.js';
import { useSession } from '../../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../../sites/directory.js';
import { humanize, severityColors, statusColors } from '../labels.js';
import { slaState } from './sla.js';

/** The SLA badge of a case: red once a clock is breached, orange once it is close to its due time. */
export function SlaBadge({ incident, now }: { incident: Incident; now: number }) {
  const state = slaState(incident, now);
  if (state === null)
    return (
      <Text size="sm" c="dimmed" aria-label="No SLA alert">
        —
      </Text>
    );
  return state === 'breached' ? (
    <Badge color="red" variant="filled" tt="none">
      Breached
    </Badge>
  ) : (
    <Badge color="orange" variant="light" tt="none">
      Due soon
    </Badge>
  );
}

/** The cases of the list; a row opens its case by click, Enter or Space (arrows move between rows). */
export function IncidentTable({
  incidents,
  labelOfType,
  onOpen,
  now,
}: {
  incidents: Incident[];
  labelOfType: (key: string) => string;
  onOpen: (incident: Incident) => void;
  now: number;
}) {
  const { me } = useSession();
  const directory = useSiteDirectory();
  const siteTime = useSiteTime();
  return (
    <Table.ScrollContainer minWidth={1040}>
      <Table highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={165}>Reference</Table.Th>
            <Table.Th miw={260}>Incident</Table.Th>
            <Table.Th w={105}>Severity</Table.Th>
            <Table.Th w={125}>Status</Table.Th>
            <Table.Th>Site</Table.Th>
            <Table.Th>Occurred</Table.Th>
            <Table.Th>Assignee</Table.Th>
            <Table.Th w={95}>SLA</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {incidents.map((incident) => {
            const site = incident.siteId ? directory.byId.get(incident.siteId) : undefined;
            return (
              <Table.Tr
                key={incident.id}
                data-testid="incident-row"
                {...navigableRow(() => onOpen(incident), `Open ${incident.reference} ${incident.title}`)}
              >
                <Table.Td>
                  <Text size="sm" ff="monospace" fw={600} style={{ whiteSpace: 'nowrap' }}>
                    {incident.reference}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {incident.confidential ? (
                      <Tooltip label="Confidential: only its team sees it">
                        <IconLock size={14} aria-label="Confidential" color="var(--mantine-color-grape-7)" />
                      </Tooltip>
                    ) : null}
                    <Text size="sm" fw={600} lineClamp={1}>
                      {incident.title}
                    </Text>
                  </Group>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {labelOfType(incident.type)}
                    {incident.kind === 'concern'
                      ? incident.anonymous
                        ? ' · anonymous concern'
                        : ' · concern'
                      : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={severityColors[incident.severity]} variant="light" tt="none">
                    {humanize(incident.severity)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Badge color={statusColors[incident.status]} variant="dot" tt="none">
                    {humanize(incident.status)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={site ? undefined : 'dimmed'} lineClamp={1}>
                    {site ? site.name : incident.siteId ? 'Another site' : 'No site'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text
                    size="sm"
                    c={incident.occurredAt ? undefined : 'dimmed'}
                    style={{ whiteSpace: 'nowrap' }}
                  >
                    {incident.occurredAt ? siteTime(incident.occurredAt, incident.siteId) : 'Not given'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={incident.assignedTo ? undefined : 'dimmed'} lineClamp={1}>
                    {incident.assignedTo
                      ? incident.assignedTo.id === me.id
                        ? 'Me'
                        : incident.assignedTo.name
                      : 'Unassigned'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <SlaBadge incident={incident} now={now} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
