import {
  Anchor,
  Badge,
  Card,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import {
  IconArrowRight,
  IconBuildingSkyscraper,
  IconHistory,
  IconUserShield,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { z } from 'zod';
import { allSiteRoles, type Permission, type Role } from '../../../contracts/access.js';
import { auditEntrySchema } from '../../../contracts/audit.js';
import { userSchema } from '../../../contracts/identity.js';
import { personSchema } from '../../../contracts/people.js';
import { apiPage } from '../../app/api.js';
import { LoadError, PageHeader } from '../../app/components.js';
import { navigation } from '../../app/navigation.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../sites/directory.js';

// The API has no count endpoint yet: one page of the largest size tells the exact count up to that
// size, and "500+" beyond it, so no number shown here is ever made up.
const COUNT_PAGE = 500;

function useCount<S extends z.ZodType>(
  path: string,
  item: S,
  permission: Permission,
  summarize: (items: z.output<S>[]) => string,
) {
  const { can } = useSession();
  return useQuery({
    queryKey: [path.split('/').at(-1), 'count'],
    queryFn: async () => {
      const page = await apiPage(path, item, { limit: COUNT_PAGE });
      return {
        value: page.nextCursor ? `${COUNT_PAGE}+` : String(page.items.length),
        detail: page.nextCursor ? `more than ${COUNT_PAGE}` : summarize(page.items),
      };
    },
    enabled: can(permission),
  });
}

function StatCard({
  label,
  icon,
  to,
  value,
  detail,
  loading,
  error,
}: {
  label: string;
  icon: ReactNode;
  to: string;
  value?: string;
  detail?: string;
  loading: boolean;
  error: unknown;
}) {
  return (
    <Card component={Link} to={to} padding="lg" radius="md" withBorder aria-label={`${label}: open`}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            {label}
          </Text>
          {loading ? (
            <Skeleton h={34} w={60} />
          ) : error ? (
            <Text c="red" size="sm">
              Could not count
            </Text>
          ) : (
            <Text fz={32} fw={700} lh={1.1} data-testid={`count-${label.toLowerCase()}`}>
              {value}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {detail ?? '\u00a0'}
          </Text>
        </Stack>
        <ThemeIcon variant="light" size={42} radius="md">
          {icon}
        </ThemeIcon>
      </Group>
    </Card>
  );
}

const byStatus = (items: { status: string }[], good: string, other: string) => {
  const active = items.filter((item) => item.status === good).length;
  return `${active} ${good} · ${items.length - active} ${other}`;
};

function siteScope(role: Role, assigned: number): string {
  if (allSiteRoles.includes(role)) return ', with every site in view';
  if (assigned === 0) return ', with no site assigned yet';
  return assigned === 1 ? ' at 1 site' : ` at ${assigned} sites`;
}

/** A one-line hint of what an entry changed: the record's name or code when it has one. */
function describeChange(changes: Record<string, unknown>): string {
  for (const key of ['name', 'code', 'email', 'lastName']) {
    const value = changes[key];
    if (typeof value === 'string') return value;
  }
  return Object.keys(changes).join(', ');
}

function RecentActivity() {
  const { me } = useSession();
  const siteTime = useSiteTime();
  const recent = useQuery({
    queryKey: ['audit', 'mine'],
    queryFn: () => apiPage('/api/v1/audit', auditEntrySchema, { actorId: me.id, limit: 8 }),
  });
  return (
    <Paper p="lg" radius="md">
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <IconHistory size={18} />
          <Title order={4}>Your recent activity</Title>
        </Group>
        <Anchor component={Link} to={`/audit?actorId=${me.id}`} size="sm">
          Open in the audit log
        </Anchor>
      </Group>
      {recent.isPending ? (
        <Stack gap="xs">
          <Skeleton h={20} />
          <Skeleton h={20} />
          <Skeleton h={20} />
        </Stack>
      ) : recent.isError ? (
        <LoadError error={recent.error} onRetry={() => void recent.refetch()} />
      ) : recent.data.items.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing yet. Changes you make appear here, as they do in the audit log.
        </Text>
      ) : (
        <Table>
          <Table.Tbody>
            {recent.data.items.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td w={230}>
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {siteTime(entry.at, entry.siteId)}
                  </Text>
                </Table.Td>
                <Table.Td w={200}>
                  <Badge variant="light" tt="none">
                    {entry.action}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {[entry.entityType, describeChange(entry.changes)].filter(Boolean).join(' · ')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** The overview: real counts of what the user can see, their own recent changes, and the way in. */
export default function HomePage() {
  const { me, can } = useSession();
  const sites = useSiteDirectory();
  const people = useCount('/api/v1/people', personSchema, 'people:read', (items) =>
    byStatus(items, 'active', 'inactive'),
  );
  const users = useCount('/api/v1/users', userSchema, 'users:read', (items) =>
    byStatus(items, 'active', 'disabled'),
  );
  const firstName = me.name.split(/\s+/)[0] ?? me.name;
  const links = navigation.filter(
    (entry) => entry.to !== '/' && (!entry.permission || can(entry.permission)),
  );

  return (
    <Stack gap="lg">
      <PageHeader
        title={`Welcome, ${firstName}`}
        description={`Signed in as ${me.role}${siteScope(me.role, me.sites.length)}.`}
      />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {can('sites:read') ? (
          <StatCard
            label="Sites"
            icon={<IconBuildingSkyscraper size={22} />}
            to="/sites"
            value={String(sites.sites.length)}
            detail={byStatus(sites.sites, 'active', 'archived')}
            loading={sites.isLoading}
            error={sites.error}
          />
        ) : null}
        {can('people:read') ? (
          <StatCard
            label="People"
            icon={<IconUsersGroup size={22} />}
            to="/people"
            value={people.data?.value}
            detail={people.data?.detail}
            loading={people.isPending}
            error={people.error}
          />
        ) : null}
        {can('users:read') ? (
          <StatCard
            label="Users"
            icon={<IconUserShield size={22} />}
            to="/users"
            value={users.data?.value}
            detail={users.data?.detail}
            loading={users.isPending}
            error={users.error}
          />
        ) : null}
      </SimpleGrid>
      {can('audit:read') ? <RecentActivity /> : null}
      <Paper p="lg" radius="md">
        <Title order={4} mb="sm">
          Where to go
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {links.map((entry) => (
            <Anchor key={entry.to} component={Link} to={entry.to} underline="never" c="inherit">
              <Group wrap="nowrap" p="xs" gap="sm">
                <ThemeIcon variant="light" size={34}>
                  <entry.icon size={18} />
                </ThemeIcon>
                <div style={{ flex: 1 }}>
                  <Text fw={600} size="sm">
                    {entry.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {entry.description}
                  </Text>
                </div>
                <IconArrowRight size={16} color="var(--mantine-color-gray-5)" />
              </Group>
            </Anchor>
          ))}
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}
