import {
  ActionIcon,
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconAlertOctagon, IconCheck, IconCircleCheck, IconCopy, IconMessages } from '@tabler/icons-react';
import { Link } from 'react-router';

/** A value to write down, with a button that copies it. */
function Secret({
  label,
  value,
  testId,
  large,
}: {
  label: string;
  value: string;
  testId: string;
  large?: boolean;
}) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code
          data-testid={testId}
          fz={large ? 22 : 16}
          fw={600}
          px="sm"
          py={6}
          style={{ letterSpacing: '0.06em', userSelect: 'all' }}
        >
          {value}
        </Code>
        <CopyButton value={value} timeout={2500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : `Copy the ${label.toLowerCase()}`} withArrow>
              <ActionIcon
                variant="default"
                size="lg"
                onClick={copy}
                aria-label={`Copy the ${label.toLowerCase()}`}
              >
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/**
 * What the reporter takes away: the reference and the follow-up code, shown once. The code is only
 * in this page's memory; the server keeps a hash of it and cannot show it again.
 */
export function ConcernReceipt({
  reference,
  followUpCode,
  onAnother,
}: {
  reference: string;
  followUpCode: string;
  onAnother: () => void;
}) {
  return (
    <Stack gap="lg">
      <Alert color="green" variant="light" icon={<IconCircleCheck size={18} />} title="Your report was sent">
        Thank you. The security team has received it and will look into it.
      </Alert>
      <Paper withBorder p="md" radius="md">
        <Stack gap="md">
          <Secret label="Reference" value={reference} testId="concern-reference" />
          <Secret label="Follow-up code" value={followUpCode} testId="concern-follow-up-code" large />
          <CopyButton value={`Reference: ${reference}\nFollow-up code: ${followUpCode}`} timeout={2500}>
            {({ copied, copy }) => (
              <Button
                variant="light"
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
                w="fit-content"
              >
                {copied ? 'Copied both' : 'Copy reference and code'}
              </Button>
            )}
          </CopyButton>
        </Stack>
      </Paper>
      <Alert
        color="red"
        variant="filled"
        icon={<IconAlertOctagon size={20} />}
        title="Save the follow-up code now: it cannot be recovered"
        role="alert"
      >
        This is the only time the code is shown. Vigil keeps only a scrambled form of it, so no one — not the
        security team, not an administrator — can give it to you again. Without it you cannot see the progress
        of your report or answer the security team&apos;s questions.
      </Alert>
      <Text size="sm" c="dimmed">
        Keep the code somewhere private: anyone who has both the reference and the code can read the
        conversation about this report.
      </Text>
      <Group justify="space-between">
        <Button variant="subtle" onClick={onAnother}>
          Report something else
        </Button>
        <Button
          component={Link}
          to="/report/follow-up"
          state={{ reference }}
          leftSection={<IconMessages size={16} />}
        >
          Follow up on this report
        </Button>
      </Group>
    </Stack>
  );
}
