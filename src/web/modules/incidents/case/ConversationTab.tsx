import { Badge, Button, Group, Paper, Select, Stack, Text, Textarea } from '@mantine/core';
import { IconMessages, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { staffConcernMessageSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiGet, apiSend } from '../../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { formatDay } from '../../../app/time.js';
import { FormProblem, submitOnModEnter } from './parts.js';
import { casePath, caseKeys, useCaseChanged } from './queries.js';

type Message = z.infer<typeof staffConcernMessageSchema>;

/** The reporters' conversations of a case: its own concern's, and those of concerns merged into it. */
export function useConcernMessages(incidentId: string, enabled: boolean) {
  return useQuery({
    queryKey: caseKeys.messages(incidentId),
    queryFn: async () =>
      (
        await apiGet(
          casePath(incidentId, '/concern-messages'),
          z.object({ items: z.array(staffConcernMessageSchema) }),
        )
      ).items,
    enabled,
  });
}

function Bubble({ message, showThread }: { message: Message; showThread: boolean }) {
  const staff = message.from === 'staff';
  return (
    <Group justify={staff ? 'flex-end' : 'flex-start'}>
      <Paper
        p="sm"
        radius="md"
        maw="75%"
        bg={staff ? 'var(--mantine-color-blue-0)' : 'var(--mantine-color-gray-0)'}
        withBorder
        data-testid={staff ? 'message-staff' : 'message-reporter'}
      >
        <Group gap="xs" mb={4}>
          <Text size="xs" fw={700}>
            {staff ? (message.author ?? 'Case team') : 'Reporter'}
          </Text>
          {/* The day only: messages carry no time, to protect anonymous reporters. */}
          <Text size="xs" c="dimmed">
            {formatDay(message.on, 'short')}
          </Text>
          {showThread ? (
            <Badge size="xs" variant="outline" color="gray" tt="none">
              {message.threadReference}
            </Badge>
          ) : null}
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {message.body}
        </Text>
      </Paper>
    </Group>
  );
}

function Reply({ incident, threads }: { incident: Incident; threads: string[] }) {
  const changed = useCaseChanged();
  const [body, setBody] = useState('');
  const [thread, setThread] = useState<string | null>(threads[0] ?? null);
  const send = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, '/concern-messages'), staffConcernMessageSchema, {
        body: body.trim(),
        ...(thread && thread !== incident.reference ? { threadReference: thread } : {}),
      }),
    onSuccess: async () => {
      setBody('');
      await changed();
    },
  });
  return (
    <Paper p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (body.trim()) send.mutate();
        }}
      >
        <Stack gap="xs">
          {threads.length > 1 ? (
            <Select
              label="Reply to the reporter of"
              data={threads}
              value={thread}
              onChange={setThread}
              allowDeselect={false}
            />
          ) : null}
          <Textarea
            label="Reply to the reporter"
            description="The reporter reads it with their follow-up code. Do not reveal who they are or what they could not know. Ctrl+Enter sends."
            autosize
            minRows={3}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            onKeyDown={submitOnModEnter}
          />
          <FormProblem error={send.error} />
          <Group justify="flex-end">
            <Button
              type="submit"
              leftSection={<IconSend size={16} />}
              loading={send.isPending}
              disabled={!body.trim()}
            >
              Send reply
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The conversation with the anonymous reporter(s) of the concern(s) in this case. */
export function ConversationTab({ incident }: { incident: Incident }) {
  const messages = useConcernMessages(incident.id, true);
  if (messages.isPending) return <PageLoader label="Loading the conversation…" />;
  if (messages.isError) return <LoadError error={messages.error} onRetry={() => void messages.refetch()} />;
  const threads = [
    ...new Set([
      ...(incident.kind === 'concern' ? [incident.reference] : []),
      ...messages.data.map((message) => message.threadReference),
    ]),
  ];
  return (
    <Stack gap="md" maw={860}>
      <Paper p="md" radius="md">
        {messages.data.length === 0 ? (
          <EmptyList
            icon={<IconMessages size={28} />}
            title="No messages yet"
            description="The reporter has not written since filing the concern. A reply here reaches them when they follow up."
          />
        ) : (
          <Stack gap="sm" aria-label="Conversation">
            {messages.data.map((message) => (
              <Bubble key={message.id} message={message} showThread={threads.length > 1} />
            ))}
          </Stack>
        )}
      </Paper>
      {incident.mergedInto === null && threads.length > 0 ? (
        <Reply incident={incident} threads={threads} />
      ) : null}
    </Stack>
  );
}
