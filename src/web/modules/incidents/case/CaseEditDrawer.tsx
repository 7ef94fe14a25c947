import { Button, Group, Select, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import {
  incidentSchema,
  rootCauseCategories,
  rootCauseSchema,
  severities,
  severitySchema,
  updateIncidentBody,
  type Incident,
  type UpdateIncident,
} from '../../../../contracts/incidents.js';
import { apiSend, isStale } from '../../../app/api.js';
import { FormDrawer, VersionedEditor, type VersionProps } from '../../../app/editor.js';
import { showProblemOnForm } from '../../../app/forms.js';
import { StaleAlert } from '../../../app/lists.js';
import { notifySuccess } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { browserTimeZone } from '../../../app/time.js';
import { orNull, validateWith } from '../../../app/validation.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { optionsOf } from '../labels.js';
import { useIncidentTypes } from '../list/queries.js';
import { AssetsFields, VehiclesFields, toAssets, toVehicles, type ItemValues } from './ItemsFields.js';
import { FormProblem } from './parts.js';
import { casePath, caseKeys, useCaseChanged } from './queries.js';
import { isoToZonedTime, zonedTimeToIso } from '../intake/zonedTime.js';

export interface CaseValues extends ItemValues {
  title: string;
  type: string;
  severity: string;
  siteId: string | null;
  occurredAt: string;
  location: string;
  description: string;
  findings: string;
  rootCause: string | null;
  confidential: boolean;
}

const fields = [
  'title',
  'type',
  'severity',
  'siteId',
  'occurredAt',
  'location',
  'description',
  'findings',
  'rootCause',
  'confidential',
  'assets',
  'vehicles',
] as const;

function valuesOf(incident: Incident, zoneOf: (siteId: string | null) => string): CaseValues {
  return {
    title: incident.title,
    type: incident.type,
    severity: incident.severity,
    siteId: incident.siteId,
    occurredAt: incident.occurredAt ? isoToZonedTime(incident.occurredAt, zoneOf(incident.siteId)) : '',
    location: incident.location ?? '',
    description: incident.description,
    findings: incident.findings ?? '',
    rootCause: incident.rootCause,
    confidential: incident.confidential,
    assets: incident.assets.map((a) => ({
      description: a.description,
      tag: a.tag ?? '',
      value: a.value ?? '',
    })),
    vehicles: incident.vehicles.map((v) => ({
      plate: v.plate ?? '',
      make: v.make ?? '',
      model: v.model ?? '',
      color: v.color ?? '',
      description: v.description ?? '',
    })),
  };
}

/** Only what changed goes into the update, so a save never rewrites fields nobody touched. */
function toUpdateBody(
  incident: Incident,
  values: CaseValues,
  zoneOf: (siteId: string | null) => string,
): UpdateIncident {
  const body: UpdateIncident = {};
  if (values.title.trim() !== incident.title) body.title = values.title.trim();
  if (values.type !== incident.type) body.type = values.type;
  const severity = severitySchema.safeParse(values.severity);
  if (severity.success && severity.data !== incident.severity) body.severity = severity.data;
  if (values.siteId !== null && values.siteId !== incident.siteId) body.siteId = values.siteId;
  const occurredAt = values.occurredAt ? zonedTimeToIso(values.occurredAt, zoneOf(values.siteId)) : null;
  if (occurredAt !== incident.occurredAt) body.occurredAt = occurredAt;
  if (orNull(values.location) !== incident.location) body.location = orNull(values.location);
  if (values.description !== incident.description) body.description = values.description;
  if (orNull(values.findings) !== incident.findings) body.findings = orNull(values.findings);
  const rootCause = values.rootCause === null ? null : rootCauseSchema.catch('other').parse(values.rootCause);
  if (rootCause !== incident.rootCause) body.rootCause = rootCause;
  if (values.confidential !== incident.confidential) body.confidential = values.confidential;
  const assets = toAssets(values.assets);
  if (JSON.stringify(assets) !== JSON.stringify(incident.assets)) body.assets = assets;
  const vehicles = toVehicles(values.vehicles);
  if (JSON.stringify(vehicles) !== JSON.stringify(incident.vehicles)) body.vehicles = vehicles;
  return body;
}

function CaseForm({
  incident,
  etag,
  onReload,
  reloading,
  onDone,
}: { incident: Incident; onDone: () => void } & VersionProps) {
  const { can } = useSession();
  const changed = useCaseChanged();
  const directory = useSiteDirectory();
  const types = useIncidentTypes();
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const zoneOf = useMemo(
    () => (siteId: string | null) =>
      (siteId ? directory.byId.get(siteId)?.timezone : undefined) ?? browserTimeZone,
    [directory.byId],
  );
  const validate = useMemo(
    () => validateWith(updateIncidentBody, (values: CaseValues) => toUpdateBody(incident, values, zoneOf)),
    [incident, zoneOf],
  );
  const form = useForm<CaseValues>({
    initialValues: valuesOf(incident, zoneOf),
    validate: (values) => {
      const errors = Object.keys(toUpdateBody(incident, values, zoneOf)).length === 0 ? {} : validate(values);
      if (values.occurredAt && !zonedTimeToIso(values.occurredAt, zoneOf(values.siteId)))
        return { ...errors, occurredAt: 'Enter a date and time' };
      return errors;
    },
  });
  const save = useMutation({
    mutationFn: (body: UpdateIncident) =>
      apiSend('PATCH', casePath(incident.id), incidentSchema, body, { ifMatch: etag }),
    onSuccess: async (saved) => {
      notifySuccess(`${saved.reference} saved.`);
      onDone();
      await changed();
    },
    onError: (error) => {
      if (isStale(error)) setStale(true);
      else setProblem(showProblemOnForm(form, error, fields));
    },
  });
  // The case's own type stays choosable even if it is no longer offered.
  const typeOptions = types.options.some((option) => option.value === incident.type)
    ? types.options
    : [...types.options, { value: incident.type, label: types.labelOf(incident.type) }];
  const zone = zoneOf(form.values.siteId);

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
        const body = toUpdateBody(incident, values, zoneOf);
        if (Object.keys(body).length === 0) onDone();
        else save.mutate(body);
      })}
      noValidate
    >
      <Stack gap="md">
        {stale ? <StaleAlert onReload={onReload} reloading={reloading} /> : null}
        {problem ? <FormProblem error={new Error(problem)} /> : null}
        <TextInput label="Title" required data-autofocus {...form.getInputProps('title')} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Type"
            description="Built-in types and your organization's own"
            data={typeOptions}
            searchable
            allowDeselect={false}
            {...form.getInputProps('type')}
          />
          <Select
            label="Severity"
            description="A new severity sets new SLA due times"
            data={optionsOf(severities)}
            allowDeselect={false}
            {...form.getInputProps('severity')}
          />
          <Select
            label="Site"
            description="Its time zone is the case's"
            data={directory.options}
            searchable
            allowDeselect={false}
            placeholder={incident.siteId ? undefined : 'No site (reported without one)'}
            {...form.getInputProps('siteId')}
          />
          <TextInput
            type="datetime-local"
            label="Occurred at"
            description={`Local time at the site (${zone})`}
            {...form.getInputProps('occurredAt')}
          />
        </SimpleGrid>
        <TextInput label="Location" placeholder="Building, floor, room" {...form.getInputProps('location')} />
        <Textarea
          label="Description"
          autosize
          minRows={4}
          maxRows={14}
          {...form.getInputProps('description')}
        />
        <Textarea label="Findings" autosize minRows={3} maxRows={14} {...form.getInputProps('findings')} />
        <Select
          label="Root cause"
          placeholder="Not determined"
          data={optionsOf(rootCauseCategories)}
          clearable
          {...form.getInputProps('rootCause')}
        />
        <AssetsFields form={form} />
        <VehiclesFields form={form} />
        {can('incidents:manage') ? (
          <Switch
            label="Confidential"
            description="Only the case team (and administrators) can see a confidential case; you join its team."
            {...form.getInputProps('confidential', { type: 'checkbox' })}
          />
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={stale}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The edit panel of a case: loads the current version and saves with If-Match. */
export function CaseEditDrawer({ incident, onClose }: { incident: Incident; onClose: () => void }) {
  return (
    <FormDrawer title={`Edit ${incident.reference}`} size="lg" onClose={onClose}>
      <VersionedEditor
        queryKey={caseKeys.edit(incident.id)}
        path={casePath(incident.id)}
        schema={incidentSchema}
        render={(record, version) => <CaseForm incident={record} {...version} onDone={onClose} />}
      />
    </FormDrawer>
  );
}
