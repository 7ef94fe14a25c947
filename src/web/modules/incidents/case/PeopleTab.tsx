import {
  Badge,
  Button,
  Checkbox,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconTrash, IconUserPlus, IconUsers } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { personSchema } from '../../../../contracts/people.js';
import {
  incidentPersonSchema,
  personRoles,
  personRoleSchema,
  type AddPerson,
  type Incident,
} from '../../../../contracts/incidents.js';
import { apiGet, apiPage, apiSend } from '../../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { okSchema } from '../../../../contracts/common.js';
import { notifyError } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { humanize, optionsOf } from '../labels.js';
import { ConfirmAction, FormProblem } from './parts.js';
import { casePath, caseKeys, useCaseChanged, useCaseWorkers } from './queries.js';
import { TeamPanel } from './TeamPanel.js';

type Person = z.infer<typeof incidentPersonSchema>;
type Source = 'name' | 'directory' | 'user';

const roleColors: Record<Person['role'], string> = {
  reporter: 'blue',
  victim: 'orange',
  witness: 'teal',
  subject: 'red',
};

/** People of the directory matching what is typed (people:read). */
function useDirectorySearch(search: string) {
  const { can } = useSession();
  const [q] = useDebouncedValue(search.trim(), 250);
  return useQuery({
    queryKey: ['people', 'search', q],
    queryFn: () => apiPage('/api/v1/people', personSchema, { q, limit: 20, status: 'active' }),
    enabled: can('people:read') && q.length >= 2,
  });
}

function AddPersonForm({ incident }: { incident: Incident }) {
  const { can } = useSession();
  const changed = useCaseChanged();
  const workers = useCaseWorkers();
  const [role, setRole] = useState<Person['role']>('witness');
  const [source, setSource] = useState<Source>('name');
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  const [notes, setNotes] = useState('');
  const [search, setSearch] = useState('');
  const [personId, setPersonId] = useState<string | null>(null);
  const [userId, setUserId] = useState<string | null>(null);
  const [exclude, setExclude] = useState(false);
  const directory = useDirectorySearch(search);
  const people = directory.data?.items ?? [];
  const add = useMutation({
    mutationFn: (body: AddPerson) =>
      apiSend('POST', casePath(incident.id, '/people'), incidentPersonSchema, body),
    onSuccess: async () => {
      setName('');
      setContact('');
      setNotes('');
      setSearch('');
      setPersonId(null);
      setUserId(null);
      setExclude(false);
      await changed();
    },
  });
  const body = (): AddPerson | null => {
    const extra = {
      ...(contact.trim() ? { contact: contact.trim() } : {}),
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    };
    if (source === 'name') return name.trim() ? { role, name: name.trim(), ...extra } : null;
    if (source === 'directory') {
      const person = people.find((p) => p.id === personId);
      return person
        ? { role, personId: person.id, name: `${person.firstName} ${person.lastName}`, ...extra }
        : null;
    }
    const user = workers.workers.find((worker) => worker.id === userId);
    if (!user) return null;
    return {
      role,
      userId: user.id,
      name: user.name,
      ...extra,
      ...(role === 'subject' && exclude ? { exclude: true } : {}),
    };
  };
  const sources = [
    { value: 'name', label: 'By name' },
    ...(can('people:read') ? [{ value: 'directory', label: 'From the directory' }] : []),
    ...(can('incidents:manage') ? [{ value: 'user', label: 'A Vigil user' }] : []),
  ];
  const ready = body() !== null;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const person = body();
        if (person) add.mutate(person);
      }}
    >
      <Stack gap="sm">
        <Title order={5}>Add a person</Title>
        <Select
          label="Role"
          data={optionsOf(personRoles)}
          value={role}
          onChange={(value) => setRole(personRoleSchema.catch('witness').parse(value))}
          allowDeselect={false}
        />
        {sources.length > 1 ? (
          <SegmentedControl
            fullWidth
            size="xs"
            data={sources}
            value={source}
            onChange={(value) => setSource(value === 'directory' || value === 'user' ? value : 'name')}
            aria-label="Who"
          />
        ) : null}
        {source === 'name' ? (
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        ) : source === 'directory' ? (
          <Select
            label="Person"
            placeholder="Type two letters of a name"
            searchable
            searchValue={search}
            onSearchChange={setSearch}
            data={people.map((p) => ({
              value: p.id,
              label: `${p.firstName} ${p.lastName}${p.department ? ` · ${p.department}` : ''}`,
            }))}
            value={personId}
            onChange={setPersonId}
            filter={({ options }) => options}
            nothingFoundMessage={search.trim().length < 2 ? 'Type to search' : 'Nobody matches'}
          />
        ) : (
          <>
            <Select
              label="User"
              placeholder="Search by name"
              searchable
              data={workers.options}
              value={userId}
              onChange={setUserId}
            />
            {role === 'subject' ? (
              <Checkbox
                label="Exclude this user from the case"
                description="They lose sight of it, whatever their role."
                checked={exclude}
                onChange={(e) => setExclude(e.currentTarget.checked)}
              />
            ) : null}
          </>
        )}
        <TextInput
          label="Contact"
          placeholder="Phone, email, address"
          value={contact}
          onChange={(e) => setContact(e.currentTarget.value)}
        />
        <Textarea
          label="Notes"
          autosize
          minRows={2}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
        />
        <FormProblem error={add.error} />
        <Button
          type="submit"
          leftSection={<IconUserPlus size={16} />}
          loading={add.isPending}
          disabled={!ready}
        >
          Add person
        </Button>
      </Stack>
    </form>
  );
}

