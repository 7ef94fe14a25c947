import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Tooltip,
} from '@mantine/core';
import {
  IconArrowsExchange,
  IconBox,
  IconDots,
  IconDownload,
  IconFile,
  IconListDetails,
  IconShieldCheck,
  IconTrash,
  IconX,
} from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { verifyResultSchema, type Evidence, type Incident } from '../../../../contracts/incidents.js';
import { apiSend } from '../../../app/api.js';
import { openableRow } from '../../../app/lists.js';
import { notifyError } from '../../../app/notify.js';
import { useSession } from '../../../app/session.js';
import { humanize } from '../labels.js';
import { CustodyDrawer } from './CustodyDrawer.js';
import { DisposalModal, evidenceName, TransferModal, type DisposalStep } from './EvidenceModals.js';
import { formatBytes, HashText } from './parts.js';
import { casePath, useCaseChanged } from './queries.js';

const statusColors: Record<Evidence['status'], string> = {
  held: 'blue',
  disposal_pending: 'orange',
  disposed: 'gray',
};
const integrityColors: Record<Evidence['integrity'], string> = {
  unverified: 'gray',
  intact: 'teal',
  mismatch: 'red',
  missing: 'red',
};

// The actions cell has its own buttons: their clicks and keys must not also open the row.
const keepInCell = {
  onClick: (event: MouseEvent) => event.stopPropagation(),
  onKeyDown: (event: KeyboardEvent) => event.stopPropagation(),
};

type Verification = { intact: boolean; sha256Expected: string; sha256Actual: string | null };

function VerifyOutcome({ result }: { result: Verification }) {
  if (result.intact)
    return (
      <Text size="sm" c="teal.8" fw={600} data-testid="verify-result">
        Intact ✓
      </Text>
    );
  return (
    <Text size="sm" c="red.8" fw={600} data-testid="verify-result" style={{ wordBreak: 'break-all' }}>
      Altered — expected {result.sha256Expected.slice(0, 16)}… got{' '}
      {result.sha256Actual ? `${result.sha256Actual.slice(0, 16)}…` : 'nothing (the file is missing)'}
    </Text>
  );
}

