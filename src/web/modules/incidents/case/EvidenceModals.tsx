import { Button, Group, Modal, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { evidenceSchema, type Evidence, type Incident } from '../../../../contracts/incidents.js';
import { apiSend } from '../../../app/api.js';
import { notifySuccess } from '../../../app/notify.js';
import { FormProblem, submitOnModEnter } from './parts.js';
import { casePath, useCaseChanged } from './queries.js';
import { zonedTimeToIso } from '../intake/zonedTime.js';

/** The name an evidence item goes by: its file name, else its bag or tag. */
export function evidenceName(item: Evidence): string {
  return item.filename ?? (item.bagTag ? `Bag ${item.bagTag}` : (item.description ?? 'Evidence item'));
}

function Actions({
  onClose,
  pending,
  label,
  color,
}: {
  onClose: () => void;
  pending: boolean;
  label: string;
  color?: string;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onClose}>
        Cancel
      </Button>
      <Button type="submit" loading={pending} color={color}>
        {label}
      </Button>
    </Group>
  );
}

/** Logs a physical item (bag or tag, where it is stored, who holds it). */
export function PhysicalEvidenceModal({
  incident,
  timeZone,
  onClose,
}: {
  incident: Incident;
  timeZone: string;
  onClose: () => void;
}) {
  const changed = useCaseChanged();
  const [values, setValues] = useState({
    description: '',
    bagTag: '',
    storageLocation: '',
    custodian: '',
    acquiredAt: '',
    reason: '',
  });
  const set = (field: keyof typeof values) => (event: { currentTarget: { value: string } }) => {
    // Read now: React clears currentTarget once the handler returns, before the update runs.
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [field]: value }));
  };
  const acquiredAt = values.acquiredAt ? zonedTimeToIso(values.acquiredAt, timeZone) : null;
  const add = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, '/evidence/physical'), evidenceSchema, {
        description: values.description.trim(),
        bagTag: values.bagTag.trim(),
        storageLocation: values.storageLocation.trim(),
        custodian: values.custodian.trim(),
        ...(acquiredAt ? { acquiredAt } : {}),
        ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
      }),
    onSuccess: async (saved) => {
      notifySuccess(`${evidenceName(saved)} logged.`);
      onClose();
      await changed();
    },
  });
  const complete = (['description', 'bagTag', 'storageLocation', 'custodian'] as const).every(
    (field) => values[field].trim() !== '',
  );
  return (
    <Modal opened onClose={onClose} title="Log physical evidence" size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (complete) add.mutate();
        }}
      >
        <Stack>
          <Textarea
            label="Description"
            required
            autosize
            minRows={2}
            value={values.description}
            onChange={set('description')}
            data-autofocus
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Bag / tag number" required value={values.bagTag} onChange={set('bagTag')} />
            <TextInput
              label="Storage location"
              required
              placeholder="Evidence locker 3, shelf B"
              value={values.storageLocation}
              onChange={set('storageLocation')}
            />
            <TextInput
              label="Custodian"
              required
              placeholder="Who holds it now"
              value={values.custodian}
              onChange={set('custodian')}
            />
            <TextInput
              type="datetime-local"
              label="Seized at"
              description={`Local time (${timeZone}); now if left empty`}
              value={values.acquiredAt}
              onChange={set('acquiredAt')}
            />
          </SimpleGrid>
          <TextInput
            label="How it was obtained"
            placeholder="Found at the scene, handed over by…"
            value={values.reason}
            onChange={set('reason')}
          />
          <FormProblem error={add.error} />
          <Actions onClose={onClose} pending={add.isPending} label="Log item" />
        </Stack>
      </form>
    </Modal>
  );
}

