import { Button, Group, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { IconFilterOff } from '@tabler/icons-react';
import { useState } from 'react';
import { eventOutcomes, eventSources, eventTypes } from '../../../../contracts/monitoring.js';
import { useSession } from '../../../app/session.js';
import { useSiteDirectory } from '../../sites/directory.js';
import { optionsOf, outcomeLabels, sourceLabels } from '../labels.js';
import { DeviceSelect } from './devices.js';
import {
  fromLocalInput,
  noFilters,
  toLocalInput,
  windowPresets,
  type EventFilters,
  type EventWindow,
} from './eventWindow.js';

const windowChoices = [
  ...windowPresets.map((preset) => ({ value: preset.id, label: preset.label })),
  { value: 'custom', label: 'Custom' },
];

/** The fixed ends of a custom window, typed in the browser's time zone. */
function CustomRange({
  window,
  onChange,
}: {
  window: Extract<EventWindow, { kind: 'custom' }>;
  onChange: (window: EventWindow) => void;
}) {
  const [from, setFrom] = useState(toLocalInput(window.from));
  const [to, setTo] = useState(window.to ? toLocalInput(window.to) : '');
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  const fromError = !fromIso ? 'Enter a start' : toIso && fromIso >= toIso ? 'Must be before the end' : null;
  const apply = (nextFrom: string, nextTo: string) => {
    const start = fromLocalInput(nextFrom);
    const end = fromLocalInput(nextTo);
    if (start && (!end || start < end)) onChange({ kind: 'custom', from: start, to: end });
  };
  return (
    <Group gap="sm" align="flex-start">
      <TextInput
        type="datetime-local"
        label="From"
        description="Your time zone"
        value={from}
        error={fromError}
        onChange={(event) => {
          setFrom(event.currentTarget.value);
          apply(event.currentTarget.value, to);
        }}
        w={220}
      />
      <TextInput
        type="datetime-local"
        label="To"
        description="Empty: up to now"
        value={to}
        onChange={(event) => {
          setTo(event.currentTarget.value);
          apply(from, event.currentTarget.value);
        }}
        w={220}
      />
    </Group>
  );
}

/** The event log's window and filters; every change goes to the URL through `onChange…`. */
export function EventFiltersBar({
  window,
  filters,
  onWindowChange,
  onFiltersChange,
}: {
  window: EventWindow;
  filters: EventFilters;
  onWindowChange: (window: EventWindow) => void;
  onFiltersChange: (filters: EventFilters) => void;
}) {
  const { can } = useSession();
  const directory = useSiteDirectory();
  const set = (change: Partial<EventFilters>) => onFiltersChange({ ...filters, ...change });
  const filtered = Object.values(filters).some((value) => value !== null);

  return (
    <Stack gap="sm" mb="md">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl
          aria-label="Time window"
          value={window.kind === 'preset' ? window.preset : 'custom'}
          data={windowChoices}
          onChange={(value) => {
            const preset = windowPresets.find((candidate) => candidate.id === value);
            if (preset) onWindowChange({ kind: 'preset', preset: preset.id });
            else
              onWindowChange({
                kind: 'custom',
                from: new Date(Date.now() - 24 * 3600_000).toISOString(),
                to: null,
              });
          }}
        />
      </Group>
      {window.kind === 'custom' ? (
        // Its inputs keep what is typed (a half-typed time is not a window yet); it starts from the URL's window.
        <CustomRange window={window} onChange={onWindowChange} />
      ) : null}
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Site"
          placeholder="Any site"
          data={directory.options}
          value={filters.siteId}
          onChange={(siteId) => set({ siteId, deviceId: null })}
          clearable
          searchable
          w={220}
        />
        {can('devices:read') ? (
          <DeviceSelect
            label="Device"
            placeholder="Any device"
            siteId={filters.siteId}
            value={filters.deviceId}
            onChange={(deviceId) => set({ deviceId })}
            clearable
            w={220}
          />
        ) : null}
        <Select
          label="Event type"
          placeholder="Any type"
          data={optionsOf(eventTypes)}
          value={filters.type}
          onChange={(type) => set({ type: eventTypes.find((candidate) => candidate === type) ?? null })}
          clearable
          searchable
          w={190}
        />
        <Select
          label="Source"
          placeholder="Any source"
          data={eventSources.map((source) => ({ value: source, label: sourceLabels[source] }))}
          value={filters.source}
          onChange={(source) =>
            set({ source: eventSources.find((candidate) => candidate === source) ?? null })
          }
          clearable
          searchable
          w={150}
        />
        <Select
          label="Outcome"
          placeholder="Any outcome"
          data={eventOutcomes.map((outcome) => ({ value: outcome, label: outcomeLabels[outcome].label }))}
          value={filters.outcome}
          onChange={(outcome) =>
            set({ outcome: eventOutcomes.find((candidate) => candidate === outcome) ?? null })
          }
          clearable
          searchable
          w={190}
        />
        {filtered ? (
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} />}
            onClick={() => onFiltersChange(noFilters)}
          >
            Clear filters
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}