/** One evidence item: what it is, its hash, where it is, and what may be done with it. */
export function EvidenceRow({
  incident,
  item,
  format,
}: {
  incident: Incident;
  item: Evidence;
  format: (iso: string) => string;
}) {
  const { can } = useSession();
  const changed = useCaseChanged();
  const [panel, setPanel] = useState<'custody' | 'transfer' | DisposalStep | null>(null);
  const verify = useMutation({
    mutationFn: () =>
      apiSend('POST', casePath(incident.id, `/evidence/${item.id}/verify`), verifyResultSchema),
    onSuccess: changed,
    onError: (error) => notifyError(error, 'The evidence could not be verified'),
  });
  const name = evidenceName(item);
  const disposed = item.status === 'disposed';
  const digital = item.kind === 'digital';
  const hold = incident.legalHold;
  const holdReason = hold ? `Blocked: the case is under legal hold (${hold.reason}).` : null;
  const manage = can('evidence:manage');
  const menu = [
    can('evidence:write') && !disposed ? (
      <Menu.Item
        key="transfer"
        leftSection={<IconArrowsExchange size={16} />}
        onClick={() => setPanel('transfer')}
      >
        Record a transfer
      </Menu.Item>
    ) : null,
    manage && item.status === 'held' ? (
      <Menu.Item
        key="request"
        leftSection={<IconTrash size={16} />}
        color="red"
        disabled={hold !== null}
        onClick={() => setPanel('request')}
      >
        <Stack gap={0}>
          <span>Request disposal</span>
          {holdReason ? (
            <Text size="xs" c="dimmed">
              {holdReason}
            </Text>
          ) : null}
        </Stack>
      </Menu.Item>
    ) : null,
    manage && item.status === 'disposal_pending' ? (
      <Menu.Item
        key="approve"
        leftSection={<IconTrash size={16} />}
        color="red"
        disabled={hold !== null}
        onClick={() => setPanel('approve')}
      >
        <Stack gap={0}>
          <span>Approve disposal</span>
          <Text size="xs" c="dimmed">
            {holdReason ?? 'Only someone other than the requester can approve.'}
          </Text>
        </Stack>
      </Menu.Item>
    ) : null,
    manage && item.status === 'disposal_pending' ? (
      <Menu.Item key="reject" leftSection={<IconX size={16} />} onClick={() => setPanel('reject')}>
        Reject disposal
      </Menu.Item>
    ) : null,
  ].filter((entry) => entry !== null);

  return (
    <Table.Tr
      {...openableRow(() => setPanel('custody'), `${name}: open the chain of custody`)}
      data-evidence={item.id}
    >
      <Table.Td>
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon variant="light" color={digital ? 'indigo' : 'grape'} radius="md">
            {digital ? <IconFile size={16} /> : <IconBox size={16} />}
          </ThemeIcon>
          <Stack gap={0}>
            <Text size="sm" fw={500} td={disposed ? 'line-through' : undefined}>
              {name}
            </Text>
            {item.description && item.description !== name ? (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {item.description}
              </Text>
            ) : null}
            {!digital ? (
              <Text size="xs" c="dimmed">
                {item.storageLocation ?? '—'} · held by {item.custodian ?? '—'}
              </Text>
            ) : null}
          </Stack>
        </Group>
      </Table.Td>
      <Table.Td {...keepInCell}>
        {item.sha256 ? (
          <HashText sha256={item.sha256} />
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Text size="sm">{item.size === null ? '—' : formatBytes(item.size)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{item.acquiredBy}</Text>
        <Text size="xs" c="dimmed">
          {format(item.acquiredAt)}
        </Text>
      </Table.Td>
      <Table.Td miw={130}>
        <Stack gap={4} align="flex-start">
          <Badge color={statusColors[item.status]} variant="light" tt="none">
            {humanize(item.status)}
          </Badge>
          {digital && !disposed ? (
            <Tooltip
              label={item.lastVerifiedAt ? `Last checked ${format(item.lastVerifiedAt)}` : 'Never checked'}
              withArrow
            >
              <Badge color={integrityColors[item.integrity]} variant="dot" tt="none">
                {humanize(item.integrity)}
              </Badge>
            </Tooltip>
          ) : null}
          {verify.data ? <VerifyOutcome result={verify.data} /> : null}
        </Stack>
      </Table.Td>
      <Table.Td {...keepInCell}>
        <Group gap={4} wrap="nowrap" justify="flex-end">
          {digital && !disposed && can('evidence:download') ? (
            <Tooltip label="Download (recorded in the custody log)" withArrow>
              <ActionIcon
                component="a"
                href={casePath(incident.id, `/evidence/${item.id}/content?purpose=download`)}
                download
                variant="subtle"
                aria-label={`Download ${name}`}
              >
                <IconDownload size={16} />
              </ActionIcon>
            </Tooltip>
          ) : null}
          {digital && !disposed && can('evidence:write') ? (
            <Button
              size="xs"
              variant="light"
              leftSection={<IconShieldCheck size={14} />}
              loading={verify.isPending}
              onClick={() => verify.mutate()}
              aria-label={`Verify ${name}`}
            >
              Verify
            </Button>
          ) : null}
          <Button
            size="xs"
            variant="default"
            leftSection={<IconListDetails size={14} />}
            onClick={() => setPanel('custody')}
            aria-label={`Custody log of ${name}`}
          >
            Custody
          </Button>
          {menu.length > 0 ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${name}`}>
                  <IconDots size={16} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>{menu}</Menu.Dropdown>
            </Menu>
          ) : null}
        </Group>
        {panel === 'custody' ? (
          <CustodyDrawer incident={incident} item={item} format={format} onClose={() => setPanel(null)} />
        ) : null}
        {panel === 'transfer' ? (
          <TransferModal incident={incident} item={item} onClose={() => setPanel(null)} />
        ) : null}
        {panel === 'request' || panel === 'approve' || panel === 'reject' ? (
          <DisposalModal incident={incident} item={item} step={panel} onClose={() => setPanel(null)} />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}
