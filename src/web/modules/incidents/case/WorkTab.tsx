import {
  ActionIcon,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconListCheck, IconPencil, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import {
  workItemSchema,
  workStatus,
  type Incident,
  type UpdateWorkItem,
  type WorkItem,
} from '../../../../contracts/incidents.js';
import { apiGet, apiSend, etagOf, isStale } from '../../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { notifyError } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { humanize, optionsOf } from '../labels.js';
import { FormProblem } from './parts.js';
import { casePath, caseKeys, useCaseChanged, useCaseWorkers, useCaseZone } from './queries.js';
import { endOfZonedDay, formatZonedDay, zonedDay } from './zoned.js';

type Kind = 'tasks' | 'actions';
const words: Record<Kind, { one: string; title: string; empty: string; placeholder: string }> = {
  tasks: {
    one: 'task',
    title: 'Tasks',
    empty: 'Investigation steps: interviews, footage to pull, records to request.',
    placeholder: 'Pull CCTV of the loading bay, 14:00–16:00',
  },
  actions: {
    one: 'corrective action',
    title: 'Corrective actions',
    empty: 'What will stop it happening again: a lock replaced, a procedure changed, training given.',
    placeholder: 'Replace the badge reader at gate 2',
  },
};

/** Owner options, keeping the current owner listed even when the picker cannot offer them. */
function useOwnerOptions(current: WorkItem['owner']) {
  const workers = useCaseWorkers();
  return current && !workers.options.some((option) => option.value === current.id)
    ? [{ value: current.id, label: current.name }, ...workers.options]
    : workers.options;
}

function AddItem({ incident, kind, timeZone }: { incident: Incident; kind: Kind; timeZone: string }) {
  const changed = useCaseChanged();
  const owners = useOwnerOptions(null);
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [due, setDue] = useState('');
  const add = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, `/${kind}`), workItemSchema, {
        title: title.trim(),
        ownerId,
        dueAt: due ? endOfZonedDay(due, timeZone) : null,
      }),
    onSuccess: async () => {
      setTitle('');
      setOwnerId(null);
      setDue('');
      await changed();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (title.trim()) add.mutate();
      }}
    >
      <Stack gap="xs">
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            label={`New ${words[kind].one}`}
            placeholder={words[kind].placeholder}
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            style={{ flex: 1, minWidth: 240 }}
          />
          <Select
            label="Owner"
            placeholder="Nobody yet"
            data={owners}
            value={ownerId}
            onChange={setOwnerId}
            searchable
            clearable
            w={200}
          />
          <TextInput
            type="date"
            label="Due"
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            w={160}
          />
          <Button
            type="submit"
            variant="light"
            leftSection={<IconPlus size={14} />}
            loading={add.isPending}
            disabled={!title.trim()}
          >
            Add
          </Button>
        </Group>
        <FormProblem error={add.error} />
      </Stack>
    </form>
  );
}

