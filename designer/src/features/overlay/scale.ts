// Pure colour scale and mapping for the timing overlay: node-timing rows from the supervision API → node colours,
// badges, hover text and the legend that explains them.
import type { NodeTimingRow } from '../../api/contracts';
import type { NodeDecoration } from '../../shell/registry';

export type OverlayMetric = 'median' | 'p90' | 'overdue';
export const overlayMetrics: readonly OverlayMetric[] = ['median', 'p90', 'overdue'];

type Figure = number | null | undefined;
/**
 * A node-timing row as the supervision API really sends it: times and rates are null when the node has no completed
 * visit in the window (rates 0..1), so every figure here may be missing.
 */
export type TimingRow = Omit<NodeTimingRow, 'avgWorkingHours' | 'medianWorkingHours' | 'p90WorkingHours' | 'maxWorkingHours'
  | 'medianWorkingDays' | 'p90WorkingDays' | 'onTimeRate' | 'earlyRate'> & {
  avgWorkingHours: Figure; medianWorkingHours: Figure; p90WorkingHours: Figure; maxWorkingHours: Figure;
  medianWorkingDays: Figure; p90WorkingDays: Figure; onTimeRate: Figure; earlyRate: Figure;
  /** In the analytics branch's answer, not in the first contract: read when present. */
  avgWorkingDays?: Figure; maxWorkingDays?: Figure;
};
type Row = TimingRow;

export interface TimingReport {
  rows: TimingRow[];
  percentileMethod: string;
}

/** Share of a node's visits that went (or are) past their due time; null without visits. */
export function overdueRate(row: Pick<Row, 'overdue' | 'visits'>): number | null {
  return row.visits > 0 ? row.overdue / row.visits : null;
}

/** The figure a metric colours by: working hours for the time metrics, a 0..1 share for the overdue rate. */
export function metricValue(row: Row, metric: OverlayMetric): number | null {
  const v = metric === 'median' ? row.medianWorkingHours : metric === 'p90' ? row.p90WorkingHours : overdueRate(row);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** 1, 2, 2.5, 5 × 10^k at or above x: legend ticks read as round numbers. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x - 1e-12) return m * p;
  return 10 * p;
}

// Light enough for the node's dark text at every step: pale green (quick, rarely late) → amber → red (slow, often late).
const stops = [
  { at: 0, rgb: [232, 245, 233] },
  { at: 0.5, rgb: [255, 224, 130] },
  { at: 1, rgb: [239, 115, 115] },
] as const;
export const noDataColour = '#eceff1';

function hex(rgb: readonly number[]): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** The ramp colour at t in 0..1 (clamped), interpolated linearly between the stops. */
export function colourAt(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  for (let i = 1; i < stops.length; i++) {
    const a = stops[i - 1];
    const b = stops[i];
    if (x <= b.at) {
      const f = (x - a.at) / (b.at - a.at);
      return hex(a.rgb.map((c, k) => c + (b.rgb[k] - c) * f));
    }
  }
  return hex(stops[stops.length - 1].rgb);
}

/** A darker border of the same hue, so neighbouring boxes of close colours stay apart. */
export function borderOf(t: number): string {
  const fill = colourAt(t);
  const rgb = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16) * 0.7);
  return hex(rgb);
}

/** CSS gradient of the whole ramp, for the legend bar. */
export function rampGradient(): string {
  return `linear-gradient(to right, ${stops.map((s) => `${hex(s.rgb)} ${s.at * 100}%`).join(', ')})`;
}

export interface OverlayScale {
  metric: OverlayMetric;
  /** Working hours in one working day as the API counts them (hours ÷ days of its rows), null when it cannot tell. */
  hoursPerDay: number | null;
  /** 0 → the top of the domain (rounded up); a value at or over the top gets the reddest colour. */
  max: number;
  ticks: number[];
  position: (value: number) => number;
}

/**
 * Time metrics run from 0 to the slowest node (rounded up), so the slowest step is the reddest; the overdue rate
 * from 0 to its highest value but never less than 10 %, so a few late visits across the board do not paint it red.
 */
export function overlayScale(rows: Row[], metric: OverlayMetric): OverlayScale {
  const values = rows.map((r) => metricValue(r, metric)).filter((v): v is number => v !== null);
  const top = values.length ? Math.max(...values) : 0;
  const hoursPerDay = workingDayHours(rows);
  let max: number;
  if (metric === 'overdue') max = Math.min(1, niceCeil(Math.max(top, 0.1)));
  // A day or more: round the top in working days, so the legend reads "0 · 5 · 10 工作日" like the badges.
  else if (hoursPerDay !== null && top >= hoursPerDay) max = niceCeil(top / hoursPerDay) * hoursPerDay;
  else max = niceCeil(top);
  return { metric, hoursPerDay, max, ticks: [0, max / 2, max], position: (v) => Math.min(1, Math.max(0, v / max)) };
}

