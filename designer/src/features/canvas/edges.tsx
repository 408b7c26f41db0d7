import { memo } from 'react';
import { BaseEdge, SmoothStepEdge, StraightEdge, getStraightPath, type EdgeProps } from '@xyflow/react';
import { useDetailed } from './nodes';

/**
 * A flow: a routed step edge with its label and arrow; zoomed far out (labels unreadable, boxes drawn plain) a
 * straight line without label or arrow, which is much cheaper to paint when hundreds are on screen.
 */
export const FlowEdge = memo(function FlowEdge(props: EdgeProps) {
  const detailed = useDetailed();
  if (detailed) return <SmoothStepEdge {...props} />;
  const [path] = getStraightPath({ sourceX: props.sourceX, sourceY: props.sourceY, targetX: props.targetX, targetY: props.targetY });
  return <BaseEdge id={props.id} path={path} style={props.style} />;
});

export const edgeTypes = { flow: FlowEdge, seq: StraightEdge };
