import { describe, expect, it } from 'vitest';
import { laneDrop, laneId, toGraph, type CanvasNode } from './graph';
import { moveStep } from './ops';
import { contentHash } from './hash';
import type { Position } from './dsl';
import { catalogDefinition } from '../../test/catalog';

/** Absolute centre of a canvas node (positions of children are relative to their parent). */
function centre(nodes: CanvasNode[], id: string): Position {
  let n = nodes.find((x) => x.id === id)!;
  let x = (n.width ?? 0) / 2;
  let y = (n.height ?? 0) / 2;
  for (;;) {
    x += n.position.x;
    y += n.position.y;
    if (!n.parentId) return { x, y };
    n = nodes.find((p) => p.id === n.parentId)!;
  }
}

describe('laneDrop: a step dragged inside its 并联会审 block', () => {
  const d = catalogDefinition('XK00301001');
  const { nodes } = toGraph(d);
  const permit = d.nodes.find((n) => n.id === 'joint-review')!.branches!.find((b) => b.id === 'permit')!;

  it('above the first step of its own lane goes first (a reorder)', () => {
    expect(permit.nodes.map((n) => n.id)).toEqual(['permit-review', 'permit-approve']);
    const top = centre(nodes, 'permit-review');
    const drop = laneDrop(nodes, 'permit-approve', { x: top.x, y: top.y - 10 });
    expect(drop).toEqual({ blockId: 'joint-review', branchId: 'permit', index: 0 });
    const moved = moveStep(d, 'permit-approve', drop!);
    const order = moved.nodes.find((n) => n.id === 'joint-review')!.branches!.find((b) => b.id === 'permit')!.nodes.map((n) => n.id);
    expect(order).toEqual(['permit-approve', 'permit-review']);
    expect(contentHash(moved)).not.toBe(contentHash(d));
  });

  it('back at its own place is where it already is', () => {
    const at = centre(nodes, 'permit-approve');
    expect(laneDrop(nodes, 'permit-approve', at)).toEqual({ blockId: 'joint-review', branchId: 'permit', index: 1 });
  });

  it('over another lane of the block joins that branch, under its steps when let go low', () => {
    const lane = nodes.find((n) => n.id === laneId('joint-review', 'fire'))!;
    const c = centre(nodes, lane.id);
    const bottom = { x: c.x, y: c.y + (lane.height ?? 0) / 2 - 5 };
    const fire = d.nodes.find((n) => n.id === 'joint-review')!.branches!.find((b) => b.id === 'fire')!;
    expect(laneDrop(nodes, 'permit-review', bottom)).toEqual({ blockId: 'joint-review', branchId: 'fire', index: fire.nodes.length });
    const topOfFire = centre(nodes, fire.nodes[0].id);
    expect(laneDrop(nodes, 'permit-review', { x: topOfFire.x, y: topOfFire.y - 5 })).toEqual({ blockId: 'joint-review', branchId: 'fire', index: 0 });
  });

  it('outside the block, or a top-level box, has no lane to go to', () => {
    const accept = centre(nodes, 'accept');
    expect(laneDrop(nodes, 'permit-review', accept)).toBeNull();
    expect(laneDrop(nodes, 'accept', centre(nodes, 'permit-review'))).toBeNull();
  });
});
