import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconPlus, IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { listOf } from '../../../contracts/common.js';
import {
  actionSchema,
  actionStatus,
  treatmentSchema,
  treatmentStrategy,
  type Risk,
  type RiskAction,
  type Treatment,
} from '../../../contracts/risk.js';
import { apiGet, apiSend, errorMessage } from '../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../app/components.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { formatDay, formatMoney } from './format.js';
import {
  actionStatusLabels,
  strategyColors,
  strategyDescriptions,
  strategyLabels,
  treatmentStatusColors,
  treatmentStatusLabels,
} from './labels.js';
import { etagOf, riskOne, risksKey, useCurrency, useOwners } from './queries.js';

export const treatmentsKey = (riskId: string) => [...riskOne(riskId), 'treatments'] as const;

/** The end of a chosen day in the browser's zone, as the API's ISO time. */
function endOfDay(day: string): string {
  return new Date(`${day}T23:59:59`).toISOString();
}

function useTreatmentChange() {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: risksKey });
  };
}

function ProposeForm({ risk }: { risk: Risk }) {
  const changed = useTreatmentChange();
  const [strategy, setStrategy] = useState<Treatment['strategy']>('mitigate');
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState('');
  const propose = useMutation({
    mutationFn: () =>
      apiSend('POST', `/api/v1/risks/${risk.id}/treatments`, treatmentSchema, {
        strategy,
        description,
        ...(expires ? { expiresAt: endOfDay(expires) } : {}),
      }),
    onSuccess: async () => {
      notifySuccess(`${strategyLabels[strategy]} treatment proposed.`);
      setDescription('');
      setExpires('');
      await changed();
    },
  });
  return (
    <Paper p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          propose.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={5}>Propose a treatment</Title>
          <Select
            label="Strategy"
            data={treatmentStrategy.options.map((value) => ({ value, label: strategyLabels[value] }))}
            value={strategy}
            onChange={(value) => setStrategy(treatmentStrategy.catch('mitigate').parse(value))}
            allowDeselect={false}
            description={strategyDescriptions[strategy]}
          />
          <Textarea
            label="Plan"
            placeholder={
              strategy === 'accept'
                ? 'Why the risk is acceptable, and until when'
                : 'What will be done, by whom, with which controls'
            }
            autosize
            minRows={3}
            maxRows={8}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <TextInput
            type="date"
            label={strategy === 'accept' ? 'Acceptance expires on' : 'Expires on (optional)'}
            description={strategy === 'accept' ? 'The risk comes back for review on this day' : undefined}
            required={strategy === 'accept'}
            value={expires}
            onChange={(event) => setExpires(event.currentTarget.value)}
          />
          {propose.isError ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {errorMessage(propose.error)}
            </Alert>
          ) : null}
          <Button type="submit" loading={propose.isPending} disabled={strategy === 'accept' && !expires}>
            Propose
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function AddAction({ risk, treatment }: { risk: Risk; treatment: Treatment }) {
  const changed = useTreatmentChange();
  const owners = useOwners();
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [due, setDue] = useState('');
  const [cost, setCost] = useState<number | string>('');
  const add = useMutation({
    mutationFn: () =>
      apiSend('POST', `/api/v1/risks/${risk.id}/treatments/${treatment.id}/actions`, actionSchema, {
        title,
        ownerId,
        dueDate: due || null,
        cost: typeof cost === 'number' ? cost : 0,
      }),
    onSuccess: async () => {
      setTitle('');
      setDue('');
      setCost('');
      await changed();
    },
    onError: (error) => notifyError(error, 'The action was not added'),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (title.trim()) add.mutate();
      }}
    >
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          placeholder="New action, e.g. Install turnstiles at gate 2"
          aria-label="Action"
          value={title}
          onChange={(event) => setTitle(event.currentTarget.value)}
          style={{ flex: 1, minWidth: 220 }}
        />
        <Select
          placeholder="Owner"
          aria-label="Action owner"
          data={owners.options}
          value={ownerId}
          onChange={setOwnerId}
          clearable
          searchable
          w={170}
        />
        <TextInput
          type="date"
          aria-label="Due date"
          value={due}
          onChange={(e) => setDue(e.currentTarget.value)}
          w={150}
        />
        <NumberInput
          placeholder="Cost"
          aria-label="Action cost"
          min={0}
          thousandSeparator=","
          hideControls
          value={cost}
          onChange={setCost}
          w={120}
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
    </form>
  );
}

