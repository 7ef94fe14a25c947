import { FormDrawer, VersionedEditor } from '../../app/editor.js';
import { Alert, Button, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { z } from 'zod';
import {
  createSiteBody,
  siteSchema,
  siteStatus,
  updateSiteBody,
  type Site,
  type UpdateSite,
} from '../../../contracts/sites.js';
import { apiSend, isStale } from '../../app/api.js';
import { showProblemOnForm } from '../../app/forms.js';
import { StaleAlert } from '../../app/lists.js';
import { notifySuccess } from '../../app/notify.js';
import { browserTimeZone, timeZoneNames } from '../../app/time.js';
import { orNull, validateWith } from '../../app/validation.js';
import { sitesKey } from './directory.js';

interface SiteValues {
  name: string;
  code: string;
  timezone: string;
  address: string;
  status: Site['status'];
}

const fields = ['name', 'code', 'timezone', 'address', 'status'] as const;

function valuesOf(site: Site | null): SiteValues {
  return {
    name: site?.name ?? '',
    code: site?.code ?? '',
    timezone: site?.timezone ?? browserTimeZone,
    address: site?.address ?? '',
    status: site?.status ?? 'active',
  };
}

const toCreateBody = (values: SiteValues): z.input<typeof createSiteBody> => ({
  name: values.name,
  code: values.code,
  timezone: values.timezone,
  ...(values.address.trim() ? { address: values.address.trim() } : {}),
});

/** Only what changed goes into the update, so a save never rewrites fields nobody touched. */
function toUpdateBody(site: Site, values: SiteValues): UpdateSite {
  const body: UpdateSite = {};
  if (values.name !== site.name) body.name = values.name;
  if (values.timezone !== site.timezone) body.timezone = values.timezone;
  if (orNull(values.address) !== site.address) body.address = orNull(values.address);
  if (values.status !== site.status) body.status = values.status;
  return body;
}

function SiteForm({
  site,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  site: Site | null;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const zones = useMemo(() => timeZoneNames(), []);
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const validateCreate = useMemo(() => validateWith(createSiteBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () => validateWith(updateSiteBody, (values: SiteValues) => (site ? toUpdateBody(site, values) : {})),
    [site],
  );
  const form = useForm<SiteValues>({
    initialValues: valuesOf(site),
    validate: (values) => {
      if (!site) return validateCreate(values);
      return Object.keys(toUpdateBody(site, values)).length === 0 ? {} : validateUpdate(values);
    },
  });

  const save = useMutation({
    mutationFn: (values: SiteValues) =>
      site && etag
        ? apiSend('PATCH', `/api/v1/sites/${site.id}`, siteSchema, toUpdateBody(site, values), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/sites', siteSchema, toCreateBody(values)),
    onSuccess: async (saved) => {
      notifySuccess(site ? `Site ${saved.name} saved.` : `Site ${saved.name} (${saved.code}) created.`);
      await queryClient.invalidateQueries({ queryKey: sitesKey });
      onDone();
    },
    onError: (error) => {
      if (isStale(error)) setStale(true);
      else setProblem(showProblemOnForm(form, error, fields));
    },
  });

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
        if (site && Object.keys(toUpdateBody(site, values)).length === 0) {
          onDone();
          return;
        }
        save.mutate(values);
      })}
      noValidate
    >
      <Stack gap="md">
        {stale ? <StaleAlert onReload={onReload} reloading={reloading} /> : null}
        {problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {problem}
          </Alert>
        ) : null}
        <TextInput
          label="Name"
          placeholder="Headquarters"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <TextInput
          label="Code"
          placeholder="HQ"
          description={
            site
              ? 'The code is permanent: other records and exports refer to it.'
              : 'Short and unique, e.g. HQ or PAR-01.'
          }
          required
          disabled={site !== null}
          {...form.getInputProps('code')}
        />
        <Select
          label="Time zone"
          description="Times of this site's records are shown in this zone."
          data={zones}
          searchable
          required
          allowDeselect={false}
          nothingFoundMessage="No such time zone"
          {...form.getInputProps('timezone')}
        />
        <Textarea label="Address" autosize minRows={2} maxRows={5} {...form.getInputProps('address')} />
        {site ? (
          <Select
            label="Status"
            description="Archived sites stay in the records but take no new people or users."
            data={siteStatus.options}
            allowDeselect={false}
            {...form.getInputProps('status')}
          />
        ) : null}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={stale}>
            {site ? 'Save changes' : 'Create site'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The create/edit panel of a site. */
export function SiteDrawer({ site, onClose }: { site: Site | null; onClose: () => void }) {
  return (
    <FormDrawer title={site ? `Edit ${site.name}` : 'New site'} size="md" onClose={onClose}>
      {site ? (
        <VersionedEditor
          queryKey={[...sitesKey, 'one', site.id]}
          path={`/api/v1/sites/${site.id}`}
          schema={siteSchema}
          render={(record, version) => <SiteForm site={record} {...version} onDone={onClose} />}
        />
      ) : (
        <SiteForm site={null} etag={null} onDone={onClose} onReload={onClose} reloading={false} />
      )}
    </FormDrawer>
  );
}
