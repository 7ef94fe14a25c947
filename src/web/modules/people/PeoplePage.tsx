import { Alert, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconLock, IconPlus, IconSearch, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { personSchema, personStatus, type Person } from '../../../contracts/people.js';
import { apiAll } from '../../app/api.js';
import { downloadText } from '../../app/download.js';
import { EmptyList, LoadError, PageHeader, PageLoader, StatusBadge } from '../../app/components.js';
import { LoadMore, openableRow, useCursorList } from '../../app/lists.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../sites/directory.js';
import { peopleCsv } from './exportCsv.js';
import { kindLabels, kindOptions } from './labels.js';
import { peopleKey, PersonDrawer } from './PersonDrawer.js';

function Contact({ person }: { person: Person }) {
  if (person.piiRedacted) {
    return (
      <Tooltip label="Personal data is hidden: your role does not include people:pii">
        <Group gap={4} c="dimmed">
          <IconLock size={14} />
          <Text size="xs">hidden</Text>
        </Group>
      </Tooltip>
    );
  }
  if (!person.email && !person.phone)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Stack gap={0}>
      {person.email ? <Text size="sm">{person.email}</Text> : null}
      {person.phone ? (
        <Text size="xs" c="dimmed">
          {person.phone}
        </Text>
      ) : null}
    </Stack>
  );
}

/** The people directory: filters, paging, create/edit and CSV export of the filtered list. */
export default function PeoplePage() {
  const { can } = useSession();
  const directory = useSiteDirectory();
  const siteTime = useSiteTime();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [siteId, setSiteId] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [editing, setEditing] = useState<Person | 'new' | null>(null);
  const [exporting, setExporting] = useState(false);
  const filters = { q, siteId, kind, status };
  const list = useCursorList(peopleKey, '/api/v1/people', personSchema, filters);
  const mayWrite = can('people:write');
  const filtered = q !== '' || siteId !== null || kind !== null || status !== null;

  const exportCsv = async () => {
    setExporting(true);
    try {
      const { items, truncated } = await apiAll('/api/v1/people', personSchema, filters, 50_000);
      const day = new Date().toISOString().slice(0, 10);
      downloadText(`vigil-people-${day}.csv`, peopleCsv(items, directory.byId, can('people:pii')));
      notifySuccess(
        truncated ? `Exported the first ${items.length} people.` : `Exported ${items.length} people to CSV.`,
      );
    } catch (error) {
      notifyError(error, 'Export failed');
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="People"
        description="Employees, contractors, visitors and vendors at the sites you can see."
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} />}
              loading={exporting}
              disabled={list.items.length === 0}
              onClick={() => void exportCsv()}
            >
              Export CSV
            </Button>
            {mayWrite ? (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                Add person
              </Button>
            ) : null}
          </>
        }
      />
      {!can('people:pii') ? (
        <Alert variant="light" color="gray" icon={<IconLock size={16} />} mb="md">
          Contact details and notes are hidden: your role does not include access to personal data.
        </Alert>
      ) : null}
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm" wrap="wrap">
          <TextInput
            placeholder="Search name, employee number or email"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            aria-label="Search people"
            w={300}
          />
          <Select
            placeholder="All sites"
            data={directory.options.map((option) => ({ ...option, disabled: false }))}
            value={siteId}
            onChange={setSiteId}
            clearable
            searchable
            aria-label="Filter by site"
            w={220}
          />
          <Select
            placeholder="Any kind"
            data={kindOptions}
            value={kind}
            onChange={setKind}
            clearable
            aria-label="Filter by kind"
            w={160}
          />
          <Select
            placeholder="Any status"
            data={personStatus.options}
            value={status}
            onChange={setStatus}
            clearable
            aria-label="Filter by status"
            w={150}
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconUsersGroup size={28} />}
            title={filtered ? 'Nobody matches' : 'The directory is empty'}
            description={
              filtered
                ? 'Try another search or clear the filters.'
                : directory.sites.length === 0
                  ? 'People belong to a site. Create a site first, then add the people who work there.'
                  : 'Add the employees, contractors, visitors and vendors of your sites.'
            }
            action={
              !filtered && mayWrite && directory.sites.length > 0 ? (
                <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                  Add person
                </Button>
              ) : undefined
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Site</Table.Th>
                    <Table.Th>Employee no.</Table.Th>
                    <Table.Th>Contact</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last changed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((person) => {
                    const name = `${person.firstName} ${person.lastName}`;
                    const site = directory.byId.get(person.siteId);
                    const role = [person.title, person.department].filter(Boolean).join(' · ');
                    return (
                      <Table.Tr
                        key={person.id}
                        {...(mayWrite ? openableRow(() => setEditing(person), `Edit ${name}`) : {})}
                      >
                        <Table.Td>
                          <Text size="sm" fw={600}>
                            {name}
                          </Text>
                          {role ? (
                            <Text size="xs" c="dimmed">
                              {role}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{kindLabels[person.kind]}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{site ? site.name : '—'}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace">
                            {person.employeeNumber ?? '—'}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Contact person={person} />
                        </Table.Td>
                        <Table.Td>
                          <StatusBadge status={person.status} good="active" />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c="dimmed">
                            {siteTime(person.updatedAt, person.siteId)}
                          </Text>
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
        <PersonDrawer person={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
