import { describe, expect, it } from 'vitest';
import type { Simulation } from '../../api/contracts';
import { catalogDefinition } from '../../../test/catalog';
import {
  latenessOf, officeToday, pathForks, pathWarnings, shortWallClock, simulationDecorations, simulationRows, validChoices, wallClock,
} from './simulation';

const labels = { starts: 'S', due: 'D', limit: 'L', pastPromised: 'PP', pastLegal: 'PL' };

// Shaped like the server's answer for 施工许可 accepted on 2026-09-30 (times in the calendar's +08:00).
function answer(overrides: Partial<Simulation> = {}): Simulation {
  const limit = (value: number) => ({ value, unit: '工作日', text: `${value} 工作日` });
  return {
    acceptedOn: '2026-09-30',
    promisedDue: '2026-10-20T17:30:00+08:00',
    legalDue: '2026-12-02T17:30:00+08:00',
    promisedLimit: limit(10),
    legalLimit: limit(45),
    nodes: [
      { nodeId: 'start', name: '申请', startsAt: '2026-09-30T09:00:00+08:00', dueAt: '2026-09-30T09:00:00+08:00', limit: null, branch: null },
      { nodeId: 'joint-review', name: '并联审查', startsAt: '2026-09-30T09:00:00+08:00', dueAt: '2026-10-16T17:30:00+08:00', limit: limit(7), branch: null },
      { nodeId: 'fire-review', name: '消防设计审查', startsAt: '2026-09-30T09:00:00+08:00', dueAt: '2026-10-14T17:30:00+08:00', limit: limit(5), branch: 'fire' },
      { nodeId: 'consolidate', name: '牵头部门汇总决定', startsAt: '2026-10-16T17:30:00+08:00', dueAt: '2026-10-21T17:30:00+08:00', limit: limit(1), branch: null },
      { nodeId: 'certify', name: '统一出件', startsAt: '2026-10-21T17:30:00+08:00', dueAt: '2026-12-03T09:30:00+08:00', limit: limit(30), branch: null },
    ],
    pathExceedsPromised: true,
    pathExceedsLegal: false,
    problems: [],
    ...overrides,
  };
}

describe('path forks', () => {
  it('lists the top-level nodes several flows leave, with the outcome the server takes as the choice', () => {
    const forks = pathForks(catalogDefinition('XK00301001'));
    expect(forks.map((f) => f.nodeId)).toEqual(['accept', 'joint-review', 'consolidate']);
    const accept = forks[0];
    expect(accept.options.map((o) => o.value)).toEqual(['受理', '不予受理', '补正']);
    expect(accept.options[1]).toMatchObject({ outcome: '不予受理', targetId: 'notify-not-accepted', targetName: '出具不予受理通知书' });
  });

  it('offers the target node id where a flow has no outcome (a condition or the default flow)', () => {
    const forks = pathForks({
      nodes: [
        { id: 'd', kind: 'decision', name: '金额判断' },
        { id: 'big', kind: 'task', name: '集体讨论' },
        { id: 'small', kind: 'task', name: '负责人决定' },
        { id: 'lone', kind: 'task', name: '单出口' },
      ],
      flows: [
        { from: 'd', to: 'big', when: 'data.amount > 100000' },
        { from: 'd', to: 'small', default: true },
        { from: 'lone', to: 'big' },
      ],
    });
    expect(forks).toHaveLength(1);
    expect(forks[0].options).toEqual([
      { value: 'big', outcome: null, targetId: 'big', targetName: '集体讨论', condition: 'data.amount > 100000', isDefault: false },
      { value: 'small', outcome: null, targetId: 'small', targetName: '负责人决定', condition: null, isDefault: true },
    ]);
  });

  it('drops choices for forks or options the document no longer has', () => {
    const forks = pathForks(catalogDefinition('XK00301001'));
    expect(validChoices(forks, { accept: '补正', consolidate: '删掉的结果', gone: 'x', 'joint-review': '' }))
      .toEqual({ accept: '补正' });
  });
});

describe('simulation result', () => {
  it('reads the office wall clock from the server text whatever the browser time zone', () => {
    expect(wallClock('2026-10-09T17:30:00+08:00')).toBe('2026-10-09 17:30');
    expect(shortWallClock('2026-10-09T17:30:00+08:00')).toBe('10-09 17:30');
    expect(wallClock('not a date')).toBe('not a date');
  });

  it('places each due moment against the promised and legal due dates, comparing instants not text', () => {
    const s = answer();
    expect(latenessOf('2026-10-20T17:30:00+08:00', s)).toBe('ok'); // exactly on the promise is on time
    expect(latenessOf('2026-10-21T09:00:00+08:00', s)).toBe('past-promised');
    expect(latenessOf('2026-12-02T09:31:00Z', s)).toBe('past-legal'); // 17:31 in the office
    expect(latenessOf('2026-12-02T09:29:00Z', s)).toBe('past-promised');
  });

  it('maps every simulated node to a row with its branch, wall-clock dates, limit text and lateness', () => {
    const rows = simulationRows(answer());
    expect(rows.map((r) => [r.nodeId, r.branch, r.due, r.limit, r.lateness])).toEqual([
      ['start', null, '2026-09-30 09:00', null, 'ok'],
      ['joint-review', null, '2026-10-16 17:30', '7 工作日', 'ok'],
      ['fire-review', 'fire', '2026-10-14 17:30', '5 工作日', 'ok'],
      ['consolidate', null, '2026-10-21 17:30', '1 工作日', 'past-promised'],
      ['certify', null, '2026-12-03 09:30', '30 工作日', 'past-legal'],
    ]);
  });

  it('puts a due-date badge on every node of the path, coloured and explained when it runs late', () => {
    const decorations = simulationDecorations(answer(), labels);
    expect(Object.keys(decorations)).toEqual(['start', 'joint-review', 'fire-review', 'consolidate', 'certify']);
    expect(decorations['fire-review']).toEqual({ badge: '10-14 17:30', title: 'S 2026-09-30 09:00\nD 2026-10-14 17:30\nL 5 工作日', style: undefined });
    expect(decorations.consolidate.title).toContain('PP');
    expect(decorations.consolidate.style?.borderColor).toBe('#ef6c00');
    expect(decorations.certify.title?.split('\n').at(-1)).toBe('PL');
    expect(decorations.certify.style?.borderColor).toBe('#c62828');
  });

  it('warns about the legal limit before the promised one, and not at all on an on-time path', () => {
    expect(pathWarnings(answer())).toEqual(['promised']);
    expect(pathWarnings(answer({ pathExceedsLegal: true }))).toEqual(['legal', 'promised']);
    expect(pathWarnings(answer({ pathExceedsPromised: false }))).toEqual([]);
  });

  it('takes today in the office (UTC+8), so a late evening in Europe is already tomorrow in China', () => {
    expect(officeToday(new Date('2026-09-30T17:00:00Z'))).toBe('2026-10-01');
    expect(officeToday(new Date('2026-09-30T15:59:00Z'))).toBe('2026-09-30');
  });
});
