import { ActionIcon, Button, Group, NumberInput, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { newAsset, newVehicle, type IntakeForm } from './form.js';

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color="gray" mt={26} size="lg" aria-label={label} onClick={onClick}>
        <IconTrash size={16} />
      </ActionIcon>
    </Tooltip>
  );
}

function Rows({
  empty,
  count,
  add,
  addLabel,
  children,
}: {
  empty: string;
  count: number;
  add: () => void;
  addLabel: string;
  children: ReactNode;
}) {
  return (
    <Stack gap="sm">
      {count === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        children
      )}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={add}>
          {addLabel}
        </Button>
      </Group>
    </Stack>
  );
}

/** Property involved: stolen, damaged or found (a description, an asset tag and a value). */
export function AssetFields({ form }: { form: IntakeForm }) {
  const rows = form.getValues().assets;
  return (
    <Rows
      empty="No property involved."
      count={rows.length}
      add={() => form.insertListItem('assets', newAsset())}
      addLabel="Add an asset"
    >
      {rows.map((row, index) => (
        <Group key={row.key} gap="sm" align="flex-start" wrap="wrap" data-testid="asset-row">
          <TextInput
            label="Asset"
            placeholder="e.g. Laptop, 14-inch"
            required
            flex={2}
            miw={220}
            {...form.getInputProps(`assets.${index}.description`)}
          />
          <TextInput label="Asset tag" w={140} {...form.getInputProps(`assets.${index}.tag`)} />
          <NumberInput
            label="Value"
            min={0}
            max={1e12}
            thousandSeparator=","
            decimalScale={2}
            w={150}
            {...form.getInputProps(`assets.${index}.value`)}
          />
          <RemoveButton
            label={`Remove asset ${index + 1}`}
            onClick={() => form.removeListItem('assets', index)}
          />
        </Group>
      ))}
    </Rows>
  );
}

/** Vehicles involved: whatever was seen of them. */
export function VehicleFields({ form }: { form: IntakeForm }) {
  const rows = form.getValues().vehicles;
  return (
    <Rows
      empty="No vehicle involved."
      count={rows.length}
      add={() => form.insertListItem('vehicles', newVehicle())}
      addLabel="Add a vehicle"
    >
      {rows.map((row, index) => (
        <Group key={row.key} gap="sm" align="flex-start" wrap="wrap" data-testid="vehicle-row">
          <TextInput label="Plate" w={130} {...form.getInputProps(`vehicles.${index}.plate`)} />
          <TextInput label="Make" w={130} {...form.getInputProps(`vehicles.${index}.make`)} />
          <TextInput label="Model" w={130} {...form.getInputProps(`vehicles.${index}.model`)} />
          <TextInput label="Colour" w={110} {...form.getInputProps(`vehicles.${index}.color`)} />
          <TextInput
            label="Details"
            placeholder="Damage, stickers, direction of travel…"
            flex={1}
            miw={200}
            {...form.getInputProps(`vehicles.${index}.description`)}
          />
          <RemoveButton
            label={`Remove vehicle ${index + 1}`}
            onClick={() => form.removeListItem('vehicles', index)}
          />
        </Group>
      ))}
    </Rows>
  );
}
