import {
  ActionIcon,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { personRoles } from '../../../../contracts/incidents.js';
import { personSchema, type Person } from '../../../../contracts/people.js';
import { apiPage } from '../../../app/api.js';
import { useSession } from '../../../app/session.js';
import { optionsOf } from '../labels.js';
import { newPerson, type IntakeForm } from './form.js';

const roleOptions = optionsOf(personRoles);
const sourceOptions = [
  { value: 'directory', label: 'Directory' },
  { value: 'name', label: 'Name' },
];

const nameOf = (person: Person) => `${person.firstName} ${person.lastName}`;
const labelOf = (person: Person) =>
  [nameOf(person), person.department ?? person.title].filter((part) => part).join(' · ');

/** A person of the directory, found by typing part of their name (the server searches). */
function PersonPicker({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  error: ReactNode;
}) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<Person | null>(null);
  const [query] = useDebouncedValue(search.trim(), 250);
  // Once someone is chosen the box shows their name: that is not a new search.
  const searching = chosen === null || query !== labelOf(chosen) ? query : '';
  const found = useQuery({
    queryKey: ['people', 'pick', searching],
    queryFn: () =>
      apiPage('/api/v1/people', personSchema, { q: searching || undefined, status: 'active', limit: 20 }),
    staleTime: 30_000,
  });
  const people = useMemo(() => {
    const list = found.data?.items ?? [];
    return chosen && !list.some((person) => person.id === chosen.id) ? [chosen, ...list] : list;
  }, [found.data, chosen]);

  return (
    <Select
      label="Person"
      placeholder="Search the directory"
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // The server already matched the words; Mantine's own filter would hide department matches.
      filter={({ options }) => options}
      data={people.map((person) => ({ value: person.id, label: labelOf(person) }))}
      value={value}
      onChange={(id) => {
        setChosen(people.find((person) => person.id === id) ?? null);
        onChange(id);
      }}
      nothingFoundMessage={found.isFetching ? 'Searching…' : 'Nobody found: choose "Name" to type one'}
      error={error}
      clearable
      required
      flex={1}
      miw={220}
    />
  );
}

/** The people involved: a role each, and someone from the directory or a name typed in. */
export function PeopleFields({ form }: { form: IntakeForm }) {
  const { can } = useSession();
  const fromDirectory = can('people:read');
  const rows = form.getValues().people;
  return (
    <Stack gap="sm">
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody recorded yet. Add reporters, victims, witnesses and subjects as you learn of them.
        </Text>
      ) : null}
      {rows.map((row, index) => (
        <Group key={row.key} gap="sm" align="flex-start" wrap="wrap" data-testid="person-row">
          <Select
            label="Role"
            data={roleOptions}
            allowDeselect={false}
            w={130}
            {...form.getInputProps(`people.${index}.role`)}
          />
          {fromDirectory ? (
            <Stack gap={4}>
              <Text size="sm" fw={500} component="span" id={`person-${row.key}-source`}>
                From
              </Text>
              <SegmentedControl
                data={sourceOptions}
                aria-labelledby={`person-${row.key}-source`}
                value={row.source}
                onChange={(source) =>
                  form.setFieldValue(`people.${index}.source`, source === 'name' ? 'name' : 'directory')
                }
              />
            </Stack>
          ) : null}
          {row.source === 'directory' && fromDirectory ? (
            <PersonPicker
              value={row.personId}
              onChange={(id) => form.setFieldValue(`people.${index}.personId`, id)}
              error={form.errors[`people.${index}.personId`]}
            />
          ) : (
            <>
              <TextInput
                label="Name"
                required
                flex={1}
                miw={180}
                {...form.getInputProps(`people.${index}.name`)}
              />
              <TextInput
                label="Contact"
                placeholder="Phone or email"
                flex={1}
                miw={180}
                {...form.getInputProps(`people.${index}.contact`)}
              />
            </>
          )}
          <Tooltip label="Remove this person">
            <ActionIcon
              variant="subtle"
              color="gray"
              mt={26}
              size="lg"
              aria-label={`Remove person ${index + 1}`}
              onClick={() => form.removeListItem('people', index)}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ))}
      <Group>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() =>
            form.insertListItem('people', { ...newPerson(), source: fromDirectory ? 'directory' : 'name' })
          }
        >
          Add a person
        </Button>
      </Group>
    </Stack>
  );
}
