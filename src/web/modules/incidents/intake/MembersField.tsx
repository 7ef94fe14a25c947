import { MultiSelect, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { rolePermissions } from '../../../../contracts/access.js';
import { userSchema } from '../../../../contracts/identity.js';
import { apiAll } from '../../../app/api.js';
import { useSession } from '../../../app/session.js';
import type { IntakeForm } from './form.js';

/**
 * The team of a confidential case: only its members (and the CSO) will see it. The reporter is
 * always a member. Choosing others needs the user directory (users:read); without it they are
 * added from the case page.
 */
export function MembersField({ form }: { form: IntakeForm }) {
  const { can, me } = useSession();
  const mayList = can('users:read');
  const users = useQuery({
    queryKey: ['users', 'directory'],
    queryFn: async () => (await apiAll('/api/v1/users', userSchema)).items,
    enabled: mayList,
    staleTime: 60_000,
  });
  // Only people who can work on cases can be members (the server refuses the others).
  const options = useMemo(
    () =>
      (users.data ?? [])
        .filter(
          (user) =>
            user.status === 'active' &&
            user.id !== me.id &&
            rolePermissions[user.role].includes('incidents:read'),
        )
        .map((user) => ({ value: user.id, label: `${user.name} (${user.role})` }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    [users.data, me.id],
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
      placeholder={users.isPending ? 'Loading users…' : 'Choose people'}
      data={options}
      searchable
      clearable
      nothingFoundMessage="No such user"
      {...form.getInputProps('members')}
      error={form.errors.members ?? (users.isError ? 'The users could not be loaded.' : undefined)}
    />
  );
}