function PersonRow({ incident, person }: { incident: Incident; person: Person }) {
  const { can } = useSession();
  const changed = useCaseChanged();
  const remove = useMutation({
    mutationFn: () => apiSend('DELETE', casePath(incident.id, `/people/${person.id}`), okSchema),
    onSuccess: changed,
    onError: (error) => notifyError(error, 'The person was not removed'),
  });
  const label = person.name ?? `a ${person.role}`;
  return (
    <Table.Tr>
      <Table.Td>
        <Badge color={roleColors[person.role]} variant="light" tt="none">
          {humanize(person.role)}
        </Badge>
      </Table.Td>
      <Table.Td>
        {person.piiRedacted ? (
          <Text size="sm" c="dimmed" fs="italic">
            Withheld (personal data)
          </Text>
        ) : (
          <Group gap={6}>
            <Text size="sm" fw={500}>
              {person.name ?? '—'}
            </Text>
            {person.personId ? (
              <Badge size="xs" variant="outline" color="gray" tt="none">
                directory
              </Badge>
            ) : null}
            {person.userId ? (
              <Badge size="xs" variant="outline" color="gray" tt="none">
                user
              </Badge>
            ) : null}
            {person.excluded ? (
              <Badge size="xs" color="red" tt="none">
                excluded
              </Badge>
            ) : null}
          </Group>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{person.contact ?? '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {person.notes ?? '—'}
        </Text>
      </Table.Td>
      <Table.Td w={48}>
        {can('incidents:write') ? (
          <ConfirmAction
            label={`Remove ${label}`}
            question={`Remove ${label} from the case? The timeline keeps a record of it.`}
            confirm="Remove"
            icon={<IconTrash size={16} />}
            pending={remove.isPending}
            onConfirm={() => remove.mutate()}
          />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

/** Reporters, victims, witnesses and subjects; and who works on the case. */
export function PeopleTab({ incident }: { incident: Incident }) {
  const { can } = useSession();
  const people = useQuery({
    queryKey: caseKeys.people(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/people'), z.object({ items: z.array(incidentPersonSchema) })))
        .items,
  });
  const mayAdd = can('incidents:write') && incident.mergedInto === null;
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: mayAdd ? 8 : 12 }}>
        <Stack gap="md">
          <Paper p="md" radius="md">
            <Title order={4} mb="sm">
              People involved
            </Title>
            {people.isPending ? (
              <PageLoader />
            ) : people.isError ? (
              <LoadError error={people.error} onRetry={() => void people.refetch()} />
            ) : people.data.length === 0 ? (
              <EmptyList
                icon={<IconUsers size={28} />}
                title="Nobody named yet"
                description="Record the reporter, victims, witnesses and subjects as the case takes shape."
              />
            ) : (
              <Table.ScrollContainer minWidth={640}>
                <Table aria-label="People involved">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Contact</Table.Th>
                      <Table.Th>Notes</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {people.data.map((person) => (
                      <PersonRow key={person.id} incident={incident} person={person} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Paper>
          <TeamPanel incident={incident} />
        </Stack>
      </Grid.Col>
      {mayAdd ? (
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Paper p="md" radius="md">
            <AddPersonForm incident={incident} />
          </Paper>
        </Grid.Col>
      ) : null}
    </Grid>
  );
}
