import type { Assessment, RiskMatrix } from '../../../../contracts/risk.js';
import type { ExceedancePoint } from '../../../../contracts/risk-simulation.js';
import { formatMoney, formatPercent } from '../format.js';
import type { ChartOption } from './echarts.js';
import { histogramFromExceedance, histogramUpper } from './histogram.js';

export const chartColours = {
  current: '#3764b0',
  proposed: '#0ca678',
  inherent: '#868e96',
  residual: '#3764b0',
  appetite: '#f08c00',
  tolerance: '#c92a2a',
};

const axisText = { color: '#5c5f66', fontSize: 11 };
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: '2-digit' });
const grid = { left: 56, right: 24, top: 36, bottom: 44, containLabel: false };

export interface CurveSeries {
  name: string;
  colour: string;
  curve: readonly ExceedancePoint[];
}

/**
 * Loss exceedance curves: P(annual loss > x) against x on a log scale (losses span orders of
 * magnitude), drawn as steps because the curve holds its value up to the next quantile, with the
 * appetite as a vertical line when there is one.
 */
export function exceedanceOption(
  series: readonly CurveSeries[],
  currency: string,
  appetite: number | null = null,
): ChartOption {
  const positive = series.flatMap((s) => s.curve.filter((p) => p.loss > 0).map((p) => p.loss));
  const min = positive.length > 0 ? Math.min(...positive) : 1;
  return {
    animation: false,
    grid: { ...grid, left: 52 },
    legend: { top: 0, right: 0, textStyle: axisText },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value) => (typeof value === 'number' ? formatPercent(value) : String(value)),
      axisPointer: {
        label: {
          formatter: ({ value }) =>
            typeof value === 'number' ? formatMoney(value, currency) : String(value),
        },
      },
    },
    xAxis: {
      type: 'log',
      min: 10 ** Math.floor(Math.log10(min)),
      name: 'Annual loss',
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: axisText,
      axisLabel: { ...axisText, formatter: (value: number) => formatMoney(value, currency, true) },
      splitLine: { lineStyle: { color: '#eceef0' } },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: 'Chance of exceeding',
      nameTextStyle: { ...axisText, align: 'left' },
      axisLabel: { ...axisText, formatter: (value: number) => `${Math.round(value * 100)}%` },
      splitLine: { lineStyle: { color: '#eceef0' } },
    },
    series: series.map((s, index) => ({
      type: 'line',
      name: s.name,
      step: 'end',
      showSymbol: false,
      lineStyle: { width: 2, color: s.colour },
      itemStyle: { color: s.colour },
      data: s.curve.filter((p) => p.loss > 0).map((p) => [p.loss, p.probability]),
      ...(index === 0 && appetite !== null
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { color: chartColours.appetite, type: 'dashed', width: 2 },
              label: {
                formatter: `Appetite ${formatMoney(appetite, currency, true)}`,
                color: chartColours.appetite,
                position: 'insideEndTop',
              },
              data: [{ xAxis: appetite }],
            },
          }
        : {}),
    })),
  };
}

/** Histograms of annual loss (share of simulated years per loss band) on shared bands. */
export function histogramOption(
  series: readonly CurveSeries[],
  currency: string,
  binCount = 24,
): ChartOption {
  const upper = histogramUpper(series.map((s) => s.curve));
  const histograms = series.map((s) => histogramFromExceedance(s.curve, upper, binCount));
  const bands = histograms[0]?.bins ?? [];
  return {
    animation: false,
    grid,
    legend: { top: 0, right: 0, textStyle: axisText },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value) => (typeof value === 'number' ? formatPercent(value) : String(value)),
    },
    xAxis: {
      type: 'category',
      data: [
        ...bands.map((bin) => formatMoney(bin.from, currency, true)),
        `≥ ${formatMoney(upper, currency, true)}`,
      ],
      name: 'Annual loss (from)',
      nameLocation: 'middle',
      nameGap: 28,
      nameTextStyle: axisText,
      axisLabel: axisText,
    },
    yAxis: {
      type: 'value',
      name: 'Share of years',
      nameTextStyle: { ...axisText, align: 'left' },
      axisLabel: {
        ...axisText,
        formatter: (value: number) => `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`,
      },
      splitLine: { lineStyle: { color: '#eceef0' } },
    },
    series: series.map((s, index) => ({
      type: 'bar',
      name: s.name,
      barGap: '5%',
      itemStyle: { color: s.colour, opacity: 0.85 },
      data: [...(histograms[index]?.bins.map((bin) => bin.probability) ?? []), histograms[index]?.tail ?? 0],
    })),
  };
}

/** Scores of a risk's assessments over time (inherent and residual), against the matrix's thresholds. */
export function trendOption(assessments: readonly Assessment[], matrix: RiskMatrix): ChartOption {
  const oldestFirst = [...assessments].reverse();
  const line = (kind: Assessment['kind'], colour: string, name: string) => ({
    type: 'line' as const,
    name,
    step: 'end' as const,
    symbolSize: 7,
    lineStyle: { width: 2, color: colour },
    itemStyle: { color: colour },
    data: oldestFirst.filter((a) => a.kind === kind).map((a) => [a.assessedAt, a.score]),
  });
  const threshold = (value: number, colour: string, label: string) => ({
    yAxis: value,
    lineStyle: { color: colour, type: 'dashed' as const },
    label: { formatter: label, color: colour, position: 'insideStartTop' as const, fontSize: 10 },
  });
  return {
    animation: false,
    grid: { ...grid, left: 36, bottom: 28 },
    legend: { top: 0, right: 0, textStyle: axisText },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'time',
      axisLabel: {
        ...axisText,
        hideOverlap: true,
        formatter: (value: number) => dayFormat.format(new Date(value)),
      },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: matrix.size * matrix.size,
      axisLabel: axisText,
      splitLine: { lineStyle: { color: '#eceef0' } },
    },
    series: [
      {
        ...line('inherent', chartColours.inherent, 'Inherent'),
        markLine: {
          silent: true,
          symbol: 'none',
          data: [
            threshold(matrix.appetiteScore, chartColours.appetite, 'Appetite'),
            threshold(matrix.toleranceScore, chartColours.tolerance, 'Tolerance'),
          ],
        },
      },
      line('residual', chartColours.residual, 'Residual'),
    ],
  };
}
