import { Badge, Button, Code, Group, Paper, Select, Table, Text } from '@mantine/core';
import { IconClockPlay } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { jobSchema, jobStates, type Job } from '../../../contracts/jobs.js';
import { apiSend } from '../../app/api.js';
import { EmptyList, LoadError, PageHeader, PageLoader } from '../../app/components.js';
import { LoadMore, useCursorList } from '../../app/lists.js';
import { notifyError, notifySuccess } from '../../app/notify.js';
import { useSiteTime } from '../sites/directory.js';

const stateColors: Record<Job['state'], string> = {
  queued: 'blue',
  running: 'cyan',
  succeeded: 'green',
  failed: 'orange',
  dead: 'red',
};

function RetryButton({ job }: { job: Job }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => apiSend('POST', `/api/v1/jobs/${job.id}/retry`, jobSchema),
    onSuccess: async () => {
      notifySuccess(`${job.kind} queued again.`);
      await queryClient.invalidateQueries({ queryKey: ['jobs'] });
    },
    onError: (error) => notifyError(error, 'Could not retry the job'),
  });
  if (job.state !== 'failed' && job.state !== 'dead') return null;
  return (
    <Button size="xs" variant="light" loading={retry.isPending} onClick={() => retry.mutate()}>
      Retry now
    </Button>
  );
}

/** Background jobs for admins: what ran, what failed and why, and retrying dead jobs. */
export default function JobsPage() {
  const siteTime = useSiteTime();
  const [state, setState] = useState<string | null>(null);
  const list = useCursorList(['jobs'], '/api/v1/jobs', jobSchema, { state: state ?? undefined });
  return (
    <>
      <PageHeader
        title="Background jobs"
        description="Scheduled and queued work (escalations, SLA checks, email and webhook delivery, evidence verification). Failed jobs are retried with backoff; dead ones wait for you."
      />
      <Paper p="md" radius="md">
        <Group mb="md">
          <Select
            label="State"
            placeholder="Any"
            clearable
            data={[...jobStates]}
            value={state}
            onChange={setState}
            w={180}
          />
        </Group>
        {list.isPending ? (
          <PageLoader />
        ) : list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : list.items.length === 0 ? (
          <EmptyList
            icon={<IconClockPlay size={28} />}
            title="No jobs"
            description={
              state ? 'No job is in this state.' : 'Jobs appear here as soon as work is scheduled.'
            }
          />
        ) : (
          <>
            <Table.ScrollContainer minWidth={900}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Attempts</Table.Th>
                    <Table.Th>Runs at</Table.Th>
                    <Table.Th>Last error</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((job) => (
                    <Table.Tr key={job.id}>
                      <Table.Td>
                        <Code>{job.kind}</Code>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={stateColors[job.state]} variant="light">
                          {job.state}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {job.attempts} / {job.maxAttempts}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">{siteTime(job.runAt)}</Text>
                      </Table.Td>
                      <Table.Td maw={360}>
                        <Text size="xs" c={job.lastError ? 'red' : 'dimmed'} lineClamp={2}>
                          {job.lastError ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <RetryButton job={job} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
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
