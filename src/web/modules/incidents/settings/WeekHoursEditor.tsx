import { ActionIcon, Button, Checkbox, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { IconCopy, IconPlus, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { officeHours, weekdays, type OpeningWindow } from './calendar.js';

const MAX_WINDOWS = 4;

/**
 * The opening hours of a week, Monday first: each day is closed or has up to four opening windows
 * (a lunch break makes two). Errors are keyed like the form's paths ("hours.2.0.end").
 */
export function WeekHoursEditor({
  hours,
  errors,
  onChange,
}: {
  hours: OpeningWindow[][];
  errors: Record<string, ReactNode>;
  onChange: (hours: OpeningWindow[][]) => void;
}) {
  const setDay = (dayIndex: number, day: OpeningWindow[]) =>
    onChange(hours.map((current, index) => (index === dayIndex ? day : current)));
  const setWindow = (dayIndex: number, windowIndex: number, patch: Partial<OpeningWindow>) =>
    setDay(
      dayIndex,
      (hours[dayIndex] ?? []).map((window, index) =>
        index === windowIndex ? { ...window, ...patch } : window,
      ),
    );
  const copyMondayToWeekdays = () =>
    onChange(
      hours.map((day, index) => (index > 0 && index < 5 ? (hours[0] ?? []).map((w) => ({ ...w })) : day)),
    );

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Opening hours
        </Text>
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconCopy size={14} />}
          onClick={copyMondayToWeekdays}
          disabled={(hours[0] ?? []).length === 0}
        >
          Copy Monday to Tuesday–Friday
        </Button>
      </Group>
      <Table withRowBorders highlightOnHover={false} verticalSpacing={6} aria-label="Opening hours">
        <Table.Tbody>
          {weekdays.map((name, dayIndex) => {
            const day = hours[dayIndex] ?? [];
            return (
              <Table.Tr key={name}>
                <Table.Td w={150} style={{ verticalAlign: 'top' }}>
                  <Checkbox
                    mt={8}
                    label={name}
                    checked={day.length > 0}
                    onChange={(event) =>
                      setDay(dayIndex, event.currentTarget.checked ? [{ ...officeHours }] : [])
                    }
                  />
                </Table.Td>
                <Table.Td>
                  {day.length === 0 ? (
                    <Text size="sm" c="dimmed" py={8}>
                      Closed
                    </Text>
                  ) : (
                    <Stack gap={6}>
                      {day.map((window, windowIndex) => {
                        const which = day.length > 1 ? ` (${windowIndex + 1})` : '';
                        return (
                          <Group key={windowIndex} gap="xs" align="flex-start" wrap="nowrap">
                            <TimeInput
                              aria-label={`${name} opens${which}`}
                              value={window.start}
                              onChange={(event) =>
                                setWindow(dayIndex, windowIndex, { start: event.currentTarget.value })
                              }
                              error={errors[`hours.${dayIndex}.${windowIndex}.start`]}
                              w={130}
                            />
                            <Text size="sm" pt={8}>
                              to
                            </Text>
                            <TimeInput
                              aria-label={`${name} closes${which}`}
                              value={window.end}
                              onChange={(event) =>
                                setWindow(dayIndex, windowIndex, { end: event.currentTarget.value })
                              }
                              error={errors[`hours.${dayIndex}.${windowIndex}.end`]}
                              w={130}
                            />
                            <Tooltip label="Remove these hours" withArrow>
                              <ActionIcon
                                variant="subtle"
                                color="gray"
                                mt={4}
                                aria-label={`Remove ${name} hours${which}`}
                                onClick={() =>
                                  setDay(
                                    dayIndex,
                                    day.filter((_, index) => index !== windowIndex),
                                  )
                                }
                              >
                                <IconTrash size={16} />
                              </ActionIcon>
                            </Tooltip>
                            {windowIndex === day.length - 1 && day.length < MAX_WINDOWS ? (
                              <Tooltip label="Add hours on this day (after a break)" withArrow>
                                <ActionIcon
                                  variant="subtle"
                                  mt={4}
                                  aria-label={`Add ${name} hours`}
                                  onClick={() =>
                                    setDay(dayIndex, [
                                      ...day,
                                      { start: window.end === '00:00' ? '' : window.end, end: '' },
                                    ])
                                  }
                                >
                                  <IconPlus size={16} />
                                </ActionIcon>
                              </Tooltip>
                            ) : null}
                          </Group>
                        );
                      })}
                    </Stack>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {errors.hours ? (
        <Text size="xs" c="red" role="alert">
          {errors.hours}
        </Text>
      ) : (
        <Text size="xs" c="dimmed">
          Times are in the calendar&apos;s time zone. A closing time of midnight (00:00) means the end of the
          day.
        </Text>
      )}
    </Stack>
  );
}
