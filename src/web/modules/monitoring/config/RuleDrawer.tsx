import {
  Divider,
  Group,
  NumberInput,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { allSiteRoles } from '../../../../contracts/access.js';
import {
  createRuleBody,
  defaultAlarmPriorities,
  eventTypes,
  priorities,
  ruleSchema,
  updateRuleBody,
  type EventType,
  type Rule,
} from '../../../../contracts/monitoring.js';
import { apiSend } from '../../../app/api.js';
import { EditForm, FormDrawer, useEditSave, VersionedEditor } from '../../../app/editor.js';
import { notifySuccess } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { validateWith } from '../../../app/validation.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { formatSeconds, humanize, optionsOf, rulesKey } from '../labels.js';
import { DeviceSelect, useDevicesById } from './devices.js';
import {
  ruleValues,
  scopeErrors,
  scopeOf,
  startingWindows,
  toCreateBody,
  toUpdateBody,
  type RuleValues,
} from './ruleForm.js';
import { ScheduleEditor } from './ScheduleEditor.js';

const fields = ['name', 'eventType', 'siteId', 'deviceId', 'action', 'priority', 'foldSeconds', 'enabled'];

/** "raises a high alarm" or "is only logged": what a type does when no rule matches it. */
function typeDefault(type: EventType): string {
  const priority = defaultAlarmPriorities[type];
  return priority ? `raises a ${priority} alarm` : 'is only logged';
}

function RuleForm({
  rule,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  rule: Rule | null;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const { me } = useSession();
  const directory = useSiteDirectory();
  const allSites = allSiteRoles.includes(me.role);
  const activeSites = directory.options.filter((option) => !option.disabled);
  const onlySite = activeSites.length === 1 ? (activeSites[0]?.value ?? null) : null;
  const validateCreate = useMemo(() => validateWith(createRuleBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () => validateWith(updateRuleBody, (values: RuleValues) => (rule ? toUpdateBody(rule, values) : {})),
    [rule],
  );
  const form = useForm<RuleValues>({
    initialValues: ruleValues(rule, { scope: allSites ? 'organization' : 'site', siteId: onlySite }),
    validate: (values) => {
      const changes = rule ? toUpdateBody(rule, values) : null;
      const schemaErrors = !rule
        ? validateCreate(values)
        : changes && Object.keys(changes).length > 0
          ? validateUpdate(values)
          : {};
      return { ...schemaErrors, ...scopeErrors(values, rule === null) };
    },
  });
  const { values } = form;
  const devices = useDevicesById(rule?.deviceId ? [rule.deviceId] : []);
  const site = values.siteId ? directory.byId.get(values.siteId) : undefined;
  const zoneLabel =
    values.scope === 'organization' ? 'each site’s time zone' : (site?.timezone ?? 'the site’s time zone');

  const save = useEditSave({
    form,
    fields,
    unchanged: (submitted: RuleValues) =>
      rule !== null && Object.keys(toUpdateBody(rule, submitted)).length === 0,
    save: (submitted: RuleValues) =>
      rule && etag
        ? apiSend('PATCH', `/api/v1/alarm-rules/${rule.id}`, ruleSchema, toUpdateBody(rule, submitted), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/alarm-rules', ruleSchema, toCreateBody(submitted)),
    onSaved: async (saved) => {
      notifySuccess(`Rule “${saved.name}” ${rule ? 'saved' : 'created'}.`);
      await queryClient.invalidateQueries({ queryKey: rulesKey });
    },
    onDone,
  });

  return (
    <EditForm
      save={save}
      onReload={onReload}
      reloading={reloading}
      onCancel={onDone}
      submitLabel={rule ? 'Save changes' : 'Create rule'}
    >
      <TextInput
        label="Name"
        placeholder="e.g. Person detected after hours"
        required
        data-autofocus
        {...form.getInputProps('name')}
      />
      {rule ? (
        <Stack gap={2}>
          <Text size="sm">
            <Text span fw={500}>
              {humanize(rule.eventType)}
            </Text>{' '}
            events{' '}
            {scopeOf(rule) === 'organization'
              ? 'at every site'
              : scopeOf(rule) === 'site'
                ? `at ${directory.byId.get(rule.siteId ?? '')?.name ?? 'one site'}`
                : `from ${devices.get(rule.deviceId ?? '')?.name ?? 'one device'}`}
          </Text>
          <Text size="xs" c="dimmed">
            The event type and scope of a rule are fixed. To change them, create a new rule and disable this
            one.
          </Text>
        </Stack>
      ) : (
        <>
          <Select
            label="Event type"
            placeholder="Choose the event this rule handles"
            data={optionsOf(eventTypes)}
            searchable
            required
            description={
              values.eventType
                ? `Without a rule, ${humanize(values.eventType).toLowerCase()} ${typeDefault(values.eventType)}.`
                : 'From the normalized vocabulary every panel, camera and sensor maps into.'
            }
            {...form.getInputProps('eventType')}
          />
          <Radio.Group label="Applies to" {...form.getInputProps('scope')}>
            <Group gap="lg" mt={6}>
              <Radio
                value="organization"
                label="Every site"
                disabled={!allSites}
                title={allSites ? undefined : 'Only organization-wide roles set rules for every site'}
              />
              <Radio value="site" label="One site" />
              <Radio value="device" label="One device" />
            </Group>
          </Radio.Group>
          {values.scope !== 'organization' ? (
            <SimpleGrid cols={values.scope === 'device' ? 2 : 1}>
              <Select
                label="Site"
                data={directory.options}
                searchable
                required
                allowDeselect={false}
                nothingFoundMessage="No such site"
                {...form.getInputProps('siteId')}
                onChange={(siteId: string | null) => {
                  form.setFieldValue('siteId', siteId);
                  form.setFieldValue('deviceId', null);
                }}
              />
              {values.scope === 'device' ? (
                <DeviceSelect
                  label="Device"
                  placeholder={values.siteId ? 'Search the site’s devices' : 'Choose a site first'}
                  siteId={values.siteId}
                  disabled={!values.siteId}
                  required
                  value={values.deviceId}
                  onChange={(deviceId) => form.setFieldValue('deviceId', deviceId)}
                  error={form.errors.deviceId}
                />
              ) : null}
            </SimpleGrid>
          ) : null}
        </>
      )}
      <Divider />
      <SimpleGrid cols={2}>
        <Radio.Group label="When it matches" {...form.getInputProps('action')}>
          <Stack gap={6} mt={6}>
            <Radio value="alarm" label="Raise an alarm" />
            <Radio value="log" label="Log only (no alarm on the desk)" />
          </Stack>
        </Radio.Group>
        {values.action === 'alarm' ? (
          <Select
            label="Priority"
            data={optionsOf(priorities)}
            searchable
            required
            allowDeselect={false}
            {...form.getInputProps('priority')}
          />
        ) : null}
      </SimpleGrid>
      <Radio.Group
        label="Armed"
        description={`Schedules are read in ${zoneLabel}.`}
        {...form.getInputProps('armed')}
        onChange={(armed) => {
          form.setFieldValue('armed', armed === 'schedule' ? 'schedule' : 'always');
          if (armed === 'schedule' && values.windows.length === 0)
            form.setFieldValue('windows', startingWindows());
        }}
      >
        <Group gap="lg" mt={6}>
          <Radio value="always" label="At all times" />
          <Radio value="schedule" label="On a weekly schedule" />
        </Group>
      </Radio.Group>
      {values.armed === 'schedule' ? (
        <ScheduleEditor
          windows={values.windows}
          onChange={(windows) => form.setFieldValue('windows', windows)}
          errors={form.errors}
          zoneLabel={zoneLabel}
        />
      ) : null}
      <Divider />
      <NumberInput
        label="Fold window (seconds)"
        description={
          Number(values.foldSeconds) > 0
            ? `Repeats of the same device, zone and type within ${formatSeconds(Number(values.foldSeconds))} count on the open alarm instead of raising a new one.`
            : 'Every repeat raises a new alarm.'
        }
        min={0}
        max={86_400}
        allowDecimal={false}
        {...form.getInputProps('foldSeconds')}
      />
      <Switch
        label="Enabled"
        description="A disabled rule is skipped: the next matching rule, or the type’s default, applies."
        {...form.getInputProps('enabled', { type: 'checkbox' })}
      />
    </EditForm>
  );
}

/** The create/edit panel of an alarm rule; edits load the rule's current version first. */
export function RuleDrawer({ rule, onClose }: { rule: Rule | null; onClose: () => void }) {
  return (
    <FormDrawer title={rule ? `Edit rule “${rule.name}”` : 'New alarm rule'} size="xl" onClose={onClose}>
      {rule ? (
        <VersionedEditor
          queryKey={[...rulesKey, 'one', rule.id]}
          path={`/api/v1/alarm-rules/${rule.id}`}
          schema={ruleSchema}
          render={(record, version) => <RuleForm rule={record} {...version} onDone={onClose} />}
        />
      ) : (
        <RuleForm rule={null} etag={null} onDone={onClose} onReload={onClose} reloading={false} />
      )}
    </FormDrawer>
  );
}
