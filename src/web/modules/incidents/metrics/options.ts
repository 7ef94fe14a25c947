import { DEFAULT_THEME } from '@mantine/core';
import type { ChartOption } from '../../risk/charts/echarts.js';
import { monthLabel } from './format.js';

const axisText = { color: '#5c5f66', fontSize: 11 };
const splitLine = { lineStyle: { color: '#eceef0' } };
const bar = '#3764b0';

/** A Mantine colour name ("teal") as the hex of its usual shade, for chart bars. */
export function colourOf(name: string): string {
  return DEFAULT_THEME.colors[name]?.[6] ?? bar;
}

/** Incidents per month, as columns. */
export function monthsOption(months: readonly { month: string; count: number }[]): ChartOption {
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: months.map((entry) => monthLabel(entry.month)),
      axisLabel: axisText,
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: axisText, splitLine },
    series: [
      {
        type: 'bar',
        name: 'Incidents',
        data: months.map((entry) => entry.count),
        itemStyle: { color: bar },
        barMaxWidth: 36,
      },
    ],
  };
}

/** Counts by category as horizontal bars, largest first, each bar in its colour when given. */
export function categoriesOption(
  items: readonly { label: string; count: number; colour?: string }[],
): ChartOption {
  return {
    animation: false,
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: axisText, splitLine },
    yAxis: {
      type: 'category',
      inverse: true,
      data: items.map((item) => item.label),
      axisLabel: { ...axisText, width: 140, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: 'Incidents',
        data: items.map((item) => ({ value: item.count, itemStyle: { color: item.colour ?? bar } })),
        label: { show: true, position: 'right', ...axisText },
        barMaxWidth: 22,
      },
    ],
  };
}

/** A height that gives each horizontal bar room. */
export function categoriesHeight(count: number): number {
  return Math.max(160, count * 30 + 40);
}