/** The length of a working day in hours, read off the rows (the API gives each median in hours and in days). */
export function workingDayHours(rows: Row[]): number | null {
  for (const r of rows) {
    const h = r.medianWorkingHours ?? r.p90WorkingHours;
    const d = r.medianWorkingHours != null ? r.medianWorkingDays : r.p90WorkingDays;
    if (typeof h === 'number' && typeof d === 'number' && h > 0 && d > 0) return Math.round((h / d) * 100) / 100;
  }
  return null;
}

/** "3.5 小时" below one working day's worth, else "2.1 工作日" (the API gives both); "—" without a figure. */
export function durationLabel(hours: Figure, days: Figure, units: { hours: string; days: string }): string {
  if (typeof hours !== 'number' || !Number.isFinite(hours)) return '—';
  if (days === null || days === undefined || !Number.isFinite(days) || days < 1) return `${round1(hours)} ${units.hours}`;
  return `${round1(days)} ${units.days}`;
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

function round1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

export interface OverlayLabels {
  hours: string;
  days: string;
  visits: string;
  completed: string;
  open: string;
  avg: string;
  median: string;
  p90: string;
  max: string;
  onTime: string;
  early: string;
  overdue: string;
}

/** A tick of the legend, in the metric's unit. */
export function tickLabel(value: number, scale: Pick<OverlayScale, 'metric' | 'hoursPerDay'>, labels: Pick<OverlayLabels, 'hours' | 'days'>): string {
  if (scale.metric === 'overdue') return percent(value);
  return durationLabel(value, scale.hoursPerDay ? value / scale.hoursPerDay : null, labels);
}

/** Hover text: every figure the API has for the node. */
export function rowTooltip(row: Row, labels: OverlayLabels): string {
  const d = (h: Figure, days: Figure) => durationLabel(h, days, labels);
  return [
    `${row.nodeName} (${row.nodeId})`,
    `${labels.visits} ${row.visits} · ${labels.completed} ${row.completed} · ${labels.open} ${row.open}`,
    `${labels.avg} ${d(row.avgWorkingHours, row.avgWorkingDays)} · ${labels.median} ${d(row.medianWorkingHours, row.medianWorkingDays)}`,
    `${labels.p90} ${d(row.p90WorkingHours, row.p90WorkingDays)} · ${labels.max} ${d(row.maxWorkingHours, row.maxWorkingDays)}`,
    `${labels.onTime} ${percent(row.onTimeRate)} · ${labels.early} ${percent(row.earlyRate)}`,
    `${labels.overdue} ${row.overdue} (${percent(overdueRate(row))})`,
  ].join('\n');
}

/** The badge: the coloured figure itself, short. */
export function rowBadge(row: Row, metric: OverlayMetric, labels: OverlayLabels): string {
  if (metric === 'overdue') return `${labels.overdue} ${percent(overdueRate(row))}`;
  const label = metric === 'median' ? labels.median : labels.p90;
  return metric === 'median'
    ? `${label} ${durationLabel(row.medianWorkingHours, row.medianWorkingDays, labels)}`
    : `${label} ${durationLabel(row.p90WorkingHours, row.p90WorkingDays, labels)}`;
}

/** Colour, badge and hover figures for every node with a row; nodes of the document without one are greyed. */
export function overlayDecorations(rows: Row[], metric: OverlayMetric, nodeIds: string[], labels: OverlayLabels, noData: string)
  : Record<string, NodeDecoration> {
  const scale = overlayScale(rows, metric);
  const out: Record<string, NodeDecoration> = {};
  for (const id of nodeIds) out[id] = { style: { background: noDataColour, borderColor: '#b0bec5' }, title: noData };
  for (const row of rows) {
    const v = metricValue(row, metric);
    const t = v === null ? null : scale.position(v);
    out[row.nodeId] = {
      style: t === null ? { background: noDataColour, borderColor: '#b0bec5' } : { background: colourAt(t), borderColor: borderOf(t) },
      badge: rowBadge(row, metric, labels),
      title: rowTooltip(row, labels),
    };
  }
  return out;
}

/** Rows for the panel's table, worst first by the chosen metric (no data last). */
export function rankedRows<R extends Row>(rows: R[], metric: OverlayMetric): R[] {
  return [...rows].sort((a, b) => (metricValue(b, metric) ?? -1) - (metricValue(a, metric) ?? -1));
}
