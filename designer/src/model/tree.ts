// DSL ⇄ 简易 tree: the vertical approval tree (钉钉-style). A sequence of steps; a step whose flows lead to several
// different steps opens a 条件分支 whose branches either end (at an end node) or rejoin where the branches meet
// again; a 并联会审 block shows its branches as lanes. A flow back to an earlier step (退回, a 补正 loop) is shown on
// the step it leaves, as "↩ back to …". Flows stay attached to the step they leave (`out`), so the tree is a
// placement of the DSL and the way back is exact. A graph that cannot be placed so gets the reasons why.
import { allNodes, type BranchInfo, type Definition, type DslNode, type Flow } from './dsl';

/** A flow with its index in the definition's flow list (null for a flow the tree added). */
export interface TreeFlow {
  flow: Flow;
  index: number | null;
}

export interface NodeItem {
  type: 'node';
  /** For a parallel block: without its branches (they are `lanes`). */
  node: DslNode;
  /** Every flow leaving this node, in definition order; loops back to itself (补正) included. */
  out: TreeFlow[];
  /** The flows of `out` that go back to this step or an earlier one (shown as ↩, not as branches). */
  loops: TreeFlow[];
  lanes?: LaneItem[];
}

export interface LaneItem {
  branch: BranchInfo;
  blockId: string;
  items: NodeItem[];
}

export interface SplitBranch {
  /** The flows into this branch: several when several outcomes lead to the same step. */
  flows: TreeFlow[];
  items: TreeItem[];
  /** The branch goes on to the step after the split (its last step flows there), instead of ending. */
  rejoins: boolean;
}

export interface SplitItem {
  type: 'split';
  from: string;
  branches: SplitBranch[];
}

export type TreeItem = NodeItem | SplitItem;

export interface SimpleTree {
  items: TreeItem[];
}

/** Why a graph is not tree-shaped: an i18n key (tree.reason.*) with its values, and the node it concerns. */
export interface TreeReason {
  key: 'tree.reason.noStart' | 'tree.reason.manyStarts' | 'tree.reason.shared' | 'tree.reason.unreachable' | 'tree.reason.laneFlow' | 'tree.reason.unknown';
  vars: Record<string, string>;
  nodeId?: string;
}

export type TreeResult = { ok: true; tree: SimpleTree } | { ok: false; reasons: TreeReason[] };

function withoutBranches(node: DslNode): DslNode {
  const { branches: _b, ...rest } = node;
  return rest as DslNode;
}

function laneItems(block: DslNode): LaneItem[] {
  return (block.branches ?? []).map((branch) => {
    const { nodes, ...rest } = branch;
    return { branch: rest, blockId: block.id, items: (nodes ?? []).map((n) => nodeItem(n, [], [])) };
  });
}

function nodeItem(node: DslNode, out: TreeFlow[], loops: TreeFlow[]): NodeItem {
  return node.kind === 'parallel'
    ? { type: 'node', node: withoutBranches(node), out, loops, lanes: laneItems(node) }
    : { type: 'node', node, out, loops };
}

class NotTree extends Error {
  constructor(readonly reason: TreeReason) {
    super(reason.key);
  }
}

