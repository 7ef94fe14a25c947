import {
  Alert,
  Anchor,
  Badge,
  Button,
  Collapse,
  Grid,
  Group,
  NumberInput,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconChartHistogram, IconPlayerPlay } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { listOf } from '../../../contracts/common.js';
import {
  quantificationSchema,
  treatmentSchema,
  whatIfSchema,
  type Quantification,
  type QuantificationLabel,
  type Risk,
  type WhatIf,
} from '../../../contracts/risk.js';
import { ApiError, apiGet, errorMessage } from '../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../app/components.js';
import { openableRow } from '../../app/lists.js';
import { notifySuccess } from '../../app/notify.js';
import { useSession } from '../../app/session.js';
import { formatDateTime } from '../../app/time.js';
import { EChart } from './charts/EChart.js';
import { chartColours, exceedanceOption, histogramOption, type CurveSeries } from './charts/options.js';
import { EstimateInput } from './EstimateInput.js';
import { meanOf, toDistribution } from './estimates.js';
import { formatMoney, formatPercent, formatRate } from './format.js';
import { treatmentsKey } from './TreatmentsTab.js';
import { riskOne, useCurrency } from './queries.js';
import { editable, fieldOf, humanize, toRequest, valuesFrom, type QuantifyValues } from './quantifyForm.js';
import { callWithProgress } from './stream.js';

const iterationOptions = ['10000', '50000', '100000', '500000', '1000000'].map((value) => ({
  value,
  label: `${Number(value).toLocaleString()} years`,
}));

const labelNames: Record<QuantificationLabel, string> = { current: 'Current', proposed: 'Proposed' };

function latestOf(history: Quantification[], label: QuantificationLabel): Quantification | null {
  return history.find((q) => q.label === label) ?? null;
}

/** Where the form starts: a chosen run, else the next natural step (the proposal once the current state is in). */
function initialValues(history: Quantification[], start: Quantification | null): QuantifyValues {
  if (start) return valuesFrom(start.label, start);
  const current = latestOf(history, 'current');
  const label: QuantificationLabel = current ? 'proposed' : 'current';
  const from = latestOf(history, label) ?? current;
  return valuesFrom(label, from && editable(from) ? from : null);
}

