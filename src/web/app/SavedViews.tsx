import { ActionIcon, Button, Group, Menu, Modal, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconBookmark, IconBookmarkPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { listOf, okSchema } from '../../contracts/common.js';
import { apiGet, apiSend } from './api.js';
import { notifyError, notifySuccess } from './notify.js';

/** A saved view as the API answers it (`savedViewSchemas` in the contracts). */
export interface SavedView<F> {
  id: string;
  name: string;
  filters: F;
  createdAt: string;
}

/**
 * The "Saved views" menu of a filtered list: apply one of the user's views, delete one, or save the
 * list's current filters under a name. The views live at `path` (GET, POST, DELETE `path/:id`).
 */
export function SavedViews<F>({
  queryKey,
  path,
  view,
  filters,
  matches,
  onApply,
  emptyHint,
  namePlaceholder,
}: {
  queryKey: readonly unknown[];
  path: string;
  /** The schema of one view of this list. */
  view: z.ZodType<SavedView<F>>;
  /** The list's filters now: what "Save the current view" saves. */
  filters: F;
  /** Whether a view's filters select what the list shows now (its name then shows on the button). */
  matches: (saved: F) => boolean;
  onApply: (saved: F) => void;
  /** Shown in the menu while the user has no view. */
  emptyHint: string;
  namePlaceholder: string;
}) {
  const queryClient = useQueryClient();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const views = useQuery({
    queryKey,
    queryFn: async () => (await apiGet(path, listOf(view))).items,
  });
  const save = useMutation({
    mutationFn: () => apiSend('POST', path, view, { name, filters }),
    onSuccess: async (saved) => {
      notifySuccess(`View "${saved.name}" saved.`);
      setNaming(false);
      setName('');
      await queryClient.invalidateQueries({ queryKey });
    },
    onError: (error) => notifyError(error, 'The view was not saved'),
  });
  const remove = useMutation({
    mutationFn: (id: string) => apiSend('DELETE', `${path}/${id}`, okSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey }),
    onError: (error) => notifyError(error, 'The view was not deleted'),
  });
  const all = views.data ?? [];
  const current = all.find((saved) => matches(saved.filters));

  return (
    <>
      <Menu position="bottom-end" width={280} withinPortal>
        <Menu.Target>
          <Button variant="default" leftSection={<IconBookmark size={16} />}>
            {current ? current.name : 'Saved views'}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>My saved views</Menu.Label>
          {views.isError ? (
            <Text size="xs" c="red.8" px="sm" py={6}>
              Your views could not be loaded.
            </Text>
          ) : all.length === 0 ? (
            <Text size="xs" c="dimmed" px="sm" py={6}>
              {views.isPending ? 'Loading…' : emptyHint}
            </Text>
          ) : (
            all.map((saved) => (
              <Menu.Item
                key={saved.id}
                onClick={() => onApply(saved.filters)}
                fw={saved.id === current?.id ? 700 : undefined}
                rightSection={
                  <Tooltip label="Delete this view">
                    <ActionIcon
                      component="span"
                      size="sm"
                      variant="subtle"
                      color="gray"
                      aria-label={`Delete view ${saved.name}`}
                      onClick={(event) => {
                        event.stopPropagation();
                        remove.mutate(saved.id);
                      }}
                    >
                      <IconTrash size={14} />
                    </ActionIcon>
                  </Tooltip>
                }
              >
                {saved.name}
              </Menu.Item>
            ))
          )}
          <Menu.Divider />
          <Menu.Item leftSection={<IconBookmarkPlus size={16} />} onClick={() => setNaming(true)}>
            Save the current view…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={naming} onClose={() => setNaming(false)} title="Save this view" size="sm">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim()) save.mutate();
          }}
        >
          <Stack>
            <TextInput
              label="Name"
              placeholder={namePlaceholder}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              data-autofocus
              required
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setNaming(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
                Save view
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
