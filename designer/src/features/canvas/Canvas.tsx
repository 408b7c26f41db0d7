import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyEdgeChanges, applyNodeChanges, getViewportForBounds, MarkerType,
  useReactFlow, type Connection, type Edge, type EdgeChange, type NodeChange, type OnSelectionChangeParams,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { allNodes, type Definition, type NodeKind, type Position } from '../../model/dsl';
import { flowIds, laneDrop, NODE_H, NODE_W, toGraph, type CanvasEdge, type CanvasNode } from '../../model/graph';
import { addFlow, addNode, mapNode, moveNodes, moveStep, newNode, removeItems, takenIds, updateFlow } from '../../model/ops';
import type { Diagnostic } from '../../api/contracts';
import { dragType } from './Palette';
import { nodeTypes, useDetailed } from './nodes';
import { edgeTypes } from './edges';
import './canvas.css';

const minZoom = 0.01;
const maxZoom = 2;

export interface CanvasProps {
  definition: Definition;
  onChange: (next: Definition, key?: string) => void;
  onSelect: (nodeId: string | null) => void;
  /** A single flow clicked (its index in `flows`), or null when no flow is selected any more. */
  onSelectFlow?: (flowIndex: number | null) => void;
  /** The flow whose properties are open: kept selected while its edge id changes with its label. */
  selectedFlow?: number | null;
  /** Every selected box (several with Shift/Ctrl-click or a selection rectangle), for copy and paste. */
  onSelectionIds?: (nodeIds: string[]) => void;
  selectedNodeId: string | null;
  flowDiagnostics: Map<number, Diagnostic[]>;
  /** Changing token centres the view on the node. */
  focus: { nodeId: string; token: number } | null;
  /** Changing token fits the whole process into view. */
  fitToken: number;
  /** A kind clicked in the palette: added in the middle of the view. */
  addRequest: { kind: NodeKind; token: number } | null;
}

/**
 * Keeps the previous node object when nothing about it changed, so memoized node components do not re-render.
 * `select`: a node chosen outside the canvas (problems list, 简易 view) becomes the only selected box; undefined
 * keeps the canvas's own selection (several boxes, or a lane, whose properties are its block's).
 */
function stabilize(previous: CanvasNode[], next: CanvasNode[], select: string | null | undefined): CanvasNode[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = byId.get(n.id);
    const isSelected = select === undefined ? !!old?.selected : n.id === select;
    if (old && old.type === n.type && old.parentId === n.parentId && old.position.x === n.position.x && old.position.y === n.position.y &&
      old.width === n.width && old.height === n.height && shallowEqual(old.data, n.data) && !!old.selected === isSelected) return old;
    return isSelected ? { ...n, selected: true } : n;
  });
}

function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k] || (k === 'node' || k === 'branch' ? shallowEqual(a[k] as Record<string, unknown>, b[k] as Record<string, unknown>) : false));
}

function absolutePositions(nodes: CanvasNode[]): Map<string, Position> {
  const abs = new Map<string, Position>();
  for (const n of nodes) {
    const parent = n.parentId ? abs.get(n.parentId) : undefined;
    abs.set(n.id, parent ? { x: parent.x + n.position.x, y: parent.y + n.position.y } : n.position);
  }
  return abs;
}

