import { describe, expect, it } from 'vitest';
import type { DefinitionChange } from '../../api/contracts';
import { changeGroups, defaultPair, diffCounts, diffDecorations, flowEnds, nodeMarks, officeTime } from './diff';

const labels = { added: 'NEW', removed: 'GONE', changed: 'CHG', limit: 'LIMIT' };

// Worded as engine/Bpm.Definitions/Diffing writes them (施工许可 v1 → v2).
const changes: DefinitionChange[] = [
  { kind: 'changed', area: 'limits', key: 'promised', before: '10 工作日', after: '8 工作日', summary: 'promised time limit (承诺时限): 10 工作日 → 8 工作日' },
  { kind: 'added', area: 'node', key: 'archive', before: null, after: 'task 归档 …', summary: 'node added: archive (归档), task …' },
  { kind: 'changed', area: 'node', key: 'fire-review', before: '5 工作日', after: '7 工作日', summary: 'node fire-review (消防设计审查): limit 5 工作日 → 7 工作日' },
  { kind: 'changed', area: 'node', key: 'fire-review', before: 'B', after: 'A', summary: 'node fire-review (消防设计审查): risk B → A' },
  { kind: 'changed', area: 'node', key: 'joint-review', before: '(none)', after: '3 工作日', summary: 'node joint-review (并联审查): branch civil-defence silence (视为同意) 5 工作日 → 3 工作日' },
  { kind: 'changed', area: 'node', key: 'joint-review', before: 'permit-review → permit-approve', after: 'permit-review', summary: 'node joint-review (并联审查): branch permit steps permit-review → permit-approve → permit-review' },
  { kind: 'changed', area: 'node', key: 'consolidate', before: '负责人', after: '分管负责人', summary: 'node consolidate (牵头部门汇总决定): role 负责人 → 分管负责人' },
  { kind: 'removed', area: 'node', key: 'permit-approve', before: 'task …', after: null, summary: 'node removed: permit-approve (施工许可审核) in branch permit of joint-review' },
  { kind: 'added', area: 'flow', key: 'certify→archive', before: null, after: 'certify → archive', summary: 'flow added: certify → archive' },
  { kind: 'removed', area: 'flow', key: 'certify→granted', before: 'certify → granted', after: null, summary: 'flow removed: certify → granted' },
  { kind: 'changed', area: 'power', key: 'name', before: '旧', after: '新', summary: 'power name: 旧 → 新' },
  { kind: 'changed', area: 'supervision', key: 'name', before: 'a', after: 'b', summary: 'made-up clash of keys across areas' },
];

describe('node marks', () => {
  it('marks each node once: added or removed win, otherwise changed; limits, silence and durations count as time limits', () => {
    const marks = nodeMarks(changes);
    expect([...marks.keys()]).toEqual(['archive', 'fire-review', 'joint-review', 'consolidate', 'permit-approve']);
    expect(marks.get('archive')).toMatchObject({ mark: 'added', limitChanged: false });
    expect(marks.get('permit-approve')).toMatchObject({ mark: 'removed', limitChanged: false });
    expect(marks.get('fire-review')).toMatchObject({ mark: 'changed', limitChanged: true, limit: { before: '5 工作日', after: '7 工作日' } });
    expect(marks.get('fire-review')!.summaries).toHaveLength(2);
    expect(marks.get('joint-review')).toMatchObject({ mark: 'changed', limitChanged: true, limit: null });
    expect(marks.get('consolidate')).toMatchObject({ mark: 'changed', limitChanged: false });
  });

  it('a node whose id changes kind within one key (added after removed) ends up with the last of them', () => {
    const m = nodeMarks([
      { kind: 'changed', area: 'node', key: 'x', before: 'a', after: 'b', summary: 'node x: name a → b' },
      { kind: 'removed', area: 'node', key: 'x', before: 'a', after: null, summary: 'node removed: x' },
    ]);
    expect(m.get('x')!.mark).toBe('removed');
  });
});

describe('decorations', () => {
  it('colours nodes by class, badges moved limits with before → after and lists every server line on hover', () => {
    const d = diffDecorations(changes, labels);
    expect(d.archive).toEqual({ className: 'added', badge: 'NEW', title: 'node added: archive (归档), task …', style: undefined });
    expect(d['permit-approve'].className).toBe('removed');
    expect(d['permit-approve'].badge).toBe('GONE');
    expect(d['fire-review'].badge).toBe('LIMIT 5 工作日→7 工作日');
    expect(d['fire-review'].style).toEqual({ borderWidth: 3, borderStyle: 'dashed' });
    expect(d['fire-review'].title).toBe('node fire-review (消防设计审查): limit 5 工作日 → 7 工作日\nnode fire-review (消防设计审查): risk B → A');
    expect(d['joint-review'].badge).toBe('LIMIT');
    expect(d.consolidate).toMatchObject({ className: 'changed', badge: 'CHG', style: undefined });
    expect(Object.keys(d)).not.toContain('certify'); // a flow change marks no node
  });

  it('decorates nothing when the versions mean the same', () => {
    expect(diffDecorations([], labels)).toEqual({});
    expect(diffCounts([])).toEqual({ added: 0, removed: 0, changed: 0, limits: 0 });
  });
});