function QuantifyForm({
  risk,
  history,
  start,
  plannedCost,
  onStored,
}: {
  risk: Risk;
  history: Quantification[];
  start: Quantification | null;
  plannedCost: number;
  onStored: () => void;
}) {
  const { me } = useSession();
  const currency = useCurrency();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const form = useForm<QuantifyValues>({
    initialValues: initialValues(history, start),
    validate: (values) => toRequest(values).errors ?? {},
  });
  const values = form.getValues();
  const switchLabel = (label: QuantificationLabel) => {
    const from = latestOf(history, label) ?? latestOf(history, 'current');
    form.setValues(valuesFrom(label, from && editable(from) ? from : null));
    form.clearErrors();
  };
  const run = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof toRequest>['body']>) => {
      abort.current = new AbortController();
      setProgress(0);
      return callWithProgress('POST', `/api/v1/risks/${risk.id}/quantifications`, quantificationSchema, {
        body,
        csrfToken: me.csrfToken,
        onProgress: setProgress,
        signal: abort.current.signal,
      });
    },
    onSuccess: async (saved) => {
      notifySuccess(
        `${labelNames[saved.label]} quantification stored: expected annual loss ${formatMoney(saved.result.annualLoss.mean, currency)}.`,
      );
      onStored();
      await queryClient.invalidateQueries({ queryKey: quantificationKey(risk.id) });
    },
    onError: (error) => {
      if (abort.current?.signal.aborted) return;
      if (error instanceof ApiError && error.problem.errors?.length) {
        const onFields: Record<string, string> = {};
        for (const { path, message } of error.problem.errors) {
          const field = fieldOf(path.split('.'));
          if (field !== 'form') onFields[field] ??= humanize(message);
        }
        form.setErrors(onFields);
        setProblem(Object.keys(onFields).length > 0 ? null : error.message);
      } else setProblem(errorMessage(error));
    },
  });

  const frequency = toDistribution(values.frequency);
  const magnitude = toDistribution(values.magnitude);
  const roughLoss = frequency && magnitude ? meanOf(frequency) * meanOf(magnitude) : null;

  return (
    <Paper p="md" radius="md">
      <form
        onSubmit={form.onSubmit((submitted) => {
          setProblem(null);
          const request = toRequest(submitted);
          if (request.body) run.mutate(request.body);
        })}
        noValidate
      >
        <Stack gap="md">
          <div>
            <Title order={5}>Quantify</Title>
            <Text size="xs" c="dimmed">
              Open FAIR: how often a loss event happens, and what one costs. Give calibrated ranges — you
              should be 90% sure the truth lies inside.
            </Text>
          </div>
          <SegmentedControl
            value={values.label}
            onChange={(value) => switchLabel(value === 'proposed' ? 'proposed' : 'current')}
            data={[
              { value: 'current', label: 'Current controls' },
              { value: 'proposed', label: 'Proposed controls' },
            ]}
            fullWidth
            aria-label="Which situation to quantify"
            disabled={run.isPending}
          />
          <EstimateInput
            name="frequency"
            label="Loss event frequency"
            description="Loss events a year (0.1 = once in ten years)"
            unit="/ year"
            value={values.frequency}
            onChange={(next) => form.setFieldValue('frequency', next)}
            error={typeof form.errors.frequency === 'string' ? form.errors.frequency : undefined}
            hint={frequency ? `Mean ≈ ${formatRate(meanOf(frequency))} events a year` : null}
          />
          <EstimateInput
            name="magnitude"
            label="Loss magnitude"
            description="Primary loss of one event: response, replacement, downtime, theft"
            unit={currency}
            value={values.magnitude}
            onChange={(next) => form.setFieldValue('magnitude', next)}
            error={typeof form.errors.magnitude === 'string' ? form.errors.magnitude : undefined}
            hint={magnitude ? `Mean ≈ ${formatMoney(meanOf(magnitude), currency)} per event` : null}
          />
          <Switch
            label="Secondary loss (fines, lawsuits, reputation)"
            checked={values.withSecondary}
            onChange={(event) => form.setFieldValue('withSecondary', event.currentTarget.checked)}
          />
          <Collapse expanded={values.withSecondary}>
            <Stack gap="md">
              <EstimateInput
                name="secondary-probability"
                label="Secondary loss probability"
                description="Share of loss events that also cause secondary loss"
                unit="%"
                max={100}
                allowLognormal={false}
                value={values.secondaryProbability}
                onChange={(next) => form.setFieldValue('secondaryProbability', next)}
                error={
                  typeof form.errors.secondaryProbability === 'string'
                    ? form.errors.secondaryProbability
                    : undefined
                }
              />
              <EstimateInput
                name="secondary-magnitude"
                label="Secondary loss magnitude"
                unit={currency}
                value={values.secondaryMagnitude}
                onChange={(next) => form.setFieldValue('secondaryMagnitude', next)}
                error={
                  typeof form.errors.secondaryMagnitude === 'string'
                    ? form.errors.secondaryMagnitude
                    : undefined
                }
              />
            </Stack>
          </Collapse>
          {values.label === 'proposed' ? (
            <NumberInput
              label="Annual cost of the proposed controls"
              description="Running cost plus the investment spread over its years of use"
              min={0}
              thousandSeparator=","
              rightSection={
                <Text size="xs" c="dimmed" pr={6}>
                  {currency}
                </Text>
              }
              rightSectionWidth={44}
              hideControls
              data-testid="control-cost"
              {...form.getInputProps('controlCost')}
              inputWrapperOrder={['label', 'description', 'input', 'error']}
            />
          ) : null}
          {values.label === 'proposed' && plannedCost > 0 ? (
            <Text size="xs" c="dimmed" mt={-10}>
              The treatments' actions add up to {formatMoney(plannedCost, currency)}.{' '}
              <Anchor
                component="button"
                type="button"
                size="xs"
                onClick={() => form.setFieldValue('controlCost', plannedCost)}
              >
                Use it
              </Anchor>
            </Text>
          ) : null}
          <Anchor
            component="button"
            type="button"
            size="xs"
            onClick={() => setAdvanced((open) => !open)}
            ta="left"
          >
            {advanced ? 'Hide' : 'Show'} simulation settings
          </Anchor>
          <Collapse expanded={advanced}>
            <Stack gap="sm">
              <SimpleGrid cols={2}>
                <Select
                  label="Simulated years"
                  data={iterationOptions}
                  allowDeselect={false}
                  {...form.getInputProps('iterations')}
                />
                <NumberInput
                  label="Seed"
                  description="Blank: chosen for you"
                  min={0}
                  max={4294967295}
                  allowDecimal={false}
                  hideControls
                  {...form.getInputProps('seed')}
                />
              </SimpleGrid>
              <Textarea
                label="Note"
                placeholder="Sources, workshop, assumptions"
                autosize
                minRows={2}
                {...form.getInputProps('note')}
              />
            </Stack>
          </Collapse>
          {roughLoss !== null ? (
            <Text size="xs" c="dimmed">
              Rough expectation before simulating: {formatMoney(roughLoss, currency)} a year.
            </Text>
          ) : null}
          {problem ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {problem}
            </Alert>
          ) : null}
          {run.isPending ? (
            <Stack gap={4}>
              <Progress value={progress * 100} size="lg" striped animated aria-label="Simulation progress" />
              <Group justify="space-between">
                <Text size="xs" c="dimmed">
                  Simulating {Number(values.iterations).toLocaleString()} years… {Math.round(progress * 100)}%
                </Text>
                <Anchor component="button" type="button" size="xs" onClick={() => abort.current?.abort()}>
                  Cancel
                </Anchor>
              </Group>
            </Stack>
          ) : null}
          <Button type="submit" leftSection={<IconPlayerPlay size={16} />} loading={run.isPending}>
            Run and store {values.label === 'proposed' ? 'the proposal' : 'the current state'}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}

