import {
  Alert,
  Badge,
  Button,
  Group,
  NativeSelect,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconClockHour4 } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { severities, slaPolicyBody, slaPolicySchema } from '../../../../contracts/incidents.js';
import { apiSend, etagOf, isStale } from '../../../app/api.js';
import { LoadError, PageLoader } from '../../../app/components.js';
import { showProblemOnForm, type FormErrors } from '../../../app/forms.js';
import { StaleAlert } from '../../../app/lists.js';
import { notifySuccess } from '../../../app/notify.js';
import { humanize, incidentsKey, severityColors } from '../labels.js';
import type { Calendar } from './calendar.js';
import { describeMinutes, durationUnits, splitMinutes, toMinutes, type DurationUnit } from './duration.js';
import { useCalendars, useSlaPolicies } from './queries.js';

type SlaPolicy = z.infer<typeof slaPolicySchema>;

const AROUND_THE_CLOCK = 'around-the-clock';
// Hints go under the inputs, so that the inputs of a row line up whatever the length of their hints.
const below: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'description', 'error'];

interface SlaValues {
  triage: number | string;
  triageUnit: DurationUnit;
  resolve: number | string;
  resolveUnit: DurationUnit;
  warnPercent: number | string;
  calendar: string;
}

function valuesOf(policy: SlaPolicy): SlaValues {
  const triage = splitMinutes(policy.triageMinutes);
  const resolve = splitMinutes(policy.resolveMinutes);
  return {
    triage: triage.amount,
    triageUnit: triage.unit,
    resolve: resolve.amount,
    resolveUnit: resolve.unit,
    warnPercent: policy.warnPercent,
    calendar: policy.calendarId ?? AROUND_THE_CLOCK,
  };
}

function toBody(values: SlaValues): z.input<typeof slaPolicyBody> {
  return {
    triageMinutes: toMinutes(values.triage, values.triageUnit) ?? 0,
    resolveMinutes: toMinutes(values.resolve, values.resolveUnit) ?? 0,
    warnPercent: typeof values.warnPercent === 'number' ? values.warnPercent : Number.NaN,
    calendarId: values.calendar === AROUND_THE_CLOCK ? null : values.calendar,
  };
}

/** Field errors in the form's terms: the API speaks in minutes, the form in amounts and units. */
function validate(values: SlaValues): FormErrors {
  const errors: FormErrors = {};
  const triage = toMinutes(values.triage, values.triageUnit);
  const resolve = toMinutes(values.resolve, values.resolveUnit);
  if (triage === null) errors.triage = 'Enter a time of at least 1 minute';
  else if (triage > 525_600) errors.triage = 'At most one year (8,760 hours)';
  if (resolve === null) errors.resolve = 'Enter a time of at least 1 minute';
  else if (resolve > 5_256_000) errors.resolve = 'At most ten years (87,600 hours)';
  else if (triage !== null && resolve < triage) errors.resolve = 'Cannot be shorter than the time to triage';
  const warn = values.warnPercent;
  if (typeof warn !== 'number' || !Number.isInteger(warn) || warn < 1 || warn > 99)
    errors.warnPercent = 'A whole percentage from 1 to 99';
  return errors;
}

// Server errors name the API's fields; they belong on these inputs.
const serverFields: Record<string, keyof SlaValues> = {
  triageMinutes: 'triage',
  resolveMinutes: 'resolve',
  warnPercent: 'warnPercent',
  calendarId: 'calendar',
};

/** An amount of time with its unit, and what it comes to in words. */
function DurationField({
  label,
  amount,
  unit,
  error,
  aroundTheClock,
  onAmountChange,
  onUnitChange,
}: {
  label: string;
  amount: number | string;
  unit: DurationUnit;
  error: string | null;
  aroundTheClock: boolean;
  onAmountChange: (amount: number | string) => void;
  onUnitChange: (unit: DurationUnit) => void;
}) {
  const minutes = toMinutes(amount, unit);
  return (
    <Group gap={6} align="flex-start" wrap="nowrap">
      <NumberInput
        label={label}
        min={0}
        decimalScale={2}
        thousandSeparator=","
        hideControls
        description={minutes === null ? 'Not set' : describeMinutes(minutes, aroundTheClock)}
        inputWrapperOrder={below}
        value={amount}
        onChange={onAmountChange}
        error={error}
        miw={0}
        style={{ flex: 1 }}
      />
      <NativeSelect
        label="Unit"
        aria-label={`Unit of ${label.toLowerCase()}`}
        data={durationUnits}
        value={unit}
        onChange={(event) => onUnitChange(event.currentTarget.value === 'minutes' ? 'minutes' : 'hours')}
        w={104}
      />
    </Group>
  );
}

