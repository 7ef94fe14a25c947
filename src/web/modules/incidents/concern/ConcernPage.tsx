import { Anchor, Divider, Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconEyeOff, IconKey, IconMessageReport } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageLoader } from '../../../app/components.js';
import { useMeQuery } from '../../../app/session.js';
import { AuthLayout } from '../../identity/AuthLayout.js';
import { ConcernForm } from './ConcernForm.js';
import { ConcernReceipt } from './ConcernReceipt.js';

const steps = [
  {
    icon: IconMessageReport,
    text: <>Tell us what happened. Only the first box is required; add what you know.</>,
  },
  {
    icon: IconKey,
    text: (
      <>
        You get a reference and a secret follow-up code. With them you can check the progress of your report
        and talk with the security team, still without saying who you are.
      </>
    ),
  },
  {
    icon: IconEyeOff,
    text: (
      <>
        <b>Anonymous means nothing that identifies you is stored</b>: no account, no network address, no
        browser details, not even the time of day — only the date. What you write can still point to you, so
        leave out details you would rather not share.
      </>
    ),
  },
];

/** What happens to a report and what anonymity means, before the reporter writes anything. */
function HowItWorks() {
  return (
    <Paper bg="gray.0" p="md" radius="md" mb="lg">
      <Stack gap="sm">
        {steps.map(({ icon: Icon, text }, index) => (
          <Group key={index} gap="sm" wrap="nowrap" align="flex-start">
            <ThemeIcon variant="light" radius="xl" size={28}>
              <Icon size={16} />
            </ThemeIcon>
            <Text size="sm" lh={1.5} pt={3}>
              {text}
            </Text>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}

/** `/report`: any employee reports a concern to the security team, signed in or not (public page). */
export default function ConcernPage() {
  const me = useMeQuery();
  const [receipt, setReceipt] = useState<{ reference: string; followUpCode: string } | null>(null);

  return (
    <AuthLayout
      title="Report a concern"
      subtitle={
        receipt
          ? 'Keep the reference and the code below: you need both to follow up.'
          : 'Tell the security team about something that worries you. You can stay anonymous.'
      }
      width={680}
    >
      {me.isPending ? (
        <PageLoader />
      ) : receipt ? (
        <ConcernReceipt {...receipt} onAnother={() => setReceipt(null)} />
      ) : (
        <>
          <HowItWorks />
          {/* If the session cannot be checked, the report still goes out, anonymously. */}
          <ConcernForm me={me.data ?? null} onSent={setReceipt} />
        </>
      )}
      <Divider my="lg" />
      <Group justify="space-between" gap="xs">
        <Anchor component={Link} to="/report/follow-up" size="sm">
          Already reported something? Follow it up
        </Anchor>
        {me.data ? (
          <Text size="sm" c="dimmed">
            Signed in as {me.data.name} ·{' '}
            <Anchor component={Link} to="/" size="sm">
              Back to Vigil
            </Anchor>
          </Text>
        ) : (
          <Anchor component={Link} to="/login?next=%2Freport" size="sm" c="dimmed">
            Sign in to report under your name
          </Anchor>
        )}
      </Group>
    </AuthLayout>
  );
}
