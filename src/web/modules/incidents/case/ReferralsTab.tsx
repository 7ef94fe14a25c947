import {
  Button,
  Grid,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { IconPencil, IconPlus, IconShieldLock } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { referralSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiGet, apiSend, etagOf, isStale } from '../../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { useSession } from '../../../app/session.js';
import { formatDay } from '../../../app/time.js';
import { orNull } from '../../../app/validation.js';
import { Detail, FormProblem, submitOnModEnter, TextBlock } from './parts.js';
import { casePath, caseKeys, useCaseChanged, useCaseZone } from './queries.js';
import { zonedDay } from './zoned.js';

type Referral = z.infer<typeof referralSchema>;

function AddReferral({ incident, today }: { incident: Incident; today: string }) {
  const changed = useCaseChanged();
  const [agency, setAgency] = useState('');
  const [contact, setContact] = useState('');
  const [caseNumber, setCaseNumber] = useState('');
  const [referredOn, setReferredOn] = useState(today);
  const [shared, setShared] = useState('');
  const add = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, '/referrals'), referralSchema, {
        agency: agency.trim(),
        ...(contact.trim() ? { contact: contact.trim() } : {}),
        ...(caseNumber.trim() ? { caseNumber: caseNumber.trim() } : {}),
        referredOn,
        shared: shared.trim(),
      }),
    onSuccess: async () => {
      setAgency('');
      setContact('');
      setCaseNumber('');
      setShared('');
      await changed();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (agency.trim() && referredOn) add.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={5}>Record a referral</Title>
        <TextInput
          label="Agency"
          required
          placeholder="Metropolitan Police, FBI field office…"
          value={agency}
          onChange={(e) => setAgency(e.currentTarget.value)}
        />
        <TextInput
          label="Contact"
          placeholder="Officer, phone, email"
          value={contact}
          onChange={(e) => setContact(e.currentTarget.value)}
        />
        <SimpleGrid cols={2}>
          <TextInput
            label="Their case number"
            value={caseNumber}
            onChange={(e) => setCaseNumber(e.currentTarget.value)}
          />
          <TextInput
            type="date"
            label="Referred on"
            required
            value={referredOn}
            onChange={(e) => setReferredOn(e.currentTarget.value)}
          />
        </SimpleGrid>
        <Textarea
          label="What was shared"
          description="Documents, footage, evidence items handed over"
          autosize
          minRows={3}
          value={shared}
          onChange={(e) => setShared(e.currentTarget.value)}
          onKeyDown={submitOnModEnter}
        />
        <FormProblem error={add.error} />
        <Button
          type="submit"
          leftSection={<IconShieldLock size={16} />}
          loading={add.isPending}
          disabled={!agency.trim() || !referredOn}
        >
          Record referral
        </Button>
      </Stack>
    </form>
  );
}

function EditReferral({
  incident,
  referral,
  onClose,
}: {
  incident: Incident;
  referral: Referral;
  onClose: () => void;
}) {
  const changed = useCaseChanged();
  const [contact, setContact] = useState(referral.contact ?? '');
  const [caseNumber, setCaseNumber] = useState(referral.caseNumber ?? '');
  const [shared, setShared] = useState(referral.shared);
  const save = useMutation({
    mutationFn: (body: Record<string, string | null>) =>
      apiSend('PATCH', casePath(incident.id, `/referrals/${referral.id}`), referralSchema, body, {
        ifMatch: etagOf(referral.version),
      }),
    onSuccess: async () => {
      onClose();
      await changed();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Referral to ${referral.agency}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const body: Record<string, string | null> = {};
          if (orNull(contact) !== referral.contact) body.contact = orNull(contact);
          if (orNull(caseNumber) !== referral.caseNumber) body.caseNumber = orNull(caseNumber);
          if (shared.trim() !== referral.shared) body.shared = shared.trim();
          if (Object.keys(body).length === 0) onClose();
          else save.mutate(body);
        }}
      >
        <Stack>
          <TextInput
            label="Contact"
            value={contact}
            onChange={(e) => setContact(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label="Their case number"
            value={caseNumber}
            onChange={(e) => setCaseNumber(e.currentTarget.value)}
          />
          <Textarea
            label="What was shared"
            autosize
            minRows={3}
            value={shared}
            onChange={(e) => setShared(e.currentTarget.value)}
          />
          <FormProblem
            error={
              isStale(save.error)
                ? new Error('Someone else changed this referral; close and open it again.')
                : save.error
            }
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function FollowUpForm({
  incident,
  referral,
  today,
}: {
  incident: Incident;
  referral: Referral;
  today: string;
}) {
  const changed = useCaseChanged();
  const [on, setOn] = useState(today);
  const [note, setNote] = useState('');
  const add = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, `/referrals/${referral.id}/follow-ups`), referralSchema, {
        on,
        note: note.trim(),
      }),
    onSuccess: async () => {
      setNote('');
      await changed();
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (note.trim() && on) add.mutate();
      }}
    >
      <Stack gap={4}>
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            type="date"
            label="Follow-up on"
            value={on}
            onChange={(e) => setOn(e.currentTarget.value)}
            w={160}
          />
          <TextInput
            label="Note"
            placeholder="Called the officer: suspect identified"
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 220 }}
          />
          <Button
            type="submit"
            variant="light"
            leftSection={<IconPlus size={14} />}
            loading={add.isPending}
            disabled={!note.trim()}
          >
            Add
          </Button>
        </Group>
        <FormProblem error={add.error} />
      </Stack>
    </form>
  );
}

