import { Divider, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { allSiteRoles } from '../../../../contracts/access.js';
import {
  alarmTypes,
  createSopBody,
  sopSchema,
  updateSopBody,
  type AlarmType,
  type Sop,
  type UpdateSop,
} from '../../../../contracts/monitoring.js';
import { apiSend } from '../../../app/api.js';
import { EditForm, FormDrawer, useEditSave, VersionedEditor } from '../../../app/editor.js';
import type { FormErrors } from '../../../app/forms.js';
import { notifySuccess } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { validateWith } from '../../../app/validation.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { humanize, optionsOf, sopsKey } from '../labels.js';
import { ProcedureSteps } from '../ProcedureSteps.js';
import { draftsOf, newStep, stepsOf, type StepDraft } from './steps.js';
import { StepsEditor } from './StepsEditor.js';

/** The organization-wide choice of the site picker (the API's null site). */
const EVERY_SITE = 'every-site';

interface SopValues {
  alarmType: AlarmType | null;
  site: string;
  title: string;
  steps: StepDraft[];
}

const toCreateBody = (values: SopValues) => ({
  alarmType: values.alarmType,
  siteId: values.site === EVERY_SITE ? null : values.site,
  title: values.title,
  steps: stepsOf(values.steps),
});

function toUpdateBody(sop: Sop, values: SopValues): UpdateSop {
  const body: UpdateSop = {};
  if (values.title.trim() !== sop.title) body.title = values.title.trim();
  const steps = stepsOf(values.steps);
  if (JSON.stringify(steps) !== JSON.stringify(sop.steps)) body.steps = steps;
  return body;
}

/** Errors on `steps.N` belong to step N of the editor; the others to their fields. */
function stepErrors(errors: FormErrors): Record<number, string> {
  const byStep: Record<number, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const match = /^steps\.(\d+)$/.exec(path);
    if (match?.[1] && typeof message === 'string') byStep[Number(match[1])] = message;
  }
  return byStep;
}

/** The procedure as an operator sees it on the alarm desk, before any step is done. */
export function SopPreview({ title, steps }: { title: string; steps: readonly string[] }) {
  const filled = steps.filter((step) => step.trim() !== '');
  return (
    <Paper p="md" radius="md" bg="var(--mantine-color-gray-0)" data-testid="sop-preview">
      <Stack gap="xs">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Preview on the alarm desk
        </Text>
        <Title order={5}>Procedure</Title>
        {title.trim() ? (
          <Text size="sm" c="dimmed">
            {title.trim()}
          </Text>
        ) : null}
        {filled.length === 0 ? (
          <Text size="sm" c="dimmed">
            No steps yet.
          </Text>
        ) : (
          <ProcedureSteps steps={filled.map((text) => ({ text, done: false }))} />
        )}
        <Text size="xs" c="dimmed">
          Operators complete the steps in this order, each with a note, before they can resolve the alarm.
        </Text>
      </Stack>
    </Paper>
  );
}

