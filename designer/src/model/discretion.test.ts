import { describe, expect, it } from 'vitest';
import { bandIssues, type DiscretionEntry } from './discretion';
import { catalogDefinition } from '../../test/catalog';

const entry = () => structuredClone((catalogDefinition('CF00301012').discretion as unknown as DiscretionEntry[])[0]);

describe('bandIssues', () => {
  it('finds nothing wrong in the catalog table of 未取得施工许可证擅自施工', () => {
    expect(bandIssues(entry())).toEqual([]);
  });

  it('finds an overlap, a gap, a band outside the statutory range and an inverted band', () => {
    const e = entry();
    e.tiers[0].bands.contractor = { min: 0, max: 12000, unit: '元' }; // overlaps 一般 10000–20000
    e.tiers[1].bands.builder = { min: 1.4, max: 1.7, unit: '%' }; // gap 1.3–1.4
    e.tiers[2].bands.contractor = { min: 20000, max: 40000, unit: '元' }; // beyond statutory 30000
    const issues = bandIssues(e);
    expect(issues).toContainEqual({ kind: 'overlap', column: 'contractor', tiers: [0, 1], from: 10000, to: 12000 });
    expect(issues).toContainEqual({ kind: 'gap', column: 'builder', tiers: [0, 1], from: 1.3, to: 1.4 });
    expect(issues).toContainEqual({ kind: 'outside', column: 'contractor', tiers: [2], from: 20000, to: 40000 });
    e.tiers[0].bands.builder = { min: 1.3, max: 1 };
    expect(bandIssues(e).some((i) => i.kind === 'inverted' && i.tiers[0] === 0)).toBe(true);
  });

  it('finds a statutory range left uncovered at either end', () => {
    const e = entry();
    e.tiers[0].bands.contractor = { min: 5000, max: 10000, unit: '元' };
    e.tiers[2].bands.contractor = { min: 20000, max: 25000, unit: '元' };
    const gaps = bandIssues(e).filter((i) => i.kind === 'gap' && i.column === 'contractor');
    expect(gaps.map((g) => [g.from, g.to])).toEqual([[0, 5000], [25000, 30000]]);
  });
});
