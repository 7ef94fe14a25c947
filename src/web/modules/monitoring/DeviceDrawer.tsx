import { EditForm, FormDrawer, useEditSave, VersionedEditor } from '../../app/editor.js';
import {
  Checkbox,
  Divider,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { z } from 'zod';
import {
  createDeviceBody,
  deviceKinds,
  deviceSchema,
  updateDeviceBody,
  type Device,
  type DeviceKind,
  type KeyEncoding,
  type UpdateDevice,
} from '../../../contracts/monitoring.js';
import { apiSend } from '../../app/api.js';
import { type FormErrors } from '../../app/forms.js';
import { notifySuccess } from '../../app/notify.js';
import { orNull, validateWith } from '../../app/validation.js';
import { useSiteDirectory } from '../sites/directory.js';
import { devicesKey, optionsOf } from './labels.js';

interface DeviceValues {
  name: string;
  kind: DeviceKind;
  siteId: string;
  supervisionSeconds: number | string;
  dc09Account: string;
  dc09Key: string;
  dc09KeyEncoding: KeyEncoding;
  removeKey: boolean;
  frigateCamera: string;
  zigbeeName: string;
  externalId: string;
  vendor: string;
  model: string;
  firmware: string;
  serial: string;
  location: string;
  zone: string;
  installedOn: string;
  lastMaintenanceOn: string;
  nextMaintenanceOn: string;
  notes: string;
}

const plainFields = [
  'externalId',
  'vendor',
  'model',
  'firmware',
  'serial',
  'location',
  'zone',
  'notes',
] as const;
const dateFields = ['installedOn', 'lastMaintenanceOn', 'nextMaintenanceOn'] as const;
// Server errors on the nested connection objects (dc09, frigate…) have no single field here: they show above the form.
const fields = ['name', 'kind', 'siteId', 'supervisionSeconds', ...plainFields, ...dateFields] as const;

function valuesOf(device: Device | null, defaultSite: string): DeviceValues {
  return {
    name: device?.name ?? '',
    kind: device?.kind ?? 'intrusion_panel',
    siteId: device?.siteId ?? defaultSite,
    supervisionSeconds: device?.supervisionSeconds ?? '',
    dc09Account: device?.dc09?.account ?? '',
    dc09Key: '',
    dc09KeyEncoding: device?.dc09?.keyEncoding ?? 'hex',
    removeKey: false,
    frigateCamera: device?.frigate?.camera ?? '',
    zigbeeName: device?.zigbee2mqtt?.name ?? '',
    externalId: device?.externalId ?? '',
    vendor: device?.vendor ?? '',
    model: device?.model ?? '',
    firmware: device?.firmware ?? '',
    serial: device?.serial ?? '',
    location: device?.location ?? '',
    zone: device?.zone ?? '',
    installedOn: device?.installedOn ?? '',
    lastMaintenanceOn: device?.lastMaintenanceOn ?? '',
    nextMaintenanceOn: device?.nextMaintenanceOn ?? '',
    notes: device?.notes ?? '',
  };
}

const supervisionOf = (values: DeviceValues): number | null =>
  values.supervisionSeconds === '' ? null : Number(values.supervisionSeconds);

const toCreateBody = (values: DeviceValues): z.input<typeof createDeviceBody> => ({
  name: values.name,
  kind: values.kind,
  siteId: values.siteId,
  supervisionSeconds: supervisionOf(values),
  dc09: orNull(values.dc09Account)
    ? {
        account: values.dc09Account.trim(),
        ...(values.dc09Key !== '' ? { key: values.dc09Key, keyEncoding: values.dc09KeyEncoding } : {}),
      }
    : null,
  frigate: orNull(values.frigateCamera) ? { camera: values.frigateCamera.trim() } : null,
  zigbee2mqtt: orNull(values.zigbeeName) ? { name: values.zigbeeName.trim() } : null,
  ...Object.fromEntries(plainFields.map((field) => [field, orNull(values[field])])),
  ...Object.fromEntries(dateFields.map((field) => [field, orNull(values[field])])),
});

/** Only what changed is sent; the DC-09 key is write-only, so an empty key field keeps the stored one. */
function toUpdateBody(device: Device, values: DeviceValues): UpdateDevice {
  const body: UpdateDevice = {};
  if (values.name.trim() !== device.name) body.name = values.name.trim();
  if (values.kind !== device.kind) body.kind = values.kind;
  if (values.siteId !== device.siteId) body.siteId = values.siteId;
  if (supervisionOf(values) !== device.supervisionSeconds) body.supervisionSeconds = supervisionOf(values);
  const account = orNull(values.dc09Account);
  if (account === null) {
    if (device.dc09) body.dc09 = null;
  } else if (
    account !== device.dc09?.account ||
    values.dc09Key !== '' ||
    values.removeKey ||
    (device.dc09?.hasKey && values.dc09KeyEncoding !== device.dc09.keyEncoding)
  ) {
    body.dc09 = {
      account,
      ...(values.removeKey ? { key: null } : values.dc09Key !== '' ? { key: values.dc09Key } : {}),
      keyEncoding: values.dc09KeyEncoding,
    };
  }
  const camera = orNull(values.frigateCamera);
  if (camera !== (device.frigate?.camera ?? null)) body.frigate = camera ? { camera } : null;
  const zigbee = orNull(values.zigbeeName);
  if (zigbee !== (device.zigbee2mqtt?.name ?? null)) body.zigbee2mqtt = zigbee ? { name: zigbee } : null;
  for (const field of plainFields)
    if (orNull(values[field]) !== device[field]) body[field] = orNull(values[field]);
  for (const field of dateFields)
    if (orNull(values[field]) !== device[field]) body[field] = orNull(values[field]);
  return body;
}

function DeviceForm({
  device,
  etag,
  onDone,
  onReload,
  reloading,
}: {
  device: Device | null;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const directory = useSiteDirectory();
  const validateCreate = useMemo(() => validateWith(createDeviceBody, toCreateBody), []);
  const validateUpdate = useMemo(
    () =>
      validateWith(updateDeviceBody, (values: DeviceValues) => (device ? toUpdateBody(device, values) : {})),
    [device],
  );
  const activeSites = directory.options.filter((option) => !option.disabled);
  const form = useForm<DeviceValues>({
    initialValues: valuesOf(device, activeSites.length === 1 ? (activeSites[0]?.value ?? '') : ''),
    validate: (values) => {
      const errors = !device
        ? validateCreate(values)
        : Object.keys(toUpdateBody(device, values)).length === 0
          ? {}
          : validateUpdate(values);
      // Nested errors (dc09.key) belong to the flat fields of this form.
      const flat: FormErrors = {};
      for (const [path, message] of Object.entries(errors)) {
        const field =
          path === 'dc09.key'
            ? 'dc09Key'
            : path.startsWith('dc09')
              ? 'dc09Account'
              : path.startsWith('frigate')
                ? 'frigateCamera'
                : path.startsWith('zigbee2mqtt')
                  ? 'zigbeeName'
                  : path;
        flat[field] = message;
      }
      return flat;
    },
  });
  const save = useEditSave({
    form,
    fields,
    unchanged: (values: DeviceValues) =>
      device !== null && Object.keys(toUpdateBody(device, values)).length === 0,
    save: (values: DeviceValues) =>
      device && etag
        ? apiSend('PATCH', `/api/v1/devices/${device.id}`, deviceSchema, toUpdateBody(device, values), {
            ifMatch: etag,
          })
        : apiSend('POST', '/api/v1/devices', deviceSchema, toCreateBody(values)),
    onSaved: async (saved) => {
      notifySuccess(`${saved.name} ${device ? 'saved' : 'registered'}.`);
      await queryClient.invalidateQueries({ queryKey: devicesKey });
    },
    onDone,
  });

  return (
    <EditForm
      save={save}
      onReload={onReload}
      reloading={reloading}
      onCancel={onDone}
      submitLabel={device ? 'Save changes' : 'Register device'}
    >
      <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
      <SimpleGrid cols={2}>
        <Select
          label="Kind"
          data={optionsOf(deviceKinds)}
          allowDeselect={false}
          {...form.getInputProps('kind')}
        />
        <Select
          label="Site"
          data={directory.options}
          searchable
          required
          allowDeselect={false}
          nothingFoundMessage="No such site"
          {...form.getInputProps('siteId')}
        />
      </SimpleGrid>
      <NumberInput
        label="Supervision (seconds)"
        description="The device reports at least this often (heartbeat or link test); empty: not supervised"
        min={10}
        allowDecimal={false}
        {...form.getInputProps('supervisionSeconds')}
      />
      <Divider label="Connections" labelPosition="left" />
      <SimpleGrid cols={3}>
        <TextInput label="DC-09 account" {...form.getInputProps('dc09Account')} />
        <PasswordInput
          label="DC-09 key"
          description={device?.dc09?.hasKey ? 'A key is set; leave empty to keep it' : 'AES key, optional'}
          autoComplete="off"
          {...form.getInputProps('dc09Key')}
        />
        <Select
          label="Key encoding"
          data={[
            { value: 'hex', label: 'Hexadecimal' },
            { value: 'ascii', label: 'ASCII' },
          ]}
          allowDeselect={false}
          {...form.getInputProps('dc09KeyEncoding')}
        />
      </SimpleGrid>
      {device?.dc09?.hasKey ? (
        <Checkbox label="Remove the DC-09 key" {...form.getInputProps('removeKey', { type: 'checkbox' })} />
      ) : null}
      <SimpleGrid cols={3}>
        <TextInput label="Frigate camera" {...form.getInputProps('frigateCamera')} />
        <TextInput label="Zigbee2MQTT name" {...form.getInputProps('zigbeeName')} />
        <TextInput label="External id" {...form.getInputProps('externalId')} />
      </SimpleGrid>
      <Divider label="Equipment" labelPosition="left" />
      <SimpleGrid cols={2}>
        <TextInput label="Vendor" {...form.getInputProps('vendor')} />
        <TextInput label="Model" {...form.getInputProps('model')} />
        <TextInput label="Firmware" {...form.getInputProps('firmware')} />
        <TextInput label="Serial number" {...form.getInputProps('serial')} />
        <TextInput label="Location" {...form.getInputProps('location')} />
        <TextInput label="Zone" {...form.getInputProps('zone')} />
      </SimpleGrid>
      <SimpleGrid cols={3}>
        <TextInput type="date" label="Installed on" {...form.getInputProps('installedOn')} />
        <TextInput type="date" label="Last maintenance" {...form.getInputProps('lastMaintenanceOn')} />
        <TextInput type="date" label="Next maintenance" {...form.getInputProps('nextMaintenanceOn')} />
      </SimpleGrid>
      <Textarea label="Notes" autosize minRows={2} maxRows={6} {...form.getInputProps('notes')} />
      {device && device.troubles.length > 0 ? (
        <Text size="sm" c="orange">
          Open troubles: {device.troubles.map((trouble) => trouble.condition).join(', ')}
        </Text>
      ) : null}
    </EditForm>
  );
}

/** The register/edit panel of a device. */
export function DeviceDrawer({ device, onClose }: { device: Device | null; onClose: () => void }) {
  return (
    <FormDrawer title={device ? `Edit ${device.name}` : 'Register a device'} size="xl" onClose={onClose}>
      {device ? (
        <VersionedEditor
          queryKey={[...devicesKey, 'one', device.id]}
          path={`/api/v1/devices/${device.id}`}
          schema={deviceSchema}
          render={(record, version) => <DeviceForm device={record} {...version} onDone={onClose} />}
        />
      ) : (
        <DeviceForm device={null} etag={null} onDone={onClose} onReload={onClose} reloading={false} />
      )}
    </FormDrawer>
  );
}
