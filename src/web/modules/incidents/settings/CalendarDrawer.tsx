import { Alert, Button, Group, Pill, Select, Stack, Text, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { calendarBody, calendarSchema } from '../../../../contracts/incidents.js';
import { apiSend, etagOf, isStale } from '../../../app/api.js';
import { FormDrawer } from '../../../app/editor.js';
import { showProblemOnForm } from '../../../app/forms.js';
import { StaleAlert } from '../../../app/lists.js';
import { notifySuccess } from '../../../app/notify.js';
import { browserTimeZone, formatDay, timeZoneNames } from '../../../app/time.js';
import { validateWith } from '../../../app/validation.js';
import { incidentsKey } from '../labels.js';
import {
  calendarValuesOf,
  newCalendarValues,
  openingWindowErrors,
  toCalendarBody,
  type Calendar,
  type CalendarValues,
} from './calendar.js';
import { WeekHoursEditor } from './WeekHoursEditor.js';

const fields = ['name', 'timezone', 'hours', 'holidays'] as const;
const checkContract = validateWith(calendarBody, toCalendarBody);

function CalendarForm({
  calendar,
  onDone,
  onReload,
  reloading,
}: {
  calendar: Calendar | null;
  onDone: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const zones = useMemo(() => timeZoneNames(), []);
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const form = useForm<CalendarValues>({
    initialValues: calendar ? calendarValuesOf(calendar) : newCalendarValues(browserTimeZone),
    validate: (values) => ({ ...checkContract(values), ...openingWindowErrors(values.hours) }),
  });
  const save = useMutation({
    mutationFn: (values: CalendarValues) =>
      calendar
        ? apiSend(
            'PUT',
            `/api/v1/business-calendars/${calendar.id}`,
            calendarSchema,
            toCalendarBody(values),
            {
              ifMatch: etagOf(calendar.version),
            },
          )
        : apiSend('POST', '/api/v1/business-calendars', calendarSchema, toCalendarBody(values)),
    onSuccess: async (saved) => {
      notifySuccess(
        calendar
          ? `The calendar "${saved.name}" is saved. New cases count their SLA in these hours.`
          : `The calendar "${saved.name}" was added. Choose it in an SLA policy to use it.`,
      );
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
      onDone();
    },
    onError: (error) => {
      if (isStale(error)) setStale(true);
      else setProblem(showProblemOnForm(form, error, fields));
    },
  });
  const holidays = form.values.holidays;

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        setProblem(null);
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
          placeholder="Paris office hours"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Select
          label="Time zone"
          description="Opening hours and holidays are in this zone."
          data={zones}
          searchable
          required
          allowDeselect={false}
          nothingFoundMessage="No such time zone"
          {...form.getInputProps('timezone')}
        />
        <WeekHoursEditor
          hours={form.values.hours}
          errors={form.errors}
          onChange={(hours) => {
            form.setFieldValue('hours', hours);
            form.clearFieldError('hours');
          }}
        />
        <Stack gap={6}>
          <DatePickerInput
            label="Holidays"
            description="Days the clocks do not run, in addition to closed weekdays."
            placeholder="Add a holiday"
            value={null}
            onChange={(day) => {
              if (day && !holidays.includes(day)) form.setFieldValue('holidays', [...holidays, day].sort());
            }}
            error={form.errors.holidays}
          />
          {holidays.length === 0 ? (
            <Text size="xs" c="dimmed">
              No holidays.
            </Text>
          ) : (
            <Pill.Group>
              {holidays.map((day) => (
                <Pill
                  key={day}
                  withRemoveButton
                  removeButtonProps={{ 'aria-label': `Remove the holiday ${formatDay(day, 'short')}` }}
                  onRemove={() =>
                    form.setFieldValue(
                      'holidays',
                      holidays.filter((holiday) => holiday !== day),
                    )
                  }
                >
                  {formatDay(day, 'short')}
                </Pill>
              ))}
            </Pill.Group>
          )}
        </Stack>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={stale}>
            {calendar ? 'Save calendar' : 'Add calendar'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * The create/edit panel of a business-hours calendar. Calendars have no route of their own, so an
 * edit starts from the listed version; after a conflict, reloading the list brings the newer one.
 */
export function CalendarDrawer({
  calendar,
  onClose,
  onReload,
  reloading,
}: {
  calendar: Calendar | null;
  onClose: () => void;
  onReload: () => void;
  reloading: boolean;
}) {
  return (
    <FormDrawer
      title={calendar ? `Edit ${calendar.name}` : 'New business calendar'}
      size="lg"
      onClose={onClose}
    >
      <CalendarForm
        key={calendar ? `${calendar.id}-${calendar.version}` : 'new'}
        calendar={calendar}
        onDone={onClose}
        onReload={onReload}
        reloading={reloading}
      />
    </FormDrawer>
  );
}