function ReferralCard({
  incident,
  referral,
  today,
}: {
  incident: Incident;
  referral: Referral;
  today: string;
}) {
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  const manage = can('incidents:manage');
  return (
    <Paper p="md" radius="md" data-testid="referral">
      <Group justify="space-between" align="flex-start" mb="sm">
        <Stack gap={0}>
          <Title order={4}>{referral.agency}</Title>
          <Text size="sm" c="dimmed">
            Referred {formatDay(referral.referredOn, 'short')}
            {referral.caseNumber ? ` · their case ${referral.caseNumber}` : ''}
          </Text>
        </Stack>
        {manage ? (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPencil size={14} />}
            onClick={() => setEditing(true)}
          >
            Edit
          </Button>
        ) : null}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="md">
        <Detail label="Contact">
          <TextBlock value={referral.contact} empty="Not recorded" />
        </Detail>
        <Detail label="What was shared">
          <TextBlock value={referral.shared} empty="Not recorded" />
        </Detail>
      </SimpleGrid>
      <Detail label="Follow-ups">
        {referral.followUps.length === 0 ? (
          <Text size="sm" c="dimmed" mb="xs">
            No follow-up yet.
          </Text>
        ) : (
          <Timeline bulletSize={14} lineWidth={2} my="xs">
            {[...referral.followUps].reverse().map((followUp, index) => (
              <Timeline.Item key={`${followUp.on}-${index}`}>
                <Text size="sm">{followUp.note}</Text>
                <Text size="xs" c="dimmed">
                  {formatDay(followUp.on, 'short')} · {followUp.by}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Detail>
      {manage ? <FollowUpForm incident={incident} referral={referral} today={today} /> : null}
      {editing ? (
        <EditReferral incident={incident} referral={referral} onClose={() => setEditing(false)} />
      ) : null}
    </Paper>
  );
}

/** Referrals to law enforcement: who got what, their case number, and every follow-up since. */
export function ReferralsTab({ incident }: { incident: Incident }) {
  const { can } = useSession();
  const { timeZone } = useCaseZone(incident);
  const today = zonedDay(new Date().toISOString(), timeZone);
  const referrals = useQuery({
    queryKey: caseKeys.referrals(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/referrals'), z.object({ items: z.array(referralSchema) }))).items,
  });
  const mayAdd = can('incidents:manage') && incident.mergedInto === null;
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: mayAdd ? 8 : 12 }}>
        {referrals.isPending ? (
          <PageLoader />
        ) : referrals.isError ? (
          <LoadError error={referrals.error} onRetry={() => void referrals.refetch()} />
        ) : referrals.data.length === 0 ? (
          <Paper p="md" radius="md">
            <EmptyList
              icon={<IconShieldLock size={28} />}
              title="Not referred"
              description="When the case goes to the police or another agency, record who received what, and follow it up here."
            />
          </Paper>
        ) : (
          <Stack gap="md">
            {referrals.data.map((referral) => (
              <ReferralCard key={referral.id} incident={incident} referral={referral} today={today} />
            ))}
          </Stack>
        )}
      </Grid.Col>
      {mayAdd ? (
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper p="md" radius="md">
            <AddReferral incident={incident} today={today} />
          </Paper>
        </Grid.Col>
      ) : null}
    </Grid>
  );
}
