import {
  Alert,
  Badge,
  Button,
  Divider,
  Drawer,
  Group,
  Select,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  alarmDetailSchema,
  alarmSchema,
  dispositions,
  falseAlarmCauses,
  type AlarmDetail,
  type ResolveAlarm,
} from '../../../contracts/monitoring.js';
import { apiGet, apiSend, errorMessage } from '../../app/api.js';
import { LoadError, PageLoader } from '../../app/components.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { useSiteDirectory, useSiteTime } from '../sites/directory.js';
import { alarmsKey, humanize, optionsOf, priorityColors } from './labels.js';
import { ProcedureSteps } from './ProcedureSteps.js';

function useAlarmAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    // The drawer shows the new state itself; a toast per action would pile up over the drawer.
    mutationFn: (action: { path: string; body?: unknown }) =>
      apiSend('POST', `/api/v1/alarms/${id}/${action.path}`, alarmSchema.or(alarmDetailSchema), action.body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: alarmsKey });
    },
    onError: (error) => notifyError(error),
  });
}

function StepNoteForm({ alarmId, index }: { alarmId: string; index: number }) {
  const action = useAlarmAction(alarmId);
  const [note, setNote] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (note.trim() === '') return;
        action.mutate({ path: `steps/${index}/complete`, body: { note: note.trim() } });
      }}
    >
      <Group align="flex-end" gap="xs">
        <Textarea
          label={`Note for step ${index + 1}`}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          autosize
          minRows={1}
          maxRows={4}
          required
          style={{ flex: 1 }}
        />
        <Button type="submit" loading={action.isPending} disabled={note.trim() === ''}>
          Complete step
        </Button>
      </Group>
    </form>
  );
}

function StepList({ alarm, mayHandle }: { alarm: AlarmDetail; mayHandle: boolean }) {
  const siteTime = useSiteTime();
  const next = alarm.steps.find((step) => step.completedAt === null);
  if (alarm.steps.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No standard operating procedure applies to this alarm.
      </Text>
    );
  return (
    <Stack gap="xs">
      <ProcedureSteps
        steps={alarm.steps.map((step) => ({
          text: step.text,
          done: step.completedAt !== null,
          detail: step.completedAt
            ? `${step.completedBy?.name ?? ''} · ${siteTime(step.completedAt, alarm.siteId)} · ${step.note ?? ''}`
            : null,
        }))}
      />
      {next && mayHandle && alarm.state !== 'resolved' ? (
        // Keyed by step: each step starts with an empty note.
        <StepNoteForm key={next.index} alarmId={alarm.id} index={next.index} />
      ) : null}
    </Stack>
  );
}

