import { EditForm, FormDrawer, useEditSave, VersionedEditor } from '../../app/editor.js';
import { Badge, Divider, Group, MultiSelect, PasswordInput, Select, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { allSiteRoles, roles, type Role } from '../../../contracts/access.js';
import {
  createUserBody,
  updateUserBody,
  userSchema,
  userStatus,
  type CreateUser,
  type UpdateUser,
  type User,
} from '../../../contracts/identity.js';
import { apiSend } from '../../app/api.js';
import { notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { validateWith } from '../../app/validation.js';
import { useSiteDirectory } from '../sites/directory.js';

export const usersKey = ['users'] as const;

export const roleDescriptions: Record<Role, string> = {
  admin: 'Everything, at every site (the CSO and deputies)',
  manager: 'Runs operations at their sites',
  investigator: 'Works the cases assigned to them',
  operator: 'Alarm desk',
  officer: 'Guard: tours, post orders and reports at their sites',
  hr: 'Screening and training records',
  auditor: 'Reads everything for review; changes nothing',
  employee: 'Reports concerns, takes training, acknowledges policies',
};
const roleOptions = roles.map((role) => ({ value: role, label: role }));

interface UserValues {
  email: string;
  name: string;
  role: Role;
  status: User['status'];
  sites: string[];
  password: string;
}

const fields = ['email', 'name', 'role', 'status', 'sites', 'password'] as const;

function valuesOf(user: User | null): UserValues {
  return {
    email: user?.email ?? '',
    name: user?.name ?? '',
    role: user?.role ?? 'employee',
    status: user?.status ?? 'active',
    sites: user?.sites ?? [],
    password: '',
  };
}

const toCreateBody = (values: UserValues): CreateUser => ({
  email: values.email,
  name: values.name,
  role: values.role,
  sites: values.sites,
  ...(values.password ? { password: values.password } : {}),
});

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item) => b.includes(item));

/** Only what changed goes into the update; an empty password box leaves the password alone. */
function toUpdateBody(user: User, values: UserValues): UpdateUser {
  const body: UpdateUser = {};
  if (values.name.trim() !== user.name) body.name = values.name.trim();
  if (values.role !== user.role) body.role = values.role;
  if (values.status !== user.status) body.status = values.status;
  if (!sameSet(values.sites, user.sites)) body.sites = values.sites;
  if (values.password) body.password = values.password;
  return body;
}

function UserForm({
  user,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  user: User | null;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const directory = useSiteDirectory();
  const validateCreate = useMemo(() => validateWith(createUserBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () => validateWith(updateUserBody, (values: UserValues) => (user ? toUpdateBody(user, values) : {})),
    [user],
  );
  const form = useForm<UserValues>({
    initialValues: valuesOf(user),
    validate: (values) => {
      if (!user) return validateCreate(values);
      return Object.keys(toUpdateBody(user, values)).length === 0 ? {} : validateUpdate(values);
    },
  });
  const save = useEditSave({
    form,
    fields,
    unchanged: (values: UserValues) => user !== null && Object.keys(toUpdateBody(user, values)).length === 0,
    save: (values: UserValues) =>
      user && etag
        ? apiSend('PATCH', `/api/v1/users/${user.id}`, userSchema, toUpdateBody(user, values), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/users', userSchema, toCreateBody(values)),
    onSaved: async (saved) => {
      notifySuccess(user ? `${saved.name} saved.` : `${saved.name} can now sign in as ${saved.role}.`);
      await queryClient.invalidateQueries({ queryKey: usersKey });
    },
    onDone,
  });
  const allSites = allSiteRoles.includes(form.values.role);
  const isSelf = user?.id === me.id;

  return (
    <EditForm
      save={save}
      onReload={onReload}
      reloading={reloading}
      onCancel={onDone}
      submitLabel={user ? 'Save changes' : 'Create user'}
    >
      {user ? (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {user.email}
          </Text>
          {user.sso ? (
            <Badge size="xs" variant="outline">
              single sign-on
            </Badge>
          ) : null}
        </Group>
      ) : (
        <TextInput
          label="Email"
          type="email"
          required
          data-autofocus
          description="The address the person signs in with."
          {...form.getInputProps('email')}
        />
      )}
      <TextInput label="Name" required {...form.getInputProps('name')} />
      <Select
        label="Role"
        data={roleOptions}
        allowDeselect={false}
        required
        description={roleDescriptions[form.values.role]}
        disabled={isSelf}
        {...form.getInputProps('role')}
      />
      <MultiSelect
        label="Sites"
        data={directory.options}
        searchable
        clearable
        placeholder={form.values.sites.length === 0 ? 'No site' : undefined}
        description={
          allSites
            ? 'This role sees every site; assigned sites only matter if the role changes.'
            : 'The user sees the records of these sites only.'
        }
        nothingFoundMessage="No such site"
        {...form.getInputProps('sites')}
      />
      {user ? (
        <Select
          label="Status"
          data={userStatus.options}
          allowDeselect={false}
          disabled={isSelf}
          description={
            isSelf
              ? 'Another administrator changes your own role and status.'
              : 'Disabled users cannot sign in.'
          }
          {...form.getInputProps('status')}
        />
      ) : null}
      <Divider label={user ? 'Reset password' : 'Password'} labelPosition="left" />
      <PasswordInput
        label={user ? 'New password' : 'Initial password'}
        autoComplete="new-password"
        description={
          user
            ? 'Leave empty to keep the current password. Setting one ends the user’s sessions.'
            : 'Optional. Without one the user signs in with single sign-on only, until a password is set.'
        }
        {...form.getInputProps('password')}
      />
      {user?.lastLoginAt ? (
        <Text size="xs" c="dimmed">
          Last signed in {formatDateTime(user.lastLoginAt)}
        </Text>
      ) : null}
    </EditForm>
  );
}

/** The create/edit panel of a user account. */
export function UserDrawer({ user, onClose }: { user: User | null; onClose: () => void }) {
  return (
    <FormDrawer title={user ? `Edit ${user.name}` : 'New user'} size="md" onClose={onClose}>
      {user ? (
        <VersionedEditor
          queryKey={[...usersKey, 'one', user.id]}
          path={`/api/v1/users/${user.id}`}
          schema={userSchema}
          render={(record, version) => <UserForm user={record} {...version} onDone={onClose} />}
        />
      ) : (
        <UserForm user={null} etag={null} onDone={onClose} onReload={onClose} reloading={false} />
      )}
    </FormDrawer>
  );
}
