import { describe, expect, it } from 'vitest';
import type { Definition } from './dsl';
import { contentHash } from './hash';
import { fromTree, toTree, treeNodeItems, type SplitItem, type TreeItem } from './tree';
import { canInsertAfter, insertAfter, insertAtBranchStart, insertInLane, removeStep } from './ops';
import { catalog, catalogDefinition } from '../../test/catalog';

function treeOf(d: Definition) {
  const r = toTree(d);
  if (!r.ok) throw new Error(JSON.stringify(r.reasons));
  return r.tree;
}

const ids = (items: TreeItem[]) => items.map((i) => (i.type === 'node' ? i.node.id : `split(${i.from})`));

describe('DSL → 简易 tree → DSL', () => {
  it.each(catalog().map((c) => [c.file, c.definition] as const))('%s is tree-shaped and comes back unchanged', (_file, d) => {
    const tree = treeOf(d);
    const back = fromTree(tree, d);
    expect(contentHash(back)).toBe(contentHash(d));
    expect(back.nodes).toEqual(d.nodes);
    expect(back.flows).toEqual(d.flows);
    expect(back.layout).toEqual(d.layout);
    // every node appears exactly once
    expect(treeNodeItems(tree.items).map((i) => i.node.id).sort()).toEqual(d.nodes.map((n) => n.id).sort());
  });

  it('shows the 施工许可 joint review as a lane block inside the 受理 branch, with the 补正 loop on 一窗受理', () => {
    const tree = treeOf(catalogDefinition('XK00301001'));
    expect(ids(tree.items)).toEqual(['start', 'accept', 'split(accept)']);
    const accept = tree.items[1];
    expect(accept.type === 'node' && accept.loops.map((l) => l.flow.on)).toEqual(['补正']);
    const split = tree.items[2] as SplitItem;
    expect(split.branches.map((b) => b.flows.map((f) => f.flow.on))).toEqual([['受理'], ['不予受理']]);
    const accepted = split.branches[0];
    expect(ids(accepted.items)).toEqual(['joint-review', 'split(joint-review)', 'notify-rejection', 'refused']);
    const block = accepted.items[0];
    expect(block.type === 'node' && block.lanes!.map((l) => [l.branch.id, l.items.map((i) => i.node.id)])).toEqual([
      ['fire', ['fire-review']], ['civil-defence', ['civil-defence-review']], ['permit', ['permit-review', 'permit-approve']],
    ]);
    // 不同意 goes straight on to 送达不予许可决定书, which 不予 from 汇总决定 also reaches
    const review = accepted.items[1] as SplitItem;
    expect(review.branches.map((b) => [b.flows[0].flow.on, b.rejoins])).toEqual([['同意', true], ['不同意', true]]);
    expect(ids(split.branches[1].items)).toEqual(['notify-not-accepted', 'not-accepted']);
  });

  it('shows 退回 to an earlier step as a loop, not a branch, and joins outcomes leading to the same step', () => {
    const tree = treeOf(catalogDefinition('CF00301012'));
    const all = treeNodeItems(tree.items);
    const legal = all.find((i) => i.node.id === 'legal-review')!;
    expect(legal.loops.map((l) => [l.flow.on, l.flow.to])).toEqual([['退回', 'investigate']]);
    const investigate = tree.items.flatMap((i) => (i.type === 'split' ? i.branches : [])).flatMap((b) => b.items).find((i) => i.type === 'split' && i.from === 'investigate') as SplitItem;
    expect(investigate.branches[0].flows.map((f) => f.flow.on)).toEqual(['拟处罚', '拟不予处罚']);
  });

  it('explains why a graph is not tree-shaped', () => {
    const base = catalogDefinition('XK00211002');
    const noStart = { ...base, nodes: base.nodes.filter((n) => n.kind !== 'start') };
    const r1 = toTree(noStart);
    expect(r1.ok).toBe(false);
    expect(!r1.ok && r1.reasons.map((r) => r.key)).toContain('tree.reason.noStart');

    // a step reached from two branches that are not a join of the same split
    const d: Definition = {
      ...base,
      nodes: [
        { id: 's', kind: 'start', name: '申请' },
        { id: 'a', kind: 'task', name: 'A' }, { id: 'b', kind: 'task', name: 'B' },
        { id: 'x', kind: 'task', name: 'X' }, { id: 'y', kind: 'task', name: 'Y' },
        { id: 'e1', kind: 'end', name: 'E1' }, { id: 'e2', kind: 'end', name: 'E2' }, { id: 'orphan', kind: 'task', name: '孤立' },
      ],
      flows: [
        { from: 's', to: 'a' }, { from: 'a', to: 'x', on: '1' }, { from: 'a', to: 'b', on: '2' },
        { from: 'b', to: 'x', on: '1' }, { from: 'b', to: 'y', on: '2' }, { from: 'x', to: 'e1' }, { from: 'y', to: 'e2' },
        { from: 'x', to: 'y', on: '3' },
      ],
      layout: undefined,
    };
    const r2 = toTree(d);
    expect(r2.ok).toBe(false);
    if (!r2.ok) {
      expect(r2.reasons[0].key).toBe('tree.reason.shared');
      expect(r2.reasons[0].nodeId).toBe('y');
    }
    const unreachable = toTree({ ...d, flows: [{ from: 's', to: 'a' }, { from: 'a', to: 'e1' }] });
    expect(!unreachable.ok && unreachable.reasons.filter((r) => r.key === 'tree.reason.unreachable').map((r) => r.nodeId)).toEqual(['b', 'x', 'y', 'e2', 'orphan']);
  });
});

