import { Box } from '@mantine/core';
import { useEffect, useRef } from 'react';

/**
 * A horizontal bar chart of shares (0..1) by name. ECharts is loaded on first use so the rest of
 * the app does not carry it.
 */
export function RateChart({ label, bars }: { label: string; bars: { name: string; value: number }[] }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    void import('./echarts-bar.js').then(({ init }) => {
      if (disposed || !element.current) return;
      const chart = init(element.current, undefined, { renderer: 'svg' });
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        tooltip: {
          trigger: 'axis',
          valueFormatter: (value: unknown) => `${Math.round(Number(value) * 100)} %`,
        },
        xAxis: {
          type: 'value',
          max: 1,
          axisLabel: { formatter: (value: number) => `${Math.round(value * 100)} %` },
        },
        yAxis: { type: 'category', data: bars.map((bar) => bar.name), inverse: true },
        series: [
          { type: 'bar', name: label, data: bars.map((bar) => bar.value), itemStyle: { color: '#e8590c' } },
        ],
      });
      const onResize = () => chart.resize();
      window.addEventListener('resize', onResize);
      dispose = () => {
        window.removeEventListener('resize', onResize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [label, bars]);
  return <Box ref={element} h={Math.max(120, bars.length * 32 + 40)} role="img" aria-label={label} />;
}
