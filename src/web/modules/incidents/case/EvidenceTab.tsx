import { Alert, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconBox, IconGavel, IconLock, IconPaperclip } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { z } from 'zod';
import { evidenceSchema, type Incident } from '../../../../contracts/incidents.js';
import { apiGet } from '../../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../../app/components.js';
import { useSession } from '../../../app/session.js';
import { PhysicalEvidenceModal } from './EvidenceModals.js';
import { EvidenceRow } from './EvidenceRow.js';
import { EvidenceUpload } from './EvidenceUpload.js';
import { casePath, caseKeys, useCaseZone } from './queries.js';

/** Digital and physical evidence with hashes, integrity checks and the chain of custody. */
export function EvidenceTab({ incident }: { incident: Incident }) {
  const { can } = useSession();
  const { format, timeZone } = useCaseZone(incident);
  const [logging, setLogging] = useState(false);
  const evidence = useQuery({
    queryKey: caseKeys.evidence(incident.id),
    queryFn: async () =>
      (await apiGet(casePath(incident.id, '/evidence'), z.object({ items: z.array(evidenceSchema) }))).items,
  });
  // The server refuses new evidence on closed and merged cases; say so instead of offering the form.
  const closedReason =
    incident.mergedInto !== null
      ? 'This case was merged into another: add evidence there.'
      : incident.status === 'closed'
        ? 'The case is closed: reopen it to add evidence.'
        : null;
  const mayAdd = can('evidence:write') && closedReason === null;

  return (
    <Stack gap="md">
      {incident.legalHold ? (
        <Alert color="orange" variant="light" icon={<IconGavel size={18} />} title="Legal hold">
          Since {format(incident.legalHold.since)}: {incident.legalHold.reason}. No evidence of this case can
          be disposed of until the hold is lifted.
        </Alert>
      ) : null}
      {can('evidence:write') && closedReason ? (
        <Alert color="gray" variant="light" icon={<IconLock size={18} />}>
          {closedReason}
        </Alert>
      ) : null}
      {mayAdd ? (
        <Paper p="md" radius="md">
          <Group justify="space-between" mb="sm">
            <Title order={5}>Add evidence</Title>
            <Button
              variant="default"
              size="xs"
              leftSection={<IconBox size={14} />}
              onClick={() => setLogging(true)}
            >
              Log physical evidence
            </Button>
          </Group>
          <EvidenceUpload incident={incident} />
        </Paper>
      ) : null}
      <Paper p="md" radius="md">
        <Group justify="space-between" mb="sm">
          <Title order={4}>Evidence</Title>
          {evidence.data && evidence.data.length > 0 ? (
            <Text size="sm" c="dimmed">
              {evidence.data.length} {evidence.data.length === 1 ? 'item' : 'items'} · Enter on a row opens
              its custody log
            </Text>
          ) : null}
        </Group>
        {evidence.isPending ? (
          <PageLoader label="Loading evidence…" />
        ) : evidence.isError ? (
          <LoadError error={evidence.error} onRetry={() => void evidence.refetch()} />
        ) : evidence.data.length === 0 ? (
          <EmptyList
            icon={<IconPaperclip size={28} />}
            title="No evidence yet"
            description={
              mayAdd
                ? 'Upload photos, footage or documents above, or log a physical item with its bag number.'
                : 'Nothing has been collected for this case.'
            }
          />
        ) : (
          <Table.ScrollContainer minWidth={980}>
            <Table highlightOnHover verticalSpacing="sm" aria-label="Evidence">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Item</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Acquired</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {evidence.data.map((item) => (
                  <EvidenceRow key={item.id} incident={incident} item={item} format={format} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {logging ? (
        <PhysicalEvidenceModal incident={incident} timeZone={timeZone} onClose={() => setLogging(false)} />
      ) : null}
    </Stack>
  );
}
