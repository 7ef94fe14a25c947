import { Tabs } from '@mantine/core';
import { IconCalendarTime, IconCategory, IconClockHour4 } from '@tabler/icons-react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../app/components.js';
import { CalendarsPanel } from './settings/CalendarsPanel.js';
import { SlaPanel } from './settings/SlaPanel.js';
import { TypesPanel } from './settings/TypesPanel.js';

const tabs = ['types', 'sla', 'calendars'] as const;
type Tab = (typeof tabs)[number];
const isTab = (value: string | null): value is Tab => tabs.some((tab) => tab === value);

/**
 * `/incidents/settings` (incidents:configure, checked by the section's routes): incident types,
 * SLA policies per severity and business-hours calendars. The open tab is in the address.
 */
export default function SettingsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const requested = searchParams.get('tab');
  const tab: Tab = isTab(requested) ? requested : 'types';

  return (
    <>
      <PageHeader
        title="Incident settings"
        description="How cases are classified, how fast they must be handled, and the hours that time is counted in."
      />
      <Tabs
        value={tab}
        onChange={(value) => {
          if (isTab(value)) setSearchParams(value === 'types' ? {} : { tab: value }, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="types" leftSection={<IconCategory size={16} />}>
            Types
          </Tabs.Tab>
          <Tabs.Tab value="sla" leftSection={<IconClockHour4 size={16} />}>
            SLA policies
          </Tabs.Tab>
          <Tabs.Tab value="calendars" leftSection={<IconCalendarTime size={16} />}>
            Business calendars
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="types">
          <TypesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="sla">
          <SlaPanel />
        </Tabs.Panel>
        <Tabs.Panel value="calendars">
          <CalendarsPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
