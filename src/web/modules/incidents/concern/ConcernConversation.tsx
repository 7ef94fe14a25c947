import { Alert, Badge, Box, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconLogout, IconMessageCircle, IconRefresh, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type KeyboardEvent } from 'react';
import type { z } from 'zod';
import {
  concernMessageBody,
  concernMessageSchema,
  type concernThreadSchema,
} from '../../../../contracts/incidents.js';
import { ApiError, apiSend } from '../../../app/api.js';
import { LoadError, PageLoader } from '../../../app/components.js';
import { formatDay } from '../../../app/time.js';
import { concernThreadKey, useConcernThread, type ConcernAccess } from './thread.js';
import { reporterProblem, statusWording } from './wording.js';

type Thread = z.infer<typeof concernThreadSchema>;
type Message = z.infer<typeof concernMessageSchema>;

const tooMany = 'Too many requests have come from your network.';

function MessageBubble({ message }: { message: Message }) {
  const mine = message.from === 'reporter';
  return (
    <Box
      style={{ alignSelf: mine ? 'flex-end' : 'flex-start', maxWidth: '85%' }}
      data-testid="concern-message"
    >
      <Text size="xs" c="dimmed" ta={mine ? 'right' : 'left'} mb={2}>
        {mine ? 'You' : 'Security team'} · {formatDay(message.on)}
      </Text>
      <Paper p="sm" radius="md" bg={mine ? 'vigil.0' : 'gray.1'} withBorder={false}>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {message.body}
        </Text>
      </Paper>
    </Box>
  );
}

function Composer({ access }: { access: ConcernAccess }) {
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const checked = concernMessageBody.shape.body.safeParse(body);
  const send = useMutation({
    mutationFn: () => apiSend('POST', '/api/v1/concerns/messages', concernMessageSchema, { ...access, body }),
    onSuccess: (message) => {
      queryClient.setQueryData<Thread>(concernThreadKey(access.reference), (thread) =>
        thread ? { ...thread, messages: [...thread.messages, message] } : thread,
      );
      setBody('');
    },
    onError: (error) => setProblem(reporterProblem(error, tooMany)),
  });
  const submit = () => {
    setProblem(null);
    if (checked.success) send.mutate();
  };
  // Enter writes a new line in a message; Ctrl+Enter (⌘+Enter) sends it.
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="xs">
        {problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {problem}
          </Alert>
        ) : null}
        <Textarea
          label="Your message"
          description="Add details or answer the security team's questions. Ctrl+Enter sends."
          autosize
          minRows={3}
          maxRows={10}
          maxLength={10_000}
          value={body}
          onChange={(event) => setBody(event.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <Group justify="flex-end">
          <Button
            type="submit"
            loading={send.isPending}
            disabled={!checked.success}
            leftSection={<IconSend size={16} />}
          >
            Send message
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The reporter's view of an opened report: its state, the conversation and a box to write in. */
export function ConcernConversation({ access, onSignOut }: { access: ConcernAccess; onSignOut: () => void }) {
  const thread = useConcernThread(access);
  const signOut = (
    <Button variant="default" leftSection={<IconLogout size={16} />} onClick={onSignOut}>
      Sign out of this report
    </Button>
  );
  if (thread.isPending) return <PageLoader label="Opening your report…" />;
  if (thread.isError) {
    const gone = thread.error instanceof ApiError && thread.error.status === 404;
    return (
      <Stack gap="md">
        {gone ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            This report can no longer be opened with this reference and code.
          </Alert>
        ) : (
          <LoadError
            error={new Error(reporterProblem(thread.error, tooMany))}
            onRetry={() => void thread.refetch()}
          />
        )}
        <Group justify="flex-end">{signOut}</Group>
      </Stack>
    );
  }
  const { status, messages, reference } = thread.data;
  const wording = statusWording[status];

  return (
    <Stack gap="lg">
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={4}>
            <Text size="sm" c="dimmed">
              Report <b>{reference}</b>
            </Text>
            <Group gap="xs">
              <Text fw={600}>Status</Text>
              <Badge color={wording.color} variant="light" tt="none" size="lg" data-testid="concern-status">
                {wording.label}
              </Badge>
            </Group>
            <Text size="sm">{wording.meaning}</Text>
          </Stack>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconRefresh size={14} />}
            loading={thread.isFetching}
            onClick={() => void thread.refetch()}
          >
            Check for replies
          </Button>
        </Group>
      </Paper>
      <Stack gap="sm" aria-label="Conversation with the security team" role="log">
        {messages.length === 0 ? (
          <Group gap="xs" c="dimmed" justify="center" py="md">
            <IconMessageCircle size={18} />
            <Text size="sm">
              No messages yet. The security team may write here with questions; you can add details at any
              time.
            </Text>
          </Group>
        ) : (
          messages.map((message) => <MessageBubble key={message.id} message={message} />)
        )}
      </Stack>
      <Composer access={access} />
      <Group justify="space-between" align="center">
        <Text size="xs" c="dimmed" maw={360}>
          Messages show the day only. When you are done, sign out so no one else can read this conversation on
          this device.
        </Text>
        {signOut}
      </Group>
    </Stack>
  );
}
