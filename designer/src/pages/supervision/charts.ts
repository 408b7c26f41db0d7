// echarts with only the parts the supervisor pages draw (bars, a line, axes, tooltip, legend, zoom, canvas), loaded
// by EChart.tsx with a dynamic import so neither the editor's bundle nor the supervision page waits for it.
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export { init };
