import {
  Alert,
  Anchor,
  Button,
  Fieldset,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { incidentSchema, severities } from '../../../contracts/incidents.js';
import { apiSend } from '../../app/api.js';
import { PageHeader } from '../../app/components.js';
import { showProblemOnForm } from '../../app/forms.js';
import { notifySuccess } from '../../app/notify.js';
import { browserTimeZone } from '../../app/time.js';
import { useSiteDirectory } from '../sites/directory.js';
import { intakeFields, toCreateBody, useIntakeForm, type IntakeValues } from './intake/form.js';
import { AssetFields, VehicleFields } from './intake/ItemFields.js';
import { MembersField } from './intake/MembersField.js';
import { PeopleFields } from './intake/PeopleFields.js';
import { isoToZonedTime } from './intake/zonedTime.js';
import { incidentsKey, optionsOf } from './labels.js';
import { useIncidentTypes } from './list/queries.js';

const severityOptions = optionsOf(severities);

/** A titled part of the form. */
function Section({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <Fieldset
      legend={legend}
      variant="unstyled"
      styles={{ legend: { fontWeight: 650, fontSize: 'var(--mantine-font-size-md)', marginBottom: 6 } }}
    >
      {children}
    </Fieldset>
  );
}

/** An error the server put on a whole list (people, assets…), shown under that section. */
function SectionError({ error }: { error: unknown }) {
  if (typeof error !== 'string') return null;
  return (
    <Alert color="red" variant="light" py={6} mb="sm" role="alert">
      {error}
    </Alert>
  );
}

/** The intake form: report an incident at one of the user's sites, then work it on its case page. */
export default function NewIncidentPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const directory = useSiteDirectory();
  const types = useIncidentTypes();
  const [problem, setProblem] = useState<string | null>(null);
  const activeSites = directory.options.filter((option) => !option.disabled);
  const timeZoneOf = useMemo(
    () => (siteId: string) => directory.byId.get(siteId)?.timezone ?? browserTimeZone,
    [directory.byId],
  );
  const form = useIntakeForm(timeZoneOf);
  const values = form.getValues();
  // With a single site to choose from, it is chosen (the directory may arrive after the form).
  const onlySite = activeSites.length === 1 ? (activeSites[0]?.value ?? null) : null;
  useEffect(() => {
    if (onlySite && form.getValues().siteId === '') form.setFieldValue('siteId', onlySite);
  }, [onlySite, form]);
  const timeZone = timeZoneOf(values.siteId);

  const report = useMutation({
    mutationFn: (submitted: IntakeValues) =>
      apiSend(
        'POST',
        '/api/v1/incidents',
        incidentSchema,
        toCreateBody(submitted, timeZoneOf(submitted.siteId)),
      ),
    onSuccess: async (incident) => {
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
      notifySuccess(`${incident.reference} reported.`);
      void navigate(`/incidents/${incident.id}`);
    },
    onError: (error) => setProblem(showProblemOnForm(form, error, intakeFields)),
  });

  return (
    <>
      <PageHeader
        title="Report an incident"
        description="What happened, where and when. The case gets its SLA clocks from its severity; you can add evidence, notes and tasks on its page."
        actions={
          <Anchor component={Link} to="/incidents" size="sm">
            Back to the list
          </Anchor>
        }
      />
      <Paper p="lg" radius="md" maw={980}>
        <form
          noValidate
          onSubmit={form.onSubmit((submitted) => {
            setProblem(null);
            report.mutate(submitted);
          })}
        >
          <Stack gap="lg">
            {problem ? (
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
                {problem}
              </Alert>
            ) : null}
            <Section legend="What happened">
              <Stack gap="sm">
                <TextInput
                  label="Title"
                  placeholder="e.g. Laptop stolen from reception"
                  required
                  data-autofocus
                  {...form.getInputProps('title')}
                />
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <Select
                    label="Type"
                    placeholder={types.isPending ? 'Loading types…' : 'Choose a type'}
                    data={types.options}
                    searchable
                    required
                    nothingFoundMessage="No such type: an administrator can add it in the settings"
                    {...form.getInputProps('type')}
                  />
                  <Select
                    label="Severity"
                    placeholder="Choose a severity"
                    data={severityOptions}
                    required
                    allowDeselect={false}
                    {...form.getInputProps('severity')}
                  />
                </SimpleGrid>
                <Textarea
                  label="Description"
                  placeholder="What was seen, by whom, what was done straight away"
                  autosize
                  minRows={4}
                  maxRows={14}
                  {...form.getInputProps('description')}
                />
              </Stack>
            </Section>

            <Section legend="Where and when">
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Select
                  label="Site"
                  placeholder={directory.isLoading ? 'Loading sites…' : 'Choose a site'}
                  data={directory.options}
                  searchable
                  required
                  allowDeselect={false}
                  nothingFoundMessage="No such site"
                  {...form.getInputProps('siteId')}
                />
                <TextInput
                  label="Location"
                  placeholder="Building, floor, room, gate…"
                  {...form.getInputProps('location')}
                />
                <TextInput
                  type="datetime-local"
                  label="Occurred at"
                  description={
                    values.siteId
                      ? `In the site's time zone (${timeZone})`
                      : `Choose the site first (${timeZone} until then)`
                  }
                  rightSectionWidth={56}
                  rightSection={
                    <Button
                      variant="subtle"
                      size="compact-xs"
                      onClick={() =>
                        form.setFieldValue('occurredAt', isoToZonedTime(new Date().toISOString(), timeZone))
                      }
                    >
                      Now
                    </Button>
                  }
                  {...form.getInputProps('occurredAt')}
                />
              </SimpleGrid>
            </Section>

            <Section legend="People involved">
              <SectionError error={form.errors.people} />
              <PeopleFields form={form} />
            </Section>

            <Section legend="Assets">
              <SectionError error={form.errors.assets} />
              <AssetFields form={form} />
            </Section>

            <Section legend="Vehicles">
              <SectionError error={form.errors.vehicles} />
              <VehicleFields form={form} />
            </Section>

            <Section legend="Need to know">
              <Stack gap="sm">
                <Switch
                  label="Confidential"
                  description="Only the case's team sees a confidential case: use it for investigations of staff, harassment or anything sensitive."
                  thumbIcon={values.confidential ? <IconLock size={10} /> : undefined}
                  {...form.getInputProps('confidential', { type: 'checkbox' })}
                />
                {values.confidential ? <MembersField form={form} /> : null}
              </Stack>
            </Section>

            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/incidents">
                Cancel
              </Button>
              <Button type="submit" loading={report.isPending}>
                Report incident
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
