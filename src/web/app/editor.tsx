import { Drawer, type DrawerProps } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, type ReactNode } from 'react';
import type { z } from 'zod';
import { apiGetVersioned } from './api.js';
import { LoadError, PageLoader } from './components.js';

/** What an edit form gets from the editor: the version it edits and how to reload a newer one. */
export interface VersionProps {
  etag: string;
  onReload: () => void;
  reloading: boolean;
}

/**
 * Loads the current version of a record with its ETag and renders its edit form. A reload (after
 * a 412) brings a new version, and the form starts again from it.
 */
export function VersionedEditor<S extends z.ZodType>({
  queryKey,
  path,
  schema,
  render,
}: {
  queryKey: readonly unknown[];
  path: string;
  schema: S;
  render: (record: z.output<S>, version: VersionProps) => ReactNode;
}) {
  const current = useQuery({ queryKey, queryFn: () => apiGetVersioned(path, schema), staleTime: 0 });
  if (current.isPending) return <PageLoader />;
  if (current.isError) return <LoadError error={current.error} onRetry={() => void current.refetch()} />;
  const version = {
    etag: current.data.etag,
    onReload: () => void current.refetch(),
    reloading: current.isFetching,
  };
  return <Fragment key={current.data.etag}>{render(current.data.data, version)}</Fragment>;
}

/** The right-hand panel that holds a create or edit form. */
export function FormDrawer({
  title,
  size,
  onClose,
  children,
}: {
  title: string;
  size: DrawerProps['size'];
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size={size}
      title={title}
      styles={{ title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {children}
    </Drawer>
  );
}
