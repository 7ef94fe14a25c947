import { Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { EChart } from '../../risk/charts/EChart.js';
import type { ChartOption } from '../../risk/charts/echarts.js';

/** One headline figure of the metrics page. */
export function StatCard({
  label,
  value,
  detail,
  testId,
}: {
  label: string;
  value: string;
  detail: ReactNode;
  testId: string;
}) {
  return (
    <Paper p="md" radius="md" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.3} data-testid={`${testId}-value`}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {detail}
      </Text>
    </Paper>
  );
}

/** A titled chart panel (ECharts, loaded on first use). */
export function ChartCard({
  title,
  option,
  height,
  label,
}: {
  title: string;
  option: ChartOption;
  height: number;
  label: string;
}) {
  return (
    <Paper p="md" radius="md">
      <Title order={5} mb="xs">
        {title}
      </Title>
      <EChart option={option} height={height} label={label} />
    </Paper>
  );
}
