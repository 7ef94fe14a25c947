import { Badge, Group, Tabs, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import type { Rating, RiskStatus } from '../../../contracts/risk.js';
import { useSession } from '../../app/session.js';
import { textOn } from './format.js';
import { statusColors, statusLabels } from './labels.js';

/** A rating as a chip in its level's colour: "20 · Critical". */
export function RatingBadge({ rating, kind }: { rating: Rating | null; kind?: string }) {
  if (!rating)
    return (
      <Text size="sm" c="dimmed">
        Not rated
      </Text>
    );
  const label = `${rating.score} · ${rating.level}`;
  return (
    <Tooltip
      label={`${kind ? `${kind}: ` : ''}likelihood ${rating.likelihood} × impact ${rating.impact}`}
      withArrow
    >
      <Badge
        radius="sm"
        tt="none"
        styles={{ root: { background: rating.colour, color: textOn(rating.colour) } }}
        aria-label={`${kind ?? 'Rating'} ${label}`}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}

export function RiskStatusBadge({ status }: { status: RiskStatus }) {
  return (
    <Badge variant="light" color={statusColors[status]} tt="none">
      {statusLabels[status]}
    </Badge>
  );
}

const sections = [
  { value: '/risk', label: 'Register' },
  { value: '/risk/heatmap', label: 'Heat map' },
  { value: '/risk/portfolio', label: 'Portfolio' },
  { value: '/risk/settings', label: 'Settings', permission: 'risk:configure' as const },
];

/** The tabs between the pages of the risk section. */
export function RiskSectionTabs() {
  const { can } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const visible = sections.filter((section) => !section.permission || can(section.permission));
  const active =
    [...visible].reverse().find((section) => location.pathname.startsWith(section.value))?.value ?? '/risk';
  return (
    <Tabs
      value={active}
      onChange={(value) => {
        if (value) void navigate(value);
      }}
      mb="md"
      variant="outline"
    >
      <Tabs.List>
        {visible.map((section) => (
          <Tabs.Tab key={section.value} value={section.value}>
            {section.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}

/** A labelled value in a details grid. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed" mb={2}>
        {label}
      </Text>
      <Group gap={6}>{children}</Group>
    </div>
  );
}
