import { memo, useContext } from 'react';
import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from '@xyflow/react';
import type { BlockNode, LaneNode, StepNode } from '../../model/graph';
import { durationText, nodeSubtitle } from './describe';
import { MarksContext } from './marks';

function Problems({ id }: { id: string }) {
  const { diagnostics } = useContext(MarksContext);
  const list = diagnostics.get(id);
  if (!list?.length) return null;
  return (
    <div className="node-problems" data-testid={`node-problems-${id}`} title={list.map((d) => `${d.code} ${d.message}`).join('\n')}>
      {list.map((d) => d.code).filter((c, i, a) => a.indexOf(c) === i).join(' ')}
    </div>
  );
}

/**
 * Below this zoom a box's text is unreadable; boxes then draw as plain coloured shapes, which keeps panning a large
 * process (hundreds of boxes at fit view) smooth. Components re-render only when the zoom crosses the threshold.
 */
export const detailZoom = 0.3;
const detailed = (s: ReactFlowState) => s.transform[2] >= detailZoom;

export function useDetailed(): boolean {
  return useStore(detailed);
}

function useDecoration(id: string) {
  return useContext(MarksContext).decorations.get(id);
}

/** A step (start, 审批, decision, wait, service, end). Memoized: panning and other nodes' edits do not re-render it. */
export const StepNodeView = memo(function StepNodeView({ id, data, selected, parentId }: NodeProps<StepNode>) {
  const { t, diagnostics } = useContext(MarksContext);
  const deco = useDecoration(id);
  const { node } = data;
  const inLane = !!parentId;
  const errors = diagnostics.get(id)?.length ?? 0;
  const full = useDetailed();
  if (!full) {
    return (
      <div className={`bpm-node lod kind-${node.kind}${selected ? ' selected' : ''}${errors ? ' has-problems' : ''}${deco?.className ? ` ${deco.className}` : ''}`} style={deco?.style} data-testid={`node-${id}`}>
        {node.kind !== 'start' && !inLane && <Handle type="target" position={Position.Top} />}
        {node.kind !== 'end' && !inLane && <Handle type="source" position={Position.Bottom} />}
      </div>
    );
  }
  return (
    <div
      className={`bpm-node kind-${node.kind}${selected ? ' selected' : ''}${errors ? ' has-problems' : ''}${deco?.className ? ` ${deco.className}` : ''}`}
      style={deco?.style}
      title={deco?.title}
      data-testid={`node-${id}`}
    >
      {node.kind !== 'start' && !inLane && <Handle type="target" position={Position.Top} />}
      <div className="node-kind">{t(`kind.${node.kind}`)}{data.loops && <span className="node-loop" title={data.loops}> ↩ {data.loops}</span>}</div>
      <div className="node-name">{node.name || id}</div>
      <div className="node-sub">{nodeSubtitle(node)}</div>
      <Problems id={id} />
      {deco?.badge && <div className="node-badge" data-testid={`node-badge-${id}`}>{deco.badge}</div>}
      {node.kind !== 'end' && !inLane && <Handle type="source" position={Position.Bottom} />}
    </div>
  );
});

/** A 并联会审 block: a group whose lanes are its branches. */
export const BlockNodeView = memo(function BlockNodeView({ id, data, selected, parentId }: NodeProps<BlockNode>) {
  const { t, diagnostics } = useContext(MarksContext);
  const deco = useDecoration(id);
  const { node } = data;
  const errors = diagnostics.get(id)?.length ?? 0;
  return (
    <div className={`bpm-block${selected ? ' selected' : ''}${errors ? ' has-problems' : ''}${deco?.className ? ` ${deco.className}` : ''}`} style={deco?.style} title={deco?.title} data-testid={`node-${id}`}>
      {!parentId && <Handle type="target" position={Position.Top} />}
      <div className="block-head">
        <span className="node-kind">{t('kind.parallel')}</span> <strong>{node.name}</strong>{' '}
        <span className="muted">{[node.lead, node.join && t(`join.${node.join}`), durationText(node.limit)].filter(Boolean).join(' · ')}</span>
      </div>
      <Problems id={id} />
      {deco?.badge && <div className="node-badge" data-testid={`node-badge-${id}`}>{deco.badge}</div>}
      {!parentId && <Handle type="source" position={Position.Bottom} />}
    </div>
  );
});

export const LaneNodeView = memo(function LaneNodeView({ data, selected }: NodeProps<LaneNode>) {
  const { t } = useContext(MarksContext);
  const { branch, blockId } = data;
  return (
    <div className={`bpm-lane${selected ? ' selected' : ''}`} data-testid={`lane-${blockId}-${branch.id}`}>
      <div className="lane-head">
        {branch.name}
        {branch.silence ? <span className="muted"> · {t('lane.silence', { d: durationText(branch.silence) })}</span> : null}
      </div>
      <div className="lane-drop">{t('lane.drop')}</div>
    </div>
  );
});

export const nodeTypes = { step: StepNodeView, block: BlockNodeView, lane: LaneNodeView };
