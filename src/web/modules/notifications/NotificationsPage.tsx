import {
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconBell, IconChecks } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  notificationSchema,
  preferencesSchema,
  readAllResponse,
  type ChannelPreference,
  type Notification,
} from '../../../contracts/notifications.js';
import { apiGet, apiSend } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, useCursorList } from '../../app/lists.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { useSiteTime } from '../sites/directory.js';
import { categoryLabels, severityColors } from './labels.js';

const notificationsKey = ['notifications'] as const;

function NotificationRow({ item }: { item: Notification }) {
  const queryClient = useQueryClient();
  const siteTime = useSiteTime();
  const markRead = useMutation({
    mutationFn: () => apiSend('POST', `/api/v1/notifications/${item.id}/read`, notificationSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsKey }),
    onError: (error) => notifyError(error, 'Could not mark it read'),
  });
  const unread = item.readAt === null;
  return (
    <Table.Tr>
      <Table.Td w={110}>
        <Badge color={severityColors[item.severity]} variant={unread ? 'filled' : 'light'}>
          {item.severity}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Text fw={unread ? 700 : 400} size="sm">
            {item.link?.startsWith('/') ? (
              <Link to={item.link} onClick={() => unread && markRead.mutate()}>
                {item.title}
              </Link>
            ) : (
              item.title
            )}
          </Text>
          <Text size="xs" c="dimmed">
            {item.body}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td w={120}>
        <Text size="xs">{categoryLabels[item.category]}</Text>
      </Table.Td>
      <Table.Td w={200}>
        <Text size="xs">{siteTime(item.createdAt, item.siteId)}</Text>
      </Table.Td>
      <Table.Td w={120}>
        {unread ? (
          <Button size="xs" variant="subtle" loading={markRead.isPending} onClick={() => markRead.mutate()}>
            Mark read
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            Read
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function PreferencesCard() {
  const queryClient = useQueryClient();
  const preferences = useQuery({
    queryKey: [...notificationsKey, 'preferences'],
    queryFn: () => apiGet('/api/v1/notifications/preferences', preferencesSchema),
  });
  const save = useMutation({
    mutationFn: (items: ChannelPreference[]) =>
      apiSend('PUT', '/api/v1/notifications/preferences', preferencesSchema, { items }),
    onSuccess: async () => {
      notifySuccess('Notification preferences saved.');
      await queryClient.invalidateQueries({ queryKey: [...notificationsKey, 'preferences'] });
    },
    onError: (error) => notifyError(error, 'Could not save the preferences'),
  });
  if (preferences.isPending) return <PageLoader />;
  if (preferences.isError)
    return <LoadError error={preferences.error} onRetry={() => void preferences.refetch()} />;
  const items = preferences.data.items;
  const toggle = (
    category: ChannelPreference['category'],
    channel: 'inApp' | 'email' | 'webhook',
    value: boolean,
  ) => save.mutate(items.map((item) => (item.category === category ? { ...item, [channel]: value } : item)));
  return (
    <Paper p="md" radius="md">
      <Title order={4} mb="xs">
        How you are told
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Per kind of notification: in Vigil, by email (when the server has mail set up), and whether you may be
        named in the organization&apos;s webhook events.
      </Text>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Kind</Table.Th>
            <Table.Th>In Vigil</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Webhooks</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.category}>
              <Table.Td>{categoryLabels[item.category]}</Table.Td>
              {(['inApp', 'email', 'webhook'] as const).map((channel) => (
                <Table.Td key={channel}>
                  <Checkbox
                    aria-label={`${categoryLabels[item.category]}: ${channel}`}
                    checked={item[channel]}
                    disabled={save.isPending}
                    onChange={(event) => toggle(item.category, channel, event.currentTarget.checked)}
                  />
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** The notification center: your notifications (all or unread), mark read, and your preferences. */
export default function NotificationsPage() {
  const queryClient = useQueryClient();
  const [show, setShow] = useState<'unread' | 'all'>('unread');
  const list = useCursorList(notificationsKey, '/api/v1/notifications', notificationSchema, {
    unread: show === 'unread' ? 'true' : undefined,
  });
  const readAll = useMutation({
    mutationFn: () => apiSend('POST', '/api/v1/notifications/read-all', readAllResponse),
    onSuccess: async (answer) => {
      notifySuccess(
        answer.marked === 1 ? '1 notification marked read.' : `${answer.marked} notifications marked read.`,
      );
      await queryClient.invalidateQueries({ queryKey: notificationsKey });
    },
    onError: (error) => notifyError(error, 'Could not mark them read'),
  });
  return (
    <Stack gap="lg">
      <PageHeader
        title="Notifications"
        description="Escalations, SLA warnings, reminders and security alerts addressed to you."
        actions={
          <Button
            variant="default"
            leftSection={<IconChecks size={16} />}
            loading={readAll.isPending}
            onClick={() => readAll.mutate()}
          >
            Mark all read
          </Button>
        }
      />
      <Paper p="md" radius="md">
        <Group mb="md">
          <SegmentedControl
            value={show}
            onChange={(value) => setShow(value === 'all' ? 'all' : 'unread')}
            data={[
              { value: 'unread', label: 'Unread' },
              { value: 'all', label: 'All' },
            ]}
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconBell size={28} />}
            title={show === 'unread' ? 'Nothing unread' : 'No notifications yet'}
            description="When something needs your attention — an escalated alarm, an SLA about to breach, an overdue review — it appears here."
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={800}>
              <Table>
                <Table.Tbody>
                  {list.items.map((item) => (
                    <NotificationRow key={item.id} item={item} />
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
      <PreferencesCard />
    </Stack>
  );
}
