import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { incidentSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiSend } from '../../../app/api.js';
import { notifySuccess } from '../../../app/notify.js';
import { FormProblem, submitOnModEnter } from './parts.js';
import { casePath, useCaseChanged } from './queries.js';

/** Places a legal hold on the case (no evidence can then be disposed of) or lifts it, with a reason. */
export function LegalHoldModal({
  incident,
  format,
  onClose,
}: {
  incident: Incident;
  format: (iso: string) => string;
  onClose: () => void;
}) {
  const changed = useCaseChanged();
  const held = incident.legalHold;
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, held ? '/legal-hold/release' : '/legal-hold'), incidentSchema, {
        reason: reason.trim(),
      }),
    onSuccess: async (saved) => {
      notifySuccess(
        saved.legalHold ? `${saved.reference} is under legal hold.` : 'The legal hold was lifted.',
      );
      onClose();
      await changed();
    },
  });
  return (
    <Modal opened onClose={onClose} title={held ? 'Lift the legal hold' : 'Place a legal hold'}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setMissing(reason.trim() === '');
          if (reason.trim() !== '') save.mutate();
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {held
              ? `Held since ${format(held.since)} for: ${held.reason}. Once lifted, evidence can be disposed of again (with a second person's approval).`
              : 'While the hold lasts, no evidence of this case can be disposed of. Every evidence item records the hold in its chain of custody.'}
          </Text>
          <Textarea
            label={held ? 'Why the hold ends' : 'Matter or reason'}
            placeholder={
              held ? 'Case settled, counsel released the hold' : 'Litigation 24-118, counsel’s request'
            }
            autosize
            minRows={2}
            required
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setMissing(false);
            }}
            onKeyDown={submitOnModEnter}
            error={missing ? 'A reason is required' : undefined}
            data-autofocus
          />
          <FormProblem error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={held ? undefined : 'orange'} loading={save.isPending}>
              {held ? 'Lift hold' : 'Place hold'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
