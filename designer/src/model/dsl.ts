// The definition as the server's DSL JSON (GET /api/powers/{code}/versions/{v}?format=json, DefinitionWriter):
// the designer edits exactly this shape, so saving is JSON.stringify and nothing is lost on the way.
// Types name what the designer reads and writes; unknown keys are kept (index signatures) and passed through.

export type Duration = { value: number; unit: string; ref?: string } | string;

export interface Position {
  x: number;
  y: number;
}

export type NodeKind = 'start' | 'task' | 'decision' | 'parallel' | 'wait' | 'service' | 'end';
export const nodeKinds: readonly NodeKind[] = ['start', 'task', 'decision', 'parallel', 'wait', 'service', 'end'];

export type Outcome = string | { name: string; verdict: string };

export interface FormField {
  key: string;
  label: string;
  type: string;
  required?: boolean;
  options?: string[];
  [extra: string]: unknown;
}

/** A branch of a parallel block without its nodes (what a lane shows). */
export interface BranchInfo {
  id: string;
  name: string;
  silence?: Duration;
  [extra: string]: unknown;
}

export interface Branch extends BranchInfo {
  nodes: DslNode[];
}

export interface DslNode {
  id: string;
  kind: NodeKind;
  name: string;
  department?: string;
  role?: string;
  limit?: Duration;
  risk?: string;
  warning?: Duration;
  outcomes?: Outcome[];
  form?: FormField[];
  discretion?: Record<string, unknown>;
  lead?: string;
  join?: string;
  quorum?: number;
  branches?: Branch[];
  duration?: Duration;
  action?: string;
  template?: string;
  to?: string;
  result?: string;
  [extra: string]: unknown;
}

export interface Flow {
  from: string;
  to: string;
  on?: string;
  when?: string;
  default?: boolean;
  [extra: string]: unknown;
}

export interface Definition {
  power: Record<string, unknown> & { code?: string; name?: string };
  limits: Record<string, unknown>;
  nodes: DslNode[];
  flows: Flow[];
  specialProcedures?: Record<string, unknown>[];
  discretion?: Record<string, unknown>[];
  templates?: { id: string; name: string; body: string; [extra: string]: unknown }[];
  supervision?: Record<string, unknown>;
  layout?: Record<string, Position>;
  [extra: string]: unknown;
}

/** Every node with the list it lives in: top level (branch null) or a parallel block's branch, depth-first. */
export interface NodePlace {
  node: DslNode;
  parent: { block: DslNode; branch: Branch } | null;
}

export function allNodes(d: Pick<Definition, 'nodes'>): NodePlace[] {
  const out: NodePlace[] = [];
  const walk = (nodes: DslNode[], parent: NodePlace['parent']) => {
    for (const node of nodes) {
      out.push({ node, parent });
      if (node.kind === 'parallel') for (const branch of node.branches ?? []) walk(branch.nodes ?? [], { block: node, branch });
    }
  };
  walk(d.nodes ?? [], null);
  return out;
}

/** A fresh, empty definition: a start and an end, so the canvas has something to connect. */
export function emptyDefinition(): Definition {
  return {
    power: {
      code: '',
      name: '',
      category: '行政许可',
      subject: '',
      handling: '承诺件',
      basis: [],
      fees: [],
    },
    limits: { legal: { value: 20, unit: '工作日' }, promised: { value: 20, unit: '工作日' } },
    nodes: [
      { id: 'start', kind: 'start', name: '申请' },
      { id: 'end', kind: 'end', name: '办结', result: '准予' },
    ],
    flows: [{ from: 'start', to: 'end' }],
    layout: { start: { x: 0, y: 0 }, end: { x: 0, y: 200 } },
  };
}
