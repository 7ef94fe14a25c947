import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import {
  IconArrowBackUp,
  IconCheck,
  IconFlag,
  IconLock,
  IconPlayerPlay,
  type Icon,
} from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import {
  dispositionSchema,
  dispositions,
  incidentSchema,
  rootCauseCategories,
  rootCauseSchema,
  type Incident,
  type IncidentStatus,
  type Transition,
  type UpdateIncident,
} from '../../../../contracts/incidents.js';
import { apiSend, isStale } from '../../../app/api.js';
import { notifyError, notifySuccess } from '../../../app/notify.js';
import { orNull } from '../../../app/validation.js';
import { humanize, optionsOf } from '../labels.js';
import { FormProblem, submitOnModEnter } from './parts.js';
import { casePath, useCaseChanged } from './queries.js';

type Step = 'triage' | 'investigate' | 'resolve' | 'close' | 'reopen';

const steps: Record<Step, { to: IncidentStatus; label: string; icon: Icon }> = {
  triage: { to: 'triaged', label: 'Triage', icon: IconFlag },
  investigate: { to: 'investigating', label: 'Start investigation', icon: IconPlayerPlay },
  resolve: { to: 'resolved', label: 'Resolve', icon: IconCheck },
  close: { to: 'closed', label: 'Close', icon: IconLock },
  reopen: { to: 'investigating', label: 'Reopen', icon: IconArrowBackUp },
};

/** The steps open from a status (the server's workflow: new → triaged → investigating → resolved → closed). */
const next: Record<IncidentStatus, Step[]> = {
  new: ['triage'],
  triaged: ['investigate', 'resolve'],
  investigating: ['resolve'],
  resolved: ['close', 'reopen'],
  closed: ['reopen'],
};

function useTransition(incident: Incident, onDone: () => void) {
  const changed = useCaseChanged();
  return useMutation({
    mutationFn: (body: Transition) =>
      apiSend('POST', casePath(incident.id, '/transitions'), incidentSchema, body),
    onSuccess: async (saved) => {
      notifySuccess(`${saved.reference} is now ${humanize(saved.status).toLowerCase()}.`);
      onDone();
      await changed();
    },
  });
}

