import { describe, expect, it } from 'vitest';
import type { NodeTimingRow } from '../../api/contracts';
import { ApiProblem } from '../../api/client';
import { translate } from '../../i18n';
import { countOf, dueText, lightKey, lightQueries, remaining } from './lightboard';
import { isMissingEndpoint, problemMessage } from './problems';
import { chartRows, chartUnit, timingChartOption } from './timingChart';

const labels = { median: 'Median', p90: 'P90', overdueRate: 'Overdue', days: 'wd', hours: 'h', visits: 'Visits' };

function row(nodeId: string, medianDays: number, p90Days: number, overdue: number, visits = 50): NodeTimingRow {
  return {
    powerCode: 'XK00301001', nodeId, nodeName: `<${nodeId}>`, visits, completed: visits, open: 0,
    avgWorkingHours: medianDays * 8, medianWorkingHours: medianDays * 8, p90WorkingHours: p90Days * 8, maxWorkingHours: p90Days * 16,
    medianWorkingDays: medianDays, p90WorkingDays: p90Days, onTimeRate: 0.8, earlyRate: 0.3, overdue,
  };
}

describe('light board', () => {
  it('reads both spellings of the red card and ignores unknown lights', () => {
    expect(lightKey('redCard')).toBe('red-card');
    expect(lightKey('red-card')).toBe('red-card');
    expect(lightKey('yellow')).toBe('yellow');
    expect(lightKey('purple')).toBeNull();
    const counts = { green: 120, yellow: 14, red: 6, redCard: 2, suspended: 9 };
    expect(countOf(counts, 'red-card')).toBe(2);
    expect(countOf(counts, 'suspended')).toBe(9);
    expect(countOf(undefined, 'green')).toBe(0);
  });

  it('asks for red cards then reds for the late list, one light otherwise', () => {
    expect(lightQueries('late')).toEqual(['red-card', 'red']);
    expect(lightQueries('yellow')).toEqual(['yellow']);
    expect(lightQueries('suspended')).toEqual(['suspended']);
  });

  it('says how much working time is left, or how late, to a tenth of an hour', () => {
    expect(remaining(5.26)).toEqual({ late: false, hours: 5.3 });
    expect(remaining(-17.04)).toEqual({ late: true, hours: 17 });
    expect(remaining(0)).toEqual({ late: false, hours: 0 });
    expect(remaining(null)).toBeNull(); // a step without a due time (e.g. a wait with no limit)
  });

  it('shows due moments on the office clock whatever offset they come with', () => {
    expect(dueText('2026-10-16T17:30:00+08:00')).toBe('2026-10-16 17:30');
    expect(dueText('2026-10-16T09:30:00Z')).toBe('2026-10-16 17:30');
    expect(dueText('2026-10-16T09:30:00.5+00:00')).toBe('2026-10-16 17:30');
    expect(dueText('soon')).toBe('soon');
    expect(dueText(null)).toBe('—');
  });
});

describe('problems', () => {
  const t = (k: string, v?: Record<string, string | number>) => translate('en', k, v);

  it("tells a route the server lacks (the generic not-found) from a thing it does not have", () => {
    expect(isMissingEndpoint(new ApiProblem(404, 'not-found', 'Not Found', undefined, null))).toBe(true);
    expect(isMissingEndpoint(new ApiProblem(404, undefined, 'Not Found', undefined, null))).toBe(true);
    expect(isMissingEndpoint(new ApiProblem(404, 'power-not-found', 'Not Found', 'no XK1', null))).toBe(false);
    expect(problemMessage(new ApiProblem(404, 'not-found', 'Not Found', undefined, null), t)).toMatch(/supervision/);
  });

  it('words sign-in, role and definition problems, and passes other details through with their code', () => {
    expect(problemMessage(new ApiProblem(403, 'forbidden', 'Forbidden', undefined, null), t)).toMatch(/role/);
    expect(problemMessage(new ApiProblem(401, 'unauthenticated', 'Unauthorized', undefined, null), t)).toMatch(/sign in/);
    expect(problemMessage(new ApiProblem(400, 'definition-invalid', 'The definition has errors', undefined, null), t)).toMatch(/problems list/);
    expect(problemMessage(new ApiProblem(400, 'bad-date', 'Bad Request', "acceptedOn 'x' is not a date", null), t))
      .toBe("Request failed: acceptedOn 'x' is not a date (bad-date)");
    expect(problemMessage(new TypeError('Failed to fetch'), t)).toBe('Request failed: Failed to fetch');
  });
});

describe('node-timing chart', () => {
  it('draws median and p90 bars and the overdue line per node, slowest p90 first, in working days', () => {
    const rows = [row('accept', 0.5, 1, 2), row('fire-review', 4, 9.5, 20), row('consolidate', 1, 2, 0, 0)];
    const option = timingChartOption(rows, labels);
    expect(chartUnit(rows)).toBe('days');
    expect((option.xAxis as { data: string[] }).data).toEqual(['<fire-review>', '<consolidate>', '<accept>']);
    const series = option.series as { name: string; type: string; data: (number | null)[]; yAxisIndex?: number }[];
    expect(series.map((s) => [s.name, s.type, s.yAxisIndex ?? 0])).toEqual([['Median', 'bar', 0], ['P90', 'bar', 0], ['Overdue', 'line', 1]]);
    expect(series[0].data).toEqual([4, 1, 0.5]);
    expect(series[1].data).toEqual([9.5, 2, 1]);
    expect(series[2].data).toEqual([40, null, 4]); // percent; no visits → no point
    expect((option.yAxis as { name: string }[])[0].name).toBe('wd');
  });

  it('switches to hours when every p90 is under a working day', () => {
    const rows = [row('a', 0.25, 0.5, 0), row('b', 0.1, 0.75, 0)];
    expect(chartUnit(rows)).toBe('hours');
    const option = timingChartOption(rows, labels);
    expect((option.series as { data: number[] }[])[1].data).toEqual([6, 4]);
    expect((option.yAxis as { name: string }[])[0].name).toBe('h');
  });

  it('lists every figure of the hovered node in the tooltip, with node names escaped', () => {
    const option = timingChartOption([row('x', 2, 3, 5, 20)], labels);
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([{ dataIndex: 0 }]);
    expect(html).toContain('<b>&#60;x&#62;</b> (x)');
    expect(html).toContain('Median: 2 wd');
    expect(html).toContain('Overdue: 25% (5)');
    expect(formatter([{ dataIndex: 7 }])).toBe('');
  });

  it('leaves gaps for nodes without completed visits instead of drawing zeros', () => {
    const open = { ...row('open', 0, 0, 2, 2), medianWorkingHours: null, p90WorkingHours: null, medianWorkingDays: null, p90WorkingDays: null };
    const option = timingChartOption([row('a', 2, 3, 0), open], labels);
    const series = option.series as { data: (number | null)[] }[];
    expect(series[0].data).toEqual([2, null]);
    expect(series[1].data).toEqual([3, null]);
    expect(series[2].data).toEqual([0, 100]);
  });

  it('adds a zoom slider only when the nodes would not fit', () => {
    const many = Array.from({ length: 20 }, (_, i) => row(`n${i}`, i, i + 1, 0));
    expect(timingChartOption(many, labels).dataZoom).toHaveLength(1);
    expect(timingChartOption(many.slice(0, 5), labels).dataZoom).toEqual([]);
    expect(chartRows(many)[0].nodeId).toBe('n19');
  });
});
