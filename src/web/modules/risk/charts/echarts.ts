// ECharts' core and SVG renderer; the chart types and components load beside it as another chunk,
// so that neither chunk is oversized. Only the parts the risk pages draw are included.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/** ECharts' `init`, with everything the risk charts need registered. */
export async function loadECharts(): Promise<typeof init> {
  const { parts } = await import('./echarts-parts.js');
  use([...parts, SVGRenderer]);
  return init;
}

/** The options the risk charts may use. */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
>;
