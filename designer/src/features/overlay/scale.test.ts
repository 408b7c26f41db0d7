import { describe, expect, it } from 'vitest';
import type { NodeTimingRow } from '../../api/contracts';
import {
  borderOf, colourAt, durationLabel, metricValue, niceCeil, noDataColour, overdueRate, overlayDecorations, overlayScale, percent,
  rankedRows, rowTooltip, tickLabel, workingDayHours,
} from './scale';

const labels = {
  hours: 'h', days: 'wd', visits: 'visits', completed: 'done', open: 'open', avg: 'avg', median: 'med', p90: 'p90', max: 'max',
  onTime: 'on time', early: 'early', overdue: 'late',
};

function row(nodeId: string, medianHours: number, p90Hours: number, overdue: number, visits = 100): NodeTimingRow {
  return {
    powerCode: 'XK00301001', nodeId, nodeName: `环节 ${nodeId}`, visits, completed: visits - 5, open: 5,
    avgWorkingHours: medianHours * 1.1, medianWorkingHours: medianHours, p90WorkingHours: p90Hours, maxWorkingHours: p90Hours * 2,
    medianWorkingDays: medianHours / 8, p90WorkingDays: p90Hours / 8, onTimeRate: 0.9, earlyRate: 0.4, overdue,
  };
}

describe('colour ramp', () => {
  it('runs from pale green through amber to red and clamps outside 0..1', () => {
    expect(colourAt(0)).toBe('#e8f5e9');
    expect(colourAt(0.5)).toBe('#ffe082');
    expect(colourAt(1)).toBe('#ef7373');
    expect(colourAt(-3)).toBe(colourAt(0));
    expect(colourAt(7)).toBe(colourAt(1));
    expect(colourAt(Number.NaN)).toBe(colourAt(0));
  });

  it('interpolates between stops, each channel moving monotonically towards red', () => {
    const reds = [0, 0.25, 0.5].map((t) => parseInt(colourAt(t).slice(1, 3), 16));
    expect(reds[0]).toBeLessThan(reds[1]);
    expect(reds[1]).toBeLessThan(reds[2]);
    const blues = [0, 0.25, 0.5, 0.75].map((t) => parseInt(colourAt(t).slice(5, 7), 16));
    expect([...blues].sort((a, b) => b - a)).toEqual(blues);
    expect(colourAt(0.25)).toBe('#f4ebb6'); // halfway between #e8f5e9 and #ffe082
  });

  it('draws borders darker than their fill', () => {
    const fill = parseInt(colourAt(0.8).slice(1, 3), 16);
    expect(parseInt(borderOf(0.8).slice(1, 3), 16)).toBeLessThan(fill);
  });
});

describe('scale', () => {
  it('rounds the top of the domain up to 1, 2, 2.5 or 5 × 10^k', () => {
    expect([0.07, 0.1, 0.13, 3, 21, 24.9, 26, 480, 0].map(niceCeil)).toEqual([0.1, 0.1, 0.2, 5, 25, 25, 50, 500, 1]);
  });

  it('spans time metrics from 0 to the slowest node, rounded in working days, so the slowest is the reddest', () => {
    const rows = [row('a', 4, 10, 0), row('b', 19, 44, 3), row('c', 1, 3, 0)]; // 8-hour days in these rows
    const median = overlayScale(rows, 'median');
    expect(median.hoursPerDay).toBe(8);
    expect(median.max).toBe(20); // 19 h = 2.4 wd → 2.5 wd
    expect(median.ticks).toEqual([0, 10, 20]);
    expect(median.position(19)).toBeCloseTo(0.95);
    expect(median.position(50)).toBe(1);
    expect(overlayScale(rows, 'p90').max).toBe(80); // 44 h = 5.5 wd → 10 wd
    expect(overlayScale(rows, 'p90').ticks.map((v) => tickLabel(v, overlayScale(rows, 'p90'), labels))).toEqual(['0 h', '5 wd', '10 wd']);
  });

  it('stays in hours below a working day, and when the rows do not say how long a day is', () => {
    const quick = [row('a', 2, 5, 0), row('b', 1, 3, 0)];
    expect(overlayScale(quick, 'p90').max).toBe(5);
    expect(overlayScale(quick, 'p90').ticks.map((v) => tickLabel(v, overlayScale(quick, 'p90'), labels))).toEqual(['0 h', '2.5 h', '5 h']);
    const noDays = [{ ...row('a', 30, 40, 0), medianWorkingDays: null, p90WorkingDays: null }];
    expect(workingDayHours(noDays)).toBeNull();
    expect(overlayScale(noDays, 'p90').max).toBe(50);
    expect(workingDayHours([{ ...row('a', 0, 14, 0), medianWorkingHours: null, p90WorkingDays: 2 }])).toBe(7);
  });

  it('spans the overdue rate to its highest value, but never less than 10 %', () => {
    expect(overlayScale([row('a', 1, 2, 1), row('b', 1, 2, 2)], 'overdue').max).toBe(0.1);
    expect(overlayScale([row('a', 1, 2, 30), row('b', 1, 2, 2)], 'overdue').max).toBe(0.5);
    expect(overlayScale([row('a', 1, 2, 100)], 'overdue').max).toBe(1);
  });

  it('reads the overdue rate as overdue visits over all visits, and has none without visits', () => {
    expect(overdueRate({ overdue: 3, visits: 12 })).toBe(0.25);
    expect(overdueRate({ overdue: 0, visits: 0 })).toBeNull();
    expect(metricValue(row('a', 5, 9, 50, 200), 'overdue')).toBe(0.25);
    expect(metricValue({ ...row('a', 5, 9, 0), medianWorkingHours: null as unknown as number }, 'median')).toBeNull();
  });
});

