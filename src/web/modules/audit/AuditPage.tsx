import {
  ActionIcon,
  Anchor,
  Autocomplete,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { DatePickerInput, type DatesRangeValue } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconChevronDown,
  IconChevronRight,
  IconCopy,
  IconFilterOff,
  IconListDetails,
} from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { useSearchParams } from 'react-router';
import { auditEntrySchema, type AuditEntry } from '../../../contracts/audit.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, useCursorList } from '../../app/lists.js';
import { useSiteTime } from '../sites/directory.js';

// Suggestions only: modules add their own entity types and actions, and the filters take any text.
const entityTypes = ['user', 'site', 'person', 'api_token'];
const actions = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'user.created',
  'user.updated',
  'user.password_changed',
  'site.created',
  'site.updated',
  'person.created',
  'person.updated',
  'token.created',
  'token.revoked',
];

type DateRange = DatesRangeValue<string>;

/** The start of a local calendar day as an ISO instant; `plusDays` moves to a later day. */
function localDayStart(day: string, plusDays = 0): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + plusDays).toISOString();
}

function actionColor(action: string): string {
  if (action.endsWith('.created')) return 'green';
  if (action.endsWith('failed')) return 'red';
  if (action.endsWith('.revoked') || action.endsWith('.deleted')) return 'orange';
  if (action.startsWith('auth.')) return 'gray';
  return 'blue';
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  return (
    <Stack gap="sm" py="xs">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
        <Text size="xs">
          <Text span c="dimmed" size="xs">
            Entry{' '}
          </Text>
          #{entry.seq} · {entry.id}
        </Text>
        <Text size="xs">
          <Text span c="dimmed" size="xs">
            Entity id{' '}
          </Text>
          {entry.entityId ?? '—'}
        </Text>
        <Text size="xs">
          <Text span c="dimmed" size="xs">
            Request id{' '}
          </Text>
          {entry.requestId ?? '—'}
        </Text>
        <Text size="xs">
          <Text span c="dimmed" size="xs">
            Actor{' '}
          </Text>
          {entry.actorType} {entry.actorId ?? ''}
        </Text>
      </SimpleGrid>
      <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
        <Text span c="dimmed" size="xs" ff="inherit">
          sha-256{' '}
        </Text>
        {entry.hash}
      </Text>
      <Code block>{JSON.stringify(entry.changes, null, 2)}</Code>
    </Stack>
  );
}

