// Pure mapping between the open document, the simulate endpoint's answer and what the panel and the chart show.
import type { Simulation, SimulatedNode } from '../../api/contracts';
import type { Definition, DslNode } from '../../model/dsl';
import type { NodeDecoration } from '../../shell/registry';

/** One way out of a node the analyst can pick for the simulated path: the value is what the server's `choices` take. */
export interface PathOption {
  /** The flow's outcome (`on`) when it has one, else the target node id: both are accepted by the server. */
  value: string;
  outcome: string | null;
  targetId: string;
  targetName: string;
  condition: string | null;
  isDefault: boolean;
}

/** A top-level node where the path forks (several flows leave it): the simulation takes one of them. */
export interface PathFork {
  nodeId: string;
  name: string;
  options: PathOption[];
}

/**
 * The forks of a definition's top-level flowchart, in document order. The server only follows top-level flows
 * (branches of a joint review all run), so nodes inside parallel blocks never fork. Two flows with the same outcome
 * (an invalid draft) are listed once, since the server would take the first either way.
 */
export function pathForks(d: Pick<Definition, 'nodes' | 'flows'>): PathFork[] {
  const byId = new Map<string, DslNode>((d.nodes ?? []).map((n) => [n.id, n]));
  const forks: PathFork[] = [];
  for (const node of d.nodes ?? []) {
    const options: PathOption[] = [];
    for (const f of d.flows ?? []) {
      if (f.from !== node.id) continue;
      const value = f.on ?? f.to;
      if (options.some((o) => o.value === value)) continue;
      options.push({
        value,
        outcome: f.on ?? null,
        targetId: f.to,
        targetName: byId.get(f.to)?.name ?? f.to,
        condition: f.when ?? null,
        isDefault: f.default === true,
      });
    }
    if (options.length > 1) forks.push({ nodeId: node.id, name: node.name, options });
  }
  return forks;
}

/** Keeps only the choices that still name a fork and one of its options (the document may have changed since). */
export function validChoices(forks: PathFork[], choices: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const fork of forks) {
    const chosen = choices[fork.nodeId];
    if (chosen && fork.options.some((o) => o.value === chosen)) out[fork.nodeId] = chosen;
  }
  return out;
}

/**
 * "2026-10-09T17:30:00+08:00" → "2026-10-09 17:30". The server answers in its calendar's local time with the offset;
 * reading the text (not `new Date`) keeps the office's wall clock whatever the browser's time zone is.
 */
export function wallClock(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** The short form a node badge has room for: "10-09 17:30". */
export function shortWallClock(iso: string): string {
  const m = /^\d{4}-(\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** Where a node's due moment falls against the case's promised and legal due dates. */
export type Lateness = 'ok' | 'past-promised' | 'past-legal';

export function latenessOf(dueAt: string, s: Pick<Simulation, 'promisedDue' | 'legalDue'>): Lateness {
  const due = Date.parse(dueAt);
  if (due > Date.parse(s.legalDue)) return 'past-legal';
  if (due > Date.parse(s.promisedDue)) return 'past-promised';
  return 'ok';
}

export interface SimulationRow {
  nodeId: string;
  name: string;
  /** The joint-review branch the node runs in, null at top level; rows of a branch are indented under their block. */
  branch: string | null;
  starts: string;
  due: string;
  /** The server's due moment as sent (ISO with offset). */
  dueAt: string;
  limit: string | null;
  lateness: Lateness;
}

export function simulationRows(s: Simulation): SimulationRow[] {
  return s.nodes.map((n: SimulatedNode) => ({
    nodeId: n.nodeId,
    name: n.name,
    branch: n.branch,
    starts: wallClock(n.startsAt),
    due: wallClock(n.dueAt),
    dueAt: n.dueAt,
    limit: n.limit ? n.limit.text : null,
    lateness: latenessOf(n.dueAt, s),
  }));
}

/** Colours of a due-date badge's node: the chart shows at a glance which steps run past the promise or the law. */
export const latenessStyle: Record<Lateness, NodeDecoration['style']> = {
  ok: undefined,
  'past-promised': { borderColor: '#ef6c00', boxShadow: '0 0 0 2px #ffcc80' },
  'past-legal': { borderColor: '#c62828', boxShadow: '0 0 0 2px #ef9a9a' },
};

export interface SimulationLabels {
  starts: string;
  due: string;
  limit: string;
  pastPromised: string;
  pastLegal: string;
}

/** A due-date badge (and hover text with start, due and limit) for every node on the simulated path. */
export function simulationDecorations(s: Simulation, labels: SimulationLabels): Record<string, NodeDecoration> {
  const out: Record<string, NodeDecoration> = {};
  for (const row of simulationRows(s)) {
    const lines = [`${labels.starts} ${row.starts}`, `${labels.due} ${row.due}`];
    if (row.limit) lines.push(`${labels.limit} ${row.limit}`);
    if (row.lateness === 'past-promised') lines.push(labels.pastPromised);
    if (row.lateness === 'past-legal') lines.push(labels.pastLegal);
    out[row.nodeId] = { badge: shortWallClock(row.dueAt), title: lines.join('\n'), style: latenessStyle[row.lateness] };
  }
  return out;
}

/** Which warnings the panel raises: the server's path flags, legal first since it is the graver one. */
export function pathWarnings(s: Pick<Simulation, 'pathExceedsPromised' | 'pathExceedsLegal'>): ('legal' | 'promised')[] {
  const out: ('legal' | 'promised')[] = [];
  if (s.pathExceedsLegal) out.push('legal');
  if (s.pathExceedsPromised) out.push('promised');
  return out;
}

/** Today in the office's calendar (China, UTC+8), as the date input wants it: acceptance dates are office dates. */
export function officeToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
