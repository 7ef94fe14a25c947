import {
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  ThemeIcon,
  Timeline,
} from '@mantine/core';
import {
  IconArrowsExchange,
  IconCircleDot,
  IconEye,
  IconFile,
  IconGavel,
  IconGitMerge,
  IconListCheck,
  IconMessage,
  IconNote,
  IconPackageExport,
  IconPencil,
  IconPlus,
  IconShieldLock,
  IconUser,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { noteSchema, timelineEntrySchema, type Incident } from '../../../../contracts/incidents.js';
import { apiGet, apiSend } from '../../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { useSession } from '../../../app/session.js';
import { formatDay } from '../../../app/time.js';
import { FormProblem, submitOnModEnter } from './parts.js';
import { casePath, caseKeys, useCaseChanged, useCaseZone } from './queries.js';

type Entry = z.infer<typeof timelineEntrySchema>;
type Note = z.infer<typeof noteSchema>;
type Row =
  | { type: 'entry'; id: string; at: string; entry: Entry }
  | { type: 'note'; id: string; at: string; note: Note; reference: string | null };

function iconOf(kind: string): { icon: Icon; color: string } {
  if (kind === 'created') return { icon: IconPlus, color: 'blue' };
  if (kind === 'status_changed' || kind === 'reopened') return { icon: IconArrowsExchange, color: 'violet' };
  if (kind === 'updated') return { icon: IconPencil, color: 'gray' };
  if (kind === 'assigned' || kind.startsWith('member') || kind.startsWith('exclu'))
    return { icon: IconUsers, color: 'cyan' };
  if (kind.startsWith('person')) return { icon: IconUser, color: 'cyan' };
  if (kind.startsWith('task') || kind.startsWith('action')) return { icon: IconListCheck, color: 'teal' };
  if (kind.startsWith('evidence'))
    return { icon: IconFile, color: kind.includes('failed') ? 'red' : 'indigo' };
  if (kind.startsWith('referr')) return { icon: IconShieldLock, color: 'grape' };
  if (kind.startsWith('legal_hold')) return { icon: IconGavel, color: 'orange' };
  if (kind.startsWith('merged')) return { icon: IconGitMerge, color: 'gray' };
  if (kind.startsWith('concern')) return { icon: IconMessage, color: 'pink' };
  if (kind === 'exported') return { icon: IconPackageExport, color: 'dark' };
  if (kind === 'viewed') return { icon: IconEye, color: 'gray' };
  return { icon: IconCircleDot, color: 'gray' };
}

/** Timeline entries and notes, newest first; a note's own entry is shown as the note itself. */
function rowsOf(entries: Entry[], notes: Note[], reference: string): Row[] {
  const notesById = new Map(notes.map((note) => [note.id, note]));
  const shown = new Set<string>();
  const rows: Row[] = [];
  for (const entry of entries) {
    const noteId = entry.data.noteId;
    const note =
      entry.kind === 'note_added' && typeof noteId === 'string' ? notesById.get(noteId) : undefined;
    if (note) {
      shown.add(note.id);
      const from = entry.incidentReference === reference ? null : entry.incidentReference;
      rows.push({ type: 'note', id: entry.id, at: entry.at, note, reference: from });
    } else rows.push({ type: 'entry', id: entry.id, at: entry.at, entry });
  }
  for (const note of notes)
    if (!shown.has(note.id))
      rows.push({ type: 'note', id: note.id, at: note.createdAt, note, reference: null });
  return rows.sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
}

function NoteComposer({ incident }: { incident: Incident }) {
  const changed = useCaseChanged();
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => apiSend('POST', casePath(incident.id, '/notes'), noteSchema, { body: body.trim() }),
    onSuccess: async () => {
      setBody('');
      await changed();
    },
  });
  return (
    <Paper p="md" radius="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (body.trim() !== '') add.mutate();
        }}
      >
        <Stack gap="xs">
          <Textarea
            label="Add a note"
            description="Notes are permanent: a correction is another note. Ctrl+Enter adds it."
            placeholder="What was done, learned or decided"
            autosize
            minRows={2}
            maxRows={10}
            value={body}
            onChange={(event) => setBody(event.currentTarget.value)}
            onKeyDown={submitOnModEnter}
          />
          <FormProblem error={add.error} />
          <Group justify="flex-end">
            <Button
              type="submit"
              leftSection={<IconNote size={16} />}
              loading={add.isPending}
              disabled={!body.trim()}
            >
              Add note
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The append-only history of the case (merged cases included), with notes in line. */
export function TimelineTab({ incident }: { incident: Incident }) {
  const { can } = useSession();
  const { format } = useCaseZone(incident);
  const [show, setShow] = useState<'all' | 'notes' | 'changes'>('all');
  const timeline = useQuery({
    queryKey: caseKeys.timeline(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/timeline'), z.object({ items: z.array(timelineEntrySchema) })))
        .items,
  });
  const notes = useQuery({
    queryKey: caseKeys.notes(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/notes'), z.object({ items: z.array(noteSchema) }))).items,
  });
  const failed = timeline.error ?? notes.error;
  const rows =
    timeline.data && notes.data
      ? rowsOf(timeline.data, notes.data, incident.reference).filter(
          (row) => show === 'all' || (show === 'notes') === (row.type === 'note'),
        )
      : [];
  // Anonymous reporters' entries carry the day only (their protection): show the day, not a time.
  const when = (row: Row) =>
    row.type === 'entry' && row.entry.actor.type === 'anonymous'
      ? formatDay(row.at.slice(0, 10), 'short')
      : format(row.at);

  return (
    <Stack gap="md" maw={900}>
      {can('incidents:write') ? <NoteComposer incident={incident} /> : null}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Newest first · every change is recorded and nothing is ever removed
        </Text>
        <SegmentedControl
          size="xs"
          value={show}
          onChange={(value) => setShow(value === 'notes' || value === 'changes' ? value : 'all')}
          data={[
            { value: 'all', label: 'All' },
            { value: 'notes', label: 'Notes' },
            { value: 'changes', label: 'Changes' },
          ]}
          aria-label="Show"
        />
      </Group>
      {failed ? (
        <LoadError error={failed} onRetry={() => void Promise.all([timeline.refetch(), notes.refetch()])} />
      ) : timeline.isPending || notes.isPending ? (
        <PageLoader label="Loading the timeline…" />
      ) : rows.length === 0 ? (
        <EmptyList
          icon={<IconNote size={28} />}
          title={show === 'notes' ? 'No notes yet' : 'Nothing to show'}
          description={
            show === 'notes' && can('incidents:write')
              ? 'Add the first note above.'
              : 'Switch to “All” to see the whole history.'
          }
        />
      ) : (
        <Timeline bulletSize={28} lineWidth={2} aria-label="Timeline">
          {rows.map((row) => {
            const { icon: RowIcon, color } = iconOf(row.type === 'note' ? 'note' : row.entry.kind);
            const actor = row.type === 'note' ? (row.note.author?.name ?? 'Unknown') : row.entry.actor.label;
            const reference =
              row.type === 'note'
                ? row.reference
                : row.entry.incidentReference === incident.reference
                  ? null
                  : row.entry.incidentReference;
            return (
              <Timeline.Item
                key={row.id}
                bullet={
                  <ThemeIcon
                    size={28}
                    radius="xl"
                    variant="light"
                    color={row.type === 'note' ? 'yellow' : color}
                  >
                    {row.type === 'note' ? <IconNote size={15} /> : <RowIcon size={15} />}
                  </ThemeIcon>
                }
              >
                <Group gap="xs" mb={2}>
                  <Text size="sm" fw={600}>
                    {actor}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {when(row)}
                  </Text>
                  {reference ? (
                    <Badge size="xs" variant="outline" color="gray" tt="none">
                      from {reference}
                    </Badge>
                  ) : null}
                </Group>
                {row.type === 'note' ? (
                  <Paper withBorder p="sm" radius="md" bg="var(--mantine-color-yellow-0)">
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                      {row.note.body}
                    </Text>
                  </Paper>
                ) : (
                  <Text size="sm">{row.entry.summary}</Text>
                )}
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
    </Stack>
  );
}
