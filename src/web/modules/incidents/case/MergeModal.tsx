import {
  Alert,
  Button,
  Group,
  Loader,
  Modal,
  Radio,
  ScrollArea,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconGitMerge, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { incidentSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiPage, apiSend } from '../../../app/api.js';
import { LoadError } from '../../../app/components.js';
import { notifySuccess } from '../../../app/notify.js';
import { incidentsKey } from '../labels.js';
import { CaseStatusBadge, FormProblem } from './parts.js';
import { casePath, useCaseChanged } from './queries.js';

/** Finds a duplicate among the cases the user can see and merges it into this one. */
export function MergeModal({ incident, onClose }: { incident: Incident; onClose: () => void }) {
  const changed = useCaseChanged();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [sourceId, setSourceId] = useState<string | null>(null);
  const candidates = useQuery({
    queryKey: [...incidentsKey, 'merge-candidates', q],
    queryFn: () => apiPage('/api/v1/incidents', incidentSchema, { q, limit: 20 }),
  });
  const merge = useMutation({
    mutationFn: (id: string) =>
      apiSend('POST', casePath(incident.id, '/merge'), incidentSchema, { sourceId: id }),
    onSuccess: async (saved) => {
      notifySuccess(`Merged into ${saved.reference}.`);
      onClose();
      await changed();
    },
  });
  const items = (candidates.data?.items ?? []).filter(
    (candidate) => candidate.id !== incident.id && candidate.mergedInto === null,
  );
  const source = items.find((candidate) => candidate.id === sourceId);
  return (
    <Modal opened onClose={onClose} title={`Merge a duplicate into ${incident.reference}`} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (sourceId) merge.mutate(sourceId);
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            The duplicate is closed as &quot;duplicate&quot;. Its people, tasks, actions, referrals and
            evidence move to this case (evidence with a custody entry); both timelines and notes are kept.
          </Text>
          <TextInput
            label="Find the duplicate"
            placeholder="Words of its title, description or notes"
            leftSection={<IconSearch size={16} />}
            rightSection={candidates.isFetching ? <Loader size="xs" /> : null}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            data-autofocus
          />
          {candidates.isError ? (
            <LoadError error={candidates.error} onRetry={() => void candidates.refetch()} />
          ) : candidates.isPending ? null : items.length === 0 ? (
            <Text size="sm" c="dimmed" ta="center" py="md">
              {q ? `No other case matches “${q}”.` : 'There is no other case to merge.'}
            </Text>
          ) : (
            <ScrollArea.Autosize mah={320}>
              <Radio.Group value={sourceId} onChange={setSourceId} aria-label="Case to merge">
                <Stack gap={6}>
                  {items.map((candidate) => (
                    <Radio.Card key={candidate.id} value={candidate.id} p="sm" radius="md">
                      <Group wrap="nowrap" align="flex-start" gap="sm">
                        <Radio.Indicator />
                        <Stack gap={2} style={{ flex: 1 }}>
                          <Group gap="xs">
                            <Text size="sm" ff="monospace">
                              {candidate.reference}
                            </Text>
                            <CaseStatusBadge status={candidate.status} />
                          </Group>
                          <Text size="sm" fw={500}>
                            {candidate.title}
                          </Text>
                        </Stack>
                      </Group>
                    </Radio.Card>
                  ))}
                </Stack>
              </Radio.Group>
            </ScrollArea.Autosize>
          )}
          {source?.confidential && !incident.confidential ? (
            <Alert color="orange" variant="light">
              {source.reference} is confidential: this case becomes confidential too, with both teams.
            </Alert>
          ) : null}
          <FormProblem error={merge.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              leftSection={<IconGitMerge size={16} />}
              loading={merge.isPending}
              disabled={!source}
            >
              {source ? `Merge ${source.reference}` : 'Merge'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
