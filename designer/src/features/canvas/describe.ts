import type { Duration, DslNode } from '../../model/dsl';

export function durationText(d: Duration | undefined): string {
  if (d === undefined || d === null) return '';
  if (typeof d === 'string') return d;
  return `${d.value} ${d.unit}`;
}

/** One line under a node's name: who does it and how long they have. */
export function nodeSubtitle(node: DslNode): string {
  switch (node.kind) {
    case 'task':
      return [node.department, node.role, durationText(node.limit)].filter(Boolean).join(' · ');
    case 'parallel':
      return [node.lead, node.join, durationText(node.limit)].filter(Boolean).join(' · ');
    case 'wait':
      return durationText(node.duration);
    case 'service':
      return [node.action, node.template].filter(Boolean).join(' · ');
    case 'end':
      return node.result ?? '';
    default:
      return '';
  }
}