function EditItem({
  incident,
  kind,
  item,
  timeZone,
  onClose,
}: {
  incident: Incident;
  kind: Kind;
  item: WorkItem;
  timeZone: string;
  onClose: () => void;
}) {
  const changed = useCaseChanged();
  const owners = useOwnerOptions(item.owner);
  const [title, setTitle] = useState(item.title);
  const [ownerId, setOwnerId] = useState<string | null>(item.owner?.id ?? null);
  const [due, setDue] = useState(item.dueAt ? zonedDay(item.dueAt, timeZone) : '');
  const save = useMutation({
    mutationFn: (body: UpdateWorkItem) =>
      apiSend('PATCH', casePath(incident.id, `/${kind}/${item.id}`), workItemSchema, body, {
        ifMatch: etagOf(item.version),
      }),
    onSuccess: async () => {
      onClose();
      await changed();
    },
  });
  const body = (): UpdateWorkItem => {
    const patch: UpdateWorkItem = {};
    if (title.trim() !== item.title) patch.title = title.trim();
    if (ownerId !== (item.owner?.id ?? null)) patch.ownerId = ownerId;
    const dueAt = due ? endOfZonedDay(due, timeZone) : null;
    if ((item.dueAt ? zonedDay(item.dueAt, timeZone) : '') !== due) patch.dueAt = dueAt;
    return patch;
  };
  return (
    <Modal opened onClose={onClose} title={`Edit ${words[kind].one}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const patch = body();
          if (Object.keys(patch).length === 0) onClose();
          else save.mutate(patch);
        }}
      >
        <Stack>
          <TextInput
            label="Title"
            required
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            data-autofocus
          />
          <Select
            label="Owner"
            placeholder="Nobody yet"
            data={owners}
            value={ownerId}
            onChange={setOwnerId}
            searchable
            clearable
          />
          <TextInput
            type="date"
            label="Due"
            description={`End of the day, ${timeZone}`}
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
          />
          <FormProblem
            error={
              isStale(save.error)
                ? new Error('Someone else changed it meanwhile; close and open it again.')
                : save.error
            }
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!title.trim()}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ItemRow({
  incident,
  kind,
  item,
  timeZone,
}: {
  incident: Incident;
  kind: Kind;
  item: WorkItem;
  timeZone: string;
}) {
  const { can } = useSession();
  const changed = useCaseChanged();
  const [editing, setEditing] = useState(false);
  const status = useMutation({
    mutationFn: (next: WorkItem['status']) =>
      apiSend(
        'PATCH',
        casePath(incident.id, `/${kind}/${item.id}`),
        workItemSchema,
        { status: next },
        {
          ifMatch: etagOf(item.version),
        },
      ),
    onSuccess: changed,
    onError: (error) => notifyError(error, `The ${words[kind].one} was not updated`),
  });
  const open = item.status === 'open' || item.status === 'in_progress';
  const overdue = open && item.dueAt !== null && Date.parse(item.dueAt) < Date.now();
  const mayWrite = can('incidents:write');
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" td={item.status === 'cancelled' ? 'line-through' : undefined}>
          {item.title}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={item.owner ? undefined : 'dimmed'}>
          {item.owner?.name ?? 'Nobody yet'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text
          size="sm"
          c={overdue ? 'red.8' : item.dueAt ? undefined : 'dimmed'}
          fw={overdue ? 600 : undefined}
        >
          {item.dueAt ? formatZonedDay(item.dueAt, timeZone) : '—'}
          {overdue ? ' (overdue)' : ''}
        </Text>
      </Table.Td>
      <Table.Td w={170}>
        {mayWrite ? (
          <Select
            size="xs"
            data={optionsOf(workStatus.options)}
            value={item.status}
            onChange={(value) => {
              const next = workStatus.safeParse(value);
              if (next.success && next.data !== item.status) status.mutate(next.data);
            }}
            allowDeselect={false}
            aria-label={`Status of ${item.title}`}
            disabled={status.isPending}
          />
        ) : (
          <Text size="sm">{humanize(item.status)}</Text>
        )}
      </Table.Td>
      <Table.Td w={48}>
        {mayWrite ? (
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Edit ${item.title}`}
            onClick={() => setEditing(true)}
          >
            <IconPencil size={16} />
          </ActionIcon>
        ) : null}
        {editing ? (
          <EditItem
            incident={incident}
            kind={kind}
            item={item}
            timeZone={timeZone}
            onClose={() => setEditing(false)}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function WorkList({ incident, kind }: { incident: Incident; kind: Kind }) {
  const { can } = useSession();
  const { timeZone } = useCaseZone(incident);
  const items = useQuery({
    queryKey: caseKeys.work(incident.id, kind),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, `/${kind}`), z.object({ items: z.array(workItemSchema) }))).items,
  });
  const openCount = (items.data ?? []).filter(
    (i) => i.status === 'open' || i.status === 'in_progress',
  ).length;
  return (
    <Paper p="md" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{words[kind].title}</Title>
        {items.data && items.data.length > 0 ? (
          <Text size="sm" c="dimmed">
            {openCount} open of {items.data.length}
          </Text>
        ) : null}
      </Group>
      {items.isPending ? (
        <PageLoader />
      ) : items.isError ? (
        <LoadError error={items.error} onRetry={() => void items.refetch()} />
      ) : items.data.length === 0 ? (
        <EmptyList
          icon={<IconListCheck size={28} />}
          title={`No ${words[kind].one}s yet`}
          description={words[kind].empty}
        />
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table highlightOnHover aria-label={words[kind].title}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{humanize(words[kind].one)}</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.data.map((item) => (
                <ItemRow key={item.id} incident={incident} kind={kind} item={item} timeZone={timeZone} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {can('incidents:write') && incident.mergedInto === null ? (
        <Paper withBorder p="sm" radius="md" mt="md">
          <AddItem incident={incident} kind={kind} timeZone={timeZone} />
        </Paper>
      ) : null}
    </Paper>
  );
}

/** The investigation's tasks and the corrective actions that come out of it. */
export function WorkTab({ incident }: { incident: Incident }) {
  return (
    <Stack gap="md">
      <WorkList incident={incident} kind="tasks" />
      <WorkList incident={incident} kind="actions" />
    </Stack>
  );
}
