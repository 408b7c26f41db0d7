// DSL ⇄ 流程图 canvas graph (React Flow nodes and edges). Top-level nodes sit where the layout block puts them;
// a parallel block is a group node with one lane (column) per branch, and the lane's nodes are stacked in branch
// order inside it — their place follows from the semantics, so only top-level positions are ever stored.
// Blocks nest: a parallel node inside a branch is again a group with lanes.
import type { Edge, Node } from '@xyflow/react';
import type { Branch, BranchInfo, Definition, DslNode, Flow, Position } from './dsl';

export const NODE_W = 180;
export const NODE_H = 60;
const STEP_GAP = 28;
const LANE_PAD = 14;
const LANE_HEADER = 30;
const LANE_GAP = 12;
const BLOCK_HEADER = 34;
const BLOCK_PAD = 12;
const DEFAULT_GAP = 60;
/** Room under a lane's last step where a step dragged from the palette can be dropped. */
export const LANE_DROP = NODE_H + 2 * STEP_GAP;

/** `loops`: labels of the flows from the step back to itself (补正), drawn on the box since an edge cannot show them. */
export type StepData = { node: DslNode; loops?: string };
export type BlockData = { node: DslNode };
export type LaneData = { branch: BranchInfo; blockId: string; index: number };
export type FlowData = { flow: Flow };

export type StepNode = Node<StepData, 'step'>;
export type BlockNode = Node<BlockData, 'block'>;
export type LaneNode = Node<LaneData, 'lane'>;
export type CanvasNode = StepNode | BlockNode | LaneNode;
export type CanvasEdge = Edge<FlowData, 'flow'> | Edge<Record<string, never>, 'seq'>;