describe('简易 view inserters', () => {
  const permit = catalogDefinition('XK00301001');

  it('adds an approval step after 制证送达, between it and 准予许可', () => {
    expect(canInsertAfter(permit, 'certify')).toBe(true);
    expect(canInsertAfter(permit, 'accept')).toBe(false);
    expect(canInsertAfter(permit, 'granted')).toBe(false);
    const d = insertAfter(permit, 'certify', 'task');
    const added = d.nodes[d.nodes.findIndex((n) => n.id === 'certify') + 1];
    expect(added.kind).toBe('task');
    expect(d.flows.filter((f) => f.from === 'certify' || f.from === added.id).map((f) => [f.from, f.to])).toEqual([['certify', added.id], [added.id, 'granted']]);
    expect(contentHash(d)).not.toBe(contentHash(permit));
    const tree = treeOf(d);
    expect(treeNodeItems(tree.items).map((i) => i.node.id)).toContain(added.id);
    expect(contentHash(fromTree(tree, d))).toBe(contentHash(d));
    // the new box goes under 制证送达 and 准予许可 moves down to make room
    expect(d.layout![added.id].y).toBeGreaterThan(permit.layout!.certify.y);
    expect(d.layout!.granted.y).toBeGreaterThan(d.layout![added.id].y);
    expect(d.layout!.accept).toEqual(permit.layout!.accept);
  });

  it('adds a 条件分支 whose two branches meet again, and a step at the start of a branch', () => {
    const d = insertAfter(permit, 'certify', 'decision');
    const decision = d.nodes.find((n) => n.kind === 'decision')!;
    const tree = treeOf(d);
    const all = (items: TreeItem[]): TreeItem[] => items.flatMap((i) => (i.type === 'split' ? [i, ...i.branches.flatMap((b) => all(b.items))] : [i]));
    expect(all(tree.items).some((i) => i.type === 'node' && i.node.id === decision.id)).toBe(true);
    const flowIndex = d.flows.findIndex((f) => f.from === decision.id && f.when === 'true');
    const withStep = insertAtBranchStart(d, [flowIndex], 'task');
    const split = all(treeOf(withStep).items).find((i) => i.type === 'split' && i.from === decision.id) as SplitItem;
    expect(split.branches).toHaveLength(2);
    expect(split.branches.every((b) => b.rejoins)).toBe(true);
    expect(split.branches[0].items).toHaveLength(1);
  });

  it('adds a 并联会审 block with two branches, and a step inside a branch', () => {
    const d = insertAfter(permit, 'certify', 'parallel');
    const block = d.nodes.find((n) => n.kind === 'parallel' && n.id !== 'joint-review')!;
    expect(block.branches).toHaveLength(2);
    const more = insertInLane(d, block.id, block.branches![0].id, 1, 'task');
    const lane = more.nodes.find((n) => n.id === block.id)!.branches![0];
    expect(lane.nodes).toHaveLength(2);
    expect(contentHash(fromTree(treeOf(more), more))).toBe(contentHash(more));
  });
});

describe('简易 view delete', () => {
  const permit = catalogDefinition('XK00301001');

  it('joins the steps around a deleted step, and undoes an insert exactly', () => {
    const d = insertAfter(permit, 'certify', 'task');
    const added = d.nodes.find((n) => !permit.nodes.some((o) => o.id === n.id))!;
    const back = removeStep(d, added.id);
    expect(contentHash(back)).toBe(contentHash(permit));
    const noCertify = removeStep(permit, 'certify');
    expect(noCertify.flows.filter((f) => f.to === 'granted')).toEqual([{ from: 'consolidate', to: 'granted', on: '准予' }]);
    expect(toTree(noCertify).ok).toBe(true);
  });

  it('takes a step out of its branch, and a step with several ways on together with its incoming flows', () => {
    const lane = removeStep(permit, 'permit-approve');
    expect(lane.nodes.find((n) => n.id === 'joint-review')!.branches![2].nodes.map((n) => n.id)).toEqual(['permit-review']);
    const consolidate = removeStep(permit, 'consolidate');
    expect(consolidate.flows.some((f) => f.from === 'consolidate' || f.to === 'consolidate')).toBe(false);
  });
});
