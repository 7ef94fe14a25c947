import { Anchor, Badge, Group, List, Paper, Stack, Table, Text, ThemeIcon } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { defaultAlarmPriorities, eventTypes, priorities } from '../../../../contracts/monitoring.js';
import { humanize, priorityColors } from '../labels.js';

const loggedByDefault = eventTypes.filter((type) => !defaultAlarmPriorities[type]);

/** The built-in policy of every event type, by priority: what happens where no rule matches. */
export function TypeDefaults() {
  return (
    <Table aria-label="Built-in defaults" withRowBorders={false} verticalSpacing={4}>
      <Table.Tbody>
        {priorities.map((priority) => (
          <Table.Tr key={priority}>
            <Table.Td w={160} style={{ verticalAlign: 'top' }}>
              <Badge color={priorityColors[priority]} size="sm" tt="uppercase">
                {priority} alarm
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {eventTypes
                  .filter((type) => defaultAlarmPriorities[type] === priority)
                  .map(humanize)
                  .join(', ')}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td style={{ verticalAlign: 'top' }}>
            <Badge color="gray" variant="light" size="sm" tt="none">
              Logged only
            </Badge>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{loggedByDefault.map(humanize).join(', ')}</Text>
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

/** How the rule for an event is chosen, with the built-in defaults one click away. */
export function RulesHelp() {
  const [open, setOpen] = useState(false);
  return (
    <Paper p="md" radius="md" mb="md" bg="var(--mantine-color-vigil-0)">
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <ThemeIcon variant="light" radius="xl" size="md">
          <IconInfoCircle size={16} />
        </ThemeIcon>
        <Stack gap={6} style={{ flex: 1 }}>
          <Text size="sm" fw={600}>
            How the rule for an event is chosen
          </Text>
          <List size="sm" spacing={2}>
            <List.Item>
              The most specific rule wins: the device’s own rule, then its site’s, then the organization’s.
            </List.Item>
            <List.Item>
              At the same level, a rule with an arming schedule is tried first and applies while armed (in the
              site’s time zone); otherwise the unscheduled rule applies. So “person detected → high alarm at
              night” can sit beside “person detected → log only”.
            </List.Item>
            <List.Item>
              Disabled rules are skipped. Where no rule matches, the event type’s built-in default applies.
            </List.Item>
          </List>
          <Anchor
            component="button"
            type="button"
            size="sm"
            onClick={() => setOpen((value) => !value)}
            aria-expanded={open}
            style={{ alignSelf: 'flex-start' }}
          >
            {open ? 'Hide the built-in defaults' : 'Show the built-in defaults'}
          </Anchor>
          {open ? <TypeDefaults /> : null}
        </Stack>
      </Group>
    </Paper>
  );
}
