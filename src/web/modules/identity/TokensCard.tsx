import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconApi, IconCheck, IconCopy, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { permissionSchema, type Permission } from '../../../contracts/access.js';
import { listOf } from '../../../contracts/common.js';
import {
  createdTokenResponse,
  createTokenBody,
  tokenSchema,
  type ApiToken,
} from '../../../contracts/identity.js';
import { apiGet, apiSend } from '../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../app/components.js';
import { showProblemOnForm } from '../../app/forms.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { validateWith } from '../../app/validation.js';

const tokensKey = ['tokens'] as const;

function isPermission(value: string): value is Permission {
  return permissionSchema.safeParse(value).success;
}

function tokenState(token: ApiToken, now: number): { label: string; color: string } {
  if (token.revokedAt) return { label: 'revoked', color: 'red' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return { label: 'expired', color: 'gray' };
  return { label: 'active', color: 'green' };
}

interface TokenValues {
  name: string;
  expiresInDays: number | string;
  permissions: string[];
}

function CreateTokenModal({ onClose }: { onClose: () => void }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const mine = me.permissions.filter(isPermission);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<z.output<typeof createdTokenResponse> | null>(null);
  const toBody = (values: TokenValues): z.input<typeof createTokenBody> => ({
    name: values.name,
    expiresInDays: Number(values.expiresInDays),
    permissions: values.permissions.filter(isPermission),
  });
  const form = useForm<TokenValues>({
    initialValues: { name: '', expiresInDays: 90, permissions: mine },
    validate: (values) => ({
      ...validateWith(createTokenBody, toBody)(values),
      ...(values.permissions.length === 0 ? { permissions: 'Choose at least one permission' } : {}),
    }),
  });
  const create = useMutation({
    mutationFn: (values: TokenValues) =>
      apiSend('POST', '/api/v1/tokens', createdTokenResponse, toBody(values)),
    onSuccess: async (answer) => {
      setCreated(answer);
      await queryClient.invalidateQueries({ queryKey: tokensKey });
    },
    onError: (error) => setProblem(showProblemOnForm(form, error, ['name', 'expiresInDays', 'permissions'])),
  });

  return (
    <Modal opened onClose={onClose} title={created ? 'Your new API token' : 'New API token'} size="lg">
      {created ? (
        <Stack gap="md">
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
            Copy the token now and keep it in a secret store. It is shown this once; Vigil keeps only a hash.
          </Alert>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="new-token-secret">
              {created.token}
            </Code>
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button
                  variant={copied ? 'light' : 'filled'}
                  color={copied ? 'green' : undefined}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                >
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm" c="dimmed">
            Send it as <Code>Authorization: Bearer …</Code>. It expires{' '}
            {created.expiresAt ? formatDateTime(created.expiresAt) : 'never'}.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={form.onSubmit((values) => {
            setProblem(null);
            create.mutate(values);
          })}
          noValidate
        >
          <Stack gap="md">
            {problem ? (
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
                {problem}
              </Alert>
            ) : null}
            <TextInput
              label="Name"
              placeholder="e.g. SIEM export"
              description="Say what uses the token, so it can be revoked with confidence later."
              required
              data-autofocus
              {...form.getInputProps('name')}
            />
            <NumberInput
              label="Expires after (days)"
              min={1}
              max={3650}
              allowDecimal={false}
              required
              {...form.getInputProps('expiresInDays')}
            />
            <MultiSelect
              label="Permissions"
              description="A token can do at most what your role allows; give it only what the integration needs."
              data={mine}
              searchable
              {...form.getInputProps('permissions')}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeModal({ token, onClose }: { token: ApiToken; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => apiSend('DELETE', `/api/v1/tokens/${token.id}`, tokenSchema),
    onSuccess: async () => {
      notifySuccess(`Token “${token.name}” revoked.`);
      await queryClient.invalidateQueries({ queryKey: tokensKey });
      onClose();
    },
    onError: (error) => notifyError(error, 'Could not revoke the token'),
  });
  return (
    <Modal opened onClose={onClose} title="Revoke this token?">
      <Stack>
        <Text size="sm">
          Anything using <b>{token.name}</b> ({token.prefix}…) stops working at once. This cannot be undone.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate()}>
            Revoke
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** My API tokens: list, create (secret shown once), revoke. */
export function TokensCard() {
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({
    queryKey: tokensKey,
    queryFn: () => apiGet('/api/v1/tokens', listOf(tokenSchema)),
  });
  const now = Date.now();

  return (
    <Paper p="lg" radius="md">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <IconApi size={18} />
          <Title order={4}>API tokens</Title>
        </Group>
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Tokens let scripts and integrations call the Vigil API as you, with the permissions you give them.
      </Text>
      {tokens.isPending ? (
        <PageLoader />
      ) : tokens.isError ? (
        <LoadError error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <EmptyList
          icon={<IconApi size={28} />}
          title="No API tokens"
          description="Create one when a script or integration needs to call the API."
        />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.items.map((token) => {
                const state = tokenState(token, now);
                return (
                  <Table.Tr key={token.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {token.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {token.prefix}…
                      </Text>
                    </Table.Td>
                    <Table.Td maw={260}>
                      <Group gap={4}>
                        {token.permissions.map((permission) => (
                          <Badge key={permission} size="xs" variant="outline" color="gray" tt="none">
                            {permission}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{formatDateTime(token.createdAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">{token.expiresAt ? formatDateTime(token.expiresAt) : 'Never'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={state.color}>
                        {state.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {state.label === 'active' ? (
                        <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(token)}>
                          Revoke
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {creating ? <CreateTokenModal onClose={() => setCreating(false)} /> : null}
      {revoking ? <RevokeModal token={revoking} onClose={() => setRevoking(null)} /> : null}
    </Paper>
  );
}