describe('change list', () => {
  it('groups lines by area and key in the server order, with unique test ids and the node each line points at', () => {
    const groups = changeGroups(changes);
    expect(groups.map((g) => [g.area, g.key, g.testId, g.mark, g.limitChanged, g.nodeId, g.summaries.length])).toEqual([
      ['limits', 'promised', 'diff-change-promised', 'changed', true, null, 1],
      ['node', 'archive', 'diff-change-archive', 'added', false, 'archive', 1],
      ['node', 'fire-review', 'diff-change-fire-review', 'changed', true, 'fire-review', 2],
      ['node', 'joint-review', 'diff-change-joint-review', 'changed', true, 'joint-review', 2],
      ['node', 'consolidate', 'diff-change-consolidate', 'changed', false, 'consolidate', 1],
      ['node', 'permit-approve', 'diff-change-permit-approve', 'removed', false, 'permit-approve', 1],
      ['flow', 'certify→archive', 'diff-change-certify→archive', 'added', false, 'certify', 1],
      ['flow', 'certify→granted', 'diff-change-certify→granted', 'removed', false, 'certify', 1],
      ['power', 'name', 'diff-change-name', 'changed', false, null, 1],
      ['supervision', 'name', 'diff-change-supervision-name', 'changed', false, null, 1],
    ]);
  });

  it('counts nodes per mark, and moved limits of nodes and of the case', () => {
    expect(diffCounts(changes)).toEqual({ added: 1, removed: 1, changed: 3, limits: 3 });
  });

  it('reads both ends of a flow key, with or without an outcome or a duplicate suffix', () => {
    expect(flowEnds('accept→joint-review[受理]')).toEqual(['accept', 'joint-review']);
    expect(flowEnds('certify→granted')).toEqual(['certify', 'granted']);
    expect(flowEnds('a→b[x]#2')).toEqual(['a', 'b']);
    expect(flowEnds('promised')).toBeNull();
  });
});

describe('versions', () => {
  it('compares the open version with the one before it, else the latest two', () => {
    expect(defaultPair([1, 2, 3], null)).toEqual({ from: 2, to: 3 });
    expect(defaultPair([3, 1, 2], 2)).toEqual({ from: 1, to: 2 });
    expect(defaultPair([1, 2, 3], 1)).toEqual({ from: 2, to: 3 }); // nothing before v1: the latest pair
    expect(defaultPair([4], 4)).toBeNull();
  });

  it('shows publication times in the office time zone', () => {
    expect(officeTime('2026-11-21T05:40:10.123+00:00')).toBe('2026-11-21 13:40');
    expect(officeTime('2026-12-31T20:00:00Z')).toBe('2027-01-01 04:00');
    expect(officeTime('later')).toBe('later');
  });
});

describe("the server's answer", () => {
  // GET /api/powers/XK00301001/diff?from=1&to=2 after publishing a v2 with a longer fire review, no 施工许可审核,
  // an 归档 step and a shorter promise (recorded from a running server).
  const recorded: DefinitionChange[] = [
    { kind: 'added', area: 'flow', key: 'archive→granted', before: null, after: 'archive→granted', summary: 'flow added: archive→granted' },
    { kind: 'added', area: 'flow', key: 'certify→archive', before: null, after: 'certify→archive', summary: 'flow added: certify→archive' },
    { kind: 'removed', area: 'flow', key: 'certify→granted', before: 'certify→granted', after: null, summary: 'flow removed: certify→granted' },
    { kind: 'changed', area: 'limits', key: 'promised', before: '10 工作日', after: '8 工作日', summary: 'promised time limit (承诺时限): 10 工作日 → 8 工作日' },
    { kind: 'added', area: 'node', key: 'archive', before: null, after: 'task 归档 (县住房和城乡建设局, 档案员, limit 2 工作日)', summary: 'node added: archive (归档), task 归档 (县住房和城乡建设局, 档案员, limit 2 工作日)' },
    { kind: 'changed', area: 'node', key: 'consolidate', before: '负责人', after: '分管负责人', summary: 'node consolidate (牵头部门汇总决定): role 负责人 → 分管负责人' },
    { kind: 'changed', area: 'node', key: 'fire-review', before: '5 工作日', after: '7 工作日', summary: 'node fire-review (消防设计审查): limit 5 工作日 → 7 工作日' },
    { kind: 'changed', area: 'node', key: 'joint-review', before: 'permit-review → permit-approve', after: 'permit-review', summary: 'node joint-review (并联审查): branch permit steps permit-review → permit-approve → permit-review' },
    { kind: 'removed', area: 'node', key: 'permit-approve', before: 'task 施工许可审核 (县住房和城乡建设局, 分管负责人, limit 1 工作日, risk A)', after: null, summary: 'node removed: permit-approve (施工许可审核) in branch permit of joint-review' },
  ];

  it('marks the added, removed and changed steps and the moved limit', () => {
    const d = diffDecorations(recorded, labels);
    expect(Object.fromEntries(Object.entries(d).map(([id, x]) => [id, [x.className, x.badge]]))).toEqual({
      archive: ['added', 'NEW'],
      consolidate: ['changed', 'CHG'],
      'fire-review': ['changed', 'LIMIT 5 工作日→7 工作日'],
      'joint-review': ['changed', 'CHG'],
      'permit-approve': ['removed', 'GONE'],
    });
    expect(diffCounts(recorded)).toEqual({ added: 1, removed: 1, changed: 3, limits: 2 });
    expect(changeGroups(recorded).map((g) => g.testId)).toEqual([
      'diff-change-archive→granted', 'diff-change-certify→archive', 'diff-change-certify→granted', 'diff-change-promised',
      'diff-change-archive', 'diff-change-consolidate', 'diff-change-fire-review', 'diff-change-joint-review', 'diff-change-permit-approve',
    ]);
  });
});
