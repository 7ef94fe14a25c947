import { Alert, Anchor, Button, Divider, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconKey } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import type { z } from 'zod';
import { loginBody, meResponse } from '../../../contracts/identity.js';
import { apiSend } from '../../app/api.js';
import { PageLoader } from '../../app/components.js';
import { showProblemOnForm } from '../../app/forms.js';
import { startSession, useMeQuery, useSetupStatus } from '../../app/session.js';
import { validateWith } from '../../app/validation.js';
import { AuthLayout } from './AuthLayout.js';
import { ssoErrorMessage } from './ssoErrors.js';

type LoginValues = z.input<typeof loginBody>;

/** Only same-app paths may be a post-sign-in destination (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Sign in with email and password, or with the organization's single sign-on when configured. */
export default function LoginPage() {
  const me = useMeQuery();
  const setup = useSetupStatus();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const next = safeNext(params.get('next'));
  const ssoError = params.get('error');

  const form = useForm<LoginValues>({
    initialValues: { email: '', password: '' },
    validate: validateWith(loginBody, (values: LoginValues) => values),
  });
  const login = useMutation({
    mutationFn: (values: LoginValues) => apiSend('POST', '/api/v1/auth/login', meResponse, values),
    onSuccess: async (answer) => {
      startSession(queryClient, answer);
      await navigate(next, { replace: true });
    },
    onError: (error) => {
      setProblem(showProblemOnForm(form, error, ['email', 'password']));
      form.setFieldValue('password', '');
    },
  });

  if (me.isPending) return <PageLoader />;
  if (me.data) return <Navigate to={next} replace />;

  return (
    <AuthLayout title="Sign in" subtitle="Use your work email and password.">
      <form
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          login.mutate(values);
        })}
        noValidate
      >
        <Stack gap="md">
          {problem ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {problem}
            </Alert>
          ) : ssoError !== null ? (
            <Alert
              color="red"
              variant="light"
              icon={<IconAlertTriangle size={18} />}
              title="Single sign-on did not work"
              role="alert"
            >
              {ssoErrorMessage(ssoError)}
            </Alert>
          ) : null}
          {setup.data?.needsSetup ? (
            <Alert color="blue" variant="light" title="First run">
              No one can sign in yet. Open the setup link printed by <code>vigil serve</code>, or{' '}
              <Anchor component={Link} to="/setup" size="sm">
                set up Vigil
              </Anchor>
              .
            </Alert>
          ) : null}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            autoFocus
            required
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            {...form.getInputProps('password')}
          />
          <Button type="submit" fullWidth loading={login.isPending}>
            Sign in
          </Button>
          {setup.data?.sso ? (
            <>
              <Divider label="or" labelPosition="center" />
              <Button
                component="a"
                href="/api/v1/auth/oidc/login"
                variant="default"
                fullWidth
                leftSection={<IconKey size={16} />}
              >
                Sign in with single sign-on
              </Button>
            </>
          ) : null}
          <Text size="xs" c="dimmed" ta="center">
            Forgot your password? Ask a Vigil administrator to reset it.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
