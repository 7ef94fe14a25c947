import { EditForm, FormDrawer, useEditSave, VersionedEditor } from '../../app/editor.js';
import { Select, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { z } from 'zod';
import {
  createSiteBody,
  siteSchema,
  siteStatus,
  updateSiteBody,
  type Site,
  type UpdateSite,
} from '../../../contracts/sites.js';
import { apiSend } from '../../app/api.js';
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

  const save = useEditSave({
    form,
    fields,
    unchanged: (values: SiteValues) => site !== null && Object.keys(toUpdateBody(site, values)).length === 0,
    save: (values: SiteValues) =>
      site && etag
        ? apiSend('PATCH', `/api/v1/sites/${site.id}`, siteSchema, toUpdateBody(site, values), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/sites', siteSchema, toCreateBody(values)),
    onSaved: async (saved) => {
      notifySuccess(site ? `Site ${saved.name} saved.` : `Site ${saved.name} (${saved.code}) created.`);
      await queryClient.invalidateQueries({ queryKey: sitesKey });
    },
    onDone,
  });

  return (
    <EditForm
      save={save}
      onReload={onReload}
      reloading={reloading}
      onCancel={onDone}
      submitLabel={site ? 'Save changes' : 'Create site'}
    >
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
    </EditForm>
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
