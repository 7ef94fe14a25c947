import { Button, Group, Paper, Switch, Text, Tooltip } from '@mantine/core';
import { IconDownload, IconListDetails, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { eventSchema } from '../../../contracts/monitoring.js';
import { apiAll } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { downloadText } from '../../app/download.js';
import { LoadMore, useCursorList } from '../../app/lists.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { formatDateTime } from '../../app/time.js';
import { useSiteDirectory } from '../sites/directory.js';
import { AlarmDrawer } from './AlarmDrawer.js';
import { EventFiltersBar } from './config/EventFiltersBar.js';
import { eventsCsv } from './config/eventsCsv.js';
import { EventTable } from './config/EventTable.js';
import {
  filterParams,
  filtersFromParams,
  noFilters,
  windowFromParams,
  windowIsOpen,
  windowParams,
  windowQuery,
  type EventFilters,
  type EventWindow,
} from './config/eventWindow.js';
import { useNewEvents } from './config/useNewEvents.js';
import { eventsKey } from './labels.js';

const EXPORT_MAX = 50_000;

/**
 * The event log: every event received, newest first, within a time window and filters kept in the
 * URL; new events are announced (or shown at once with auto-refresh), and the window exports to CSV.
 */
export default function EventLogPage() {
  const [params, setParams] = useSearchParams();
  const directory = useSiteDirectory();
  const window = windowFromParams(params);
  const filters = filtersFromParams(params);
  // Relative windows count back from this instant, reset when the window changes.
  const [anchor, setAnchor] = useState(() => Date.now());
  const [autoRefresh, setAutoRefresh] = useState(false);
  const [alarmId, setAlarmId] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const query = { ...windowQuery(window, anchor), ...filters };
  const list = useCursorList(eventsKey, '/api/v1/monitoring/events', eventSchema, query, 100);
  const open = windowIsOpen(window, Date.now());
  const newer = useNewEvents({
    filters: { ...filters },
    newestId: list.items[0]?.id ?? null,
    windowFrom: query.from,
    enabled: open && list.isSuccess && !list.isFetching,
  });
  const { refetch } = list;
  useEffect(() => {
    if (autoRefresh && newer.count > 0) void refetch();
  }, [autoRefresh, newer.count, refetch]);

  const update = (nextWindow: EventWindow, nextFilters: EventFilters) =>
    setParams({ ...windowParams(nextWindow), ...filterParams(nextFilters) }, { replace: true });
  const filtered = Object.values(filters).some((value) => value !== null);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const { items, truncated } = await apiAll('/api/v1/monitoring/events', eventSchema, query, EXPORT_MAX);
      const day = new Date().toISOString().slice(0, 10);
      downloadText(`vigil-events-${day}.csv`, eventsCsv(items, directory.byId));
      notifySuccess(
        truncated
          ? `Exported the newest ${items.length} events; narrow the window for the rest.`
          : `Exported ${items.length === 1 ? '1 event' : `${items.length} events`} to CSV.`,
      );
    } catch (error) {
      notifyError(error, 'Export failed');
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Event log"
        description="Every event received, newest first, with what the rules made of it. Times are in each site’s zone."
        actions={
          <>
            {open ? (
              <Switch
                label="Auto-refresh"
                checked={autoRefresh}
                onChange={(event) => setAutoRefresh(event.currentTarget.checked)}
                mr="sm"
              />
            ) : null}
            <Button
              variant="default"
              leftSection={<IconDownload size={16} />}
              loading={exporting}
              disabled={list.items.length === 0}
              onClick={() => void exportCsv()}
            >
              Export CSV
            </Button>
          </>
        }
      />
      <Paper p="md" radius="md">
        <EventFiltersBar
          window={window}
          filters={filters}
          onWindowChange={(next) => {
            setAnchor(Date.now());
            update(next, filters);
          }}
          onFiltersChange={(next) => update(window, next)}
        />
        <Group justify="space-between" mb="xs" mih={30}>
          <Text size="xs" c="dimmed">
            Received since {formatDateTime(query.from)}
            {window.kind === 'custom' && window.to ? ` until ${formatDateTime(window.to)}` : ''} (your time)
          </Text>
          {newer.count > 0 && !autoRefresh ? (
            <Button
              size="compact-sm"
              variant="light"
              leftSection={<IconRefresh size={14} />}
              loading={list.isFetching}
              onClick={() => void list.refetch()}
            >
              Show {newer.count}
              {newer.atLeast ? '+' : ''} new {newer.count === 1 ? 'event' : 'events'}
            </Button>
          ) : (
            <Tooltip label="Check for new events now">
              <Button
                size="compact-sm"
                variant="subtle"
                color="gray"
                leftSection={<IconRefresh size={14} />}
                loading={list.isFetching && !list.isFetchingNextPage}
                onClick={() => void list.refetch()}
              >
                Refresh
              </Button>
            </Tooltip>
          )}
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconListDetails size={28} />}
            title={filtered ? 'No event matches these filters' : 'No events in this window'}
            description={
              filtered
                ? 'Try a longer window, or clear the filters.'
                : open
                  ? 'Events appear here as panels, cameras and sensors report; choose a longer window to look further back.'
                  : 'Nothing was received in this window. Choose another one.'
            }
            action={
              filtered ? (
                <Button variant="default" onClick={() => update(window, noFilters)}>
                  Clear filters
                </Button>
              ) : undefined
            }
          />
        ) : (
          <>
            <EventTable events={list.items} onOpenAlarm={setAlarmId} />
            <LoadMore
              hasMore={list.hasNextPage}
              loading={list.isFetchingNextPage}
              count={list.items.length}
              onLoadMore={() => void list.fetchNextPage()}
            />
          </>
        )}
      </Paper>
      {alarmId ? <AlarmDrawer id={alarmId} onClose={() => setAlarmId(null)} /> : null}
    </>
  );
}