export function toTree(d: Definition): TreeResult {
  const top = d.nodes ?? [];
  const byId = new Map(top.map((n) => [n.id, n]));
  const nested = new Set(allNodes(d).filter((p) => p.parent).map((p) => p.node.id));
  const name = (id: string) => byId.get(id)?.name ?? id;
  const reasons: TreeReason[] = [];

  const outs = new Map<string, TreeFlow[]>();
  (d.flows ?? []).forEach((flow, index) => {
    for (const end of [flow.from, flow.to]) {
      if (nested.has(end)) reasons.push({ key: 'tree.reason.laneFlow', vars: { from: flow.from, to: flow.to }, nodeId: end });
      else if (!byId.has(end)) reasons.push({ key: 'tree.reason.unknown', vars: { from: flow.from, to: flow.to, id: end } });
    }
    const list = outs.get(flow.from);
    if (list) list.push({ flow, index });
    else outs.set(flow.from, [{ flow, index }]);
  });
  const starts = top.filter((n) => n.kind === 'start');
  if (starts.length === 0) reasons.push({ key: 'tree.reason.noStart', vars: {} });
  if (starts.length > 1) reasons.push({ key: 'tree.reason.manyStarts', vars: { ids: starts.map((s) => s.id).join(', ') } });
  if (reasons.length) return { ok: false, reasons };

  // Back flows: those reaching a step still on the depth-first path from the start (loops such as 退回 and 补正).
  const back = new Set<number>();
  {
    const state = new Map<string, 'open' | 'done'>();
    const stack: { id: string; next: number }[] = [{ id: starts[0].id, next: 0 }];
    state.set(starts[0].id, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = outs.get(top.id) ?? [];
      if (top.next >= list.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const f = list[top.next++];
      const seen = state.get(f.flow.to);
      if (seen === 'open') back.add(f.index!);
      else if (!seen && byId.has(f.flow.to)) {
        state.set(f.flow.to, 'open');
        stack.push({ id: f.flow.to, next: 0 });
      }
    }
  }
  const forward = (id: string) => (outs.get(id) ?? []).filter((f) => !back.has(f.index!));
  const reachCache = new Map<string, Set<string>>();
  const reach = (id: string): Set<string> => {
    const cached = reachCache.get(id);
    if (cached) return cached;
    const seen = new Set<string>([id]);
    const queue = [id];
    while (queue.length) for (const f of forward(queue.shift()!)) if (!seen.has(f.flow.to)) { seen.add(f.flow.to); queue.push(f.flow.to); }
    reachCache.set(id, seen);
    return seen;
  };
  const distances = (from: string): Map<string, number> => {
    const dist = new Map<string, number>([[from, 0]]);
    const queue = [from];
    while (queue.length) {
      const id = queue.shift()!;
      for (const f of forward(id)) if (!dist.has(f.flow.to)) { dist.set(f.flow.to, dist.get(id)! + 1); queue.push(f.flow.to); }
    }
    return dist;
  };

  // Where the branches of a split meet again: the earliest node two or more branches reach, before the outer stop.
  const mergeOf = (from: string, targets: string[], stop: string | null): string | null => {
    const beyond = stop ? reach(stop) : new Set<string>();
    const count = new Map<string, number>();
    for (const t of targets) for (const id of reach(t)) if (!beyond.has(id)) count.set(id, (count.get(id) ?? 0) + 1);
    const candidates = [...count.entries()].filter(([, c]) => c >= 2).map(([id]) => id);
    const earliest = candidates.filter((c) => !candidates.some((o) => o !== c && reach(o).has(c) && !reach(c).has(o)));
    if (earliest.length === 0) return null;
    const dist = distances(from);
    return earliest.sort((a, b) => (dist.get(a) ?? Infinity) - (dist.get(b) ?? Infinity))[0];
  };

  const visited = new Set<string>();
  const sequence = (first: string, stop: string | null): { items: TreeItem[]; reachedStop: boolean } => {
    const items: TreeItem[] = [];
    let current = first;
    for (;;) {
        if (current === stop) return { items, reachedStop: true };
        if (visited.has(current)) {
          throw new NotTree({ key: 'tree.reason.shared', vars: { name: name(current), id: current }, nodeId: current });
        }
        visited.add(current);
        const node = byId.get(current)!;
        const out = outs.get(current) ?? [];
        items.push(nodeItem(node, out, out.filter((f) => back.has(f.index!))));
        const next = forward(current);
        const targets = [...new Set(next.map((f) => f.flow.to))];
        if (targets.length === 0) return { items, reachedStop: false };
        if (targets.length === 1) {
          current = targets[0];
          continue;
        }
        const merge = mergeOf(current, targets, stop);
        const until = merge ?? stop;
        const branches = targets.map((target) => {
          const branch = sequence(target, until);
          return { flows: next.filter((f) => f.flow.to === target), items: branch.items, rejoins: branch.reachedStop };
        });
        items.push({ type: 'split', from: current, branches });
        if (merge === null) return { items, reachedStop: stop !== null && branches.some((b) => b.rejoins) };
        current = merge;
    }
  };

  try {
    const { items } = sequence(starts[0].id, null);
    for (const node of top) if (!visited.has(node.id)) reasons.push({ key: 'tree.reason.unreachable', vars: { name: node.name, id: node.id }, nodeId: node.id });
    return reasons.length ? { ok: false, reasons } : { ok: true, tree: { items } };
  } catch (e) {
    if (e instanceof NotTree) return { ok: false, reasons: [e.reason] };
    throw e;
  }
}

function rebuildNode(item: NodeItem): DslNode {
  if (!item.lanes) return item.node;
  return { ...item.node, branches: item.lanes.map((lane) => ({ ...lane.branch, nodes: lane.items.map(rebuildNode) })) };
}

/** Every top-level node item, depth first (a step, then its split's branches in order). */
export function treeNodeItems(items: TreeItem[]): NodeItem[] {
  const out: NodeItem[] = [];
  const walk = (list: TreeItem[]) => {
    for (const item of list) {
      if (item.type === 'node') out.push(item);
      else for (const b of item.branches) walk(b.items);
    }
  };
  walk(items);
  return out;
}

/**
 * Back to the DSL. Nodes and flows keep the definition's order (so an untouched tree gives back the same document);
 * a node the tree added goes right after the step before it, a new flow after the other flows of its step.
 */
export function fromTree(tree: SimpleTree, base: Definition): Definition {
  const items = treeNodeItems(tree.items);
  const baseOrder = new Map((base.nodes ?? []).map((n, i) => [n.id, i]));
  // Place known nodes at their old rank, then insert new ones after their predecessor in tree order.
  const ordered: { id: string; node: DslNode }[] = items
    .filter((i) => baseOrder.has(i.node.id))
    .sort((a, b) => baseOrder.get(a.node.id)! - baseOrder.get(b.node.id)!)
    .map((i) => ({ id: i.node.id, node: rebuildNode(i) }));
  items.forEach((item, k) => {
    if (baseOrder.has(item.node.id)) return;
    const previous = k > 0 ? items[k - 1].node.id : null;
    const at = previous === null ? -1 : ordered.findIndex((o) => o.id === previous);
    ordered.splice(at + 1, 0, { id: item.node.id, node: rebuildNode(item) });
  });
  const nodes = ordered.map((o) => o.node);

  const all = items.flatMap((i) => i.out);
  const flows: Flow[] = all.filter((f) => f.index !== null).sort((a, b) => a.index! - b.index!).map((f) => f.flow);
  for (const f of all.filter((x) => x.index === null)) {
    let at = -1;
    flows.forEach((g, k) => { if (g.from === f.flow.from) at = k; });
    if (at < 0) flows.forEach((g, k) => { if (g.to === f.flow.from) at = k; });
    if (at < 0) flows.push(f.flow);
    else flows.splice(at + 1, 0, f.flow);
  }

  const result: Definition = { ...base, nodes, flows };
  if (base.layout) {
    const present = new Set(allNodes(result).map((p) => p.node.id));
    result.layout = Object.fromEntries(Object.entries(base.layout).filter(([id]) => present.has(id)));
  }
  return result;
}
