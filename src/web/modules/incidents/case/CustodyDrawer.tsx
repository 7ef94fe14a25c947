import { Badge, Drawer, Group, Paper, SimpleGrid, Stack, Text, Timeline } from '@mantine/core';
import { IconLink } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import {
  custodyEntrySchema,
  type CustodyEntry,
  type Evidence,
  type Incident,
} from '../../../../contracts/incidents.js';
import { apiGet } from '../../../app/api.js';
import { LoadError, PageLoader } from '../../../app/components.js';
import { formatDateTime } from '../../../app/time.js';
import { humanize } from '../labels.js';
import { evidenceName } from './EvidenceModals.js';
import { Detail, formatBytes, HashText } from './parts.js';
import { casePath, caseKeys } from './queries.js';

const actionColors: Partial<Record<CustodyEntry['action'], string>> = {
  acquired: 'blue',
  verified: 'teal',
  transferred: 'indigo',
  exported: 'dark',
  legal_hold: 'orange',
  disposal_requested: 'red',
  disposal_rejected: 'gray',
  disposed: 'red',
};

const sha256Pattern = /^[0-9a-f]{64}$/;

/** "sha256Expected" → "SHA-256 expected", "contentType" → "Content type". */
function detailLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace('sha256', 'SHA-256');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function detailText(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (key === 'size' && typeof value === 'number') return formatBytes(value);
  if (typeof value === 'string')
    return sha256Pattern.test(value) ? `${value.slice(0, 12)}…${value.slice(-6)}` : value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return JSON.stringify(value);
}

/** Who had it and who has it now, and where: "Sam → Forensic lab · stored at Lab safe". */
function handOver(entry: CustodyEntry): string {
  const parties =
    entry.from && entry.to
      ? `${entry.from} → ${entry.to}`
      : entry.to
        ? `to ${entry.to}`
        : entry.from
          ? `from ${entry.from}`
          : '';
  const place = entry.storageLocation ? `stored at ${entry.storageLocation}` : '';
  return [parties, place].filter(Boolean).join(' · ');
}

function Entry({ entry }: { entry: CustodyEntry }) {
  // The acquisition hash has its own copyable line; a check's or a hold's outcome is in its reason.
  const details = Object.entries(entry.details).filter(
    ([key]) => key !== 'sha256' && key !== 'intact' && key !== 'hold',
  );
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={actionColors[entry.action] ?? 'gray'} variant="light" tt="none">
          {humanize(entry.action)}
        </Badge>
        <Text size="sm" fw={600}>
          {entry.actor.label}
        </Text>
      </Group>
      {/* The time as recorded: in the zone of the case's site when it happened. */}
      <Text size="xs" c="dimmed" title={`${entry.localTime} (${entry.timeZone}) · ${entry.at} UTC`}>
        {formatDateTime(entry.at, entry.timeZone)} · {entry.timeZone}
      </Text>
      {entry.reason ? <Text size="sm">{entry.reason}</Text> : null}
      {handOver(entry) ? (
        <Text size="sm" c="dimmed">
          {handOver(entry)}
        </Text>
      ) : null}
      {typeof entry.details.sha256 === 'string' ? <HashText sha256={entry.details.sha256} /> : null}
      {details.length > 0 ? (
        <Text size="xs" c="dimmed">
          {details.map(([key, value]) => `${detailLabel(key)}: ${detailText(key, value)}`).join(' · ')}
        </Text>
      ) : null}
    </Stack>
  );
}

/** Every custody entry of an evidence item, oldest first: the unbroken chain a court asks for. */
export function CustodyDrawer({
  incident,
  item,
  format,
  onClose,
}: {
  incident: Incident;
  item: Evidence;
  format: (iso: string) => string;
  onClose: () => void;
}) {
  const custody = useQuery({
    queryKey: caseKeys.custody(incident.id, item.id),
    queryFn: async () =>
      (
        await apiGet(
          casePath(incident.id, `/evidence/${item.id}/custody`),
          z.object({ items: z.array(custodyEntrySchema) }),
        )
      ).items,
  });
  return (
    <Drawer
      opened
      onClose={onClose}
      position="right"
      size="lg"
      title={`Chain of custody · ${evidenceName(item)}`}
      styles={{ title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      <Stack gap="md">
        <Paper withBorder p="sm" radius="md">
          <SimpleGrid cols={2} spacing="sm">
            <Detail label="Kind">
              <Text size="sm">{humanize(item.kind)}</Text>
            </Detail>
            <Detail label="Status">
              <Text size="sm">{humanize(item.status)}</Text>
            </Detail>
            {item.sha256 ? (
              <Detail label="SHA-256">
                <HashText sha256={item.sha256} />
              </Detail>
            ) : null}
            {item.size !== null ? (
              <Detail label="Size">
                <Text size="sm">{formatBytes(item.size)}</Text>
              </Detail>
            ) : null}
            <Detail label="Acquisition">
              <Text size="sm">
                {format(item.acquiredAt)} by {item.acquiredBy}
              </Text>
            </Detail>
            <Detail label="Held at">
              <Text size="sm">
                {[item.storageLocation, item.custodian].filter(Boolean).join(' · ') || '—'}
              </Text>
            </Detail>
          </SimpleGrid>
        </Paper>
        {custody.isPending ? (
          <PageLoader label="Loading the custody log…" />
        ) : custody.isError ? (
          <LoadError error={custody.error} onRetry={() => void custody.refetch()} />
        ) : (
          <>
            <Text size="sm" c="dimmed">
              {custody.data.length} {custody.data.length === 1 ? 'entry' : 'entries'}, oldest first · entries
              are never changed or removed
            </Text>
            <Timeline bulletSize={22} lineWidth={2} aria-label="Custody log">
              {custody.data.map((entry) => (
                <Timeline.Item key={entry.id} bullet={<IconLink size={12} />}>
                  <Entry entry={entry} />
                </Timeline.Item>
              ))}
            </Timeline>
          </>
        )}
      </Stack>
    </Drawer>
  );
}
