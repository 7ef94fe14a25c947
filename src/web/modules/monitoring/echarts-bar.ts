import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

// Loaded with import() by RateChart: one module with named imports, so the bundler keeps only
// the bar chart, its axes and tooltip, and the SVG renderer.
use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export { init };
