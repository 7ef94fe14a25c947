import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  CopyButton,
  Group,
  Popover,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import type { IncidentStatus, Severity } from '../../../../contracts/incidents.js';
import { errorMessage } from '../../../app/api.js';
import { humanize, severityColors, statusColors } from '../labels.js';

/** A failed save, shown next to its form (the server's own words). */
export function FormProblem({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge color={severityColors[severity]} variant="filled" tt="none" aria-label={`Severity ${severity}`}>
      {humanize(severity)}
    </Badge>
  );
}

export function CaseStatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <Badge color={statusColors[status]} variant="light" tt="none" aria-label={`Status ${status}`}>
      {humanize(status)}
    </Badge>
  );
}

/** A SHA-256 shortened to its first and last characters, with the whole value to copy. */
export function HashText({ sha256, label = 'SHA-256' }: { sha256: string; label?: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={sha256} withArrow multiline maw={360} style={{ wordBreak: 'break-all' }}>
        <Text size="xs" ff="monospace" data-sha256={sha256} style={{ whiteSpace: 'nowrap' }}>
          {sha256.slice(0, 12)}…{sha256.slice(-6)}
        </Text>
      </Tooltip>
      <CopyButton value={sha256}>
        {({ copied, copy }) => (
          <ActionIcon
            size="sm"
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            onClick={copy}
            aria-label={copied ? `${label} copied` : `Copy ${label}`}
          >
            {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
          </ActionIcon>
        )}
      </CopyButton>
    </Group>
  );
}

const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** A size in bytes for people: "3.1 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Text that may be empty: the text with its line breaks, or a dimmed dash. */
export function TextBlock({ value, empty = '—' }: { value: string | null | undefined; empty?: ReactNode }) {
  if (!value)
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
      {value}
    </Text>
  );
}

/** Submits the enclosing form on Ctrl+Enter or ⌘+Enter, for text areas where Enter is a new line. */
export function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>): void {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

/** A labelled value in a details panel; the value takes the whole width (text, tables, lists). */
export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb={2}>
        {label}
      </Text>
      {children}
    </div>
  );
}

/** An icon button that asks once more before doing something that is recorded for good. */
export function ConfirmAction({
  label,
  question,
  confirm,
  icon,
  pending,
  onConfirm,
}: {
  label: string;
  question: string;
  confirm: string;
  icon: ReactNode;
  pending: boolean;
  onConfirm: () => void;
}) {
  const [opened, setOpened] = useState(false);
  return (
    <Popover opened={opened} onChange={setOpened} position="left" withArrow trapFocus>
      <Popover.Target>
        <ActionIcon variant="subtle" color="red" aria-label={label} onClick={() => setOpened((o) => !o)}>
          {icon}
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" maw={260}>
          <Text size="sm">{question}</Text>
          <Group gap="xs" justify="flex-end">
            <Button size="xs" variant="default" onClick={() => setOpened(false)}>
              Keep
            </Button>
            <Button
              size="xs"
              color="red"
              loading={pending}
              onClick={() => {
                onConfirm();
                setOpened(false);
              }}
            >
              {confirm}
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
