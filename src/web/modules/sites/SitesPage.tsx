import { Button, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBuildingSkyscraper, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { siteSchema, siteStatus, type Site } from '../../../contracts/sites.js';
import { EmptyList, LoadError, PageHeader, PageLoader, StatusBadge } from '../../app/components.js';
import { LoadMore, openableRow, useCursorList } from '../../app/lists.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { sitesKey } from './directory.js';
import { SiteDrawer } from './SiteDrawer.js';

/** The sites the user can see, with create and edit for those who may change them. */
export default function SitesPage() {
  const { can } = useSession();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [status, setStatus] = useState<string | null>(null);
  const [editing, setEditing] = useState<Site | 'new' | null>(null);
  const list = useCursorList(sitesKey, '/api/v1/sites', siteSchema, { q, status });
  const mayWrite = can('sites:write');
  const filtered = q !== '' || status !== null;

  return (
    <>
      <PageHeader
        title="Sites"
        description="The locations of the program. Times of site records are shown in the site's time zone."
        actions={
          mayWrite ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New site
            </Button>
          ) : null
        }
      />
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm">
          <TextInput
            placeholder="Search by name or code"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            aria-label="Search sites"
            w={280}
          />
          <Select
            placeholder="Any status"
            data={siteStatus.options}
            value={status}
            onChange={setStatus}
            clearable
            aria-label="Filter by status"
            w={160}
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconBuildingSkyscraper size={28} />}
            title={filtered ? 'No site matches' : 'No sites yet'}
            description={
              filtered
                ? 'Try another search or clear the filters.'
                : mayWrite
                  ? 'Sites are the places you protect: offices, plants, venues. Add the first one.'
                  : 'No site has been assigned to you yet. Ask an administrator.'
            }
            action={
              !filtered && mayWrite ? (
                <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                  New site
                </Button>
              ) : undefined
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={720}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Code</Table.Th>
                    <Table.Th>Time zone</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last changed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((site) => (
                    <Table.Tr
                      key={site.id}
                      {...(mayWrite ? openableRow(() => setEditing(site), `Edit site ${site.name}`) : {})}
                    >
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {site.name}
                        </Text>
                        {site.address ? (
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            {site.address}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text ff="monospace" size="sm">
                          {site.code}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{site.timezone}</Text>
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={site.status} good="active" />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {formatDateTime(site.updatedAt, site.timezone)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
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
        <SiteDrawer site={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
