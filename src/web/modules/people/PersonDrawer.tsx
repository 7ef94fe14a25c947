import { EditForm, FormDrawer, useEditSave, VersionedEditor } from '../../app/editor.js';
import { Alert, Select, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconLock } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { z } from 'zod';
import {
  createPersonBody,
  personSchema,
  personStatus,
  updatePersonBody,
  type Person,
  type UpdatePerson,
} from '../../../contracts/people.js';
import { apiSend } from '../../app/api.js';
import { notifySuccess } from '../../app/notify.js';
import { orNull, validateWith } from '../../app/validation.js';
import { useSiteDirectory } from '../sites/directory.js';
import { kindOptions } from './labels.js';

export const peopleKey = ['people'] as const;

interface PersonValues {
  siteId: string;
  kind: Person['kind'];
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  employeeNumber: string;
  department: string;
  title: string;
  status: Person['status'];
  notes: string;
}

const fields = [
  'siteId',
  'kind',
  'firstName',
  'lastName',
  'email',
  'phone',
  'employeeNumber',
  'department',
  'title',
  'status',
  'notes',
] as const;
const textFields = ['firstName', 'lastName'] as const;
const optionalFields = ['employeeNumber', 'department', 'title'] as const;
const piiFields = ['email', 'phone', 'notes'] as const;

function valuesOf(person: Person | null, defaultSite: string): PersonValues {
  return {
    siteId: person?.siteId ?? defaultSite,
    kind: person?.kind ?? 'employee',
    firstName: person?.firstName ?? '',
    lastName: person?.lastName ?? '',
    email: person?.email ?? '',
    phone: person?.phone ?? '',
    employeeNumber: person?.employeeNumber ?? '',
    department: person?.department ?? '',
    title: person?.title ?? '',
    status: person?.status ?? 'active',
    notes: person?.notes ?? '',
  };
}

const toCreateBody = (values: PersonValues): z.input<typeof createPersonBody> => ({
  siteId: values.siteId,
  kind: values.kind,
  firstName: values.firstName,
  lastName: values.lastName,
  email: orNull(values.email),
  phone: orNull(values.phone),
  employeeNumber: orNull(values.employeeNumber),
  department: orNull(values.department),
  title: orNull(values.title),
  status: values.status,
  notes: orNull(values.notes),
});

/**
 * Only what changed goes into the update. Personal data the user cannot see (piiRedacted) is never
 * sent, so saving a redacted record cannot erase it.
 */
function toUpdateBody(person: Person, values: PersonValues): UpdatePerson {
  const body: UpdatePerson = {};
  if (values.siteId !== person.siteId) body.siteId = values.siteId;
  if (values.kind !== person.kind) body.kind = values.kind;
  if (values.status !== person.status) body.status = values.status;
  for (const field of textFields)
    if (values[field].trim() !== person[field]) body[field] = values[field].trim();
  for (const field of optionalFields) {
    if (orNull(values[field]) !== person[field]) body[field] = orNull(values[field]);
  }
  if (!person.piiRedacted) {
    for (const field of piiFields)
      if (orNull(values[field]) !== person[field]) body[field] = orNull(values[field]);
  }
  return body;
}

function PersonForm({
  person,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  person: Person | null;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const directory = useSiteDirectory();
  const validateCreate = useMemo(() => validateWith(createPersonBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () =>
      validateWith(updatePersonBody, (values: PersonValues) => (person ? toUpdateBody(person, values) : {})),
    [person],
  );
  const activeSites = directory.options.filter((option) => !option.disabled);
  const form = useForm<PersonValues>({
    initialValues: valuesOf(person, activeSites.length === 1 ? (activeSites[0]?.value ?? '') : ''),
    validate: (values) => {
      if (!person) return validateCreate(values);
      return Object.keys(toUpdateBody(person, values)).length === 0 ? {} : validateUpdate(values);
    },
  });
  const save = useEditSave({
    form,
    fields,
    unchanged: (values: PersonValues) =>
      person !== null && Object.keys(toUpdateBody(person, values)).length === 0,
    save: (values: PersonValues) =>
      person && etag
        ? apiSend('PATCH', `/api/v1/people/${person.id}`, personSchema, toUpdateBody(person, values), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/people', personSchema, toCreateBody(values)),
    onSaved: async (saved) => {
      notifySuccess(`${saved.firstName} ${saved.lastName} ${person ? 'saved' : 'added to the directory'}.`);
      await queryClient.invalidateQueries({ queryKey: peopleKey });
    },
    onDone,
  });
  const showPii = !person?.piiRedacted;

  return (
    <EditForm
      save={save}
      onReload={onReload}
      reloading={reloading}
      onCancel={onDone}
      submitLabel={person ? 'Save changes' : 'Add person'}
    >
      <SimpleGrid cols={2}>
        <TextInput label="First name" required data-autofocus {...form.getInputProps('firstName')} />
        <TextInput label="Last name" required {...form.getInputProps('lastName')} />
      </SimpleGrid>
      <SimpleGrid cols={2}>
        <Select
          label="Site"
          data={directory.options}
          searchable
          required
          allowDeselect={false}
          nothingFoundMessage="No such site"
          {...form.getInputProps('siteId')}
        />
        <Select label="Kind" data={kindOptions} allowDeselect={false} {...form.getInputProps('kind')} />
      </SimpleGrid>
      <SimpleGrid cols={2}>
        <TextInput label="Title" {...form.getInputProps('title')} />
        <TextInput label="Department" {...form.getInputProps('department')} />
      </SimpleGrid>
      <TextInput label="Employee number" {...form.getInputProps('employeeNumber')} />
      {showPii ? (
        <>
          <SimpleGrid cols={2}>
            <TextInput label="Email" type="email" {...form.getInputProps('email')} />
            <TextInput label="Phone" type="tel" {...form.getInputProps('phone')} />
          </SimpleGrid>
          <Textarea label="Notes" autosize minRows={2} maxRows={6} {...form.getInputProps('notes')} />
        </>
      ) : (
        <Alert variant="light" color="gray" icon={<IconLock size={16} />}>
          Contact details and notes are hidden from your role and stay as they are.
        </Alert>
      )}
      {person ? (
        <Select
          label="Status"
          data={personStatus.options}
          allowDeselect={false}
          {...form.getInputProps('status')}
        />
      ) : null}
    </EditForm>
  );
}

/** The create/edit panel of a person. */
export function PersonDrawer({ person, onClose }: { person: Person | null; onClose: () => void }) {
  return (
    <FormDrawer
      title={person ? `Edit ${person.firstName} ${person.lastName}` : 'Add a person'}
      size="lg"
      onClose={onClose}
    >
      {person ? (
        <VersionedEditor
          queryKey={[...peopleKey, 'one', person.id]}
          path={`/api/v1/people/${person.id}`}
          schema={personSchema}
          render={(record, version) => <PersonForm person={record} {...version} onDone={onClose} />}
        />
      ) : (
        <PersonForm person={null} etag={null} onDone={onClose} onReload={onClose} reloading={false} />
      )}
    </FormDrawer>
  );
}
