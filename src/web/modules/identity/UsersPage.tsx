import { Badge, Button, Group, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch, IconUserShield } from '@tabler/icons-react';
import { useState } from 'react';
import { allSiteRoles, roles } from '../../../contracts/access.js';
import { userSchema, userStatus, type User } from '../../../contracts/identity.js';
import {
  EmptyList,
  LoadError,
  PageHeader,
  PageLoader,
  RoleBadge,
  StatusBadge,
} from '../../app/components.js';
import { LoadMore, openableRow, useCursorList } from '../../app/lists.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { useSiteDirectory } from '../sites/directory.js';
import { UserDrawer, usersKey } from './UserDrawer.js';

function SitesCell({ user }: { user: User }) {
  const { byId } = useSiteDirectory();
  if (allSiteRoles.includes(user.role)) {
    return (
      <Text size="sm" c="dimmed">
        All sites
      </Text>
    );
  }
  if (user.sites.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  }
  const codes = user.sites.map((id) => byId.get(id)?.code ?? '…');
  return (
    <Group gap={4}>
      {codes.slice(0, 4).map((code, index) => (
        <Badge key={`${code}-${index}`} size="sm" variant="outline" color="gray" tt="none">
          {code}
        </Badge>
      ))}
      {codes.length > 4 ? (
        <Text size="xs" c="dimmed">
          +{codes.length - 4}
        </Text>
      ) : null}
    </Group>
  );
}

/** User accounts: who can sign in, with which role, at which sites. */
export default function UsersPage() {
  const { can, me } = useSession();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [role, setRole] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const list = useCursorList(usersKey, '/api/v1/users', userSchema, { q, role, status });
  const mayWrite = can('users:write');
  const filtered = q !== '' || role !== null || status !== null;

  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts that can sign in. Roles decide what a user may do; sites decide where."
        actions={
          mayWrite ? (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New user
            </Button>
          ) : null
        }
      />
      <Paper p="md" radius="md">
        <Group mb="md" gap="sm">
          <TextInput
            placeholder="Search name or email"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            aria-label="Search users"
            w={280}
          />
          <Select
            placeholder="Any role"
            data={[...roles]}
            value={role}
            onChange={setRole}
            clearable
            aria-label="Filter by role"
            w={170}
          />
          <Select
            placeholder="Any status"
            data={userStatus.options}
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
            icon={<IconUserShield size={28} />}
            title="No user matches"
            description={filtered ? 'Try another search or clear the filters.' : 'No accounts yet.'}
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={820}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Sites</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last sign-in</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((user) => (
                    <Table.Tr
                      key={user.id}
                      {...(mayWrite ? openableRow(() => setEditing(user), `Edit user ${user.name}`) : {})}
                    >
                      <Table.Td>
                        <Group gap={6}>
                          <Text size="sm" fw={600}>
                            {user.name}
                          </Text>
                          {user.id === me.id ? (
                            <Badge size="xs" variant="light" color="gray">
                              you
                            </Badge>
                          ) : null}
                          {user.sso ? (
                            <Badge size="xs" variant="outline" color="gray" tt="none">
                              SSO
                            </Badge>
                          ) : null}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {user.email}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <RoleBadge role={user.role} />
                      </Table.Td>
                      <Table.Td>
                        <SitesCell user={user} />
                      </Table.Td>
                      <Table.Td>
                        <StatusBadge status={user.status} good="active" />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {user.lastLoginAt ? formatDateTime(user.lastLoginAt) : 'Never'}
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
        <UserDrawer user={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
