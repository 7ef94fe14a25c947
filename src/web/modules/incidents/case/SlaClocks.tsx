import { Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlarm, IconAlertTriangle, IconCircleCheck, IconClockPause } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Incident } from '../../../../contracts/incidents.js';
import { formatDuration, slaClock, type SlaClock } from './sla.js';

/** The current time, ticking every second while the component is shown. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

const tones: Record<SlaClock['state'], { color: string; icon: typeof IconAlarm }> = {
  running: { color: 'blue', icon: IconAlarm },
  warning: { color: 'orange', icon: IconAlarm },
  breached: { color: 'red', icon: IconAlertTriangle },
  met: { color: 'teal', icon: IconCircleCheck },
  'met-late': { color: 'red', icon: IconCircleCheck },
  none: { color: 'gray', icon: IconClockPause },
};

function headline(clock: SlaClock): string {
  switch (clock.state) {
    case 'running':
    case 'warning':
      return `${formatDuration(clock.remainingMs ?? 0)} left`;
    case 'breached':
      return `Breached · ${formatDuration(clock.remainingMs ?? 0)} over`;
    case 'met':
      return 'Met';
    case 'met-late':
      return 'Met late (breached)';
    case 'none':
      return 'No target';
  }
}

function ClockCard({
  label,
  clock,
  format,
}: {
  label: string;
  clock: SlaClock;
  format: (iso: string) => string;
}) {
  const tone = tones[clock.state];
  const Icon = tone.icon;
  const detail =
    clock.doneAt !== null
      ? `${clock.reopened ? 'First resolved' : 'Done'} ${format(clock.doneAt)}${clock.dueAt ? ` · due ${format(clock.dueAt)}` : ''}${clock.reopened ? ' · reopened since' : ''}`
      : clock.dueAt && clock.state !== 'none'
        ? `Due ${format(clock.dueAt)}`
        : 'The SLA does not apply to this case now';
  return (
    <Paper
      withBorder
      radius="md"
      px="sm"
      py={8}
      miw={240}
      maw={380}
      style={{ borderColor: `var(--mantine-color-${tone.color}-${clock.state === 'none' ? 3 : 5})` }}
      data-testid={`sla-${label.toLowerCase()}`}
      data-state={clock.state}
    >
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon color={tone.color} variant="light" size="lg" radius="xl">
          <Icon size={18} />
        </ThemeIcon>
        <Stack gap={0}>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            {label}
          </Text>
          <Text fw={650} c={clock.state === 'none' ? 'dimmed' : `${tone.color}.8`} aria-live="off">
            {headline(clock)}
          </Text>
          <Text size="xs" c="dimmed">
            {detail}
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}

/** Time left to triage and to resolve, counting down live; orange in the warning window, red when breached. */
export function SlaClocks({ incident, format }: { incident: Incident; format: (iso: string) => string }) {
  const now = useNow();
  return (
    <Group gap="sm" wrap="wrap" aria-label="Service level">
      <ClockCard label="Triage" clock={slaClock(incident, 'triage', now)} format={format} />
      <ClockCard label="Resolution" clock={slaClock(incident, 'resolve', now)} format={format} />
    </Group>
  );
}
