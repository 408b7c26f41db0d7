// Edits of the document, as pure functions Definition → Definition: the canvas, the 简易 view and the property
// panel all change the document only through these, so undo/redo is a stack of documents.
import { allNodes, type Branch, type Definition, type DslNode, type Flow, type NodeKind, type Position } from './dsl';
import { toTree, treeNodeItems } from './tree';
import { sizeOf } from './graph';

/** Where a new node goes: top level at a position, or into a parallel block's branch at an index. */
export type Placement = { position: Position } | { blockId: string; branchId: string; index: number };

export function takenIds(d: Definition): Set<string> {
  const ids = new Set<string>();
  for (const { node } of allNodes(d)) {
    ids.add(node.id);
    for (const b of node.branches ?? []) ids.add(b.id);
  }
  return ids;
}

export function uniqueId(taken: Set<string>, prefix: string): string {
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** A new node of a kind with what the validator needs filled in with placeholders the analyst then edits. */
export function newNode(kind: NodeKind, taken: Set<string>): DslNode {
  const id = uniqueId(taken, kind);
  switch (kind) {
    case 'start':
      return { id, kind, name: '申请' };
    case 'end':
      return { id, kind, name: '办结', result: '准予' };
    case 'task':
      return { id, kind, name: '审批', department: '', role: '', limit: { value: 1, unit: '工作日' }, outcomes: ['同意'] };
    case 'decision':
      return { id, kind, name: '条件判断' };
    case 'wait':
      return { id, kind, name: '等待', duration: { value: 1, unit: '工作日' } };
    case 'service':
      return { id, kind, name: '制作文书', action: 'render-document', template: '' };
    case 'parallel':
      return {
        id, kind, name: '并联会审', lead: '', join: 'all', limit: { value: 5, unit: '工作日' },
        branches: [newBranch(taken, '部门一'), newBranch(taken, '部门二')],
      };
  }
}

export function newBranch(taken: Set<string>, name: string): Branch {
  return { id: uniqueId(taken, 'branch'), name, nodes: [newNode('task', taken)] };
}

/** Applies f to the node with this id wherever it lives (top level or in a branch), returning a new document. */
export function mapNode(d: Definition, id: string, f: (n: DslNode) => DslNode): Definition {
  const walk = (nodes: DslNode[]): DslNode[] =>
    nodes.map((n) => {
      if (n.id === id) return f(n);
      if (n.kind === 'parallel' && n.branches) return { ...n, branches: n.branches.map((b) => ({ ...b, nodes: walk(b.nodes ?? []) })) };
      return n;
    });
  return { ...d, nodes: walk(d.nodes ?? []) };
}

export function findNode(d: Definition, id: string): DslNode | undefined {
  return allNodes(d).find((p) => p.node.id === id)?.node;
}

export function addNode(d: Definition, node: DslNode, placement: Placement): Definition {
  if ('position' in placement) {
    return { ...d, nodes: [...(d.nodes ?? []), node], layout: { ...(d.layout ?? {}), [node.id]: placement.position } };
  }
  return mapNode(d, placement.blockId, (block) => ({
    ...block,
    branches: (block.branches ?? []).map((b) => {
      if (b.id !== placement.branchId) return b;
      const nodes = [...(b.nodes ?? [])];
      nodes.splice(Math.max(0, Math.min(placement.index, nodes.length)), 0, node);
      return { ...b, nodes };
    }),
  }));
}

/**
 * Moves a step that lives in a 并联会审 branch to another place in the same block: another branch, or up/down in
 * its own (the order of a branch is its sequence, so this is a semantic edit).
 */
export function moveStep(d: Definition, nodeId: string, to: { branchId: string; index: number }): Definition {
  const place = allNodes(d).find((p) => p.node.id === nodeId);
  if (!place?.parent) return d;
  const { block } = place.parent;
  return mapNode(d, block.id, (b) => {
    const without = (b.branches ?? []).map((br) => ({ ...br, nodes: (br.nodes ?? []).filter((n) => n.id !== nodeId) }));
    return {
      ...b,
      branches: without.map((br) => {
        if (br.id !== to.branchId) return br;
        const nodes = [...br.nodes];
        nodes.splice(Math.max(0, Math.min(to.index, nodes.length)), 0, place.node);
        return { ...br, nodes };
      }),
    };
  });
}

/**
 * 简易 view delete: the step goes and the way through it is kept — flows into it now lead to where it led (when it
 * had one way on; otherwise its incoming flows go with it). A step inside a branch simply leaves the branch.
 */
export function removeStep(d: Definition, nodeId: string): Definition {
  const place = allNodes(d).find((p) => p.node.id === nodeId);
  if (!place) return d;
  if (place.parent) return removeItems(d, [nodeId]);
  const targets = [...new Set(forwardFlows(d, nodeId).map(({ f }) => f.to))];
  if (targets.length !== 1) return removeItems(d, [nodeId]);
  const [target] = targets;
  const flows = (d.flows ?? [])
    .filter((f) => f.from !== nodeId)
    .map((f) => (f.to === nodeId ? { ...f, to: target } : f));
  return removeItems({ ...d, flows }, [nodeId]);
}

export const idPattern = /^[A-Za-z0-9_-]+$/;

/**
 * Gives a node a new id everywhere it is named: the node, flows, its position, special procedures' node lists and
 * discretion bindings' legal-review step. Returns null when the id is malformed or taken.
 */
export function renameNode(d: Definition, from: string, to: string): Definition | null {
  if (from === to) return d;
  if (!idPattern.test(to) || takenIds(d).has(to)) return null;
  const swap = (id: string) => (id === from ? to : id);
  let next = mapNode(d, from, (n) => ({ ...n, id: to }));
  next = {
    ...next,
    nodes: next.nodes.map(function fix(n): DslNode {
      const bound = n.discretion as { legalReview?: string } | undefined;
      const withBinding = bound?.legalReview === from ? { ...n, discretion: { ...bound, legalReview: to } } : n;
      return withBinding.kind === 'parallel' && withBinding.branches
        ? { ...withBinding, branches: withBinding.branches.map((b) => ({ ...b, nodes: b.nodes.map(fix) })) }
        : withBinding;
    }),
    flows: (next.flows ?? []).map((f) => (f.from === from || f.to === from ? { ...f, from: swap(f.from), to: swap(f.to) } : f)),
  };
  if (next.specialProcedures) {
    next.specialProcedures = next.specialProcedures.map((p) => {
      const nodes = p.nodes as string[] | undefined;
      return nodes?.includes(from) ? { ...p, nodes: nodes.map(swap) } : p;
    });
  }
  if (next.layout?.[from]) {
    next.layout = Object.fromEntries(Object.entries(next.layout).map(([k, v]) => [swap(k), v]));
  }
  return next;
}

/** Removes nodes (with everything inside a removed block), the flows touching them, their positions, and the given flows. */
export function removeItems(d: Definition, nodeIds: Iterable<string>, flowIndexes: Iterable<number> = []): Definition {
  const gone = new Set(nodeIds);
  const prune = (nodes: DslNode[]): DslNode[] =>
    nodes.filter((n) => !gone.has(n.id)).map((n) =>
      n.kind === 'parallel' && n.branches ? { ...n, branches: n.branches.map((b) => ({ ...b, nodes: prune(b.nodes ?? []) })) } : n);
  const removedFlows = new Set(flowIndexes);
  const kept = prune(d.nodes ?? []);
  const present = new Set(allNodes({ nodes: kept }).map((p) => p.node.id));
  const flows = (d.flows ?? []).filter((f, i) => !removedFlows.has(i) && present.has(f.from) && present.has(f.to));
  const result: Definition = { ...d, nodes: kept, flows };
  if (d.layout) result.layout = Object.fromEntries(Object.entries(d.layout).filter(([id]) => present.has(id)));
  return result;
}

export function addFlow(d: Definition, flow: Flow): Definition {
  return { ...d, flows: [...(d.flows ?? []), flow] };
}

export function updateFlow(d: Definition, index: number, flow: Flow): Definition {
  return { ...d, flows: (d.flows ?? []).map((f, i) => (i === index ? flow : f)) };
}

export function moveNodes(d: Definition, positions: Record<string, Position>): Definition {
  return { ...d, layout: { ...(d.layout ?? {}), ...positions } };
}

/** Copies of nodes (new ids, also inside blocks) and of the flows among them, shifted by offset. */
export function pasteNodes(d: Definition, nodes: DslNode[], flows: Flow[], positions: Record<string, Position>, offset: Position): { definition: Definition; ids: string[] } {
  const taken = takenIds(d);
  const renamed = new Map<string, string>();
  const copy = (n: DslNode): DslNode => {
    const id = uniqueId(taken, n.kind);
    renamed.set(n.id, id);
    return n.kind === 'parallel' && n.branches
      ? { ...n, id, branches: n.branches.map((b) => ({ ...b, id: uniqueId(taken, 'branch'), nodes: (b.nodes ?? []).map(copy) })) }
      : { ...n, id };
  };
  const copies = nodes.map(copy);
  const layout = { ...(d.layout ?? {}) };
  nodes.forEach((n, i) => {
    const p = positions[n.id] ?? { x: 0, y: 0 };
    layout[copies[i].id] = { x: p.x + offset.x, y: p.y + offset.y };
  });
  const newFlows = flows.filter((f) => renamed.has(f.from) && renamed.has(f.to)).map((f) => ({ ...f, from: renamed.get(f.from)!, to: renamed.get(f.to)! }));
  return { definition: { ...d, nodes: [...(d.nodes ?? []), ...copies], flows: [...(d.flows ?? []), ...newFlows], layout }, ids: copies.map((c) => c.id) };
}

export type InsertKind = 'task' | 'decision' | 'parallel';

function wired(kind: InsertKind, taken: Set<string>, target: string | null): { node: DslNode; flows: Flow[] } {
  const node = newNode(kind, taken);
  if (target === null) return { node, flows: [] };
  if (kind === 'decision') {
    // Two branches that meet again right away; the analyst fills in the condition and adds steps to either.
    return { node, flows: [{ from: node.id, to: target, when: 'true' }, { from: node.id, to: target, default: true }] };
  }
  return { node, flows: [{ from: node.id, to: target }] };
}

/**
 * Puts a node inserted after `anchor` right under it and moves every box below down to make room, so inserting
 * in the 简易 view leaves a tidy 流程图 (layout only: the hash does not change).
 */
function makeRoom(d: Definition, anchorId: string, node: DslNode): Definition {
  const anchor = d.layout?.[anchorId];
  const anchorNode = (d.nodes ?? []).find((n) => n.id === anchorId);
  if (!anchor || !anchorNode) return d;
  const gap = 60;
  const y = anchor.y + sizeOf(anchorNode).height + gap;
  const shift = sizeOf(node).height + gap;
  const layout: Record<string, Position> = {};
  for (const [id, p] of Object.entries(d.layout ?? {})) layout[id] = p.y >= y - gap / 2 && id !== anchorId ? { x: p.x, y: p.y + shift } : p;
  layout[node.id] = { x: anchor.x + (sizeOf(anchorNode).width - sizeOf(node).width) / 2, y };
  return { ...d, layout };
}

/** The flows leaving a step that go on (not back to it or to an earlier step, as the 简易 tree sees them). */
export function forwardFlows(d: Definition, nodeId: string): { f: Flow; i: number }[] {
  const tree = toTree(d);
  const item = tree.ok ? treeNodeItems(tree.tree.items).find((x) => x.node.id === nodeId) : undefined;
  const loops = new Set(item ? item.loops.map((l) => l.index) : []);
  return (d.flows ?? []).map((f, i) => ({ f, i })).filter(({ f, i }) => f.from === nodeId && f.to !== nodeId && !loops.has(i));
}

/** 简易 view "+" after a step with one way on: anchor → new → where the anchor went before. */
export function insertAfter(d: Definition, anchorId: string, kind: InsertKind): Definition {
  const flows = d.flows ?? [];
  const forward = forwardFlows(d, anchorId);
  if (new Set(forward.map(({ f }) => f.to)).size > 1) throw new Error(`${anchorId} has several ways on; insert at the start of one of its branches`);
  const taken = takenIds(d);
  const target = forward[0]?.f.to ?? null;
  const { node, flows: out } = wired(kind, taken, target);
  // every way on (several outcomes may lead to the same step) now goes to the new step
  const redirected = new Set(forward.map(({ i }) => i));
  const next = flows.map((f, i) => (redirected.has(i) ? { ...f, to: node.id } : f));
  if (!forward[0]) next.push({ from: anchorId, to: node.id });
  const at = forward.length ? Math.max(...redirected) + 1 : next.length;
  next.splice(at, 0, ...out);
  return makeRoom({ ...d, nodes: insertNodeAfter(d.nodes ?? [], anchorId, node), flows: next }, anchorId, node);
}

/** 简易 view "+" at the start of a 条件分支 branch: the branch's flows (one per outcome) now lead to the new step, which leads on. */
export function insertAtBranchStart(d: Definition, flowIndexes: number[], kind: InsertKind): Definition {
  const flows = d.flows ?? [];
  const flow = flows[flowIndexes[0]];
  if (!flow) throw new Error(`no flow #${flowIndexes[0]}`);
  const taken = takenIds(d);
  const { node, flows: out } = wired(kind, taken, flow.to);
  const next = flows.map((f, i) => (flowIndexes.includes(i) ? { ...f, to: node.id } : f));
  next.splice(Math.max(...flowIndexes) + 1, 0, ...out);
  return makeRoom({ ...d, nodes: insertNodeAfter(d.nodes ?? [], flow.from, node), flows: next }, flow.from, node);
}

/** 简易 view "+" inside a 并联会审 branch (branches are ordered lists, no flows). Decisions cannot live there. */
export function insertInLane(d: Definition, blockId: string, branchId: string, index: number, kind: Exclude<InsertKind, 'decision'>): Definition {
  return addNode(d, newNode(kind, takenIds(d)), { blockId, branchId, index });
}

function insertNodeAfter(nodes: DslNode[], anchorId: string, node: DslNode): DslNode[] {
  const at = nodes.findIndex((n) => n.id === anchorId);
  const next = [...nodes];
  next.splice(at < 0 ? next.length : at + 1, 0, node);
  return next;
}


/** Can the 简易 view offer "+" after this node? (one way on, and not an end) */
export function canInsertAfter(d: Definition, nodeId: string): boolean {
  const node = (d.nodes ?? []).find((n) => n.id === nodeId);
  if (!node || node.kind === 'end') return false;
  return new Set(forwardFlows(d, nodeId).map(({ f }) => f.to)).size <= 1;
}

