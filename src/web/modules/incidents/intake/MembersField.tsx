import { MultiSelect, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useSession } from '../../../app/session.js';
import { useCaseWorkers } from '../case/queries.js';
import type { IntakeForm } from './form.js';

/**
 * The team of a confidential case: only its members (and the CSO) will see it. The reporter is
 * always a member. Case managers choose the others from the people who can work on cases
 * (`/api/v1/incident-case-workers`); everyone else adds them from the case page later.
 */
export function MembersField({ form }: { form: IntakeForm }) {
  const { can, me } = useSession();
  const mayList = can('incidents:manage');
  const workers = useCaseWorkers();
  const options = useMemo(
    () =>
      workers.workers
        .filter((worker) => worker.id !== me.id)
        .map((worker) => ({ value: worker.id, label: `${worker.name} (${worker.role})` }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [workers.workers, me.id],
  );
  if (!mayList)
    return (
      <Text size="sm" c="dimmed">
        You will be the case&apos;s first member. Add the rest of the team from the case page once it is
        filed.
      </Text>
    );
  return (
    <MultiSelect
      label="Team members"
      description="You are a member already; administrators see every case."
      placeholder={workers.isLoading ? 'Loading people…' : 'Choose people'}
      data={options}
      searchable
      clearable
      nothingFoundMessage="No such person"
      {...form.getInputProps('members')}
      error={form.errors.members ?? (workers.error ? 'The list of people could not be loaded.' : undefined)}
    />
  );
}