/** The audit log, newest first: filters, expandable entries with their recorded changes. */
export default function AuditPage() {
  const [params, setParams] = useSearchParams();
  const siteTime = useSiteTime();
  const [entityType, setEntityType] = useState(params.get('entityType') ?? '');
  const [action, setAction] = useState(params.get('action') ?? '');
  const [actorId, setActorId] = useState(params.get('actorId') ?? '');
  const [range, setRange] = useState<DateRange>([null, null]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  // Debounced one by one: a fresh object each render would restart the timer for ever.
  const [debouncedEntityType] = useDebouncedValue(entityType.trim(), 300);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const [debouncedActorId] = useDebouncedValue(actorId.trim(), 300);
  const [start, end] = range;
  const filters = {
    entityType: debouncedEntityType,
    action: debouncedAction,
    actorId: debouncedActorId,
    from: start ? localDayStart(start) : undefined,
    to: end ? localDayStart(end, 1) : start ? localDayStart(start, 1) : undefined,
  };
  const list = useCursorList(['audit'], '/api/v1/audit', auditEntrySchema, filters);
  const filtered = entityType !== '' || action !== '' || actorId !== '' || start !== null;

  const toggle = (id: string) =>
    setOpen((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const clearFilters = () => {
    setEntityType('');
    setAction('');
    setActorId('');
    setRange([null, null]);
    setParams({}, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, in a hash-chained log written in the same transaction as the change. Times are in the record's site zone, else yours."
      />
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm" align="flex-end" wrap="wrap">
          <Autocomplete
            label="Entity type"
            placeholder="Any"
            data={entityTypes}
            value={entityType}
            onChange={setEntityType}
            w={170}
          />
          <Autocomplete
            label="Action"
            placeholder="Any"
            data={actions}
            value={action}
            onChange={setAction}
            w={210}
          />
          <TextInput
            label="Actor id"
            placeholder="Any"
            value={actorId}
            onChange={(event) => setActorId(event.currentTarget.value)}
            w={300}
          />
          <DatePickerInput
            type="range"
            label="Dates"
            placeholder="Any time"
            value={range}
            onChange={setRange}
            clearable
            allowSingleDateInRange
            maxDate={new Date()}
            w={240}
          />
          {filtered ? (
            <Button variant="subtle" leftSection={<IconFilterOff size={16} />} onClick={clearFilters}>
              Clear filters
            </Button>
          ) : null}
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconListDetails size={28} />}
            title={filtered ? 'No entry matches' : 'The log is empty'}
            description={
              filtered
                ? 'Try other filters or a wider date range.'
                : 'Changes appear here as soon as they are made.'
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={36} />
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Actor</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Entity</Table.Th>
                    <Table.Th>Hash</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((entry) => {
                    const expanded = open.has(entry.id);
                    return (
                      <Fragment key={entry.id}>
                        <Table.Tr
                          data-testid="audit-row"
                          data-action={entry.action}
                          data-entity-id={entry.entityId ?? ''}
                          style={{ cursor: 'pointer' }}
                          onClick={() => toggle(entry.id)}
                        >
                          <Table.Td>
                            <ActionIcon
                              variant="subtle"
                              color="gray"
                              size="sm"
                              aria-expanded={expanded}
                              aria-label={expanded ? 'Hide the changes' : 'Show the changes'}
                              onClick={(event) => {
                                event.stopPropagation();
                                toggle(entry.id);
                              }}
                            >
                              {expanded ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
                            </ActionIcon>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                              {siteTime(entry.at, entry.siteId)}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            {entry.actorId ? (
                              <Anchor
                                size="sm"
                                component="button"
                                type="button"
                                onClick={(event) => {
                                  event.stopPropagation();
                                  setActorId(entry.actorId ?? '');
                                }}
                                title="Show only this actor's entries"
                              >
                                {entry.actorLabel}
                              </Anchor>
                            ) : (
                              <Text size="sm">{entry.actorLabel}</Text>
                            )}
                            <Text size="xs" c="dimmed">
                              {entry.actorType}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Badge variant="light" color={actionColor(entry.action)} tt="none">
                              {entry.action}
                            </Badge>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{entry.entityType}</Text>
                            {entry.entityId ? (
                              <Text size="xs" c="dimmed" ff="monospace">
                                {entry.entityId.slice(0, 13)}…
                              </Text>
                            ) : null}
                          </Table.Td>
                          <Table.Td>
                            <Group gap={4} wrap="nowrap">
                              <Tooltip label={entry.hash} maw={360} multiline>
                                <Text size="xs" ff="monospace" c="dimmed">
                                  {entry.hash.slice(0, 12)}…
                                </Text>
                              </Tooltip>
                              <CopyButton value={entry.hash}>
                                {({ copied, copy }) => (
                                  <ActionIcon
                                    variant="subtle"
                                    color={copied ? 'green' : 'gray'}
                                    size="xs"
                                    aria-label="Copy the hash"
                                    onClick={(event) => {
                                      event.stopPropagation();
                                      copy();
                                    }}
                                  >
                                    <IconCopy size={12} />
                                  </ActionIcon>
                                )}
                              </CopyButton>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                        {expanded ? (
                          <Table.Tr>
                            <Table.Td />
                            <Table.Td colSpan={5}>
                              <EntryDetails entry={entry} />
                            </Table.Td>
                          </Table.Tr>
                        ) : null}
                      </Fragment>
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
    </>
  );
}
