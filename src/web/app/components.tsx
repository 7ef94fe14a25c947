import { Alert, Badge, Button, Center, EmptyState, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Role } from '../../contracts/access.js';
import { errorMessage } from './api.js';

/** The title row of a page, with its actions on the right. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-end" mb="lg" wrap="wrap" gap="sm">
      <Stack gap={2}>
        <Title order={2}>{title}</Title>
        {description ? (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        ) : null}
      </Stack>
      {actions ? <Group gap="xs">{actions}</Group> : null}
    </Group>
  );
}

/** A failed load, with the server's words and a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Could not load this">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry ? (
          <Button
            size="xs"
            variant="white"
            color="red"
            leftSection={<IconRefresh size={14} />}
            onClick={onRetry}
          >
            Try again
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** A centred spinner with a label, for whole-page loads. */
export function PageLoader({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Group>
    </Center>
  );
}

/** The empty state of a list: what is missing and what to do about it. */
export function EmptyList({
  icon,
  title,
  description,
  action,
}: {
  icon: ReactNode;
  title: string;
  description: ReactNode;
  action?: ReactNode;
}) {
  return (
    <EmptyState py="xl" icon={icon} withIndicatorBackground title={title} description={description}>
      {action ? <EmptyState.Actions>{action}</EmptyState.Actions> : null}
    </EmptyState>
  );
}

const roleColors: Record<Role, string> = {
  admin: 'grape',
  manager: 'blue',
  investigator: 'indigo',
  operator: 'cyan',
  officer: 'teal',
  hr: 'pink',
  auditor: 'orange',
  employee: 'gray',
};

/** A role as a coloured badge. */
export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge variant="light" color={roleColors[role]} tt="none">
      {role}
    </Badge>
  );
}

/** A status as a badge: the first listed status is the "good" one. */
export function StatusBadge({ status, good }: { status: string; good: string }) {
  return (
    <Badge variant="dot" color={status === good ? 'green' : 'gray'} tt="none">
      {status}
    </Badge>
  );
}