function SlaPolicyCard({
  policy,
  calendars,
  onReload,
  reloading,
}: {
  policy: SlaPolicy;
  calendars: Calendar[];
  onReload: () => void;
  reloading: boolean;
}) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const form = useForm<SlaValues>({ initialValues: valuesOf(policy), validate });
  const save = useMutation({
    mutationFn: (values: SlaValues) =>
      apiSend('PUT', `/api/v1/incident-sla-policies/${policy.severity}`, slaPolicySchema, toBody(values), {
        ifMatch: etagOf(policy.version),
      }),
    onSuccess: async (saved) => {
      notifySuccess(`The SLA of ${saved.severity} cases is saved. It applies to cases reported from now on.`);
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
    onError: (error) => {
      if (isStale(error)) {
        setStale(true);
        return;
      }
      const left = showProblemOnForm(
        { setErrors: (errors) => form.setErrors(renameErrors(errors)) },
        error,
        Object.keys(serverFields),
      );
      setProblem(left);
    },
  });
  const aroundTheClock = form.values.calendar === AROUND_THE_CLOCK;
  const calendarOptions = [
    { value: AROUND_THE_CLOCK, label: 'Around the clock (24/7)' },
    ...calendars.map((calendar) => ({
      value: calendar.id,
      label: `${calendar.name} (${calendar.timezone})`,
    })),
  ];

  return (
    <Paper p="md" radius="md" data-testid={`sla-${policy.severity}`}>
      <form
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          save.mutate(values);
        })}
        noValidate
        aria-label={`SLA of ${policy.severity} cases`}
      >
        <Stack gap="sm">
          <Group justify="space-between">
            <Group gap="sm">
              <Badge color={severityColors[policy.severity]} variant="light" size="lg" tt="none">
                {humanize(policy.severity)}
              </Badge>
              {form.isDirty() ? (
                <Text size="xs" c="orange">
                  Unsaved changes
                </Text>
              ) : null}
            </Group>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                disabled={!form.isDirty() || save.isPending}
                onClick={() => form.reset()}
              >
                Undo changes
              </Button>
              <Button type="submit" size="xs" loading={save.isPending} disabled={stale || !form.isDirty()}>
                Save {policy.severity} SLA
              </Button>
            </Group>
          </Group>
          {stale ? <StaleAlert onReload={onReload} reloading={reloading} /> : null}
          {problem ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {problem}
            </Alert>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
            <DurationField
              label="Time to triage"
              amount={form.values.triage}
              unit={form.values.triageUnit}
              error={errorOf(form.errors.triage)}
              aroundTheClock={aroundTheClock}
              onAmountChange={(value) => form.setFieldValue('triage', value)}
              onUnitChange={(value) => form.setFieldValue('triageUnit', value)}
            />
            <DurationField
              label="Time to resolve"
              amount={form.values.resolve}
              unit={form.values.resolveUnit}
              error={errorOf(form.errors.resolve)}
              aroundTheClock={aroundTheClock}
              onAmountChange={(value) => form.setFieldValue('resolve', value)}
              onUnitChange={(value) => form.setFieldValue('resolveUnit', value)}
            />
            <NumberInput
              label="Warn after"
              description="This share of each time has passed"
              inputWrapperOrder={below}
              suffix=" %"
              min={1}
              max={99}
              allowDecimal={false}
              {...form.getInputProps('warnPercent')}
            />
            <Select
              label="Counted in"
              description="A calendar stops the clocks while it is closed"
              inputWrapperOrder={below}
              data={calendarOptions}
              allowDeselect={false}
              {...form.getInputProps('calendar')}
            />
          </SimpleGrid>
        </Stack>
      </form>
    </Paper>
  );
}

function errorOf(error: FormErrors[string]): string | null {
  return typeof error === 'string' ? error : null;
}

function renameErrors(errors: FormErrors): FormErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [serverFields[field] ?? field, message]),
  );
}

/** Response times per severity: time to triage and to resolve, when to warn, and the hours they count in. */
export function SlaPanel() {
  const policies = useSlaPolicies();
  const calendars = useCalendars();
  if (policies.isPending || calendars.isPending) return <PageLoader />;
  if (policies.isError) return <LoadError error={policies.error} onRetry={() => void policies.refetch()} />;
  if (calendars.isError)
    return <LoadError error={calendars.error} onRetry={() => void calendars.refetch()} />;
  const bySeverity = [...severities].reverse().flatMap((severity) => {
    const policy = policies.data.find((p) => p.severity === severity);
    return policy ? [policy] : [];
  });

  return (
    <Stack gap="md">
      <Alert color="blue" variant="light" icon={<IconClockHour4 size={18} />}>
        Every case starts two clocks when it is reported: the time to triage it and the time to resolve it.
        The assignee (or, with no one assigned, the site's managers) is warned when the warning share of a
        time has passed, and the case is flagged as breached when the time runs out. Changes apply to cases
        reported from now on.
      </Alert>
      <Stack gap="md">
        {bySeverity.map((policy) => (
          <SlaPolicyCard
            key={`${policy.severity}-${policy.version}`}
            policy={policy}
            calendars={calendars.data}
            onReload={() => void policies.refetch()}
            reloading={policies.isFetching}
          />
        ))}
      </Stack>
    </Stack>
  );
}
