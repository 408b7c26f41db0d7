// Automatic layout with elkjs (layered, top-down) of the top-level boxes; what is inside a parallel block follows
// from its branches (graph.ts), so a block is laid out as one box of its full size.
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Definition, Position } from './dsl';
import { sizeOf } from './graph';

export const layoutOptions: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.nodeNode': '40',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};

/**
 * Above this many top-level boxes elk takes most of a second even when warm (measured: 530–1000 ms for a 280-box
 * chain in Node 20), so the editor uses the linear-time layering below to open large definitions in under 1 s.
 */
export const elkLimit = 150;

const LAYER_GAP = 60;
const NODE_GAP = 40;

/**
 * A layered top-down layout in linear time: back flows (found depth first from the start) are ignored, each box
 * goes one layer below its lowest predecessor, and boxes of a layer are centred side by side in order of their
 * predecessors' places.
 */
export function layeredLayout(d: Definition): Record<string, Position> {
  const nodes = d.nodes ?? [];
  const ids = new Set(nodes.map((n) => n.id));
  const outs = new Map<string, string[]>();
  for (const f of d.flows ?? []) if (f.from !== f.to && ids.has(f.from) && ids.has(f.to)) outs.set(f.from, [...(outs.get(f.from) ?? []), f.to]);
  // depth-first from the starts (then from anything left), keeping only forward flows
  const state = new Map<string, 1 | 2>();
  const forward = new Map<string, string[]>();
  const roots = [...nodes.filter((n) => n.kind === 'start'), ...nodes].map((n) => n.id);
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = outs.get(top.id) ?? [];
      if (top.i >= next.length) { state.set(top.id, 2); stack.pop(); continue; }
      const to = next[top.i++];
      if (state.get(to) === 1) continue; // a loop back
      forward.set(top.id, [...(forward.get(top.id) ?? []), to]);
      if (!state.has(to)) { state.set(to, 1); stack.push({ id: to, i: 0 }); }
    }
  }
  // longest path layering over the forward flows (Kahn order)
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const list of forward.values()) for (const to of list) indegree.set(to, indegree.get(to)! + 1);
  const layer = new Map<string, number>();
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  const preds = new Map<string, string[]>();
  for (let k = 0; k < queue.length; k++) {
    const id = queue[k];
    for (const to of forward.get(id) ?? []) {
      layer.set(to, Math.max(layer.get(to) ?? 0, layer.get(id)! + 1));
      preds.set(to, [...(preds.get(to) ?? []), id]);
      indegree.set(to, indegree.get(to)! - 1);
      if (indegree.get(to) === 0) queue.push(to);
    }
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layers: string[][] = [];
  for (const id of queue) (layers[layer.get(id)!] ??= []).push(id);
  const positions: Record<string, Position> = {};
  const centre = new Map<string, number>();
  let y = 0;
  for (const ids of layers.filter(Boolean)) {
    const key = (id: string) => {
      const p = (preds.get(id) ?? []).map((q) => centre.get(q) ?? 0);
      return p.length ? p.reduce((a, b) => a + b, 0) / p.length : 0;
    };
    const ordered = [...ids].sort((a, b) => key(a) - key(b));
    const sizes = ordered.map((id) => sizeOf(byId.get(id)!));
    const width = sizes.reduce((s, z) => s + z.width, 0) + NODE_GAP * (sizes.length - 1);
    let x = -width / 2;
    ordered.forEach((id, i) => {
      positions[id] = { x: Math.round(x), y };
      centre.set(id, x + sizes[i].width / 2);
      x += sizes[i].width + NODE_GAP;
    });
    y += Math.max(...sizes.map((z) => z.height)) + LAYER_GAP;
  }
  return positions;
}

/** elk's layered layout for documents of ordinary size, the linear-time layering above for larger ones. */
export async function autoLayout(d: Definition, elk: ELK): Promise<Record<string, Position>> {
  if ((d.nodes ?? []).length > elkLimit) return layeredLayout(d);
  return elkLayout(d, elk);
}

export async function elkLayout(d: Definition, elk: ELK): Promise<Record<string, Position>> {
  const ids = new Set((d.nodes ?? []).map((n) => n.id));
  const children: ElkNode[] = (d.nodes ?? []).map((n) => ({ id: n.id, ...sizeOf(n) }));
  const edges: ElkExtendedEdge[] = (d.flows ?? [])
    .filter((f) => f.from !== f.to && ids.has(f.from) && ids.has(f.to))
    .map((f, i) => ({ id: `e${i}`, sources: [f.from], targets: [f.to] }));
  const result = await elk.layout({ id: 'root', layoutOptions, children, edges });
  const positions: Record<string, Position> = {};
  for (const c of result.children ?? []) positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
  return positions;
}

/** True when some top-level node has no stored position (then the editor lays the document out on open). */
export function needsLayout(d: Definition): boolean {
  return (d.nodes ?? []).some((n) => !d.layout?.[n.id]);
}
