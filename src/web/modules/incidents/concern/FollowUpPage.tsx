import { Anchor, Divider, Group } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { AuthLayout } from '../../identity/AuthLayout.js';
import { ConcernConversation } from './ConcernConversation.js';
import { FollowUpSignIn } from './FollowUpSignIn.js';
import { concernThreadsKey, type ConcernAccess } from './thread.js';

/** The reference the receipt page hands over when the reporter goes on to follow up (never the code). */
function referenceFrom(state: unknown): string {
  return typeof state === 'object' &&
    state !== null &&
    'reference' in state &&
    typeof state.reference === 'string'
    ? state.reference
    : '';
}

/**
 * `/report/follow-up` (public): the reporter opens their report with its reference and follow-up
 * code, sees its state and talks with the security team. The code lives in this component's state
 * only; signing out of the report, or leaving the page, forgets the code and the conversation.
 */
export default function FollowUpPage() {
  const queryClient = useQueryClient();
  const location = useLocation();
  const [access, setAccess] = useState<ConcernAccess | null>(null);
  const forget = useCallback(() => queryClient.removeQueries({ queryKey: concernThreadsKey }), [queryClient]);
  useEffect(() => forget, [forget]);

  return (
    <AuthLayout
      title="Follow up on a report"
      subtitle={
        access
          ? 'The state of your report and your conversation with the security team.'
          : 'Enter the reference and the follow-up code you received when you sent your report.'
      }
      width={access ? 680 : 460}
    >
      {access ? (
        <ConcernConversation
          access={access}
          onSignOut={() => {
            forget();
            setAccess(null);
          }}
        />
      ) : (
        <FollowUpSignIn initialReference={referenceFrom(location.state)} onOpened={setAccess} />
      )}
      <Divider my="lg" />
      <Group justify="center">
        <Anchor component={Link} to="/report" size="sm">
          Report a new concern
        </Anchor>
      </Group>
    </AuthLayout>
  );
}
