import { Anchor, Button, Stack, Tabs } from '@mantine/core';
import { IconFolderOff } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../app/api.js';
import { EmptyList, LoadError, PageLoader } from '../../app/components.js';
import { useSession } from '../../app/session.js';
import { CaseHeader } from './case/CaseHeader.js';
import { ConversationTab, useConcernMessages } from './case/ConversationTab.js';
import { EvidenceTab } from './case/EvidenceTab.js';
import { OverviewTab } from './case/OverviewTab.js';
import { PeopleTab } from './case/PeopleTab.js';
import { useCase } from './case/queries.js';
import { ReferralsTab } from './case/ReferralsTab.js';
import { TimelineTab } from './case/TimelineTab.js';
import { WorkTab } from './case/WorkTab.js';

const tabs = ['overview', 'timeline', 'work', 'people', 'evidence', 'referrals', 'conversation'] as const;
type Tab = (typeof tabs)[number];
const isTab = (value: string | null): value is Tab => (tabs as readonly (string | null)[]).includes(value);

/** One case: header with its clocks and actions, and a tab per part of the investigation (in the URL). */
export default function CasePage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const [searchParams, setSearchParams] = useSearchParams();
  const current = useCase(id);
  const incident = current.data?.data;
  // Concern conversations are for case managers; an incident shows the tab once merged concerns bring messages.
  const messages = useConcernMessages(
    id,
    incident !== undefined && incident.kind === 'incident' && can('incidents:manage'),
  );

  if (current.isError) {
    if (current.error instanceof ApiError && current.error.status === 404)
      return (
        <EmptyList
          icon={<IconFolderOff size={28} />}
          title="Case not found"
          description="This case does not exist or you do not have access to it."
          action={
            <Button component={Link} to="/incidents" variant="light">
              Back to incidents
            </Button>
          }
        />
      );
    return (
      <Stack>
        <Anchor component={Link} to="/incidents" size="sm">
          ← Incidents
        </Anchor>
        <LoadError error={current.error} onRetry={() => void current.refetch()} />
      </Stack>
    );
  }
  if (!current.data || !incident) return <PageLoader label="Loading the case…" />;

  const showConversation =
    can('incidents:manage') && (incident.kind === 'concern' || (messages.data?.length ?? 0) > 0);
  const visible: Record<Tab, boolean> = {
    overview: true,
    timeline: true,
    work: true,
    people: true,
    evidence: can('evidence:read'),
    referrals: true,
    conversation: showConversation,
  };
  const requested = searchParams.get('tab');
  const tab: Tab = isTab(requested) && visible[requested] ? requested : 'overview';

  return (
    <>
      <CaseHeader incident={incident} etag={current.data.etag} />
      <Tabs
        value={tab}
        onChange={(value) => {
          if (isTab(value)) setSearchParams(value === 'overview' ? {} : { tab: value }, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="timeline">Timeline</Tabs.Tab>
          <Tabs.Tab value="work">Tasks &amp; actions</Tabs.Tab>
          <Tabs.Tab value="people">People</Tabs.Tab>
          {visible.evidence ? <Tabs.Tab value="evidence">Evidence</Tabs.Tab> : null}
          <Tabs.Tab value="referrals">Referrals</Tabs.Tab>
          {visible.conversation ? <Tabs.Tab value="conversation">Conversation</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="overview">
          <OverviewTab incident={incident} />
        </Tabs.Panel>
        <Tabs.Panel value="timeline">
          <TimelineTab incident={incident} />
        </Tabs.Panel>
        <Tabs.Panel value="work">
          <WorkTab incident={incident} />
        </Tabs.Panel>
        <Tabs.Panel value="people">
          <PeopleTab incident={incident} />
        </Tabs.Panel>
        {visible.evidence ? (
          <Tabs.Panel value="evidence">
            <EvidenceTab incident={incident} />
          </Tabs.Panel>
        ) : null}
        <Tabs.Panel value="referrals">
          <ReferralsTab incident={incident} />
        </Tabs.Panel>
        {visible.conversation ? (
          <Tabs.Panel value="conversation">
            <ConversationTab incident={incident} />
          </Tabs.Panel>
        ) : null}
      </Tabs>
    </>
  );
}
