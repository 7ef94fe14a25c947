import { Alert, Button, Drawer, Group, Stack, type DrawerProps } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Fragment, useState, type ComponentProps, type ReactNode } from 'react';
import type { z } from 'zod';
import { apiGetVersioned, isStale } from './api.js';
import { LoadError, PageLoader } from './components.js';
import { showProblemOnForm, type FormErrors } from './forms.js';
import { StaleAlert } from './lists.js';

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

type SubmitHandler = NonNullable<ComponentProps<'form'>['onSubmit']>;

/** What the save needs of a Mantine form (`useForm`'s, typed loosely enough for any rules). */
interface SubmittableForm<V> {
  onSubmit: (handler: (values: V) => void) => SubmitHandler;
  setErrors(errors: FormErrors): void;
}

/** What an edit form's frame shows of its save: refusals, a 412, and whether it is saving. */
export interface EditSave {
  onSubmit: SubmitHandler;
  problem: string | null;
  stale: boolean;
  saving: boolean;
}

/**
 * The save of a create or edit form: validates, skips an edit that changes nothing (the form just
 * closes), and turns the server's answer into what the frame shows: a 412 into the "changed by
 * someone else" alert, field errors onto their fields, anything else into the form's alert.
 */
export function useEditSave<V, R>({
  form,
  fields,
  unchanged,
  save,
  onSaved,
  onDone,
}: {
  form: SubmittableForm<V>;
  /** The form fields the server's field errors may land on. */
  fields: readonly string[];
  /** True for an edit whose values change nothing (never for a creation). */
  unchanged: (values: V) => boolean;
  save: (values: V) => Promise<R>;
  onSaved: (saved: R) => Promise<void> | void;
  onDone: () => void;
}): EditSave {
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const mutation = useMutation({
    mutationFn: save,
    onSuccess: async (saved) => {
      await onSaved(saved);
      onDone();
    },
    onError: (error) => {
      if (isStale(error)) setStale(true);
      else setProblem(showProblemOnForm(form, error, fields));
    },
  });
  return {
    onSubmit: form.onSubmit((values) => {
      setProblem(null);
      if (unchanged(values)) onDone();
      else mutation.mutate(values);
    }),
    problem,
    stale,
    saving: mutation.isPending,
  };
}

/** The frame of a create or edit form: its alerts above the fields, Cancel and submit below. */
export function EditForm({
  save,
  onReload,
  reloading,
  onCancel,
  submitLabel,
  children,
}: {
  save: EditSave;
  onReload: () => void;
  reloading: boolean;
  onCancel: () => void;
  submitLabel: string;
  children: ReactNode;
}) {
  return (
    <form onSubmit={save.onSubmit} noValidate>
      <Stack gap="md">
        {save.stale ? <StaleAlert onReload={onReload} reloading={reloading} /> : null}
        {save.problem ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
            {save.problem}
          </Alert>
        ) : null}
        {children}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.saving} disabled={save.stale}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
