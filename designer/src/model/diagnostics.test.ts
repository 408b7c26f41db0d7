import { describe, expect, it } from 'vitest';
import { diagnosticsByTarget, locate } from './diagnostics';
import { fromText, toYaml } from './text';
import { contentHash } from './hash';
import { catalog, catalogDefinition } from '../../test/catalog';

const d = catalogDefinition('XK00301001');
const diag = (path: string, nodeId: string | null = null) => ({ code: 'BPM0001', severity: 'error', message: 'm', path, nodeId });

describe('locate', () => {
  it('finds top-level and nested nodes by JSON pointer, with the field below them', () => {
    expect(locate(d, diag('/nodes/1/limit'))).toEqual({ nodeId: 'accept', flowIndex: null, field: 'limit' });
    // joint-review is /nodes/2; its branch permit (2) has permit-approve at index 1
    expect(locate(d, diag('/nodes/2/branches/2/nodes/1/role'))).toEqual({ nodeId: 'permit-approve', flowIndex: null, field: 'role' });
    expect(locate(d, diag('/nodes/2/branches/1/silence'))).toEqual({ nodeId: 'joint-review', flowIndex: null, field: 'branches/1/silence' });
  });

  it('finds flows, power fields, layout entries, and prefers the diagnostic nodeId', () => {
    expect(locate(d, diag('/flows/3/on'))).toEqual({ nodeId: null, flowIndex: 3, field: 'on' });
    expect(locate(d, diag('/power/name'))).toEqual({ nodeId: null, flowIndex: null, field: 'power/name' });
    expect(locate(d, diag('/layout/a~1b'))).toEqual({ nodeId: 'a/b', flowIndex: null, field: null });
    expect(locate(d, diag('/specialProcedures/0/nodes/0', 'fire-review')).nodeId).toBe('fire-review');
  });

  it('groups diagnostics by node, flow and the rest', () => {
    const g = diagnosticsByTarget(d, [diag('/nodes/1/limit'), diag('/nodes/1/role'), diag('/flows/0'), diag('/limits/legal')]);
    expect(g.byNode.get('accept')).toHaveLength(2);
    expect(g.byFlow.get(0)).toHaveLength(1);
    expect(g.other).toHaveLength(1);
  });
});

describe('YAML text', () => {
  it.each(catalog().map((c) => [c.file, c.definition] as const))('%s survives YAML out and back with its hash', (_f, def) => {
    const back = fromText(toYaml(def));
    expect('definition' in back && contentHash(back.definition)).toBe(contentHash(def));
  });

  it('reports a syntax error with its line instead of throwing', () => {
    const r = fromText('power:\n  code: [unclosed\nnodes: []');
    expect('error' in r && r.error.line).toBeGreaterThan(0);
  });
});

describe('YAML layout', () => {
  it('writes small records and short lists on one line, as the catalog files do', () => {
    const yaml = toYaml(d);
    expect(yaml).toContain('legal: {value: 45, unit: 工作日, ref: 行政许可法第四十二条第二款}');
    expect(yaml).toContain('outcomes: [受理, 不予受理, 补正]');
    expect(yaml).toContain('- {from: start, to: accept}');
    expect(yaml).toContain("\nlayout:\n  start: {x: 0, y: 0}");
  });
});