function Stat({
  label,
  value,
  detail,
  colour,
}: {
  label: string;
  value: string;
  detail?: ReactNode;
  colour?: string;
}) {
  return (
    <Paper p="sm" radius="md">
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text fz={22} fw={700} lh={1.3} c={colour}>
        {value}
      </Text>
      {detail ? (
        <Text size="xs" c="dimmed">
          {detail}
        </Text>
      ) : null}
    </Paper>
  );
}

function Summary({ whatIf, currency }: { whatIf: WhatIf; currency: string }) {
  const { current, proposed, comparison } = whatIf;
  if (comparison && current && proposed) {
    const rosi = comparison.rosi;
    return (
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" data-testid="what-if">
        <Stat
          label="Expected loss"
          value={formatMoney(comparison.proposedAnnualLoss, currency)}
          detail={`a year, from ${formatMoney(comparison.currentAnnualLoss, currency)} today`}
        />
        <Stat
          label="Risk reduction"
          value={formatMoney(comparison.riskReduction, currency)}
          detail={
            comparison.riskReductionShare === null
              ? 'a year'
              : `${formatPercent(comparison.riskReductionShare, 0)} less a year`
          }
          colour={comparison.riskReduction >= 0 ? 'teal.8' : 'red.8'}
        />
        <Stat label="Control cost" value={formatMoney(comparison.controlCost, currency)} detail="a year" />
        <Stat
          label="ROSI"
          value={rosi === null ? '—' : formatPercent(rosi, 0)}
          detail={
            rosi === null
              ? 'no control cost given'
              : `net ${comparison.netBenefit >= 0 ? 'benefit' : 'loss'} ${formatMoney(Math.abs(comparison.netBenefit), currency)} a year`
          }
          colour={rosi === null ? undefined : rosi >= 0 ? 'teal.8' : 'red.8'}
        />
      </SimpleGrid>
    );
  }
  const only = current ?? proposed;
  if (!only) return null;
  const loss = only.result.annualLoss;
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
      <Stat
        label="Expected annual loss"
        value={formatMoney(loss.mean, currency)}
        detail={`${labelNames[only.label]} controls`}
      />
      <Stat label="1-in-10 year loss" value={formatMoney(loss.p90, currency)} detail="90th percentile" />
      <Stat label="1-in-20 year loss" value={formatMoney(loss.p95, currency)} detail="95th percentile" />
      <Stat
        label="Chance of a loss"
        value={formatPercent(only.result.probabilityOfLoss, 0)}
        detail={current ? 'Quantify proposed controls to see ROSI' : 'in any one year'}
      />
    </SimpleGrid>
  );
}

/** A change of loss: lower is better (green), higher worse (red), none shown as a dash. */
function Change({ value, currency }: { value: number; currency: string }) {
  if (value === 0)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Text size="sm" ff="monospace" c={value < 0 ? 'teal.8' : 'red.8'}>
      {value > 0 ? '+' : ''}
      {formatMoney(value, currency)}
    </Text>
  );
}

