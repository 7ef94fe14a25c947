import { Box, Center, Loader } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { ChartOption } from './echarts.js';

type Instance = ReturnType<Awaited<ReturnType<(typeof import('./echarts.js'))['loadECharts']>>>;

/**
 * An ECharts chart (SVG), loaded on demand so pages without charts never fetch the library. The
 * chart follows its container's size; `label` describes it for screen readers.
 */
export function EChart({
  option,
  height = 280,
  label,
}: {
  option: ChartOption;
  height?: number;
  label: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<Instance | null>(null);
  const latest = useRef(option);
  const [ready, setReady] = useState(false);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    void import('./echarts.js')
      .then(({ loadECharts }) => loadECharts())
      .then((init) => {
        const element = container.current;
        if (disposed || !element) return;
        const instance = init(element, null, { renderer: 'svg' });
        instance.setOption(latest.current);
        chart.current = instance;
        observer = new ResizeObserver(() => instance.resize());
        observer.observe(element);
        setReady(true);
      });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <Box pos="relative" h={height} role="img" aria-label={label}>
      <div ref={container} style={{ width: '100%', height: '100%' }} />
      {ready ? null : (
        <Center pos="absolute" inset={0}>
          <Loader size="sm" type="dots" />
        </Center>
      )}
    </Box>
  );
}
