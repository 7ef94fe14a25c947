import { Anchor, Button, Group, Paper, Select, SimpleGrid, Stack } from '@mantine/core';
import { IconChartBar, IconFilterOff } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { incidentStatusSchema, metricsQuery, metricsSchema } from '../../../contracts/incidents.js';
import { apiGet } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { useSiteDirectory } from '../sites/directory.js';
import { humanize, incidentsKey, statusColors } from './labels.js';
import { PeriodInput } from './list/PeriodInput.js';
import { useIncidentTypes } from './list/queries.js';
import { fillMonths, formatDuration, formatShare } from './metrics/format.js';
import { categoriesHeight, categoriesOption, colourOf, monthsOption } from './metrics/options.js';
import { ChartCard, StatCard } from './metrics/parts.js';

const metricsKeys = ['from', 'to', 'siteId'] as const;
type MetricsFilters = Partial<Record<(typeof metricsKeys)[number], string>>;

/** The metrics filters of the page address that the API takes (others are ignored). */
function metricsFiltersOf(params: URLSearchParams): MetricsFilters {
  const filters: MetricsFilters = {};
  for (const key of metricsKeys) {
    const value = params.get(key);
    if (value && metricsQuery.shape[key].safeParse(value).success) filters[key] = value;
  }
  return filters;
}

/** What an average is taken over: "Over 3 triaged cases", or that there is none yet. */
function countOf(count: number, done: string): string {
  if (count === 0) return `No case ${done} yet`;
  return `Over ${count} ${done} case${count === 1 ? '' : 's'}`;
}

/** Incident metrics for a period and a site: volumes, time to triage and resolve, SLA breaches. */
export default function MetricsPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => metricsFiltersOf(params), [params]);
  const directory = useSiteDirectory();
  const types = useIncidentTypes();
  const metrics = useQuery({
    queryKey: [...incidentsKey, 'metrics', filters],
    queryFn: () => apiGet('/api/v1/incidents/metrics', metricsSchema, filters),
  });
  const filtered = Object.keys(filters).length > 0;

  const change = (patch: Partial<Record<(typeof metricsKeys)[number], string | null>>) => {
    const next = new URLSearchParams();
    for (const key of metricsKeys) {
      const value = key in patch ? patch[key] : filters[key];
      if (value) next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const charts = useMemo(() => {
    const data = metrics.data;
    if (!data) return null;
    const siteLabel = (key: string | null) =>
      key === null ? 'No site' : (directory.byId.get(key)?.name ?? 'Another site');
    const statusColour = (key: string | null) => {
      const status = incidentStatusSchema.safeParse(key);
      return status.success ? colourOf(statusColors[status.data]) : undefined;
    };
    return {
      months: monthsOption(fillMonths(data.byMonth)),
      types: categoriesOption(
        data.byType.map((entry) => ({ label: types.labelOf(entry.key ?? 'other'), count: entry.count })),
      ),
      sites: categoriesOption(
        data.bySite.map((entry) => ({ label: siteLabel(entry.key), count: entry.count })),
      ),
      statuses: categoriesOption(
        data.byStatus.map((entry) => ({
          label: humanize(entry.key ?? 'unknown'),
          count: entry.count,
          colour: statusColour(entry.key),
        })),
      ),
    };
  }, [metrics.data, directory.byId, types.labelOf]);

  const data = metrics.data;
  return (
    <>
      <PageHeader
        title="Incident metrics"
        description="Volumes, response times and SLA breaches of the cases you can see, by the date they occurred (or were reported)."
        actions={
          <Anchor component={Link} to="/incidents" size="sm">
            Back to the list
          </Anchor>
        }
      />
      <Paper p="md" radius="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <PeriodInput label="Period" from={filters.from} to={filters.to} onChange={change} />
          <Select
            label="Site"
            placeholder="All sites"
            data={directory.options.map((option) => ({ ...option, disabled: false }))}
            value={filters.siteId ?? null}
            onChange={(siteId) => change({ siteId })}
            clearable
            searchable
            w={240}
          />
          {filtered ? (
            <Button
              variant="subtle"
              leftSection={<IconFilterOff size={16} />}
              onClick={() => setParams(new URLSearchParams(), { replace: true })}
            >
              Clear filters
            </Button>
          ) : null}
        </Group>
      </Paper>
      {metrics.isPending ? (
        <PageLoader label="Counting incidents…" />
      ) : metrics.isError ? (
        <LoadError error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : data && charts && data.total > 0 ? (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <StatCard
              testId="metric-total"
              label="Incidents"
              value={data.total.toLocaleString()}
              detail={filtered ? 'In this selection' : 'All time'}
            />
            <StatCard
              testId="metric-triage"
              label="Average time to triage"
              value={
                data.timeToTriageMinutes.average === null
                  ? '—'
                  : formatDuration(data.timeToTriageMinutes.average)
              }
              detail={countOf(data.timeToTriageMinutes.count, 'triaged')}
            />
            <StatCard
              testId="metric-resolve"
              label="Average time to resolve"
              value={
                data.timeToResolveMinutes.average === null
                  ? '—'
                  : formatDuration(data.timeToResolveMinutes.average)
              }
              detail={countOf(data.timeToResolveMinutes.count, 'resolved')}
            />
            <StatCard
              testId="metric-breach"
              label="SLA breach rate"
              value={data.sla.breachRate === null ? '—' : formatShare(data.sla.breachRate)}
              detail={`${data.sla.triageBreached} triage and ${data.sla.resolveBreached} resolution breaches`}
            />
          </SimpleGrid>
          <ChartCard title="By month" option={charts.months} height={260} label="Incidents by month" />
          <SimpleGrid cols={{ base: 1, lg: 3 }}>
            <ChartCard
              title="By type"
              option={charts.types}
              height={categoriesHeight(data.byType.length)}
              label="Incidents by type"
            />
            <ChartCard
              title="By site"
              option={charts.sites}
              height={categoriesHeight(data.bySite.length)}
              label="Incidents by site"
            />
            <ChartCard
              title="By status"
              option={charts.statuses}
              height={categoriesHeight(data.byStatus.length)}
              label="Incidents by status"
            />
          </SimpleGrid>
        </Stack>
      ) : (
        <Paper p="md" radius="md">
          <EmptyList
            icon={<IconChartBar size={28} />}
            title={filtered ? 'No incidents in this selection' : 'No incidents to measure yet'}
            description={
              filtered
                ? 'Nothing is dated in this selection. Try a wider period or all sites.'
                : 'Metrics appear once cases are reported at the sites you can see.'
            }
            action={
              filtered ? (
                <Button variant="default" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
                  Clear filters
                </Button>
              ) : undefined
            }
          />
        </Paper>
      )}
    </>
  );
}
