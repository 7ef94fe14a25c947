import { Button, Paper } from '@mantine/core';
import { useDebouncedCallback, useInterval } from '@mantine/hooks';
import {
  IconChartBar,
  IconDownload,
  IconFilterOff,
  IconPlus,
  IconSettings,
  IconShieldCheck,
} from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { incidentSchema, incidentViewSchema } from '../../../contracts/incidents.js';
import { apiDownload } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, useCursorList } from '../../app/lists.js';
import { notifyError } from '../../app/notify.js';
import { SavedViews } from '../../app/SavedViews.js';
import { useSession } from '../../app/session.js';
import { incidentsKey, incidentViewsKey } from './labels.js';
import { FilterBar } from './list/FilterBar.js';
import {
  filterKeys,
  filtersFrom,
  isFiltered,
  sameFilters,
  searchOf,
  withFilter,
  type FilterKey,
  type IncidentFilters,
} from './list/filters.js';
import { IncidentTable } from './list/IncidentTable.js';
import { useIncidentTypes } from './list/queries.js';

/** The time the SLA badges are judged at, moved on every minute. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 60_000, { autoInvoke: true });
  return now;
}

/**
 * The incident list: every case the user may see, filtered from the page address (so a filtered
 * list can be bookmarked, shared and saved as a view), exported as CSV with the same filters.
 */
export default function IncidentListPage() {
  const { can } = useSession();
  const navigate = useNavigate();
  const types = useIncidentTypes();
  const now = useMinuteClock();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(searchParams.entries()), [searchParams]);
  const [search, setSearch] = useState(filters.q ?? '');
  const [exporting, setExporting] = useState(false);
  const mayWrite = can('incidents:write');
  const filtered = isFiltered(filters);

  // Changes some filters of the address as it is now (typing may land after other changes).
  const change = (patch: Partial<Record<FilterKey, string | null>>) => {
    setSearchParams(
      (previous) => {
        let next = filtersFrom(previous.entries());
        for (const key of filterKeys) if (key in patch) next = withFilter(next, key, patch[key] ?? null);
        return new URLSearchParams(searchOf(next));
      },
      { replace: true },
    );
  };
  const searchLater = useDebouncedCallback((text: string) => change({ q: text }), 300);
  // Replaces the filters as a whole: a new history entry, so Back returns to the previous list.
  const apply = (next: IncidentFilters) => {
    searchLater.cancel();
    setSearchParams(new URLSearchParams(searchOf(next)));
    setSearch(next.q ?? '');
  };
  // The address can change under the search box (Back, a link to the list): the box follows it,
  // unless the user is still typing.
  const addressQuery = filters.q ?? '';
  useEffect(() => {
    if (!searchLater.isPending()) setSearch(addressQuery);
  }, [addressQuery, searchLater]);

  const list = useCursorList(incidentsKey, '/api/v1/incidents', incidentSchema, filters);
  const assigneeName =
    list.items.find((incident) => incident.assignedTo?.id === filters.assignedTo)?.assignedTo?.name ?? null;

  const exportCsv = async () => {
    setExporting(true);
    try {
      await apiDownload('/api/v1/incidents/export.csv', filters, 'incidents.csv');
    } catch (error) {
      notifyError(error, 'The export failed');
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Incidents"
        description="Incidents and concerns at the sites you can see, with their SLA clocks. Times are in each site's zone."
        actions={
          <>
            <Button
              component={Link}
              to="/incidents/metrics"
              variant="default"
              leftSection={<IconChartBar size={16} />}
            >
              Metrics
            </Button>
            {can('incidents:configure') ? (
              <Button
                component={Link}
                to="/incidents/settings"
                variant="default"
                leftSection={<IconSettings size={16} />}
              >
                Settings
              </Button>
            ) : null}
            <Button
              variant="default"
              leftSection={<IconDownload size={16} />}
              loading={exporting}
              onClick={() => void exportCsv()}
            >
              Export CSV
            </Button>
            {mayWrite ? (
              <Button component={Link} to="/incidents/new" leftSection={<IconPlus size={16} />}>
                New incident
              </Button>
            ) : null}
          </>
        }
      />
      <Paper p="md" radius="md">
        <FilterBar
          filters={filters}
          search={search}
          onSearch={(text) => {
            setSearch(text);
            searchLater(text);
          }}
          onChange={change}
          typeOptions={types.options}
          assigneeName={assigneeName}
          actions={
            <>
              {filtered ? (
                <Button variant="subtle" leftSection={<IconFilterOff size={16} />} onClick={() => apply({})}>
                  Clear filters
                </Button>
              ) : null}
              <SavedViews
                queryKey={incidentViewsKey}
                path="/api/v1/incident-views"
                view={incidentViewSchema}
                filters={filters}
                matches={(saved) => sameFilters(saved, filters)}
                onApply={(saved) => apply(filtersFrom(Object.entries(saved)))}
                emptyHint="None yet. Filter the list, then save the view."
                namePlaceholder="e.g. Open high-severity thefts"
              />
            </>
          }
        />
        {list.isPending ? (
          <PageLoader label="Loading incidents…" />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          filtered ? (
            <EmptyList
              icon={<IconFilterOff size={28} />}
              title="No incidents match these filters"
              description="Try another search or a wider period, or clear the filters to see every case."
              action={
                <Button variant="default" onClick={() => apply({})}>
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyList
              icon={<IconShieldCheck size={28} />}
              title="No incidents yet"
              description={
                mayWrite
                  ? 'Nothing has been reported at the sites you can see. When something happens, report it here.'
                  : 'Nothing has been reported at the sites you can see.'
              }
              action={
                mayWrite ? (
                  <Button component={Link} to="/incidents/new" leftSection={<IconPlus size={16} />}>
                    Report an incident
                  </Button>
                ) : undefined
              }
            />
          )
        ) : (
          <>
            <IncidentTable
              incidents={list.items}
              labelOfType={types.labelOf}
              onOpen={(incident) => void navigate(`/incidents/${incident.id}`)}
              now={now}
            />
            <LoadMore
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              count={list.items.length}
              onLoadMore={() => void list.fetchNextPage()}
            />
          </>
        )}
      </Paper>
    </>
  );
}