function ActionRow({ risk, treatment, action }: { risk: Risk; treatment: Treatment; action: RiskAction }) {
  const { can } = useSession();
  const owners = useOwners();
  const currency = useCurrency();
  const changed = useTreatmentChange();
  const update = useMutation({
    mutationFn: (status: RiskAction['status']) =>
      apiSend(
        'PATCH',
        `/api/v1/risks/${risk.id}/treatments/${treatment.id}/actions/${action.id}`,
        actionSchema,
        { status },
        { ifMatch: etagOf(action.version) },
      ),
    onSuccess: changed,
    onError: (error) => notifyError(error, 'The action was not updated'),
  });
  const overdue =
    action.dueDate !== null &&
    (action.status === 'open' || action.status === 'in_progress') &&
    action.dueDate < new Date().toISOString().slice(0, 10);
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" td={action.status === 'cancelled' ? 'line-through' : undefined}>
          {action.title}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={action.ownerId ? undefined : 'dimmed'}>
          {owners.nameOf(action.ownerId) ?? 'Unassigned'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text
          size="sm"
          c={overdue ? 'red.8' : action.dueDate ? undefined : 'dimmed'}
          fw={overdue ? 600 : undefined}
        >
          {action.dueDate ? formatDay(`${action.dueDate}T12:00:00`) : '—'}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm">{formatMoney(action.cost, currency)}</Text>
      </Table.Td>
      <Table.Td w={150}>
        {can('risk:write') ? (
          <Select
            size="xs"
            data={actionStatus.options.map((value) => ({ value, label: actionStatusLabels[value] }))}
            value={action.status}
            onChange={(value) => {
              const next = actionStatus.safeParse(value);
              if (next.success && next.data !== action.status) update.mutate(next.data);
            }}
            allowDeselect={false}
            aria-label={`Status of ${action.title}`}
            disabled={update.isPending}
          />
        ) : (
          <Text size="sm">{actionStatusLabels[action.status]}</Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function TreatmentCard({ risk, treatment }: { risk: Risk; treatment: Treatment }) {
  const { can } = useSession();
  const owners = useOwners();
  const currency = useCurrency();
  const changed = useTreatmentChange();
  const approve = useMutation({
    mutationFn: () =>
      apiSend('POST', `/api/v1/risks/${risk.id}/treatments/${treatment.id}/approve`, treatmentSchema),
    onSuccess: async () => {
      notifySuccess(`${strategyLabels[treatment.strategy]} treatment approved.`);
      await changed();
    },
    onError: (error) => notifyError(error, 'The treatment was not approved'),
  });
  const setStatus = useMutation({
    mutationFn: (status: 'in_progress' | 'completed' | 'rejected') =>
      apiSend(
        'PATCH',
        `/api/v1/risks/${risk.id}/treatments/${treatment.id}`,
        treatmentSchema,
        { status },
        { ifMatch: etagOf(treatment.version) },
      ),
    onSuccess: changed,
    onError: (error) => notifyError(error, 'The treatment was not updated'),
  });
  const mayWrite = can('risk:write');

  return (
    <Paper p="md" radius="md" data-testid="treatment">
      <Group justify="space-between" align="center" mb={4} wrap="nowrap">
        <Group gap="xs">
          <Badge color={strategyColors[treatment.strategy]} variant="filled" tt="none">
            {strategyLabels[treatment.strategy]}
          </Badge>
          <Badge color={treatmentStatusColors[treatment.status]} variant="light" tt="none">
            {treatmentStatusLabels[treatment.status]}
          </Badge>
        </Group>
        <Group gap="xs">
          {treatment.status === 'proposed' && can('risk:approve') ? (
            <Button
              size="xs"
              leftSection={<IconCheck size={14} />}
              loading={approve.isPending}
              onClick={() => approve.mutate()}
            >
              Approve
            </Button>
          ) : null}
          {treatment.status === 'proposed' && mayWrite ? (
            <Button
              size="xs"
              variant="default"
              loading={setStatus.isPending}
              onClick={() => setStatus.mutate('rejected')}
            >
              Reject
            </Button>
          ) : null}
          {treatment.status === 'in_progress' && mayWrite ? (
            <Button
              size="xs"
              variant="light"
              loading={setStatus.isPending}
              onClick={() => setStatus.mutate('completed')}
            >
              Mark completed
            </Button>
          ) : null}
        </Group>
      </Group>
      <Text size="xs" c="dimmed" mb="sm">
        Proposed {formatDay(treatment.createdAt)}
        {treatment.approvedAt
          ? ` · approved ${formatDay(treatment.approvedAt)} by ${owners.nameOf(treatment.approverId) ?? '—'}`
          : ' · awaiting approval'}
        {treatment.expiresAt ? ` · expires ${formatDay(treatment.expiresAt)}` : ''}
      </Text>
      {treatment.description ? (
        <Text size="sm" mb="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {treatment.description}
        </Text>
      ) : null}
      {treatment.actions.length > 0 ? (
        <Table.ScrollContainer minWidth={620}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Action</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th ta="right">Cost</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {treatment.actions.map((action) => (
                <ActionRow key={action.id} risk={risk} treatment={treatment} action={action} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text size="sm" c="dimmed" mb="xs">
          No actions yet.
        </Text>
      )}
      <Group justify="space-between" mt="sm" gap="sm" align="flex-end">
        {mayWrite && treatment.status !== 'rejected' && treatment.status !== 'expired' ? (
          <div style={{ flex: 1 }}>
            <AddAction risk={risk} treatment={treatment} />
          </div>
        ) : (
          <div />
        )}
        <Text size="sm" fw={600}>
          Total {formatMoney(treatment.totalCost, currency)}
        </Text>
      </Group>
    </Paper>
  );
}

/** The treatment plans of a risk, their actions and costs, and approvals. */
export function TreatmentsTab({ risk }: { risk: Risk }) {
  const { can } = useSession();
  const currency = useCurrency();
  const treatments = useQuery({
    queryKey: treatmentsKey(risk.id),
    queryFn: async () => (await apiGet(`/api/v1/risks/${risk.id}/treatments`, listOf(treatmentSchema))).items,
  });
  const planned = (treatments.data ?? [])
    .filter((t) => t.status !== 'rejected' && t.status !== 'expired')
    .reduce((sum, t) => sum + t.totalCost, 0);

  return (
    <Grid gap="md">
      {can('risk:write') ? (
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ProposeForm risk={risk} />
        </Grid.Col>
      ) : null}
      <Grid.Col span={{ base: 12, md: can('risk:write') ? 8 : 12 }}>
        {treatments.isPending ? (
          <PageLoader />
        ) : treatments.isError ? (
          <LoadError error={treatments.error} onRetry={() => void treatments.refetch()} />
        ) : treatments.data.length === 0 ? (
          <Paper p="md" radius="md">
            <EmptyList
              icon={<IconShieldCheck size={28} />}
              title="No treatment yet"
              description="Decide how to handle the risk: mitigate it with controls, transfer it, accept it until a date, or avoid it."
            />
          </Paper>
        ) : (
          <Stack gap="md">
            <Text size="sm" c="dimmed">
              {treatments.data.length} {treatments.data.length === 1 ? 'treatment' : 'treatments'} · planned
              cost {formatMoney(planned, currency)}
            </Text>
            {treatments.data.map((treatment) => (
              <TreatmentCard key={treatment.id} risk={risk} treatment={treatment} />
            ))}
          </Stack>
        )}
      </Grid.Col>
    </Grid>
  );
}
