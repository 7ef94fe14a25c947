import { Alert, Anchor, Badge, Button, Group, Menu, Stack, Text, Title, Tooltip } from '@mantine/core';
import {
  IconArrowLeft,
  IconChevronDown,
  IconFileTypePdf,
  IconGavel,
  IconGitMerge,
  IconLock,
  IconPackageExport,
  IconPencil,
  IconUserCheck,
  IconUserQuestion,
} from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Incident } from '../../../../contracts/incidents.js';
import { useSession } from '../../../app/session.js';
import { useIncidentTypes } from '../list/queries.js';
import { AssignModal } from './AssignModal.js';
import { CaseEditDrawer } from './CaseEditDrawer.js';
import { LegalHoldModal } from './LegalHoldModal.js';
import { MergeModal } from './MergeModal.js';
import { CaseStatusBadge, SeverityBadge } from './parts.js';
import { casePath, reportedWhen, useCaseZone } from './queries.js';
import { SlaClocks } from './SlaClocks.js';
import { TransitionControls } from './TransitionControls.js';

type Dialog = 'edit' | 'assign' | 'merge' | 'hold' | null;

function Markers({ incident, format }: { incident: Incident; format: (iso: string) => string }) {
  return (
    <Group gap="xs">
      <SeverityBadge severity={incident.severity} />
      <CaseStatusBadge status={incident.status} />
      {incident.kind === 'concern' ? (
        <Badge variant="outline" color="grape" tt="none">
          Concern
        </Badge>
      ) : null}
      {incident.anonymous ? (
        <Badge variant="outline" color="gray" tt="none" leftSection={<IconUserQuestion size={12} />}>
          Anonymous reporter
        </Badge>
      ) : null}
      {incident.confidential ? (
        <Badge color="red" variant="light" tt="none" leftSection={<IconLock size={12} />}>
          Confidential
        </Badge>
      ) : null}
      {incident.legalHold ? (
        <Tooltip label={`Since ${format(incident.legalHold.since)}: ${incident.legalHold.reason}`} withArrow>
          <Badge color="orange" variant="light" tt="none" leftSection={<IconGavel size={12} />} tabIndex={0}>
            Legal hold
          </Badge>
        </Tooltip>
      ) : null}
      {incident.mergedInto ? (
        <Badge color="gray" variant="filled" tt="none" leftSection={<IconGitMerge size={12} />}>
          Merged
        </Badge>
      ) : null}
    </Group>
  );
}

/** The top of a case: who, what, where, its clocks, and what the user may do with it. */
export function CaseHeader({ incident, etag }: { incident: Incident; etag: string }) {
  const { can } = useSession();
  const { format, site, timeZone } = useCaseZone(incident);
  const types = useIncidentTypes();
  const [dialog, setDialog] = useState<Dialog>(null);
  const merged = incident.mergedInto !== null;
  const closeDialog = () => setDialog(null);
  const menuItems = [
    can('incidents:write') && !merged ? (
      <Menu.Item key="edit" leftSection={<IconPencil size={16} />} onClick={() => setDialog('edit')}>
        Edit details
      </Menu.Item>
    ) : null,
    can('incidents:manage') && !merged ? (
      <Menu.Item key="merge" leftSection={<IconGitMerge size={16} />} onClick={() => setDialog('merge')}>
        Merge a duplicate into this case
      </Menu.Item>
    ) : null,
    can('evidence:manage') ? (
      <Menu.Item key="hold" leftSection={<IconGavel size={16} />} onClick={() => setDialog('hold')}>
        {incident.legalHold ? 'Lift legal hold' : 'Place legal hold'}
      </Menu.Item>
    ) : null,
  ].filter((item) => item !== null);

  return (
    <>
      <Anchor component={Link} to="/incidents" size="sm" c="dimmed">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Incidents
        </Group>
      </Anchor>
      {merged ? (
        <Alert color="gray" variant="light" mt="xs" icon={<IconGitMerge size={18} />}>
          This case was merged into another case and is closed as a duplicate; work continues there.{' '}
          <Anchor component={Link} to={`/incidents/${incident.mergedInto ?? ''}`}>
            Open the case it was merged into
          </Anchor>
        </Alert>
      ) : null}
      <Group justify="space-between" align="flex-start" mt="xs" wrap="wrap" gap="md">
        <Group gap="sm" wrap="nowrap" align="center" style={{ flex: 1, minWidth: 320 }}>
          <Badge
            variant="outline"
            color="gray"
            radius="sm"
            size="lg"
            ff="monospace"
            tt="none"
            style={{ flexShrink: 0, overflow: 'visible' }}
          >
            {incident.reference}
          </Badge>
          <Title order={2}>{incident.title}</Title>
        </Group>
        <Group gap="xs" align="flex-start">
          {can('incidents:manage') ? <TransitionControls incident={incident} etag={etag} /> : null}
          {can('incidents:manage') && !merged ? (
            <Button
              variant="default"
              leftSection={<IconUserCheck size={16} />}
              onClick={() => setDialog('assign')}
            >
              Assign
            </Button>
          ) : null}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" rightSection={<IconChevronDown size={14} />}>
                Case file
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {menuItems}
              {menuItems.length > 0 ? <Menu.Divider /> : null}
              <Menu.Item
                component="a"
                href={casePath(incident.id, '/report.pdf')}
                download
                leftSection={<IconFileTypePdf size={16} />}
              >
                Download case report (PDF)
              </Menu.Item>
              {can('incidents:export') ? (
                <Menu.Item
                  component="a"
                  href={casePath(incident.id, '/export')}
                  download
                  leftSection={<IconPackageExport size={16} />}
                >
                  Export for law enforcement (ZIP)
                </Menu.Item>
              ) : null}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <Stack gap={10} mt={8} mb="lg">
        <Markers incident={incident} format={format} />
        <Text size="sm" c="dimmed">
          {types.labelOf(incident.type)} ·{' '}
          {site ? `${site.name} (${timeZone})` : `No site · times in ${timeZone}`} · reported{' '}
          {reportedWhen(incident, format)} by{' '}
          {incident.anonymous ? 'an anonymous reporter' : (incident.reportedBy?.name ?? 'a reporter')} ·{' '}
          <Text span c={incident.assignedTo ? 'var(--mantine-color-text)' : 'orange.8'} fw={500}>
            {incident.assignedTo ? `Assigned to ${incident.assignedTo.name}` : 'Unassigned'}
          </Text>
        </Text>
        <SlaClocks incident={incident} format={format} />
      </Stack>
      {dialog === 'edit' ? <CaseEditDrawer incident={incident} onClose={closeDialog} /> : null}
      {dialog === 'assign' ? <AssignModal incident={incident} onClose={closeDialog} /> : null}
      {dialog === 'merge' ? <MergeModal incident={incident} onClose={closeDialog} /> : null}
      {dialog === 'hold' ? (
        <LegalHoldModal incident={incident} format={format} onClose={closeDialog} />
      ) : null}
    </>
  );
}