function CanvasInner({ definition, onChange, onSelect, onSelectFlow, selectedFlow = null, onSelectionIds, selectedNodeId, flowDiagnostics, focus, fitToken, addRequest }: CanvasProps) {
  const flow = useReactFlow();
  const detailed = useDetailed();
  const graph = useMemo(() => toGraph(definition), [definition]);
  const [nodes, setNodes] = useState<CanvasNode[]>(graph.nodes);
  const wrapper = useRef<HTMLDivElement>(null);
  const fitted = useRef(0);
  const reported = useRef<string | null>(selectedNodeId);
  useEffect(() => {
    // A fit asked for with a new document is applied in the same render as its boxes, computed from the graph
    // itself: the boxes then mount once at the final zoom (plain shapes when zoomed far out) instead of twice.
    if (fitToken !== fitted.current && wrapper.current) {
      fitted.current = fitToken;
      const top = graph.nodes.filter((n) => !n.parentId);
      if (top.length) {
        const x = Math.min(...top.map((n) => n.position.x));
        const y = Math.min(...top.map((n) => n.position.y));
        const right = Math.max(...top.map((n) => n.position.x + (n.width ?? NODE_W)));
        const bottom = Math.max(...top.map((n) => n.position.y + (n.height ?? NODE_H)));
        const box = wrapper.current.getBoundingClientRect();
        void flow.setViewport(getViewportForBounds({ x, y, width: right - x, height: bottom - y }, box.width, box.height, minZoom, maxZoom, 0.1));
      }
    }
    // a selection the canvas itself reported is already in its nodes; only one made elsewhere is applied here
    const external = selectedNodeId !== reported.current;
    reported.current = selectedNodeId;
    setNodes((previous) => stabilize(previous, graph.nodes, external ? selectedNodeId : undefined));
  }, [graph, selectedNodeId, fitToken, flow]);
  const definitionRef = useRef(definition);
  definitionRef.current = definition;

  const edgeIds = useMemo(() => flowIds(definition.flows ?? []), [definition.flows]);
  const edges = useMemo<CanvasEdge[]>(() => graph.edges.map((e) => {
    if (e.type !== 'flow') return e;
    const index = edgeIds.indexOf(e.id);
    const problems = flowDiagnostics.get(index);
    if (!problems?.length) return e;
    const codes = problems.map((p) => p.code).join(' ');
    return { ...e, className: 'has-problems', label: e.label ? `${e.label} ⚠ ${codes}` : `⚠ ${codes}`, style: { stroke: '#c62828' } };
  }), [graph.edges, edgeIds, flowDiagnostics]);
  // edges live in state too, so they can be selected (and then deleted) like nodes
  const [edgeState, setEdgeState] = useState<CanvasEdge[]>(edges);
  useEffect(() => setEdgeState((previous) => {
    const selected = new Set(previous.filter((e) => e.selected).map((e) => e.id));
    // editing a flow's outcome or condition renames its edge: the flow open in the panel stays selected by index
    const open = selectedFlow !== null ? edgeIds[selectedFlow] : undefined;
    if (open) selected.add(open);
    return selected.size ? edges.map((e) => (selected.has(e.id) ? { ...e, selected: true } : e)) : edges;
  }), [edges, edgeIds, selectedFlow]);
  const onEdgesChange = useCallback((changes: EdgeChange<CanvasEdge>[]) => {
    setEdgeState((es) => applyEdgeChanges(changes.filter((c) => c.type !== 'remove'), es));
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // removals go through onDelete (the document decides what else goes with a node)
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), ns));
  }, []);

  const onNodeDragStop = useCallback((_: unknown, node: CanvasNode, dragged: CanvasNode[]) => {
    // A step of a 并联会审 branch goes to the lane of its block it was let go over, at that height (a semantic edit:
    // the branch order is its sequence); anywhere else, or back at its own place, it snaps back.
    if (node.parentId && dragged.length === 1) {
      const current = nodes.map((n) => (n.id === node.id ? { ...n, position: node.position } : n));
      const parent = absolutePositions(current).get(node.parentId) ?? { x: 0, y: 0 };
      const centre = { x: parent.x + node.position.x + (node.width ?? NODE_W) / 2, y: parent.y + node.position.y + (node.height ?? NODE_H) / 2 };
      const drop = laneDrop(current, node.id, centre);
      const d = definitionRef.current;
      const place = allNodes(d).find((p) => p.node.id === node.id)?.parent;
      const from = place ? { branchId: place.branch.id, index: place.branch.nodes.findIndex((n) => n.id === node.id) } : null;
      if (drop && from && (drop.branchId !== from.branchId || drop.index !== from.index)) onChange(moveStep(d, node.id, { branchId: drop.branchId, index: drop.index }));
      else setNodes((ns) => stabilize(ns, graph.nodes, undefined));
      return;
    }
    const positions: Record<string, Position> = {};
    for (const n of dragged) if (!n.parentId && n.type !== 'lane') positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    if (Object.keys(positions).length) onChange(moveNodes(definitionRef.current, positions));
    // steps of branches dragged along with top-level boxes keep their place in the branch
    if (dragged.some((n) => n.parentId)) setNodes((ns) => stabilize(ns, graph.nodes, undefined));
  }, [onChange, nodes, graph]);

  const onConnect = useCallback((c: Connection) => {
    if (!c.source || !c.target) return;
    onChange(addFlow(definitionRef.current, { from: c.source, to: c.target }));
  }, [onChange]);

  const onReconnect = useCallback((old: Edge, c: Connection) => {
    const index = flowIds(definitionRef.current.flows ?? []).indexOf(old.id);
    if (index < 0 || !c.source || !c.target) return;
    onChange(updateFlow(definitionRef.current, index, { ...definitionRef.current.flows[index], from: c.source, to: c.target }));
  }, [onChange]);

  const onDelete = useCallback(({ nodes: gone, edges: goneEdges }: { nodes: CanvasNode[]; edges: Edge[] }) => {
    const d = definitionRef.current;
    const ids = flowIds(d.flows ?? []);
    const flowIndexes = goneEdges.map((e) => ids.indexOf(e.id)).filter((i) => i >= 0);
    let next = removeItems(d, gone.filter((n) => n.type !== 'lane').map((n) => n.id), flowIndexes);
    // deleting a lane removes its branch (a block keeps at least one)
    for (const lane of gone.filter((n) => n.type === 'lane')) {
      if (lane.type !== 'lane') continue;
      const { blockId, branch } = lane.data;
      const block = next.nodes.find((n) => n.id === blockId);
      if (block && (block.branches?.length ?? 0) > 1) {
        next = mapNode(next, blockId, (b) => ({ ...b, branches: (b.branches ?? []).filter((x) => x.id !== branch.id) }));
      }
    }
    onChange(next);
    onSelect(null);
  }, [onChange, onSelect]);

  const onSelectionChange = useCallback(({ nodes: selected, edges: selectedEdges }: OnSelectionChangeParams) => {
    onSelectionIds?.(selected.filter((n) => n.type !== 'lane').map((n) => n.id));
    if (selected.length !== 1) {
      if (selected.length === 0) {
        reported.current = null;
        onSelect(null);
        const flows = selectedEdges.filter((e) => e.type === 'flow');
        const index = flows.length === 1 ? flowIds(definitionRef.current.flows ?? []).indexOf(flows[0].id) : -1;
        onSelectFlow?.(index >= 0 ? index : null);
      }
      return;
    }
    const n = selected[0] as CanvasNode;
    const id = n.type === 'lane' ? n.data.blockId : n.id;
    reported.current = id;
    onSelect(id);
  }, [onSelect, onSelectionIds]);

  const place = useCallback((kind: NodeKind, point: Position) => {
    const d = definitionRef.current;
    const node = newNode(kind, takenIds(d));
    // dropped into a lane: the node joins that branch, at the place among its steps where it was dropped
    const abs = absolutePositions(nodes);
    const lanes = nodes.filter((n) => n.type === 'lane').filter((l) => {
      const p = abs.get(l.id)!;
      return point.x >= p.x && point.x <= p.x + (l.width ?? 0) && point.y >= p.y && point.y <= p.y + (l.height ?? 0);
    });
    const lane = lanes[lanes.length - 1];
    if (lane && lane.type === 'lane' && kind !== 'start' && kind !== 'end' && kind !== 'decision') {
      const index = nodes.filter((n) => n.parentId === lane.id && abs.get(n.id)!.y + NODE_H / 2 < point.y).length;
      onChange(addNode(d, node, { blockId: lane.data.blockId, branchId: lane.data.branch.id, index }));
    } else {
      onChange(addNode(d, node, { position: { x: Math.round(point.x - NODE_W / 2), y: Math.round(point.y - NODE_H / 2) } }));
    }
    onSelect(node.id);
  }, [nodes, onChange, onSelect]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(dragType)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback((e: DragEvent) => {
    const kind = e.dataTransfer.getData(dragType) as NodeKind;
    if (!kind) return;
    e.preventDefault();
    place(kind, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  }, [flow, place]);

  const lastAdd = useRef<number | null>(null);
  useEffect(() => {
    if (!addRequest || addRequest.token === lastAdd.current) return;
    lastAdd.current = addRequest.token;
    const box = wrapper.current?.getBoundingClientRect();
    const centre = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
    place(addRequest.kind, centre);
  }, [addRequest, flow, place]);

  useEffect(() => {
    if (!focus) return;
    const n = absolutePositions(nodes).get(focus.nodeId);
    const box = nodes.find((x) => x.id === focus.nodeId);
    if (n && box) void flow.setCenter(n.x + (box.width ?? NODE_W) / 2, n.y + (box.height ?? NODE_H) / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 200 });
  }, [focus]);


  return (
    <div className="canvas" ref={wrapper} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edgeState}
        onEdgesChange={onEdgesChange}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onReconnect={onReconnect}
        onDelete={onDelete}
        onSelectionChange={onSelectionChange}
        deleteKeyCode={['Delete', 'Backspace']}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        fitView
        // Small enough that fit view shows a 300-step chain whole. Every node stays rendered: panning then only moves
        // the viewport transform, which is cheaper than mounting and unmounting boxes as they scroll into view.
        minZoom={minZoom}
        maxZoom={maxZoom}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ markerEnd: { type: MarkerType.ArrowClosed } }}
      >
        {/* at low zoom the dot pattern would be thousands of dots repainted on every pan frame */}
        {detailed && <Background gap={20} />}
        {/* React Flow does not pass data-* props on; display: contents wrappers carry the test ids without a box */}
        <div className="testid-wrap" data-testid="minimap"><MiniMap pannable zoomable /></div>
        <div className="testid-wrap" data-testid="canvas-controls"><Controls /></div>
      </ReactFlow>
    </div>
  );
}

export function Canvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}
