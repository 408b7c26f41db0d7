// Checks of a discretion table (裁量基准) for the editable grid: per column, the tiers' bands should cover the
// statutory range without gaps or overlaps (bands that touch, one's max = the next one's min, are fine).

export interface Band {
  min?: number;
  max?: number;
  unit?: string;
  of?: string;
}

export interface DiscretionColumn {
  id: string;
  name: string;
  statutory?: Band;
  base?: string;
}

export interface DiscretionTier {
  level: string;
  circumstances?: string[];
  when?: string;
  bands: Record<string, Band>;
}

export interface DiscretionEntry {
  id: string;
  violation?: string;
  columns: DiscretionColumn[];
  tiers: DiscretionTier[];
  [extra: string]: unknown;
}

export interface BandIssue {
  kind: 'gap' | 'overlap' | 'outside' | 'inverted';
  column: string;
  /** The tiers concerned (indexes into tiers); one for outside/inverted, two for gap/overlap between tiers. */
  tiers: number[];
  from: number;
  to: number;
}

export function bandIssues(entry: DiscretionEntry): BandIssue[] {
  const issues: BandIssue[] = [];
  for (const column of entry.columns ?? []) {
    const bands = (entry.tiers ?? [])
      .map((tier, index) => ({ index, band: tier.bands?.[column.id] }))
      .filter((b): b is { index: number; band: Band } => !!b.band && typeof b.band.min === 'number' && typeof b.band.max === 'number');
    for (const b of bands) if (b.band.min! > b.band.max!) issues.push({ kind: 'inverted', column: column.id, tiers: [b.index], from: b.band.min!, to: b.band.max! });
    const sorted = [...bands].sort((a, b) => a.band.min! - b.band.min! || a.band.max! - b.band.max!);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const next = sorted[i];
      if (next.band.min! < prev.band.max!) issues.push({ kind: 'overlap', column: column.id, tiers: [prev.index, next.index], from: next.band.min!, to: Math.min(prev.band.max!, next.band.max!) });
      else if (next.band.min! > prev.band.max!) issues.push({ kind: 'gap', column: column.id, tiers: [prev.index, next.index], from: prev.band.max!, to: next.band.min! });
    }
    const s = column.statutory;
    if (s && typeof s.min === 'number' && typeof s.max === 'number') {
      for (const b of bands) if (b.band.min! < s.min || b.band.max! > s.max) issues.push({ kind: 'outside', column: column.id, tiers: [b.index], from: b.band.min!, to: b.band.max! });
      if (sorted.length) {
        if (sorted[0].band.min! > s.min) issues.push({ kind: 'gap', column: column.id, tiers: [sorted[0].index], from: s.min, to: sorted[0].band.min! });
        const last = sorted.reduce((a, b) => (b.band.max! > a.band.max! ? b : a));
        if (last.band.max! < s.max) issues.push({ kind: 'gap', column: column.id, tiers: [last.index], from: last.band.max!, to: s.max });
      }
    }
  }
  return issues;
}
