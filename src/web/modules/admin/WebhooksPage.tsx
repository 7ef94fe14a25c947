import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlus, IconWebhook } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { listOf } from '../../../contracts/common.js';
import {
  createdWebhookResponse,
  notificationCategories,
  webhookDeliverySchema,
  webhookSchema,
  type NotificationCategory,
  type Webhook,
} from '../../../contracts/notifications.js';
import { apiGet, apiGetVersioned, apiSend, ApiError } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { categoryLabels } from '../notifications/labels.js';

const webhooksKey = ['webhooks'] as const;
const categoryOptions = notificationCategories.map((value) => ({ value, label: categoryLabels[value] }));

function CreateWebhook({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [categories, setCategories] = useState<string[]>(['escalation', 'security']);
  const [secret, setSecret] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () => apiSend('POST', '/api/v1/webhooks', createdWebhookResponse, { name, url, categories }),
    onSuccess: async (answer) => {
      setSecret(answer.secret);
      setErrors({});
      await queryClient.invalidateQueries({ queryKey: webhooksKey });
    },
    onError: (error) =>
      error instanceof ApiError
        ? setErrors({ ...error.fieldErrors, form: error.message })
        : notifyError(error),
  });
  const close = () => {
    setSecret(null);
    setName('');
    setUrl('https://');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="New webhook">
      {secret ? (
        <Stack>
          <Alert color="yellow" title="Copy the signing secret now">
            Vigil shows it only this once. Receivers verify{' '}
            <Code>x-vigil-signature: sha256=HMAC(secret, body)</Code>.
          </Alert>
          <Code block>{secret}</Code>
          <Group justify="flex-end">
            <CopyButton value={secret}>
              {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy secret'}</Button>}
            </CopyButton>
            <Button variant="default" onClick={close}>
              Done
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          {errors.form ? <Alert color="red">{errors.form}</Alert> : null}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
          />
          <TextInput
            label="URL (http or https)"
            required
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={errors.url}
          />
          <MultiSelect
            label="Kinds of notification"
            data={categoryOptions}
            value={categories}
            onChange={setCategories}
            error={errors.categories}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={create.isPending} onClick={() => create.mutate()}>
              Create
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function WebhookRow({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: async (active: boolean) => {
      const current = await apiGetVersioned(`/api/v1/webhooks/${webhook.id}`, webhookSchema);
      return apiSend(
        'PATCH',
        `/api/v1/webhooks/${webhook.id}`,
        webhookSchema,
        { active },
        { ifMatch: current.etag },
      );
    },
    onSuccess: (answer) => {
      notifySuccess(answer.active ? `${answer.name} resumed.` : `${answer.name} paused.`);
      return queryClient.invalidateQueries({ queryKey: webhooksKey });
    },
    onError: (error) => notifyError(error, 'Could not change the webhook'),
  });
  const test = useMutation({
    mutationFn: () => apiSend('POST', `/api/v1/webhooks/${webhook.id}/test`, webhookDeliverySchema),
    onSuccess: () => notifySuccess('Test event queued; see its delivery in a moment.'),
    onError: (error) => notifyError(error, 'Could not send a test event'),
  });
  return (
    <Table.Tr>
      <Table.Td>{webhook.name}</Table.Td>
      <Table.Td>
        <Text size="xs" ff="monospace">
          {webhook.url}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {webhook.categories.map((category: NotificationCategory) => (
            <Badge key={category} variant="light" size="sm">
              {categoryLabels[category]}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Switch
          checked={webhook.active}
          disabled={toggle.isPending}
          onChange={(e) => toggle.mutate(e.currentTarget.checked)}
          aria-label="Active"
        />
      </Table.Td>
      <Table.Td>
        <Button size="xs" variant="subtle" loading={test.isPending} onClick={() => test.mutate()}>
          Send test
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/** Outgoing webhooks: HMAC-signed notifications to the organization's other systems. */
export default function WebhooksPage() {
  const [creating, setCreating] = useState(false);
  const webhooks = useQuery({
    queryKey: webhooksKey,
    queryFn: () => apiGet('/api/v1/webhooks', listOf(webhookSchema)),
  });
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Notifications delivered to your other systems (chat, SOAR, ticketing), signed with HMAC-SHA256 and retried until they arrive."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New webhook
          </Button>
        }
      />
      <Paper p="md" radius="md">
        {webhooks.isPending ? (
          <PageLoader />
        ) : webhooks.isError ? (
          <LoadError error={webhooks.error} onRetry={() => void webhooks.refetch()} />
        ) : webhooks.data.items.length === 0 ? (
          <EmptyList
            icon={<IconWebhook size={28} />}
            title="No webhooks"
            description="Add one to send escalations and security alerts to another system."
          />
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>URL</Table.Th>
                  <Table.Th>Kinds</Table.Th>
                  <Table.Th>Active</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {webhooks.data.items.map((webhook) => (
                  <WebhookRow key={webhook.id} webhook={webhook} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      <CreateWebhook opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
