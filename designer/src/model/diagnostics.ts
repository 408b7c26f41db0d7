// Puts each validator diagnostic on what it concerns: a node (by nodeId or by its JSON pointer into /nodes/…),
// a flow (/flows/i), or a field of the power (/power/…, /limits/…). The rest of the pointer names the field.
import type { Definition, DslNode } from './dsl';

export interface DiagnosticLike {
  code: string;
  severity: string;
  message: string;
  path: string;
  nodeId: string | null;
}

export interface DiagnosticTarget {
  nodeId: string | null;
  flowIndex: number | null;
  /** JSON pointer below the node, flow or document, e.g. "limit", "branches/1/silence", "power/name". */
  field: string | null;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function locate(d: Definition, diagnostic: DiagnosticLike): DiagnosticTarget {
  const tokens = (diagnostic.path || '').split('/').slice(1).map(unescape);
  let nodeId: string | null = null;
  let rest = tokens;
  let list: DslNode[] | undefined = d.nodes;
  let flowIndex: number | null = null;
  if (tokens[0] === 'flows' && /^\d+$/.test(tokens[1] ?? '')) {
    flowIndex = Number(tokens[1]);
    rest = tokens.slice(2);
  } else if (tokens[0] === 'nodes') {
    // walk /nodes/i(/branches/j/nodes/k)* as deep as it goes
    let i = 1;
    while (list && /^\d+$/.test(tokens[i] ?? '')) {
      const node: DslNode | undefined = list[Number(tokens[i])];
      if (!node) break;
      nodeId = node.id;
      rest = tokens.slice(i + 1);
      if (tokens[i + 1] === 'branches' && /^\d+$/.test(tokens[i + 2] ?? '') && tokens[i + 3] === 'nodes') {
        list = node.branches?.[Number(tokens[i + 2])]?.nodes;
        i += 4;
      } else break;
    }
  } else if (tokens[0] === 'layout' && tokens[1]) {
    nodeId = tokens[1];
    rest = [];
  }
  if (diagnostic.nodeId) nodeId = diagnostic.nodeId;
  return { nodeId, flowIndex, field: rest.length ? rest.join('/') : null };
}

/** Diagnostics grouped by node id and by flow index, for badges on the canvas and the 简易 view. */
export function diagnosticsByTarget<T extends DiagnosticLike>(d: Definition, diagnostics: T[]) {
  const byNode = new Map<string, T[]>();
  const byFlow = new Map<number, T[]>();
  const other: T[] = [];
  for (const diagnostic of diagnostics) {
    const t = locate(d, diagnostic);
    if (t.nodeId) byNode.set(t.nodeId, [...(byNode.get(t.nodeId) ?? []), diagnostic]);
    else if (t.flowIndex !== null) byFlow.set(t.flowIndex, [...(byFlow.get(t.flowIndex) ?? []), diagnostic]);
    else other.push(diagnostic);
  }
  return { byNode, byFlow, other };
}
