import { ActionIcon, Button, Fieldset, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import type { useForm } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { Incident } from '../../../../contracts/incidents.js';
import type { CaseValues } from './CaseEditDrawer.js';

interface AssetValues {
  description: string;
  tag: string;
  value: number | string;
}
interface VehicleValues {
  plate: string;
  make: string;
  model: string;
  color: string;
  description: string;
}
/** The repeatable rows of the case form. */
export interface ItemValues {
  assets: AssetValues[];
  vehicles: VehicleValues[];
}

/** What the rows use of the case form (any validation). */
type CaseForm = Pick<
  ReturnType<typeof useForm<CaseValues>>,
  'values' | 'key' | 'getInputProps' | 'insertListItem' | 'removeListItem'
>;

/** Asset rows as the API takes them: blank rows dropped, blank optional fields left out. */
export function toAssets(rows: AssetValues[]): Incident['assets'] {
  return rows
    .filter((row) => row.description.trim() !== '' || row.tag.trim() !== '' || row.value !== '')
    .map((row) => ({
      description: row.description.trim(),
      ...(row.tag.trim() !== '' ? { tag: row.tag.trim() } : {}),
      ...(typeof row.value === 'number' ? { value: row.value } : {}),
    }));
}

/** Vehicle rows as the API takes them: blank rows dropped, blank fields left out. */
export function toVehicles(rows: VehicleValues[]): Incident['vehicles'] {
  return rows
    .map((row) => {
      const vehicle: Incident['vehicles'][number] = {};
      for (const key of ['plate', 'make', 'model', 'color', 'description'] as const) {
        const value = row[key].trim();
        if (value !== '') vehicle[key] = value;
      }
      return vehicle;
    })
    .filter((vehicle) => Object.keys(vehicle).length > 0);
}

export function AssetsFields({ form }: { form: CaseForm }) {
  return (
    <Fieldset legend="Assets involved" variant="filled">
      <Stack gap="xs">
        {form.values.assets.length === 0 ? (
          <Text size="sm" c="dimmed">
            No assets recorded.
          </Text>
        ) : null}
        {form.values.assets.map((_, index) => (
          <Group key={form.key(`assets.${index}`)} gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              label={`Asset ${index + 1}`}
              placeholder="Laptop, badge reader, van…"
              style={{ flex: 1 }}
              {...form.getInputProps(`assets.${index}.description`)}
            />
            <TextInput label="Tag" w={110} {...form.getInputProps(`assets.${index}.tag`)} />
            <NumberInput
              label="Value"
              w={110}
              min={0}
              hideControls
              thousandSeparator=","
              {...form.getInputProps(`assets.${index}.value`)}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              size="lg"
              mb={2}
              aria-label={`Remove asset ${index + 1}`}
              onClick={() => form.removeListItem('assets', index)}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => form.insertListItem('assets', { description: '', tag: '', value: '' })}
          style={{ alignSelf: 'flex-start' }}
        >
          Add asset
        </Button>
      </Stack>
    </Fieldset>
  );
}

export function VehiclesFields({ form }: { form: CaseForm }) {
  return (
    <Fieldset legend="Vehicles involved" variant="filled">
      <Stack gap="xs">
        {form.values.vehicles.length === 0 ? (
          <Text size="sm" c="dimmed">
            No vehicles recorded.
          </Text>
        ) : null}
        {form.values.vehicles.map((_, index) => (
          <Stack key={form.key(`vehicles.${index}`)} gap={4}>
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <TextInput
                label={`Plate (vehicle ${index + 1})`}
                w={150}
                {...form.getInputProps(`vehicles.${index}.plate`)}
              />
              <TextInput label="Make" style={{ flex: 1 }} {...form.getInputProps(`vehicles.${index}.make`)} />
              <TextInput
                label="Model"
                style={{ flex: 1 }}
                {...form.getInputProps(`vehicles.${index}.model`)}
              />
              <TextInput label="Colour" w={100} {...form.getInputProps(`vehicles.${index}.color`)} />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                mb={2}
                aria-label={`Remove vehicle ${index + 1}`}
                onClick={() => form.removeListItem('vehicles', index)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
            <TextInput
              aria-label={`Description of vehicle ${index + 1}`}
              placeholder="Distinguishing marks, direction of travel…"
              {...form.getInputProps(`vehicles.${index}.description`)}
            />
          </Stack>
        ))}
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() =>
            form.insertListItem('vehicles', { plate: '', make: '', model: '', color: '', description: '' })
          }
          style={{ alignSelf: 'flex-start' }}
        >
          Add vehicle
        </Button>
      </Stack>
    </Fieldset>
  );
}
