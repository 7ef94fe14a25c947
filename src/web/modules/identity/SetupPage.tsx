import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import type { z } from 'zod';
import { meResponse, setupBody } from '../../../contracts/identity.js';
import { apiSend } from '../../app/api.js';
import { LoadError, PageLoader } from '../../app/components.js';
import { showProblemOnForm } from '../../app/forms.js';
import { notifySuccess } from '../../app/notify.js';
import { setupKey, startSession, useMeQuery, useSetupStatus } from '../../app/session.js';
import { validateWith } from '../../app/validation.js';
import { AuthLayout } from './AuthLayout.js';

type SetupValues = z.input<typeof setupBody> & { confirm: string };

const toBody = ({ confirm: _confirm, ...body }: SetupValues) => body;

/** First run: whoever holds the setup link printed by `vigil serve` creates the first administrator. */
export default function SetupPage() {
  const me = useMeQuery();
  const status = useSetupStatus();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const tokenFromLink = params.get('token') ?? '';

  const form = useForm<SetupValues>({
    initialValues: { setupToken: tokenFromLink, email: '', name: '', password: '', confirm: '' },
    validate: (values) => ({
      ...validateWith(setupBody, toBody)(values),
      ...(values.confirm !== values.password ? { confirm: 'The two passwords differ' } : {}),
    }),
  });
  const setup = useMutation({
    mutationFn: (values: SetupValues) => apiSend('POST', '/api/v1/setup', meResponse, toBody(values)),
    onSuccess: async (answer) => {
      startSession(queryClient, answer);
      queryClient.setQueryData(setupKey, { needsSetup: false, sso: status.data?.sso ?? false });
      notifySuccess(`Welcome, ${answer.name}. Your administrator account is ready.`);
      await navigate('/', { replace: true });
    },
    onError: (error) =>
      setProblem(showProblemOnForm(form, error, ['setupToken', 'email', 'name', 'password'])),
  });

  if (status.isPending || me.isPending) return <PageLoader />;
  if (status.isError) return <LoadError error={status.error} onRetry={() => void status.refetch()} />;
  if (me.data) return <Navigate to="/" replace />;
  if (!status.data.needsSetup) {
    return (
      <AuthLayout title="Setup is complete" subtitle="This installation already has its administrator.">
        <Stack>
          <Alert color="green" variant="light" icon={<IconCircleCheck size={18} />}>
            Sign in with your account. New users are added by an administrator from the Users page.
          </Alert>
          <Button component={Link} to="/login">
            Go to sign-in
          </Button>
        </Stack>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Set up Vigil"
      subtitle="Create the first administrator. They can then add sites, people and other users."
    >
      <form
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          setup.mutate(values);
        })}
        noValidate
      >
        <Stack gap="md">
          {problem ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {problem}
            </Alert>
          ) : null}
          {tokenFromLink ? null : (
            <TextInput
              label="Setup token"
              description="Printed by `vigil serve` on its first start, at the end of the setup link."
              required
              {...form.getInputProps('setupToken')}
            />
          )}
          <TextInput label="Your name" autoComplete="name" required {...form.getInputProps('name')} />
          <TextInput
            label="Work email"
            type="email"
            autoComplete="username"
            required
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            description="At least 12 characters; a passphrase of several words works well."
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            required
            {...form.getInputProps('confirm')}
          />
          <Button type="submit" fullWidth loading={setup.isPending}>
            Create administrator
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            The setup link works once; it stops working as soon as the first user exists.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
