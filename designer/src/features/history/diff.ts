// Pure mapping from the server's version diff (GET /api/powers/{code}/diff) to what the chart and the list show.
import type { DefinitionChange } from '../../api/contracts';
import type { NodeDecoration } from '../../shell/registry';

export type Mark = 'added' | 'removed' | 'changed';

/** What happened to one node between the two versions, with every line the server wrote about it. */
export interface NodeMark {
  nodeId: string;
  mark: Mark;
  /** A time limit of the node changed: its limit, a wait's duration or a branch's silence-means-consent timeout. */
  limitChanged: boolean;
  /** "5 工作日 → 7 工作日" for the node's own limit, when that is what changed. */
  limit: { before: string | null; after: string | null } | null;
  summaries: string[];
}

// The server words a node's property change as "node <id> (<name>): <property> <before> → <after>"
// (engine/Bpm.Definitions/Diffing/ChangeList.Property); these properties are time limits.
const limitProperty = /: (limit|duration|branch \S+ silence \(视为同意\)) /;
const ownLimit = /: limit /;

/** Several changes share a key (one per property): one mark per node, added or removed winning over changed. */
export function nodeMarks(changes: DefinitionChange[]): Map<string, NodeMark> {
  const marks = new Map<string, NodeMark>();
  for (const c of changes) {
    if (c.area !== 'node') continue;
    const m = marks.get(c.key) ?? { nodeId: c.key, mark: c.kind, limitChanged: false, limit: null, summaries: [] };
    if (c.kind !== 'changed') m.mark = c.kind;
    if (c.kind === 'changed' && limitProperty.test(c.summary)) {
      m.limitChanged = true;
      if (ownLimit.test(c.summary)) m.limit = { before: c.before, after: c.after };
    }
    m.summaries.push(c.summary);
    marks.set(c.key, m);
  }
  return marks;
}

export interface DiffLabels {
  added: string;
  removed: string;
  changed: string;
  limit: string;
}

/** The badge says what happened (and the new limit when it moved); hovering lists the server's lines. */
export function diffDecorations(changes: DefinitionChange[], labels: DiffLabels): Record<string, NodeDecoration> {
  const out: Record<string, NodeDecoration> = {};
  for (const m of nodeMarks(changes).values()) {
    let badge = labels[m.mark];
    if (m.mark === 'changed' && m.limitChanged)
      badge = m.limit ? `${labels.limit} ${m.limit.before ?? '—'}→${m.limit.after ?? '—'}` : labels.limit;
    out[m.nodeId] = {
      className: m.mark,
      badge,
      title: m.summaries.join('\n'),
      // A moved time limit is what reviewers look for first: a thicker border on top of the "changed" colours.
      style: m.limitChanged ? { borderWidth: 3, borderStyle: 'dashed' } : undefined,
    };
  }
  return out;
}

/** One line of the change list: all changes of one thing (a node, a flow, a limit …). */
export interface ChangeGroup {
  area: string;
  key: string;
  /** data-testid: diff-change-<key>, or diff-change-<area>-<key> when another area already used that key. */
  testId: string;
  mark: Mark;
  limitChanged: boolean;
  /** The node on the chart this line points at, if any (a node, or the source of a flow). */
  nodeId: string | null;
  summaries: string[];
}

/** "accept→joint-review[受理]" → ["accept", "joint-review"]. */
export function flowEnds(key: string): [string, string] | null {
  const m = /^(.+?)→(.+?)(\[.*\])?(#\d+)?$/.exec(key);
  return m ? [m[1], m[2]] : null;
}

/** Groups the server's changes by area and key, keeping its order (area, then key). */
export function changeGroups(changes: DefinitionChange[]): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  const byAreaKey = new Map<string, ChangeGroup>();
  const usedIds = new Set<string>();
  const marks = nodeMarks(changes);
  for (const c of changes) {
    const id = `${c.area}\u0000${c.key}`;
    let g = byAreaKey.get(id);
    if (!g) {
      let testId = `diff-change-${c.key}`;
      if (usedIds.has(testId)) testId = `diff-change-${c.area}-${c.key}`;
      usedIds.add(testId);
      const nodeId = c.area === 'node' ? c.key : c.area === 'flow' ? flowEnds(c.key)?.[0] ?? null : null;
      g = { area: c.area, key: c.key, testId, mark: c.kind, limitChanged: false, nodeId, summaries: [] };
      byAreaKey.set(id, g);
      groups.push(g);
    }
    if (c.kind !== 'changed') g.mark = c.kind;
    g.summaries.push(c.summary);
    if (c.area === 'node') g.limitChanged = marks.get(c.key)?.limitChanged ?? false;
    // The case's own limits (法定/承诺 …) are limits too; they have no box on the chart, so the list carries them.
    if (c.area === 'limits') g.limitChanged = true;
  }
  return groups;
}

export interface DiffCounts {
  added: number;
  removed: number;
  changed: number;
  limits: number;
}

/** The headline over the list: how many nodes were added, removed, changed, and how many limits moved. */
export function diffCounts(changes: DefinitionChange[]): DiffCounts {
  const counts: DiffCounts = { added: 0, removed: 0, changed: 0, limits: 0 };
  for (const m of nodeMarks(changes).values()) {
    counts[m.mark] += 1;
    if (m.limitChanged) counts.limits += 1;
  }
  counts.limits += new Set(changes.filter((c) => c.area === 'limits').map((c) => c.key)).size;
  return counts;
}

/** Versions to compare by default: the open one (or the latest) against the one before it. */
export function defaultPair(versions: number[], open: number | null): { from: number; to: number } | null {
  const sorted = [...new Set(versions)].sort((a, b) => a - b);
  if (sorted.length < 2) return null;
  const to = open !== null && sorted.includes(open) && sorted.indexOf(open) > 0 ? open : sorted[sorted.length - 1];
  return { from: sorted[sorted.indexOf(to) - 1], to };
}

/** "2026-11-21T05:40:10.123+00:00" → "2026-11-21 13:40" in the office's time (UTC+8), like every date the server shows. */
export function officeTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
