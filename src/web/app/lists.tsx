import { Alert, Button, Center, Group, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { KeyboardEvent } from 'react';
import type { z } from 'zod';
import { apiPage, type QueryParams } from './api.js';

/** A cursor-paged collection with "load more": the items loaded so far, flattened. */
export function useCursorList<S extends z.ZodType>(
  key: readonly unknown[],
  path: string,
  item: S,
  filters: QueryParams,
  pageSize = 50,
) {
  const query = useInfiniteQuery({
    queryKey: [...key, 'list', filters],
    queryFn: ({ pageParam }: { pageParam: string | null }) =>
      apiPage(path, item, { ...filters, limit: pageSize, cursor: pageParam }),
    initialPageParam: null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items: z.output<S>[] = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items };
}

/** The "load more" row under a paged table. */
export function LoadMore({
  hasMore,
  loading,
  count,
  onLoadMore,
}: {
  hasMore: boolean;
  loading: boolean;
  count: number;
  onLoadMore: () => void;
}) {
  return (
    <Center py="sm">
      {hasMore ? (
        <Button variant="default" size="xs" loading={loading} onClick={onLoadMore}>
          Load more ({count} shown)
        </Button>
      ) : (
        <Text size="xs" c="dimmed">
          {count === 1 ? '1 record' : `${count} records`}, all shown
        </Text>
      )}
    </Center>
  );
}

/** Props that make a table row reachable with Tab and opened with Enter (or a click). */
export function openableRow(onOpen: () => void, label: string) {
  return {
    tabIndex: 0,
    'aria-label': label,
    style: { cursor: 'pointer' },
    onClick: onOpen,
    onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onOpen();
      }
    },
  };
}

/**
 * Props for the rows of a table read by keyboard: Tab reaches a row, the arrow keys move to the
 * row above or below, Enter or Space opens it (a click too).
 */
export function navigableRow(onOpen: () => void, label: string) {
  const base = openableRow(onOpen, label);
  return {
    ...base,
    onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => {
      const target =
        event.key === 'ArrowDown'
          ? event.currentTarget.nextElementSibling
          : event.key === 'ArrowUp'
            ? event.currentTarget.previousElementSibling
            : null;
      if (target instanceof HTMLElement) {
        event.preventDefault();
        target.focus();
        return;
      }
      base.onKeyDown(event);
    },
  };
}

/** Shown when a save answered 412: someone else changed the record since it was opened. */
export function StaleAlert({ onReload, reloading }: { onReload: () => void; reloading: boolean }) {
  return (
    <Alert color="orange" variant="light" title="Changed by someone else" role="alert">
      <Group justify="space-between" gap="xs">
        <Text size="sm">
          This record was changed by someone else since you opened it. Reload it, then redo your change.
        </Text>
        <Button
          size="xs"
          variant="white"
          color="orange"
          leftSection={<IconRefresh size={14} />}
          loading={reloading}
          onClick={onReload}
        >
          Reload
        </Button>
      </Group>
    </Alert>
  );
}
