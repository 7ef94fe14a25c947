import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { incidentSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiSend } from '../../../app/api.js';
import { notifySuccess } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { FormProblem } from './parts.js';
import { casePath, useCaseChanged, useCaseWorkers } from './queries.js';

/** Assigns the case to someone who works cases (or unassigns it). */
export function AssignModal({ incident, onClose }: { incident: Incident; onClose: () => void }) {
  const { me } = useSession();
  const workers = useCaseWorkers();
  const changed = useCaseChanged();
  const [userId, setUserId] = useState<string | null>(incident.assignedTo?.id ?? null);
  const assign = useMutation({
    mutationFn: (target: string | null) =>
      apiSend('POST', casePath(incident.id, '/assignment'), incidentSchema, { userId: target }),
    onSuccess: async (saved) => {
      notifySuccess(
        saved.assignedTo
          ? `${saved.reference} assigned to ${saved.assignedTo.name}.`
          : `${saved.reference} unassigned.`,
      );
      onClose();
      await changed();
    },
  });
  // The current assignee stays listed even if the list cannot show them (another role, disabled).
  const options =
    incident.assignedTo && !workers.options.some((option) => option.value === incident.assignedTo?.id)
      ? [{ value: incident.assignedTo.id, label: incident.assignedTo.name }, ...workers.options]
      : workers.options;
  return (
    <Modal opened onClose={onClose} title={`Assign ${incident.reference}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          assign.mutate(userId);
        }}
      >
        <Stack>
          {incident.confidential ? (
            <Text size="sm" c="dimmed">
              The case is confidential: the assignee joins its team and can then see it.
            </Text>
          ) : null}
          <Select
            label="Assignee"
            placeholder={workers.isLoading ? 'Loading people…' : 'Search by name'}
            data={options}
            value={userId}
            onChange={setUserId}
            searchable
            clearable
            nothingFoundMessage="Nobody by that name can work on cases"
            data-autofocus
          />
          <FormProblem error={assign.error ?? workers.error} />
          <Group justify="space-between">
            <Group gap="xs">
              {incident.assignedTo?.id !== me.id ? (
                <Button variant="subtle" onClick={() => assign.mutate(me.id)} disabled={assign.isPending}>
                  Assign to me
                </Button>
              ) : null}
              {incident.assignedTo ? (
                <Button
                  variant="subtle"
                  color="red"
                  onClick={() => assign.mutate(null)}
                  disabled={assign.isPending}
                >
                  Unassign
                </Button>
              ) : null}
            </Group>
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={assign.isPending} disabled={userId === null}>
                Assign
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