function ResolveForm({ alarm, onResolved }: { alarm: AlarmDetail; onResolved: () => void }) {
  const queryClient = useQueryClient();
  const [disposition, setDisposition] = useState<ResolveAlarm['disposition'] | null>(null);
  const [cause, setCause] = useState<ResolveAlarm['falseAlarmCause'] | null>(null);
  const [note, setNote] = useState('');
  const resolve = useMutation({
    mutationFn: (body: ResolveAlarm) =>
      apiSend('POST', `/api/v1/alarms/${alarm.id}/resolve`, alarmSchema, body),
    onSuccess: async () => {
      notifySuccess('Alarm resolved.');
      await queryClient.invalidateQueries({ queryKey: alarmsKey });
      onResolved();
    },
  });
  const pendingSteps = alarm.steps.some((step) => step.completedAt === null);
  const ready =
    disposition !== null && note.trim() !== '' && (disposition !== 'false_alarm' || cause !== null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready) return;
        resolve.mutate({
          disposition,
          ...(disposition === 'false_alarm' && cause ? { falseAlarmCause: cause } : {}),
          note: note.trim(),
        });
      }}
    >
      <Stack gap="xs">
        {pendingSteps ? (
          <Text size="sm" c="dimmed">
            Complete every step of the procedure before resolving.
          </Text>
        ) : null}
        {resolve.isError ? (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(resolve.error)}
          </Alert>
        ) : null}
        <Group grow>
          <Select
            label="Disposition"
            searchable
            data={optionsOf(dispositions)}
            value={disposition}
            onChange={(value) => setDisposition(dispositions.find((item) => item === value) ?? null)}
            required
          />
          {disposition === 'false_alarm' ? (
            <Select
              label="Cause"
              searchable
              data={optionsOf(falseAlarmCauses)}
              value={cause}
              onChange={(value) => setCause(falseAlarmCauses.find((item) => item === value) ?? null)}
              required
            />
          ) : null}
        </Group>
        <Textarea
          label="Resolution note"
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={6}
          required
        />
        <Group justify="flex-end">
          <Button type="submit" color="green" loading={resolve.isPending} disabled={!ready || pendingSteps}>
            Resolve alarm
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AlarmBody({ alarm, onClose }: { alarm: AlarmDetail; onClose: () => void }) {
  const { me, can } = useSession();
  const { byId } = useSiteDirectory();
  const siteTime = useSiteTime();
  const action = useAlarmAction(alarm.id);
  const mayHandle = can('alarms:handle');
  const mine = alarm.claimedBy?.id === me.id;
  const open = alarm.state !== 'resolved';
  const site = alarm.siteId ? byId.get(alarm.siteId) : undefined;

  return (
    <Stack gap="md">
      <Group gap="xs">
        <Badge color={priorityColors[alarm.priority]} tt="uppercase">
          {alarm.priority}
        </Badge>
        <Badge variant="light" color={alarm.state === 'active' ? 'red' : 'blue'} tt="none">
          {alarm.state}
        </Badge>
        {alarm.restoredAt ? (
          <Badge variant="outline" color="green" tt="none">
            restored
          </Badge>
        ) : null}
      </Group>
      <Stack gap={2}>
        <Text size="sm">
          <b>Device:</b> {alarm.deviceName ?? 'Unregistered device'}
          {alarm.zone ? ` · zone ${alarm.zone}` : ''}
          {alarm.code ? ` · code ${alarm.code}` : ''}
        </Text>
        <Text size="sm">
          <b>Site:</b> {site ? `${site.name} (${site.code})` : '—'}
        </Text>
        <Text size="sm">
          <b>First:</b> {siteTime(alarm.firstAt, alarm.siteId)} · <b>last:</b>{' '}
          {siteTime(alarm.lastAt, alarm.siteId)} · {alarm.count} event{alarm.count === 1 ? '' : 's'}
        </Text>
        <Text size="sm">
          <b>Claimed by:</b> {alarm.claimedBy ? `${alarm.claimedBy.name}${mine ? ' (you)' : ''}` : 'nobody'}
        </Text>
        {alarm.acknowledgedBy && alarm.acknowledgedAt ? (
          <Text size="sm">
            <b>Acknowledged by:</b> {alarm.acknowledgedBy.name} at{' '}
            {siteTime(alarm.acknowledgedAt, alarm.siteId)}
          </Text>
        ) : null}
        {alarm.resolvedBy && alarm.resolvedAt ? (
          <Text size="sm">
            <b>Resolved by:</b> {alarm.resolvedBy.name} at {siteTime(alarm.resolvedAt, alarm.siteId)} as{' '}
            {humanize(alarm.disposition ?? '')}
            {alarm.falseAlarmCause ? ` (${humanize(alarm.falseAlarmCause)})` : ''} — {alarm.resolutionNote}
          </Text>
        ) : null}
      </Stack>
      {mayHandle && open ? (
        <Group gap="xs">
          {mine ? (
            <Button
              variant="default"
              loading={action.isPending}
              onClick={() => action.mutate({ path: 'release' })}
            >
              Release
            </Button>
          ) : (
            <Button
              variant={alarm.claimedBy ? 'default' : 'filled'}
              loading={action.isPending}
              onClick={() =>
                action.mutate({
                  path: 'claim',
                  body: alarm.claimedBy ? { force: true } : {},
                })
              }
            >
              {alarm.claimedBy ? 'Take over' : 'Claim'}
            </Button>
          )}
          {alarm.state === 'active' ? (
            <Button
              color="blue"
              loading={action.isPending}
              onClick={() => action.mutate({ path: 'acknowledge' })}
            >
              Acknowledge
            </Button>
          ) : null}
        </Group>
      ) : null}
      <Divider />
      <Title order={5}>Procedure</Title>
      <StepList alarm={alarm} mayHandle={mayHandle} />
      {mayHandle && open ? (
        <>
          <Divider />
          <Title order={5}>Resolve</Title>
          <ResolveForm alarm={alarm} onResolved={onClose} />
        </>
      ) : null}
      {alarm.events.length > 0 ? (
        <>
          <Divider />
          <Title order={5}>Latest events</Title>
          <Stack gap={2}>
            {alarm.events.map((event) => (
              <Text key={event.id} size="xs" c="dimmed">
                {siteTime(event.receivedAt, alarm.siteId)} · {event.source} · {humanize(event.type)}
                {event.code ? ` (${event.code})` : ''}
                {event.zone ? ` · zone ${event.zone}` : ''}
              </Text>
            ))}
          </Stack>
        </>
      ) : null}
    </Stack>
  );
}

/** One alarm: who handles it, claim/release, acknowledge, the SOP steps and the resolution. */
export function AlarmDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const detail = useQuery({
    queryKey: [...alarmsKey, 'one', id],
    queryFn: () => apiGet(`/api/v1/alarms/${id}`, alarmDetailSchema),
  });
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="lg"
      title={detail.data ? `${humanize(detail.data.type)} alarm` : 'Alarm'}
      styles={{ title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {detail.isPending ? (
        <PageLoader />
      ) : detail.isError ? (
        <LoadError error={detail.error} onRetry={() => void detail.refetch()} />
      ) : (
        <AlarmBody alarm={detail.data} onClose={onClose} />
      )}
    </Drawer>
  );
}
