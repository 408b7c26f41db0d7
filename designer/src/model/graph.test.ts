import { describe, expect, it } from 'vitest';
import { allNodes } from './dsl';
import { contentHash } from './hash';
import { fromGraph, laneId, toGraph, NODE_H } from './graph';
import { catalog, catalogDefinition } from '../../test/catalog';
import { generatedDefinition } from '../../test/generated';
import { addFlow, addNode, moveNodes, moveStep, newNode, pasteNodes, removeItems, renameNode, takenIds } from './ops';

describe('DSL → canvas graph → DSL', () => {
  it.each(catalog().map((c) => [c.file, c.definition] as const))('%s keeps its content hash and its nodes and flows', (_file, d) => {
    const graph = toGraph(d);
    const back = fromGraph(graph, d);
    expect(contentHash(back)).toBe(contentHash(d));
    expect(back.nodes).toEqual(d.nodes);
    expect(back.flows).toEqual(d.flows);
    // every stored position survives, and every top-level node now has one
    for (const [id, p] of Object.entries(d.layout ?? {})) expect(back.layout![id]).toEqual(p);
    for (const n of d.nodes) expect(back.layout![n.id]).toBeDefined();
    // one canvas node per DSL node, plus one lane per branch
    const branches = allNodes(d).reduce((s, p) => s + (p.node.branches?.length ?? 0), 0);
    expect(graph.nodes).toHaveLength(allNodes(d).length + branches);
  });

  it('draws a parallel block as a group with one lane per branch, nodes stacked in branch order', () => {
    const d = catalogDefinition('XK00301001');
    const { nodes, edges } = toGraph(d);
    const block = nodes.find((n) => n.id === 'joint-review')!;
    expect(block.type).toBe('block');
    const lanes = nodes.filter((n) => n.parentId === 'joint-review');
    expect(lanes.map((l) => l.id)).toEqual([laneId('joint-review', 'fire'), laneId('joint-review', 'civil-defence'), laneId('joint-review', 'permit')]);
    const review = nodes.find((n) => n.id === 'permit-review')!;
    const approve = nodes.find((n) => n.id === 'permit-approve')!;
    expect(review.parentId).toBe(laneId('joint-review', 'permit'));
    expect(approve.position.y).toBeGreaterThan(review.position.y + NODE_H);
    expect(edges.some((e) => e.type === 'seq' && e.source === 'permit-review' && e.target === 'permit-approve')).toBe(true);
    // React Flow needs a parent before its children
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    for (const n of nodes) if (n.parentId) expect(index.get(n.parentId)!).toBeLessThan(index.get(n.id)!);
    // lanes sit side by side inside the block, which is wide enough for them
    const right = Math.max(...lanes.map((l) => l.position.x + (l.width ?? 0)));
    expect(block.width!).toBeGreaterThanOrEqual(right);
    expect(edges.find((e) => e.source === 'accept' && e.target === 'joint-review')?.label).toBe('受理');
  });

  it('moving a box changes only the layout; reconnecting an edge changes the flow', () => {
    const d = catalogDefinition('XK00301001');
    const graph = toGraph(d);
    const moved = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'consolidate' ? { ...n, position: { x: 333, y: 444 } } : n)) };
    const afterMove = fromGraph(moved, d);
    expect(afterMove.layout!.consolidate).toEqual({ x: 333, y: 444 });
    expect(contentHash(afterMove)).toBe(contentHash(d));
    const rewired = { ...graph, edges: graph.edges.map((e) => (e.source === 'certify' && e.target === 'granted' ? { ...e, target: 'refused' } : e)) };
    const afterRewire = fromGraph(rewired, d);
    expect(afterRewire.flows.find((f) => f.from === 'certify')!.to).toBe('refused');
    expect(contentHash(afterRewire)).not.toBe(contentHash(d));
  });

  it('nests a parallel block inside a branch', () => {
    const d = catalogDefinition('XK00301001');
    const inner = newNode('parallel', takenIds(d));
    const nested = addNode(d, inner, { blockId: 'joint-review', branchId: 'fire', index: 1 });
    const graph = toGraph(nested);
    const innerBox = graph.nodes.find((n) => n.id === inner.id)!;
    expect(innerBox.type).toBe('block');
    expect(innerBox.parentId).toBe(laneId('joint-review', 'fire'));
    expect(graph.nodes.filter((n) => n.parentId === inner.id)).toHaveLength(2);
    const back = fromGraph(graph, nested);
    expect(contentHash(back)).toBe(contentHash(nested));
    expect(contentHash(nested)).not.toBe(contentHash(d));
  });

  it('edits through ops: add, connect, remove (with its flows and position), move', () => {
    const d = catalogDefinition('XK00211002');
    const task = newNode('task', takenIds(d));
    const added = addFlow(addNode(d, task, { position: { x: 10, y: 20 } }), { from: 'start', to: task.id });
    expect(toGraph(added).nodes.find((n) => n.id === task.id)!.position).toEqual({ x: 10, y: 20 });
    const removed = removeItems(added, [task.id]);
    expect(contentHash(removed)).toBe(contentHash(d));
    expect(removed.layout![task.id]).toBeUndefined();
    expect(contentHash(moveNodes(d, { start: { x: 1, y: 2 } }))).toBe(contentHash(d));
  });

  it('moves a step within its branch and to another branch of the block', () => {
    const d = catalogDefinition('XK00301001');
    const block = () => (x: typeof d) => x.nodes.find((n) => n.id === 'joint-review')!.branches!;
    const up = moveStep(d, 'permit-approve', { branchId: 'permit', index: 0 });
    expect(block()(up)[2].nodes.map((n) => n.id)).toEqual(['permit-approve', 'permit-review']);
    expect(contentHash(up)).not.toBe(contentHash(d));
    const across = moveStep(d, 'permit-approve', { branchId: 'fire', index: 99 });
    expect(block()(across).map((b) => b.nodes.map((n) => n.id))).toEqual([['fire-review', 'permit-approve'], ['civil-defence-review'], ['permit-review']]);
    const graph = toGraph(across);
    expect(graph.nodes.find((n) => n.id === 'permit-approve')!.parentId).toBe(laneId('joint-review', 'fire'));
    expect(moveStep(d, 'accept', { branchId: 'fire', index: 0 })).toBe(d);
  });

  it('pastes copies with fresh ids (inside blocks too), the flows among them, shifted positions', () => {
    const d = catalogDefinition('XK00301001');
    const copied = d.nodes.filter((n) => n.id === 'joint-review' || n.id === 'consolidate');
    const flows = d.flows.filter((f) => f.from === 'joint-review' && f.to === 'consolidate');
    const { definition: pasted, ids } = pasteNodes(d, copied, flows, { 'joint-review': { x: 0, y: 240 }, consolidate: { x: 0, y: 520 } }, { x: 40, y: 40 });
    expect(ids).toHaveLength(2);
    const ids2 = allNodes(pasted).map((p) => p.node.id);
    expect(new Set(ids2).size).toBe(ids2.length);
    const block = pasted.nodes.find((n) => n.id === ids[0])!;
    expect(block.branches!.map((b) => b.nodes.length)).toEqual([1, 1, 2]);
    expect(block.branches!.every((b) => !d.nodes[2].branches!.some((o) => o.id === b.id))).toBe(true);
    expect(pasted.flows.slice(d.flows.length)).toEqual([{ from: ids[0], to: ids[1], on: '同意' }]);
    expect(pasted.layout![ids[1]]).toEqual({ x: 40, y: 560 });
  });

  it('renames a node everywhere it is named, and refuses a bad or taken id', () => {
    const d = catalogDefinition('XK00301001');
    const r = renameNode(d, 'fire-review', 'fire-check')!;
    expect(allNodes(r).map((p) => p.node.id)).toContain('fire-check');
    expect(allNodes(r).map((p) => p.node.id)).not.toContain('fire-review');
    expect((r.specialProcedures as { nodes: string[] }[]).map((p) => p.nodes)).toEqual([['fire-check'], ['fire-check', 'permit-review']]);
    const top = renameNode(d, 'certify', 'issue')!;
    expect(top.flows.filter((f) => f.from === 'issue' || f.to === 'issue')).toHaveLength(2);
    expect(top.layout!.issue).toEqual(d.layout!.certify);
    expect(top.layout!.certify).toBeUndefined();
    expect(renameNode(d, 'certify', 'accept')).toBeNull();
    expect(renameNode(d, 'certify', 'fire')).toBeNull(); // a branch id
    expect(renameNode(d, 'certify', '制证')).toBeNull();
    const penalty = catalogDefinition('CF00301012');
    const reviewed = renameNode(penalty, 'legal-review', 'legal-check')!;
    expect((reviewed.nodes.find((n) => n.id === 'collective-decision')!.discretion as { legalReview: string }).legalReview).toBe('legal-check');
  });

  it('converts a generated 300-node definition quickly', () => {
    const d = generatedDefinition(300);
    expect(allNodes(d)).toHaveLength(300);
    const started = performance.now();
    const graph = toGraph(d);
    const back = fromGraph(graph, d);
    const elapsed = performance.now() - started;
    expect(contentHash(back)).toBe(contentHash(d));
    expect(elapsed).toBeLessThan(200);
  });
});
