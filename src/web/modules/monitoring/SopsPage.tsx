import { Button, Group, Paper, Select, Table, Text } from '@mantine/core';
import { IconChecklist, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { allSiteRoles } from '../../../contracts/access.js';
import { sopSchema, type Sop } from '../../../contracts/monitoring.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, openableRow, useCursorList } from '../../app/lists.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../sites/directory.js';
import { SopDrawer, SopViewDrawer } from './config/SopDrawer.js';
import { humanize, sopsKey } from './labels.js';

/** Standard operating procedures: the steps operators complete, per alarm type and optionally per site. */
export default function SopsPage() {
  const { can, me } = useSession();
  const directory = useSiteDirectory();
  const siteTime = useSiteTime();
  const [siteId, setSiteId] = useState<string | null>(null);
  const [open, setOpen] = useState<Sop | 'new' | null>(null);
  const list = useCursorList(sopsKey, '/api/v1/alarm-sops', sopSchema, { siteId }, 100);
  const mayConfigure = can('alarms:configure');
  // An organization-wide procedure applies at every site: only all-site roles may change it.
  const mayEdit = (sop: Sop) => mayConfigure && (sop.siteId !== null || allSiteRoles.includes(me.role));
  const newSop = mayConfigure ? (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setOpen('new')}>
      New procedure
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="Procedures"
        description="The steps operators complete, in order and each with a note, before they resolve an alarm."
        actions={newSop}
      />
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm">
          <Select
            placeholder="Every procedure"
            data={directory.options}
            value={siteId}
            onChange={setSiteId}
            clearable
            searchable
            aria-label="Procedures of site"
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
              icon={<IconChecklist size={28} />}
              title="No procedures of this site"
              description="Its alarms follow the organization’s procedures. Clear the filter to see every procedure."
              action={
                <Button variant="default" onClick={() => setSiteId(null)}>
                  Clear filter
                </Button>
              }
            />
          ) : (
            <EmptyList
              icon={<IconChecklist size={28} />}
              title="No procedures yet"
              description="Without a procedure, alarms reach the desk with no steps and operators resolve them with a note only. Write the steps for your most frequent alarms first: intrusion, fire, duress."
              action={newSop ?? undefined}
            />
          )
        ) : (
          <>
            <Table.ScrollContainer minWidth={760}>
              <Table aria-label="Procedures">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Alarm type</Table.Th>
                    <Table.Th>Procedure</Table.Th>
                    <Table.Th>Applies at</Table.Th>
                    <Table.Th>Steps</Table.Th>
                    <Table.Th>Last changed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((sop) => {
                    const site = sop.siteId ? directory.byId.get(sop.siteId) : undefined;
                    return (
                      <Table.Tr
                        key={sop.id}
                        data-testid="sop-row"
                        {...openableRow(
                          () => setOpen(sop),
                          `${mayEdit(sop) ? 'Edit' : 'View'} procedure ${sop.title}`,
                        )}
                      >
                        <Table.Td>
                          <Text fw={600} size="sm">
                            {humanize(sop.alarmType)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{sop.title}</Text>
                          <Text size="xs" c="dimmed" lineClamp={1}>
                            1. {sop.steps[0] ?? ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {sop.siteId ? (site ? `${site.name} (${site.code})` : 'One site') : 'Every site'}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{sop.steps.length}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c="dimmed">
                            {siteTime(sop.updatedAt, sop.siteId)}
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
      {open === 'new' ? <SopDrawer sop={null} onClose={() => setOpen(null)} /> : null}
      {open && open !== 'new' ? (
        mayEdit(open) ? (
          <SopDrawer sop={open} onClose={() => setOpen(null)} />
        ) : (
          <SopViewDrawer sop={open} onClose={() => setOpen(null)} />
        )
      ) : null}
    </>
  );
}