describe('decorations and labels', () => {
  it('colours nodes with figures, greys timed nodes without, and puts every figure in the hover text', () => {
    const rows = [row('accept', 2, 6, 1), row('fire-review', 20, 38, 12)];
    const d = overlayDecorations(rows, 'median', ['accept', 'fire-review', 'consolidate'], labels, 'no data');
    expect(d.accept.style).toEqual({ background: colourAt(0.1), borderColor: borderOf(0.1) });
    expect(d['fire-review'].style?.background).toBe(colourAt(1));
    expect(d.consolidate).toEqual({ style: { background: noDataColour, borderColor: '#b0bec5' }, title: 'no data' });
    expect(d['fire-review'].badge).toBe('med 2.5 wd');
    expect(d.accept.badge).toBe('med 2 h');
    const tip = d['fire-review'].title!.split('\n');
    expect(tip[0]).toBe('环节 fire-review (fire-review)');
    expect(tip).toContain('late 12 (12%)');
    expect(tip).toContain('on time 90% · early 40%');
  });

  it('badges the overdue rate as a percentage when colouring by it', () => {
    const d = overlayDecorations([row('a', 1, 2, 7, 40)], 'overdue', [], labels, '');
    expect(d.a.badge).toBe('late 17.5%');
  });

  it('formats durations in hours below a working day and rates without a value as a dash', () => {
    expect(durationLabel(3.46, 0.43, labels)).toBe('3.5 h');
    expect(durationLabel(17, 2.125, labels)).toBe('2.1 wd');
    expect(durationLabel(17, null, labels)).toBe('17 h');
    expect(percent(null)).toBe('—');
    expect(percent(0.1234)).toBe('12.3%');
    expect(tickLabel(0.05, { metric: 'overdue', hoursPerDay: 8 }, labels)).toBe('5%');
    expect(tickLabel(12.5, { metric: 'p90', hoursPerDay: null }, labels)).toBe('12.5 h');
    expect(tickLabel(12, { metric: 'p90', hoursPerDay: 8 }, labels)).toBe('1.5 wd');
    expect(rowTooltip({ ...row('x', 1, 2, 0), onTimeRate: null, earlyRate: null }, labels)).toContain('on time — · early —');
    expect(rowTooltip({ ...row('x', 16, 24, 0), avgWorkingDays: 2, maxWorkingDays: 6 }, labels)).toContain('p90 3 wd · max 6 wd');
  });

  it('ranks the worst node first by the chosen metric, rows without a figure last', () => {
    const rows = [row('a', 5, 50, 0), row('b', 9, 10, 40), { ...row('c', 1, 1, 0, 0) }];
    expect(rankedRows(rows, 'median').map((r) => r.nodeId)).toEqual(['b', 'a', 'c']);
    expect(rankedRows(rows, 'p90').map((r) => r.nodeId)).toEqual(['a', 'b', 'c']);
    expect(rankedRows(rows, 'overdue').map((r) => r.nodeId)).toEqual(['b', 'a', 'c']);
  });

  it('shows a dash, not zero, for the figures the API leaves null (no completed visit in the window)', () => {
    const open = { ...row('x', 0, 0, 1, 3), completed: 0, open: 3, avgWorkingHours: null, medianWorkingHours: null, p90WorkingHours: null,
      maxWorkingHours: null, medianWorkingDays: null, p90WorkingDays: null, onTimeRate: null, earlyRate: null };
    expect(durationLabel(null, null, labels)).toBe('—');
    expect(metricValue(open, 'median')).toBeNull();
    expect(metricValue(open, 'overdue')).toBeCloseTo(1 / 3);
    const d = overlayDecorations([open, row('y', 8, 16, 0)], 'p90', [], labels, 'no data');
    expect(d.x.style?.background).toBe(noDataColour);
    expect(d.x.badge).toBe('p90 —');
    expect(d.x.title).toContain('avg — · med —');
  });
});