const statRows = [
  { key: 'mean', label: 'Expected (mean)' },
  { key: 'p10', label: '10th percentile' },
  { key: 'p50', label: 'Median' },
  { key: 'p90', label: '90th percentile (1 in 10 years)' },
  { key: 'p95', label: '95th percentile (1 in 20 years)' },
  { key: 'p99', label: '99th percentile (1 in 100 years)' },
  { key: 'max', label: 'Worst simulated year' },
] as const;

function StatsTable({ columns, currency }: { columns: Quantification[]; currency: string }) {
  const [first, second] = columns;
  return (
    <Table data-testid="stats-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Annual loss</Table.Th>
          {columns.map((q) => (
            <Table.Th key={q.id} ta="right">
              {labelNames[q.label]}
            </Table.Th>
          ))}
          {second ? <Table.Th ta="right">Change</Table.Th> : null}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {statRows.map((row) => (
          <Table.Tr key={row.key}>
            <Table.Td>
              <Text size="sm">{row.label}</Text>
            </Table.Td>
            {columns.map((q) => (
              <Table.Td key={q.id} ta="right">
                <Text size="sm" ff="monospace">
                  {formatMoney(q.result.annualLoss[row.key], currency)}
                </Text>
              </Table.Td>
            ))}
            {first && second ? (
              <Table.Td ta="right">
                <Change
                  value={second.result.annualLoss[row.key] - first.result.annualLoss[row.key]}
                  currency={currency}
                />
              </Table.Td>
            ) : null}
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td>
            <Text size="sm">Chance of any loss in a year</Text>
          </Table.Td>
          {columns.map((q) => (
            <Table.Td key={q.id} ta="right">
              <Text size="sm" ff="monospace">
                {formatPercent(q.result.probabilityOfLoss)}
              </Text>
            </Table.Td>
          ))}
          {second ? <Table.Td /> : null}
        </Table.Tr>
        <Table.Tr>
          <Table.Td>
            <Text size="sm">Loss events a year (mean)</Text>
          </Table.Td>
          {columns.map((q) => (
            <Table.Td key={q.id} ta="right">
              <Text size="sm" ff="monospace">
                {formatRate(q.result.lossEvents.mean)}
              </Text>
            </Table.Td>
          ))}
          {second ? <Table.Td /> : null}
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

export const quantificationKey = (riskId: string) => [...riskOne(riskId), 'quantification'] as const;

/** FAIR quantification of a risk: calibrated inputs, the stored runs, and current vs proposed controls. */
export function QuantificationTab({ risk }: { risk: Risk }) {
  const { can } = useSession();
  const currency = useCurrency();
  const whatIf = useQuery({
    queryKey: [...quantificationKey(risk.id), 'what-if'],
    queryFn: () => apiGet(`/api/v1/risks/${risk.id}/what-if`, whatIfSchema),
  });
  const history = useQuery({
    queryKey: [...quantificationKey(risk.id), 'history'],
    queryFn: async () =>
      (await apiGet(`/api/v1/risks/${risk.id}/quantifications`, listOf(quantificationSchema))).items,
  });
  const treatments = useQuery({
    queryKey: treatmentsKey(risk.id),
    queryFn: async () => (await apiGet(`/api/v1/risks/${risk.id}/treatments`, listOf(treatmentSchema))).items,
  });
  const plannedCost = (treatments.data ?? [])
    .filter(
      (t) =>
        (t.strategy === 'mitigate' || t.strategy === 'transfer') &&
        t.status !== 'rejected' &&
        t.status !== 'expired',
    )
    .reduce((sum, t) => sum + t.totalCost, 0);
  const [start, setStart] = useState<Quantification | null>(null);

  const columns = useMemo(
    () => [whatIf.data?.current, whatIf.data?.proposed].filter((q): q is Quantification => Boolean(q)),
    [whatIf.data],
  );
  const series: CurveSeries[] = useMemo(
    () =>
      columns.map((q) => ({
        name: labelNames[q.label],
        colour: q.label === 'current' ? chartColours.current : chartColours.proposed,
        curve: q.result.lossExceedance,
      })),
    [columns],
  );
  const lec = useMemo(() => exceedanceOption(series, currency), [series, currency]);
  const histogram = useMemo(() => histogramOption(series, currency), [series, currency]);

  if (whatIf.isError) return <LoadError error={whatIf.error} onRetry={() => void whatIf.refetch()} />;
  if (history.isError) return <LoadError error={history.error} onRetry={() => void history.refetch()} />;
  if (!whatIf.data || !history.data) return <PageLoader />;

  return (
    <Grid gap="md">
      {can('risk:write') ? (
        <Grid.Col span={{ base: 12, lg: 5, xl: 4 }}>
          <QuantifyForm
            key={`${start?.id ?? ''}:${history.data[0]?.id ?? ''}`}
            risk={risk}
            history={history.data}
            start={start}
            plannedCost={plannedCost}
            onStored={() => setStart(null)}
          />
        </Grid.Col>
      ) : null}
      <Grid.Col span={can('risk:write') ? { base: 12, lg: 7, xl: 8 } : 12}>
        {columns.length === 0 ? (
          <Paper p="md" radius="md">
            <EmptyList
              icon={<IconChartHistogram size={28} />}
              title="Not quantified yet"
              description={
                can('risk:write')
                  ? 'Estimate how often this loss happens and what it costs. The simulation turns your ranges into the expected annual loss, its spread, and a loss exceedance curve; then quantify proposed controls to see their return.'
                  : 'Nobody has quantified this risk yet.'
              }
            />
          </Paper>
        ) : (
          <Stack gap="md">
            <Summary whatIf={whatIf.data} currency={currency} />
            <SimpleGrid cols={1} spacing="md">
              <Paper p="md" radius="md">
                <Title order={6} mb={4}>
                  Loss exceedance
                </Title>
                <Text size="xs" c="dimmed" mb="xs">
                  Chance that a year's loss exceeds the amount
                </Text>
                <EChart
                  option={lec}
                  height={260}
                  label="Loss exceedance curve of the current and proposed controls"
                />
              </Paper>
              <Paper p="md" radius="md">
                <Title order={6} mb={4}>
                  Annual loss distribution
                </Title>
                <Text size="xs" c="dimmed" mb="xs">
                  Share of simulated years per loss band
                  {columns[0] && columns[0].result.probabilityOfLoss < 1
                    ? ` (${formatPercent(1 - columns[0].result.probabilityOfLoss, 0)} of years without loss today)`
                    : ''}
                </Text>
                <EChart option={histogram} height={260} label="Histogram of annual loss" />
              </Paper>
            </SimpleGrid>
            <Paper p="md" radius="md">
              <Title order={6} mb="xs">
                Statistics
              </Title>
              <StatsTable columns={columns} currency={currency} />
            </Paper>
          </Stack>
        )}
        {history.data.length > 0 ? (
          <Paper p="md" radius="md" mt="md">
            <Group justify="space-between" mb="xs">
              <Title order={6}>Stored quantifications</Title>
              {can('risk:write') ? (
                <Text size="xs" c="dimmed">
                  Select a run to start from its inputs
                </Text>
              ) : null}
            </Group>
            <Table.ScrollContainer minWidth={620}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Controls</Table.Th>
                    <Table.Th ta="right">Expected loss</Table.Th>
                    <Table.Th ta="right">95th pct.</Table.Th>
                    <Table.Th ta="right">Control cost</Table.Th>
                    <Table.Th>By</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {history.data.map((q) => (
                    <Table.Tr
                      key={q.id}
                      {...(can('risk:write') && editable(q)
                        ? openableRow(
                            () => setStart(q),
                            `Start from the ${q.label} run of ${formatDateTime(q.createdAt)}`,
                          )
                        : {})}
                    >
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {formatDateTime(q.createdAt)}
                        </Text>
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {q.iterations.toLocaleString()} years · seed {q.seed}
                          {q.note ? ` · ${q.note}` : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={q.label === 'current' ? 'blue' : 'teal'} tt="none">
                          {labelNames[q.label]}
                        </Badge>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text size="sm" ff="monospace">
                          {formatMoney(q.result.annualLoss.mean, currency)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text size="sm" ff="monospace">
                          {formatMoney(q.result.annualLoss.p95, currency)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <Text size="sm" ff="monospace" c={q.label === 'current' ? 'dimmed' : undefined}>
                          {q.label === 'current' ? '—' : formatMoney(q.controlCost, currency)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{q.createdBy.name}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        ) : null}
      </Grid.Col>
    </Grid>
  );
}