function SopForm({
  sop,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  sop: Sop | null;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const { me } = useSession();
  const directory = useSiteDirectory();
  const allSites = allSiteRoles.includes(me.role);
  const validateCreate = useMemo(() => validateWith(createSopBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () => validateWith(updateSopBody, (values: SopValues) => (sop ? toUpdateBody(sop, values) : {})),
    [sop],
  );
  const siteOptions = [
    { value: EVERY_SITE, label: 'Every site (organization-wide)', disabled: !allSites },
    ...directory.options,
  ];
  const form = useForm<SopValues>({
    initialValues: {
      alarmType: sop?.alarmType ?? null,
      site: sop
        ? (sop.siteId ?? EVERY_SITE)
        : allSites
          ? EVERY_SITE
          : (directory.options.find((option) => !option.disabled)?.value ?? ''),
      title: sop?.title ?? '',
      steps: sop ? draftsOf(sop.steps) : [newStep()],
    },
    validate: (values) => {
      if (!sop) return validateCreate(values);
      return Object.keys(toUpdateBody(sop, values)).length > 0 ? validateUpdate(values) : {};
    },
  });
  const { values } = form;

  const save = useEditSave({
    form,
    fields: ['alarmType', 'siteId', 'title', 'steps'],
    unchanged: (submitted: SopValues) =>
      sop !== null && Object.keys(toUpdateBody(sop, submitted)).length === 0,
    save: (submitted: SopValues) =>
      sop && etag
        ? apiSend('PATCH', `/api/v1/alarm-sops/${sop.id}`, sopSchema, toUpdateBody(sop, submitted), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/alarm-sops', sopSchema, toCreateBody(submitted)),
    onSaved: async (saved) => {
      notifySuccess(`Procedure “${saved.title}” ${sop ? 'saved' : 'created'}.`);
      await queryClient.invalidateQueries({ queryKey: sopsKey });
    },
    onDone,
  });
  const siteError = form.errors.siteId;

  return (
    <EditForm
      save={save}
      onReload={onReload}
      reloading={reloading}
      onCancel={onDone}
      submitLabel={sop ? 'Save changes' : 'Create procedure'}
    >
      {sop ? (
        <Stack gap={2}>
          <Text size="sm">
            For{' '}
            <Text span fw={500}>
              {humanize(sop.alarmType)}
            </Text>{' '}
            alarms {sop.siteId ? `at ${directory.byId.get(sop.siteId)?.name ?? 'one site'}` : 'at every site'}
          </Text>
          <Text size="xs" c="dimmed">
            Alarms already raised keep the steps they were given; changes apply to new alarms.
          </Text>
        </Stack>
      ) : (
        <SimpleGrid cols={2}>
          <Select
            label="Alarm type"
            placeholder="Choose the alarm"
            data={optionsOf(alarmTypes)}
            searchable
            required
            data-autofocus
            {...form.getInputProps('alarmType')}
          />
          <Select
            label="Applies at"
            description="A site’s own procedure replaces the organization’s there."
            data={siteOptions}
            searchable
            required
            allowDeselect={false}
            nothingFoundMessage="No such site"
            {...form.getInputProps('site')}
            error={form.errors.site ?? siteError}
          />
        </SimpleGrid>
      )}
      <TextInput
        label="Title"
        placeholder="e.g. Burglary at a depot"
        required
        {...(sop ? { 'data-autofocus': true } : {})}
        {...form.getInputProps('title')}
      />
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Steps
        </Text>
        {typeof form.errors.steps === 'string' ? (
          <Text size="xs" c="red" role="alert">
            {form.errors.steps}
          </Text>
        ) : null}
        <StepsEditor
          steps={values.steps}
          onChange={(steps) => form.setFieldValue('steps', steps)}
          errors={stepErrors(form.errors)}
        />
      </Stack>
      <Divider />
      <SopPreview title={values.title} steps={values.steps.map((step) => step.text)} />
    </EditForm>
  );
}

/** The create/edit panel of a procedure (SOP); edits load the current version first. */
export function SopDrawer({ sop, onClose }: { sop: Sop | null; onClose: () => void }) {
  return (
    <FormDrawer title={sop ? `Edit procedure “${sop.title}”` : 'New procedure'} size="xl" onClose={onClose}>
      {sop ? (
        <VersionedEditor
          queryKey={[...sopsKey, 'one', sop.id]}
          path={`/api/v1/alarm-sops/${sop.id}`}
          schema={sopSchema}
          render={(record, version) => <SopForm sop={record} {...version} onDone={onClose} />}
        />
      ) : (
        <SopForm sop={null} etag={null} onDone={onClose} onReload={onClose} reloading={false} />
      )}
    </FormDrawer>
  );
}

/** A read-only view of a procedure, for those who may not change it. */
export function SopViewDrawer({ sop, onClose }: { sop: Sop; onClose: () => void }) {
  const directory = useSiteDirectory();
  return (
    <FormDrawer title={sop.title} size="lg" onClose={onClose}>
      <Stack gap="md">
        <Text size="sm">
          For{' '}
          <Text span fw={500}>
            {humanize(sop.alarmType)}
          </Text>{' '}
          alarms {sop.siteId ? `at ${directory.byId.get(sop.siteId)?.name ?? 'one site'}` : 'at every site'}
        </Text>
        <SopPreview title="" steps={sop.steps} />
      </Stack>
    </FormDrawer>
  );
}
