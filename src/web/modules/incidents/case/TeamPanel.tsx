import { Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconUserMinus, IconUserOff, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { okSchema } from '../../../../contracts/common.js';
import { exclusionSchema, memberSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiGet, apiSend } from '../../../app/api.js';
import { LoadError, PageLoader } from '../../../app/components.js';
import { notifyError } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { ConfirmAction, FormProblem } from './parts.js';
import { casePath, caseKeys, useCaseChanged, useCaseWorkers, useCaseZone } from './queries.js';

type Member = z.infer<typeof memberSchema>;
type Exclusion = z.infer<typeof exclusionSchema>;

function useRemoval(incident: Incident, path: string, failure: string) {
  const changed = useCaseChanged();
  return useMutation({
    mutationFn: () => apiSend('DELETE', casePath(incident.id, path), okSchema),
    onSuccess: changed,
    onError: (error) => notifyError(error, failure),
  });
}

function MemberRow({
  incident,
  member,
  format,
}: {
  incident: Incident;
  member: Member;
  format: (iso: string) => string;
}) {
  const { can } = useSession();
  const remove = useRemoval(incident, `/members/${member.userId}`, 'The member was not removed');
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {member.name}
          {incident.assignedTo?.id === member.userId ? (
            <Text span size="xs" c="dimmed">
              {' '}
              · assignee
            </Text>
          ) : null}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{format(member.addedAt)}</Text>
      </Table.Td>
      <Table.Td w={48}>
        {can('incidents:manage') ? (
          <ConfirmAction
            label={`Remove ${member.name} from the team`}
            question={
              incident.confidential
                ? `Remove ${member.name}? They will no longer see this confidential case.`
                : `Remove ${member.name} from the team?`
            }
            confirm="Remove"
            icon={<IconUserMinus size={16} />}
            pending={remove.isPending}
            onConfirm={() => remove.mutate()}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function ExclusionRow({
  incident,
  exclusion,
  format,
}: {
  incident: Incident;
  exclusion: Exclusion;
  format: (iso: string) => string;
}) {
  const lift = useRemoval(incident, `/exclusions/${exclusion.userId}`, 'The exclusion was not lifted');
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {exclusion.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{exclusion.reason}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{format(exclusion.addedAt)}</Text>
      </Table.Td>
      <Table.Td w={48}>
        <ConfirmAction
          label={`Lift the exclusion of ${exclusion.name}`}
          question={`Lift the exclusion? ${exclusion.name} may then see the case if their role allows it.`}
          confirm="Lift"
          icon={<IconUserOff size={16} />}
          pending={lift.isPending}
          onConfirm={() => lift.mutate()}
        />
      </Table.Td>
    </Table.Tr>
  );
}

function AddMember({ incident, taken }: { incident: Incident; taken: Set<string> }) {
  const changed = useCaseChanged();
  const workers = useCaseWorkers();
  const [userId, setUserId] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (id: string) =>
      apiSend('POST', casePath(incident.id, '/members'), memberSchema, { userId: id }),
    onSuccess: async () => {
      setUserId(null);
      await changed();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (userId) add.mutate(userId);
      }}
    >
      <Stack gap="xs">
        <Group gap="xs" align="flex-end">
          <Select
            label="Add to the team"
            placeholder="Search by name"
            data={workers.options.filter((option) => !taken.has(option.value))}
            value={userId}
            onChange={setUserId}
            searchable
            style={{ flex: 1 }}
          />
          <Button
            type="submit"
            variant="light"
            leftSection={<IconUserPlus size={16} />}
            loading={add.isPending}
            disabled={!userId}
          >
            Add member
          </Button>
        </Group>
        <FormProblem error={add.error} />
      </Stack>
    </form>
  );
}

function AddExclusion({ incident }: { incident: Incident }) {
  const { me } = useSession();
  const changed = useCaseChanged();
  const workers = useCaseWorkers();
  const [userId, setUserId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const add = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, '/exclusions'), exclusionSchema, {
        userId,
        reason: reason.trim(),
      }),
    onSuccess: async () => {
      setUserId(null);
      setReason('');
      await changed();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (userId && reason.trim()) add.mutate();
      }}
    >
      <Stack gap="xs">
        <Group gap="xs" align="flex-end" wrap="wrap">
          <Select
            label="Exclude a user"
            placeholder="Search by name"
            data={workers.options.filter((option) => option.value !== me.id)}
            value={userId}
            onChange={setUserId}
            searchable
            w={240}
          />
          <TextInput
            label="Reason"
            placeholder="Named as a subject; conflict of interest"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 200 }}
          />
          <Button
            type="submit"
            variant="light"
            color="red"
            loading={add.isPending}
            disabled={!userId || !reason.trim()}
          >
            Exclude
          </Button>
        </Group>
        <FormProblem error={add.error} />
      </Stack>
    </form>
  );
}

/** Exclusions: users kept away from the case whatever their role (only case managers see them). */
function Exclusions({ incident, format }: { incident: Incident; format: (iso: string) => string }) {
  const exclusions = useQuery({
    queryKey: caseKeys.exclusions(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/exclusions'), z.object({ items: z.array(exclusionSchema) })))
        .items,
  });
  return (
    <Stack gap="sm">
      <Title order={5}>Excluded users</Title>
      {exclusions.isPending ? (
        <PageLoader />
      ) : exclusions.isError ? (
        <LoadError error={exclusions.error} onRetry={() => void exclusions.refetch()} />
      ) : exclusions.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody is excluded. Exclude a subject who could otherwise see the case through their role.
        </Text>
      ) : (
        <Table aria-label="Excluded users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Since</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {exclusions.data.map((exclusion) => (
              <ExclusionRow
                key={exclusion.userId}
                incident={incident}
                exclusion={exclusion}
                format={format}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <AddExclusion incident={incident} />
    </Stack>
  );
}

/** The case team (members see the case, confidential or not) and, for case managers, exclusions. */
export function TeamPanel({ incident }: { incident: Incident }) {
  const { can } = useSession();
  const { format } = useCaseZone(incident);
  const members = useQuery({
    queryKey: caseKeys.members(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/members'), z.object({ items: z.array(memberSchema) }))).items,
  });
  const manage = can('incidents:manage') && incident.mergedInto === null;
  return (
    <Paper p="md" radius="md">
      <Title order={4}>Case team</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {incident.confidential
          ? 'The case is confidential: only these members (and administrators) can see it.'
          : 'Members see the case even where their role alone would not show it to them.'}
      </Text>
      <Stack gap="md">
        {members.isPending ? (
          <PageLoader />
        ) : members.isError ? (
          <LoadError error={members.error} onRetry={() => void members.refetch()} />
        ) : members.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No members: the case is seen through roles and sites.
          </Text>
        ) : (
          <Table aria-label="Case team">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Member</Table.Th>
                <Table.Th>Added</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.map((member) => (
                <MemberRow key={member.userId} incident={incident} member={member} format={format} />
              ))}
            </Table.Tbody>
          </Table>
        )}
        {manage ? (
          <AddMember incident={incident} taken={new Set((members.data ?? []).map((m) => m.userId))} />
        ) : null}
        {manage ? <Exclusions incident={incident} format={format} /> : null}
      </Stack>
    </Paper>
  );
}