/** Resolving: the findings and root cause can be recorded on the way (saved first, at the version read). */
function ResolveForm({ incident, etag, onClose }: { incident: Incident; etag: string; onClose: () => void }) {
  const [findings, setFindings] = useState(incident.findings ?? '');
  const [rootCause, setRootCause] = useState<string | null>(incident.rootCause);
  const [reason, setReason] = useState('');
  const transition = useTransition(incident, onClose);
  const saveDetails = useMutation({
    mutationFn: (patch: UpdateIncident) =>
      apiSend('PATCH', casePath(incident.id), incidentSchema, patch, { ifMatch: etag }),
  });
  const submit = async () => {
    const patch: UpdateIncident = {};
    if (orNull(findings) !== incident.findings) patch.findings = orNull(findings);
    const cause = rootCause === null ? null : rootCauseSchema.parse(rootCause);
    if (cause !== incident.rootCause) patch.rootCause = cause;
    if (Object.keys(patch).length > 0) await saveDetails.mutateAsync(patch);
    transition.mutate({ to: 'resolved', ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  const pending = saveDetails.isPending || transition.isPending;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        submit().catch(() => undefined);
      }}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          Resolving stops the resolution clock. Record what the investigation established.
        </Text>
        <Textarea
          label="Findings"
          autosize
          minRows={4}
          maxRows={12}
          value={findings}
          onChange={(event) => setFindings(event.currentTarget.value)}
          onKeyDown={submitOnModEnter}
          data-autofocus
        />
        <Select
          label="Root cause"
          placeholder="Choose a category"
          data={optionsOf(rootCauseCategories)}
          value={rootCause}
          onChange={setRootCause}
          clearable
        />
        <Textarea
          label="Note for the timeline (optional)"
          autosize
          minRows={2}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          onKeyDown={submitOnModEnter}
        />
        {isStale(saveDetails.error) ? (
          <FormProblem error={new Error('The case was changed by someone else; close this and try again.')} />
        ) : (
          <FormProblem error={saveDetails.error ?? transition.error} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Resolve case
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CloseForm({ incident, onClose }: { incident: Incident; onClose: () => void }) {
  const [disposition, setDisposition] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const transition = useTransition(incident, onClose);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const chosen = dispositionSchema.safeParse(disposition);
        setMissing(!chosen.success);
        if (!chosen.success) return;
        transition.mutate({
          to: 'closed',
          disposition: chosen.data,
          ...(note.trim() ? { dispositionNote: note.trim() } : {}),
        });
      }}
    >
      <Stack>
        <Select
          label="Disposition"
          placeholder="How did the case end?"
          data={optionsOf(dispositions)}
          value={disposition}
          onChange={(value) => {
            setDisposition(value);
            setMissing(false);
          }}
          required
          error={missing ? 'Choose a disposition to close the case' : undefined}
          data-autofocus
        />
        <Textarea
          label="Disposition note"
          description="Why this disposition; what was done or decided."
          autosize
          minRows={3}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          onKeyDown={submitOnModEnter}
        />
        <FormProblem error={transition.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={transition.isPending}>
            Close case
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ReopenForm({ incident, onClose }: { incident: Incident; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const transition = useTransition(incident, onClose);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setMissing(reason.trim() === '');
        if (reason.trim() !== '') transition.mutate({ to: 'investigating', reason: reason.trim() });
      }}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          The case goes back to investigation{incident.disposition ? ' and loses its disposition' : ''}.
        </Text>
        <Textarea
          label="Reason"
          description="Why the case is reopened: new information, a mistake, a request."
          autosize
          minRows={3}
          required
          value={reason}
          onChange={(event) => {
            setReason(event.currentTarget.value);
            setMissing(false);
          }}
          onKeyDown={submitOnModEnter}
          error={missing ? 'A reason is required to reopen a case' : undefined}
          data-autofocus
        />
        <FormProblem error={transition.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={transition.isPending}>
            Reopen case
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The workflow buttons the case's status allows; steps that need more than a click open a form. */
export function TransitionControls({ incident, etag }: { incident: Incident; etag: string }) {
  const [open, setOpen] = useState<Step | null>(null);
  const direct = useTransition(incident, () => undefined);
  if (incident.mergedInto !== null) return null;
  const close = () => setOpen(null);
  return (
    <>
      {next[incident.status].map((step, index) => {
        const { label, icon: StepIcon, to } = steps[step];
        const oneClick = step === 'triage' || step === 'investigate';
        return (
          <Button
            key={step}
            variant={index === 0 ? 'filled' : 'default'}
            leftSection={<StepIcon size={16} />}
            loading={oneClick && direct.isPending && direct.variables?.to === to}
            disabled={direct.isPending}
            onClick={() => {
              if (oneClick)
                direct.mutate({ to }, { onError: (error) => notifyError(error, `${label} failed`) });
              else setOpen(step);
            }}
          >
            {label}
          </Button>
        );
      })}
      <Modal opened={open === 'resolve'} onClose={close} title={`Resolve ${incident.reference}`} size="lg">
        {open === 'resolve' ? <ResolveForm incident={incident} etag={etag} onClose={close} /> : null}
      </Modal>
      <Modal opened={open === 'close'} onClose={close} title={`Close ${incident.reference}`}>
        {open === 'close' ? <CloseForm incident={incident} onClose={close} /> : null}
      </Modal>
      <Modal opened={open === 'reopen'} onClose={close} title={`Reopen ${incident.reference}`}>
        {open === 'reopen' ? <ReopenForm incident={incident} onClose={close} /> : null}
      </Modal>
    </>
  );
}
