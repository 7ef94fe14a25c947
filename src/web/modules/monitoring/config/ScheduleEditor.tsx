import { ActionIcon, Box, Button, Chip, Fieldset, Group, Stack, Text, Tooltip } from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { Schedule } from '../../../../contracts/monitoring.js';
import type { FormErrors } from '../../../app/forms.js';
import {
  armedSegments,
  dayLong,
  dayShort,
  describeSchedule,
  describeWindow,
  presetOf,
  schedulePresets,
  weekOrder,
  type ScheduleWindow,
} from './schedule.js';

const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;
const complete = (window: ScheduleWindow) =>
  window.days.length > 0 && timePattern.test(window.from) && timePattern.test(window.to);

/** The week at a glance: the armed hours of each day as bars, Monday first. */
export function WeekPreview({ schedule, label }: { schedule: Schedule; label: string }) {
  const segments = armedSegments(schedule);
  return (
    <Box role="img" aria-label={`Armed: ${label}`}>
      <Stack gap={3}>
        {weekOrder.map((day) => (
          <Group key={day} gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed" w={30} title={dayLong[day]}>
              {dayShort[day]}
            </Text>
            <Box
              pos="relative"
              h={12}
              style={{ flex: 1, borderRadius: 3, background: 'var(--mantine-color-gray-1)' }}
            >
              {(segments[day] ?? []).map((segment) => (
                <Box
                  key={segment.start}
                  pos="absolute"
                  top={0}
                  bottom={0}
                  style={{
                    left: `${(segment.start / 1440) * 100}%`,
                    width: `${((segment.end - segment.start) / 1440) * 100}%`,
                    borderRadius: 2,
                    background: 'var(--mantine-color-vigil-6)',
                  }}
                />
              ))}
            </Box>
          </Group>
        ))}
        <Group gap="xs" wrap="nowrap" aria-hidden>
          <Box w={30} />
          <Group justify="space-between" style={{ flex: 1 }}>
            {['00:00', '06:00', '12:00', '18:00', '24:00'].map((hour) => (
              <Text key={hour} size="10px" c="dimmed">
                {hour}
              </Text>
            ))}
          </Group>
        </Group>
      </Stack>
    </Box>
  );
}

/**
 * Weekly arming windows in the site's time zone: start from a preset, then adjust days and hours
 * window by window; the week preview and the words below show what the rule will do.
 */
export function ScheduleEditor({
  windows,
  onChange,
  errors,
  zoneLabel,
}: {
  windows: ScheduleWindow[];
  onChange: (windows: ScheduleWindow[]) => void;
  /** The form's errors; those under `schedule.windows.N` show on window N. */
  errors: FormErrors;
  /** The time zone the windows are read in, e.g. "Europe/Paris" or "each site's time zone". */
  zoneLabel: string;
}) {
  const usable = windows.filter(complete);
  const schedule = { windows: usable };
  const current = usable.length === windows.length ? presetOf(schedule) : undefined;
  const update = (index: number, change: Partial<ScheduleWindow>) =>
    onChange(windows.map((window, position) => (position === index ? { ...window, ...change } : window)));
  const errorOf = (index: number) =>
    Object.entries(errors).find(([path]) => path.startsWith(`schedule.windows.${index}`))?.[1];

  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          Presets
        </Text>
        {schedulePresets.map((preset) => (
          <Tooltip key={preset.id} label={preset.hint}>
            <Button
              size="compact-sm"
              variant={current?.id === preset.id ? 'light' : 'default'}
              onClick={() => onChange(preset.schedule.windows.map((window) => ({ ...window })))}
            >
              {preset.label}
            </Button>
          </Tooltip>
        ))}
      </Group>
      {windows.map((window, index) => (
        <Fieldset key={index} legend={`Window ${index + 1}`} p="sm">
          <Group align="flex-end" gap="sm" wrap="wrap">
            <Stack gap={4}>
              <Text size="sm" fw={500} id={`window-${index}-days`}>
                Days
              </Text>
              <Chip.Group
                multiple
                value={window.days.map(String)}
                onChange={(days) => update(index, { days: days.map(Number) })}
              >
                <Group gap={4} role="group" aria-labelledby={`window-${index}-days`}>
                  {weekOrder.map((day) => (
                    <Chip key={day} value={String(day)} size="xs" aria-label={dayLong[day]}>
                      {dayShort[day]}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
            </Stack>
            <TimeInput
              label="From"
              value={window.from}
              onChange={(event) => update(index, { from: event.currentTarget.value })}
              w={110}
            />
            <TimeInput
              label="To"
              value={window.to}
              onChange={(event) => update(index, { to: event.currentTarget.value })}
              w={110}
            />
            <Tooltip
              label={windows.length === 1 ? 'A schedule needs at least one window' : 'Remove this window'}
            >
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                aria-label={`Remove window ${index + 1}`}
                disabled={windows.length === 1}
                onClick={() => onChange(windows.filter((_, position) => position !== index))}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
          {errorOf(index) ? (
            <Text size="xs" c="red" mt={6} role="alert">
              {errorOf(index)}
            </Text>
          ) : (
            <Text size="xs" c="dimmed" mt={6}>
              {complete(window) ? describeWindow(window) : 'Choose at least one day, a start and an end.'}
            </Text>
          )}
        </Fieldset>
      ))}
      <Group justify="space-between">
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          disabled={windows.length >= 20}
          onClick={() => onChange([...windows, { days: [1, 2, 3, 4, 5], from: '18:00', to: '08:00' }])}
        >
          Add window
        </Button>
        <Text size="xs" c="dimmed">
          A window that ends before it starts runs into the next day.
        </Text>
      </Group>
      {usable.length > 0 ? (
        <Stack gap={6}>
          <WeekPreview schedule={schedule} label={describeSchedule(schedule, zoneLabel)} />
          <Text size="sm">Armed: {describeSchedule(schedule, zoneLabel)}</Text>
        </Stack>
      ) : null}
    </Stack>
  );
}
