// The node-timing chart's echarts option, built from node-timing rows without touching echarts itself (types only),
// so it is unit-tested in node and echarts stays in the lazily loaded chunk.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { DataZoomComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { overdueRate, percent, type TimingRow } from '../../features/overlay/scale';

export type TimingChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | DataZoomComponentOption
>;

export interface TimingChartLabels {
  median: string;
  p90: string;
  overdueRate: string;
  days: string;
  hours: string;
  visits: string;
}

/** Working days unless every p90 is under a day, when hours say more. */
export function chartUnit(rows: Pick<TimingRow, 'p90WorkingDays'>[]): 'days' | 'hours' {
  return rows.some((r) => (r.p90WorkingDays ?? 0) >= 1) ? 'days' : 'hours';
}

function round2(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 100) / 100 : null;
}

/** Slowest step first (by p90), where the eye starts reading. */
export function chartRows<R extends Pick<TimingRow, 'p90WorkingHours'>>(rows: R[]): R[] {
  return [...rows].sort((a, b) => (b.p90WorkingHours ?? 0) - (a.p90WorkingHours ?? 0));
}

/**
 * Median and p90 working time per node as bars (left axis) and the overdue rate as a line (right axis, %). A box
 * plot would need quartiles the API does not give; median and p90 side by side show the same spread that matters.
 */
export function timingChartOption(rows: TimingRow[], labels: TimingChartLabels): TimingChartOption {
  const ordered = chartRows(rows);
  const unit = chartUnit(ordered);
  const time = (r: TimingRow, which: 'median' | 'p90') =>
    round2(unit === 'days' ? (which === 'median' ? r.medianWorkingDays : r.p90WorkingDays) : which === 'median' ? r.medianWorkingHours : r.p90WorkingHours);
  const unitLabel = unit === 'days' ? labels.days : labels.hours;
  const rate = (r: TimingRow) => {
    const v = overdueRate(r);
    return v === null ? null : Math.round(v * 1000) / 10;
  };
  return {
    animation: false,
    grid: { left: 56, right: 56, top: 48, bottom: ordered.length > 8 ? 110 : 70 },
    legend: { top: 8, data: [labels.median, labels.p90, labels.overdueRate] },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: unknown) => {
        const first = (Array.isArray(params) ? params[0] : params) as { dataIndex: number } | undefined;
        const r = first ? ordered[first.dataIndex] : undefined;
        if (!r) return '';
        return [
          `<b>${escapeHtml(r.nodeName)}</b> (${escapeHtml(r.nodeId)})`,
          `${labels.visits}: ${r.visits}`,
          `${labels.median}: ${time(r, 'median') ?? '—'} ${unitLabel}`,
          `${labels.p90}: ${time(r, 'p90') ?? '—'} ${unitLabel}`,
          `${labels.overdueRate}: ${percent(overdueRate(r))} (${r.overdue})`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: ordered.map((r) => r.nodeName),
      axisLabel: { interval: 0, rotate: ordered.length > 6 ? 30 : 0, width: 120, overflow: 'truncate' },
    },
    yAxis: [
      { type: 'value', name: unitLabel, min: 0 },
      { type: 'value', name: labels.overdueRate, min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    dataZoom: ordered.length > 15 ? [{ type: 'slider', bottom: 10, startValue: 0, endValue: 14 }] : [],
    series: [
      { name: labels.median, type: 'bar', data: ordered.map((r) => time(r, 'median')), itemStyle: { color: '#5b8ff9' } },
      { name: labels.p90, type: 'bar', data: ordered.map((r) => time(r, 'p90')), itemStyle: { color: '#f6bd16' } },
      { name: labels.overdueRate, type: 'line', yAxisIndex: 1, data: ordered.map(rate), itemStyle: { color: '#e8684a' }, symbolSize: 8 },
    ],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
