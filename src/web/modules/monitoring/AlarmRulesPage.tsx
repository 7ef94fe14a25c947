import { Badge, Button, Group, Paper, Select, Table, Text } from '@mantine/core';
import { IconAdjustmentsAlt, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { allSiteRoles } from '../../../contracts/access.js';
import { ruleSchema, type Rule } from '../../../contracts/monitoring.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, openableRow, useCursorList } from '../../app/lists.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory } from '../sites/directory.js';
import { useDevicesById } from './config/devices.js';
import { RuleDrawer } from './config/RuleDrawer.js';
import { RulesHelp, TypeDefaults } from './config/RulesHelp.js';
import { describeSchedule } from './config/schedule.js';
import { formatSeconds, humanize, priorityColors, rulesKey } from './labels.js';

/** Alarm rules: which events become alarms, with which priority and when; editable with alarms:configure. */
export default function AlarmRulesPage() {
  const { can, me } = useSession();
  const directory = useSiteDirectory();
  const [siteId, setSiteId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const list = useCursorList(rulesKey, '/api/v1/alarm-rules', ruleSchema, { siteId }, 100);
  const devices = useDevicesById(list.items.flatMap((rule) => (rule.deviceId ? [rule.deviceId] : [])));
  const mayConfigure = can('alarms:configure');
  // Organization-wide rules change every site's desk: only all-site roles may edit them.
  const mayEdit = (rule: Rule) => mayConfigure && (rule.siteId !== null || allSiteRoles.includes(me.role));
  const newRule = mayConfigure ? (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
      New rule
    </Button>
  ) : null;

  const scopeText = (rule: Rule) => {
    const site = rule.siteId ? directory.byId.get(rule.siteId) : undefined;
    if (rule.deviceId)
      return `Device · ${devices.get(rule.deviceId)?.name ?? 'one device'}${site ? ` (${site.code})` : ''}`;
    if (rule.siteId) return `Site · ${site ? `${site.name} (${site.code})` : 'out of your view'}`;
    return 'Organization';
  };

  return (
    <>
      <PageHeader
        title="Alarm rules"
        description="Which events become alarms on the desk, with which priority and when. Everything else is kept in the event log."
        actions={newRule}
      />
      <RulesHelp />
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm">
          <Select
            placeholder="Every rule"
            data={directory.options}
            value={siteId}
            onChange={setSiteId}
            clearable
            searchable
            aria-label="Rules of site"
            w={260}
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          siteId ? (
            <EmptyList
              icon={<IconAdjustmentsAlt size={28} />}
              title="No rules for this site"
              description="Its events follow the organization’s rules, else each type’s built-in default. Clear the filter to see every rule."
              action={
                <Button variant="default" onClick={() => setSiteId(null)}>
                  Clear filter
                </Button>
              }
            />
          ) : (
            <>
              <EmptyList
                icon={<IconAdjustmentsAlt size={28} />}
                title="No alarm rules yet"
                description="Until you add rules, every event follows its type’s built-in default below: life-safety and intrusion events raise alarms, the rest is only logged."
                action={newRule ?? undefined}
              />
              <TypeDefaults />
            </>
          )
        ) : (
          <>
            <Table.ScrollContainer minWidth={960}>
              <Table aria-label="Alarm rules">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th miw={170}>Rule</Table.Th>
                    <Table.Th>Applies to</Table.Th>
                    <Table.Th w={150}>Outcome</Table.Th>
                    <Table.Th>Armed</Table.Th>
                    <Table.Th w={110}>Fold window</Table.Th>
                    <Table.Th w={120}>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((rule) => {
                    const zone = rule.siteId
                      ? directory.byId.get(rule.siteId)?.timezone
                      : 'each site’s time zone';
                    return (
                      <Table.Tr
                        key={rule.id}
                        data-testid="rule-row"
                        {...(mayEdit(rule)
                          ? openableRow(() => setEditing(rule), `Edit rule ${rule.name}`)
                          : {})}
                      >
                        <Table.Td>
                          <Text fw={600} size="sm">
                            {humanize(rule.eventType)}
                          </Text>
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {rule.name}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{scopeText(rule)}</Text>
                        </Table.Td>
                        <Table.Td>
                          {rule.action === 'alarm' && rule.priority ? (
                            <Badge color={priorityColors[rule.priority]} size="sm" tt="uppercase">
                              {rule.priority} alarm
                            </Badge>
                          ) : (
                            <Badge color="gray" variant="light" size="sm" tt="none">
                              Log only
                            </Badge>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{describeSchedule(rule.schedule, zone)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c="dimmed">
                            {formatSeconds(rule.foldSeconds)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="dot" color={rule.enabled ? 'green' : 'gray'} tt="none">
                            {rule.enabled ? 'Enabled' : 'Disabled'}
                          </Badge>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
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
        <RuleDrawer rule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
