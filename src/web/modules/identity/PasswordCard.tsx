import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconKey } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { changePasswordBody, meResponse } from '../../../contracts/identity.js';
import { apiSend, setCsrfToken } from '../../app/api.js';
import { showProblemOnForm } from '../../app/forms.js';
import { notifySuccess } from '../../app/notify.js';
import { meKey, useSession } from '../../app/session.js';
import { validateWith } from '../../app/validation.js';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

const toBody = ({ currentPassword, newPassword }: PasswordValues) => ({ currentPassword, newPassword });

/** Change my own password (password sessions only; SSO users manage theirs at the provider). */
export function PasswordCard() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<PasswordValues>({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: (values) => ({
      ...validateWith(changePasswordBody, toBody)(values),
      ...(values.confirm !== values.newPassword ? { confirm: 'The two passwords differ' } : {}),
    }),
  });
  const change = useMutation({
    mutationFn: (values: PasswordValues) =>
      apiSend('POST', '/api/v1/me/password', meResponse, toBody(values)),
    onSuccess: (answer) => {
      // The server starts a new session (new cookie, new CSRF token) and ends every other one.
      setCsrfToken(answer.csrfToken);
      queryClient.setQueryData(meKey, answer);
      form.reset();
      notifySuccess('Password changed. Your other sessions have been signed out.');
    },
    onError: (error) => setProblem(showProblemOnForm(form, error, ['currentPassword', 'newPassword'])),
  });

  return (
    <Paper p="lg" radius="md">
      <Group gap="xs" mb="xs">
        <IconKey size={18} />
        <Title order={4}>Password</Title>
      </Group>
      {me.authMethod !== 'password' ? (
        <Text size="sm" c="dimmed">
          You signed in with single sign-on. Your password is managed by your organization’s identity
          provider.
        </Text>
      ) : (
        <form
          onSubmit={form.onSubmit((values) => {
            setProblem(null);
            change.mutate(values);
          })}
          noValidate
        >
          <Stack gap="sm" maw={420}>
            <Text size="sm" c="dimmed">
              Changing your password signs you out everywhere else.
            </Text>
            {problem ? (
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
                {problem}
              </Alert>
            ) : null}
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              required
              {...form.getInputProps('currentPassword')}
            />
            <PasswordInput
              label="New password"
              description="At least 12 characters; a passphrase of several words works well."
              autoComplete="new-password"
              required
              {...form.getInputProps('newPassword')}
            />
            <PasswordInput
              label="Repeat the new password"
              autoComplete="new-password"
              required
              {...form.getInputProps('confirm')}
            />
            <Group>
              <Button type="submit" loading={change.isPending}>
                Change password
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Paper>
  );
}
