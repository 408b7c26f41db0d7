import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { autoLayout, elkLimit, layeredLayout, needsLayout } from './layout';
import { contentHash } from './hash';
import { moveNodes } from './ops';
import { sizeOf } from './graph';
import { catalogDefinition } from '../../test/catalog';
import { generatedDefinition } from '../../test/generated';

const elk = new ELK();

describe('autoLayout', () => {
  it('places every top-level box top-down without overlaps, and leaves the hash alone', async () => {
    const d = catalogDefinition('XK00301001');
    expect(needsLayout(d)).toBe(true);
    const positions = await autoLayout(d, elk);
    expect(Object.keys(positions).sort()).toEqual(d.nodes.map((n) => n.id).sort());
    expect(positions.accept.y).toBeGreaterThan(positions.start.y);
    expect(positions['joint-review'].y).toBeGreaterThan(positions.accept.y);
    expect(positions.granted.y).toBeGreaterThan(positions.certify.y);
    const boxes = d.nodes.map((n) => ({ id: n.id, ...positions[n.id], ...sizeOf(n) }));
    for (const a of boxes) for (const b of boxes) {
      if (a.id >= b.id) continue;
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
    }
    const laidOut = moveNodes(d, positions);
    expect(needsLayout(laidOut)).toBe(false);
    expect(contentHash(laidOut)).toBe(contentHash(d));
  });

  it('lays out a generated 300-node definition top-down in well under a second', async () => {
    const d = generatedDefinition(300);
    expect(d.nodes.length).toBeGreaterThan(elkLimit);
    const started = performance.now();
    const positions = await autoLayout(d, elk);
    const elapsed = performance.now() - started;
    expect(Object.keys(positions)).toHaveLength(d.nodes.length);
    for (const f of d.flows) expect(positions[f.to].y, `${f.from} → ${f.to}`).toBeGreaterThan(positions[f.from].y);
    // linear time: ~10 ms alone; the bound leaves room for a machine busy with other tests
    expect(elapsed).toBeLessThan(500);
  });

  it('layered layout: loops back do not lift a step, branches sit side by side', () => {
    const d = catalogDefinition('XK00301001');
    const p = layeredLayout(d);
    expect(p.accept.y).toBeGreaterThan(p.start.y);
    expect(p['joint-review'].y).toBeGreaterThan(p.accept.y);
    expect(p['notify-not-accepted'].y).toBe(p['joint-review'].y);
    expect(p['notify-not-accepted'].x).not.toBe(p['joint-review'].x);
    expect(p.refused.y).toBeGreaterThan(p['notify-rejection'].y);
  });
});