export interface CanvasGraph {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

export const laneId = (blockId: string, branchId: string) => `lane:${blockId}:${branchId}`;

interface Size {
  width: number;
  height: number;
}

/** Size of a node box; a parallel block is as large as its lanes side by side. */
export function sizeOf(node: DslNode): Size {
  if (node.kind !== 'parallel') return { width: NODE_W, height: NODE_H };
  const lanes = (node.branches ?? []).map(laneSize);
  const laneHeight = Math.max(0, ...lanes.map((l) => l.height));
  const width = BLOCK_PAD * 2 + lanes.reduce((s, l) => s + l.width, 0) + LANE_GAP * Math.max(0, lanes.length - 1);
  return { width: Math.max(width, NODE_W + 2 * BLOCK_PAD), height: BLOCK_HEADER + laneHeight + BLOCK_PAD };
}

function laneSize(branch: Branch): Size {
  const nodes = branch.nodes ?? [];
  const sizes = nodes.map(sizeOf);
  const width = Math.max(NODE_W, ...sizes.map((s) => s.width)) + 2 * LANE_PAD;
  const content = sizes.reduce((s, x) => s + x.height, 0) + STEP_GAP * Math.max(0, sizes.length - 1);
  return { width, height: LANE_HEADER + 2 * LANE_PAD + content + (sizes.length ? STEP_GAP : 0) + LANE_DROP };
}

function withoutBranches(node: DslNode): DslNode {
  const { branches: _b, ...rest } = node;
  return rest as DslNode;
}

function withoutNodes(branch: Branch): BranchInfo {
  const { nodes: _n, ...rest } = branch;
  return rest as BranchInfo;
}

/** Where top-level nodes without a stored position go: one column under the last placed box. */
export function placeMissing(nodes: DslNode[], layout: Record<string, Position> | undefined): Record<string, Position> {
  const placed: Record<string, Position> = {};
  let nextY = 0;
  for (const node of nodes) {
    const stored = layout?.[node.id];
    if (stored) nextY = Math.max(nextY, stored.y + sizeOf(node).height + DEFAULT_GAP);
  }
  for (const node of nodes) {
    const stored = layout?.[node.id];
    if (stored) {
      placed[node.id] = stored;
    } else {
      placed[node.id] = { x: 0, y: nextY };
      nextY += sizeOf(node).height + DEFAULT_GAP;
    }
  }
  return placed;
}

/** Stable, readable edge ids: the same flow keeps its id across edits, so React Flow keeps its selection. */
export function flowIds(flows: Flow[]): string[] {
  const seen = new Map<string, number>();
  return flows.map((f) => {
    const base = `flow:${f.from}->${f.to}:${f.on ?? f.when ?? (f.default ? 'default' : '')}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

export function flowLabel(f: Flow): string | undefined {
  return f.on ?? f.when ?? (f.default ? '默认' : undefined);
}

export function toGraph(d: Definition): CanvasGraph {
  const nodes: CanvasNode[] = [];
  const edges: CanvasEdge[] = [];
  const positions = placeMissing(d.nodes ?? [], d.layout);

  const addBlock = (block: DslNode, position: Position, parentId: string | undefined) => {
    const size = sizeOf(block);
    nodes.push({
      id: block.id, type: 'block', position, data: { node: withoutBranches(block) },
      style: { width: size.width, height: size.height }, width: size.width, height: size.height,
      ...(parentId ? { parentId } : {}),
    });
    const lanes = (block.branches ?? []).map(laneSize);
    const laneHeight = Math.max(0, ...lanes.map((l) => l.height));
    let x = BLOCK_PAD;
    (block.branches ?? []).forEach((branch, index) => {
      const id = laneId(block.id, branch.id);
      const width = lanes[index].width;
      nodes.push({
        id, type: 'lane', position: { x, y: BLOCK_HEADER }, parentId: block.id, extent: 'parent', draggable: false, selectable: true,
        data: { branch: withoutNodes(branch), blockId: block.id, index },
        style: { width, height: laneHeight }, width, height: laneHeight,
      });
      let y = LANE_HEADER + LANE_PAD;
      let previous: string | null = null;
      for (const child of branch.nodes ?? []) {
        const childSize = sizeOf(child);
        const childPosition = { x: (width - childSize.width) / 2, y };
        if (child.kind === 'parallel') addBlock(child, childPosition, id);
        else addStep(child, childPosition, id);
        if (previous) edges.push({ id: `seq:${previous}->${child.id}`, type: 'seq', source: previous, target: child.id, selectable: false, deletable: false, data: {} });
        previous = child.id;
        y += childSize.height + STEP_GAP;
      }
      x += width + LANE_GAP;
    });
  };

  const loops = new Map<string, string[]>();
  for (const f of d.flows ?? []) if (f.from === f.to) loops.set(f.from, [...(loops.get(f.from) ?? []), flowLabel(f) ?? '↩']);
  const addStep = (node: DslNode, position: Position, parentId: string | undefined) => {
    const loop = loops.get(node.id);
    nodes.push({
      id: node.id, type: 'step', position, data: loop ? { node, loops: loop.join('、') } : { node }, width: NODE_W, height: NODE_H,
      ...(parentId ? { parentId } : {}),
    });
  };

  for (const node of d.nodes ?? []) {
    if (node.kind === 'parallel') addBlock(node, positions[node.id], undefined);
    else addStep(node, positions[node.id], undefined);
  }

  const ids = flowIds(d.flows ?? []);
  (d.flows ?? []).forEach((flow, i) => {
    edges.push({ id: ids[i], type: 'flow', source: flow.from, target: flow.to, label: flowLabel(flow), data: { flow } });
  });
  return { nodes, edges };
}

/** Where a box dropped inside a 并联会审 block goes: a branch of that block and the index among its other steps. */
export interface LaneDrop {
  blockId: string;
  branchId: string;
  index: number;
}

/**
 * A step (or nested block) of a branch dragged on the canvas and let go with its centre at `point` (flow
 * coordinates): the lane of its own block under that point, and its place there by height among the lane's other
 * steps. Null when it was let go outside its block's lanes (it then goes back where it was). Nodes must come
 * parents first, as toGraph gives them.
 */
export function laneDrop(nodes: CanvasNode[], draggedId: string, point: Position): LaneDrop | null {
  const dragged = nodes.find((n) => n.id === draggedId);
  const home = dragged?.parentId ? nodes.find((n) => n.id === dragged.parentId) : undefined;
  if (!home || home.type !== 'lane') return null;
  const abs = new Map<string, Position>();
  for (const n of nodes) {
    const parent = n.parentId ? abs.get(n.parentId) : undefined;
    abs.set(n.id, parent ? { x: parent.x + n.position.x, y: parent.y + n.position.y } : n.position);
  }
  const lane = nodes.find((n): n is LaneNode => {
    if (n.type !== 'lane' || n.data.blockId !== home.data.blockId) return false;
    const p = abs.get(n.id)!;
    return point.x >= p.x && point.x <= p.x + (n.width ?? 0) && point.y >= p.y && point.y <= p.y + (n.height ?? 0);
  });
  if (!lane) return null;
  const index = nodes.filter((n) => n.parentId === lane.id && n.id !== draggedId && abs.get(n.id)!.y + (n.height ?? NODE_H) / 2 < point.y).length;
  return { blockId: lane.data.blockId, branchId: lane.data.branch.id, index };
}

/**
 * Back from the canvas: nodes in graph order (blocks rebuilt from their lanes), flows from the flow edges (their
 * ends may have been reconnected), layout from the top-level positions. Everything else comes from `base`.
 */
export function fromGraph(graph: CanvasGraph, base: Definition): Definition {
  const children = new Map<string, CanvasNode[]>();
  for (const n of graph.nodes) {
    const key = n.parentId ?? '';
    const list = children.get(key);
    if (list) list.push(n);
    else children.set(key, [n]);
  }
  const rebuild = (n: CanvasNode): DslNode => {
    if (n.type === 'block') {
      const lanes = (children.get(n.id) ?? []).filter((c): c is LaneNode => c.type === 'lane').sort((a, b) => a.data.index - b.data.index);
      return { ...n.data.node, branches: lanes.map((lane) => ({ ...lane.data.branch, nodes: (children.get(lane.id) ?? []).map(rebuild) })) };
    }
    return (n as StepNode).data.node;
  };
  const top = children.get('') ?? [];
  const layout: Record<string, Position> = {};
  // Positions of nested nodes are derived, but a stored one (from a hand-written file) is kept as it was.
  const present = new Set(graph.nodes.map((n) => n.id));
  for (const [id, p] of Object.entries(base.layout ?? {})) if (present.has(id)) layout[id] = p;
  for (const n of top) layout[n.id] = { x: n.position.x, y: n.position.y };
  const flows = graph.edges.filter((e): e is Edge<FlowData, 'flow'> => e.type === 'flow').map((e) => {
    const flow = e.data!.flow;
    return flow.from === e.source && flow.to === e.target ? flow : { ...flow, from: e.source, to: e.target };
  });
  const result: Definition = { ...base, nodes: top.map(rebuild), flows };
  if (Object.keys(layout).length > 0) result.layout = layout;
  return result;
}