/** Records a hand-over: from whom, to whom, where it is now, and why. */
export function TransferModal({
  incident,
  item,
  onClose,
}: {
  incident: Incident;
  item: Evidence;
  onClose: () => void;
}) {
  const changed = useCaseChanged();
  const [from, setFrom] = useState(item.custodian ?? item.acquiredBy);
  const [to, setTo] = useState('');
  const [storageLocation, setStorageLocation] = useState(item.storageLocation ?? '');
  const [reason, setReason] = useState('');
  const transfer = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, `/evidence/${item.id}/transfers`), evidenceSchema, {
        ...(from.trim() ? { from: from.trim() } : {}),
        to: to.trim(),
        storageLocation: storageLocation.trim(),
        reason: reason.trim(),
      }),
    onSuccess: async () => {
      notifySuccess(`Transfer of ${evidenceName(item)} recorded.`);
      onClose();
      await changed();
    },
  });
  const complete = to.trim() !== '' && storageLocation.trim() !== '' && reason.trim() !== '';
  return (
    <Modal opened onClose={onClose} title={`Transfer ${evidenceName(item)}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (complete) transfer.mutate();
        }}
      >
        <Stack>
          <SimpleGrid cols={2}>
            <TextInput label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput
              label="To"
              required
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              data-autofocus
            />
          </SimpleGrid>
          <TextInput
            label="Storage location"
            required
            value={storageLocation}
            onChange={(e) => setStorageLocation(e.currentTarget.value)}
          />
          <TextInput
            label="Reason"
            required
            placeholder="Sent to the forensic lab for analysis"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <FormProblem error={transfer.error} />
          <Actions onClose={onClose} pending={transfer.isPending} label="Record transfer" />
        </Stack>
      </form>
    </Modal>
  );
}

export type DisposalStep = 'request' | 'approve' | 'reject';

const disposalWords: Record<
  DisposalStep,
  { title: string; button: string; reason: string; required: boolean }
> = {
  request: {
    title: 'Request disposal of',
    button: 'Request disposal',
    reason: 'Why it can be disposed of',
    required: true,
  },
  approve: {
    title: 'Approve disposal of',
    button: 'Approve and dispose',
    reason: 'Note (optional)',
    required: false,
  },
  reject: {
    title: 'Reject disposal of',
    button: 'Reject disposal',
    reason: 'Why not (optional)',
    required: false,
  },
};

/** The two-person disposal: one person asks with a reason, another approves (or rejects). */
export function DisposalModal({
  incident,
  item,
  step,
  onClose,
}: {
  incident: Incident;
  item: Evidence;
  step: DisposalStep;
  onClose: () => void;
}) {
  const changed = useCaseChanged();
  const words = disposalWords[step];
  const [reason, setReason] = useState('');
  const path = step === 'request' ? '/disposal' : `/disposal/${step}`;
  const decide = useMutation({
    mutationFn: () =>
      apiSend(
        'POST',
        casePath(incident.id, `/evidence/${item.id}${path}`),
        evidenceSchema,
        reason.trim() ? { reason: reason.trim() } : {},
      ),
    onSuccess: async (saved) => {
      notifySuccess(
        saved.status === 'disposed'
          ? `${evidenceName(item)} was disposed of; its record and custody log stay.`
          : saved.status === 'disposal_pending'
            ? 'Disposal requested; another person must approve it.'
            : 'Disposal rejected; the item stays held.',
      );
      onClose();
      await changed();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`${words.title} ${evidenceName(item)}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!words.required || reason.trim()) decide.mutate();
        }}
      >
        <Stack>
          {step === 'approve' ? (
            <Text size="sm">
              Requested by {item.disposal?.requestedBy ?? 'someone'}: {item.disposal?.reason ?? ''}.{' '}
              {item.kind === 'digital'
                ? 'The stored file is destroyed; the record and its custody log are kept.'
                : ''}
            </Text>
          ) : null}
          {step === 'request' ? (
            <Text size="sm" c="dimmed">
              A second person with evidence rights must approve before anything is destroyed.
            </Text>
          ) : null}
          <Textarea
            label={words.reason}
            required={words.required}
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            onKeyDown={submitOnModEnter}
            data-autofocus
          />
          <FormProblem error={decide.error} />
          <Actions
            onClose={onClose}
            pending={decide.isPending}
            label={words.button}
            color={step === 'reject' ? undefined : 'red'}
          />
        </Stack>
      </form>
    </Modal>
  );
}
