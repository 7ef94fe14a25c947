import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconLockOpen } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { concernAuthBody } from '../../../../contracts/incidents.js';
import { ApiError } from '../../../app/api.js';
import { showProblemOnForm } from '../../../app/forms.js';
import { validateWith } from '../../../app/validation.js';
import { concernThreadKey, fetchConcernThread, type ConcernAccess } from './thread.js';
import { reporterProblem } from './wording.js';

/** Opens a report with its reference and follow-up code; a wrong pair says so without saying which half was wrong. */
export function FollowUpSignIn({
  initialReference,
  onOpened,
}: {
  initialReference: string;
  onOpened: (access: ConcernAccess) => void;
}) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<ConcernAccess>({
    initialValues: { reference: initialReference, followUpCode: '' },
    validate: validateWith(concernAuthBody, (values: ConcernAccess) => values),
  });
  const open = useMutation({
    mutationFn: (values: ConcernAccess) =>
      fetchConcernThread({ reference: values.reference.trim(), followUpCode: values.followUpCode.trim() }),
    onSuccess: (thread, values) => {
      queryClient.setQueryData(concernThreadKey(thread.reference), thread);
      form.reset();
      onOpened({ reference: thread.reference, followUpCode: values.followUpCode.trim() });
    },
    onError: (error) => {
      form.setFieldValue('followUpCode', '');
      if (error instanceof ApiError && error.status === 404) {
        setProblem(
          'No report matches this reference and follow-up code. Check both and try again; the code is four groups of five letters and digits.',
        );
        return;
      }
      const left = showProblemOnForm(form, error, ['reference', 'followUpCode']);
      setProblem(
        left === null ? null : reporterProblem(error, 'Too many attempts have come from your network.'),
      );
    },
  });

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
        open.mutate(values);
      })}
      noValidate
    >
      <Stack gap="md">
        {problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {problem}
          </Alert>
        ) : null}
        <TextInput
          label="Reference"
          placeholder="CON-XXXXX-XXXXX"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus={initialReference === ''}
          {...form.getInputProps('reference')}
        />
        <PasswordInput
          label="Follow-up code"
          placeholder="XXXXX-XXXXX-XXXXX-XXXXX"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus={initialReference !== ''}
          {...form.getInputProps('followUpCode')}
        />
        <Button type="submit" loading={open.isPending} leftSection={<IconLockOpen size={16} />}>
          Open my report
        </Button>
        <Text size="xs" c="dimmed">
          The code stays in this page only. Reloading or closing the page signs you out of the report.
        </Text>
      </Stack>
    </form>
  );
}
