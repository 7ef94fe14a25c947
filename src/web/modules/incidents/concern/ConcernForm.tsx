import {
  Alert,
  Button,
  Checkbox,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconSend } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { Me } from '../../../../contracts/identity.js';
import { concernCreatedSchema, createConcernBody } from '../../../../contracts/incidents.js';
import { siteSchema } from '../../../../contracts/sites.js';
import { apiAll, apiSend } from '../../../app/api.js';
import { showProblemOnForm } from '../../../app/forms.js';
import { validateWith } from '../../../app/validation.js';
import { sitesKey } from '../../sites/directory.js';
import { emptyConcern, toConcernBody, type ConcernValues } from './form.js';
import { concernTypeOptions, localToday, reporterProblem } from './wording.js';

const fields = ['description', 'title', 'type', 'siteId', 'location', 'occurredOn'] as const;

/** The sites a signed-in reporter may name (active ones they can see); none without a session. */
function useSiteOptions(me: Me | null) {
  const sites = useQuery({
    // The same cache entry as the shell's site directory: one list for the whole session.
    queryKey: [...sitesKey, 'directory'],
    queryFn: async () => (await apiAll('/api/v1/sites', siteSchema)).items,
    enabled: me?.permissions.includes('sites:read') ?? false,
    staleTime: 60_000,
  });
  const options = useMemo(
    () =>
      (sites.data ?? [])
        .filter((site) => site.status === 'active')
        .map((site) => ({ value: site.id, label: `${site.name} (${site.code})` })),
    [sites.data],
  );
  return { options, loading: sites.isLoading };
}

/** The concern form: what happened, and optionally its kind, place and day. */
export function ConcernForm({
  me,
  onSent,
}: {
  me: Me | null;
  onSent: (receipt: { reference: string; followUpCode: string }) => void;
}) {
  const signedIn = me !== null;
  const sites = useSiteOptions(me);
  const [problem, setProblem] = useState<string | null>(null);
  const form = useForm<ConcernValues>({
    initialValues: emptyConcern,
    validate: validateWith(createConcernBody, (values: ConcernValues) => toConcernBody(values, signedIn)),
  });
  const send = useMutation({
    mutationFn: (values: ConcernValues) =>
      apiSend('POST', '/api/v1/concerns', concernCreatedSchema, toConcernBody(values, signedIn)),
    onSuccess: (receipt) => {
      form.reset();
      onSent(receipt);
    },
    onError: (error) => {
      const left = showProblemOnForm(form, error, fields);
      setProblem(
        left === null
          ? null
          : reporterProblem(error, 'Too many reports have been sent from your network in the last minutes.'),
      );
    },
  });
  const anonymous = signedIn ? form.values.anonymous : true;

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
        send.mutate(values);
      })}
      noValidate
    >
      <Stack gap="md">
        {problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {problem}
          </Alert>
        ) : null}
        <Textarea
          label="What happened?"
          description="In your own words: what you saw or heard, and who or what was involved."
          required
          autosize
          minRows={5}
          maxRows={14}
          {...form.getInputProps('description')}
        />
        <TextInput
          label="Short title"
          description="Optional. A few words the security team will see in their list."
          {...form.getInputProps('title')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="What kind of concern is it?"
            placeholder="Choose if you know"
            data={concernTypeOptions}
            clearable
            {...form.getInputProps('type')}
          />
          <DatePickerInput
            label="On which day did it happen?"
            placeholder="Choose a day"
            description="The day only: a time could point to you."
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            clearable
            maxDate={localToday()}
            {...form.getInputProps('occurredOn')}
          />
        </SimpleGrid>
        {signedIn ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Site"
              placeholder={sites.loading ? 'Loading sites…' : 'Choose a site'}
              data={sites.options}
              searchable
              clearable
              nothingFoundMessage="No site by that name"
              {...form.getInputProps('siteId')}
            />
            <TextInput
              label="Where exactly?"
              placeholder="Building, floor, room…"
              {...form.getInputProps('location')}
            />
          </SimpleGrid>
        ) : (
          <TextInput
            label="Where?"
            description="Optional. The site, building, floor or room."
            {...form.getInputProps('location')}
          />
        )}
        <Checkbox
          label="Report anonymously"
          description={
            !signedIn
              ? 'You are not signed in, so this report is always anonymous.'
              : anonymous
                ? 'Your name is not attached to the report, even though you are signed in.'
                : `The report will carry your name (${me.name}), so the security team can contact you directly.`
          }
          disabled={!signedIn}
          checked={anonymous}
          onChange={(event) => form.setFieldValue('anonymous', event.currentTarget.checked)}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={send.isPending} leftSection={<IconSend size={16} />}>
            Send report
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
