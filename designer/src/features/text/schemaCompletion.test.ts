import { describe, expect, it } from 'vitest';
import { completeAt, pathAt } from './schemaCompletion';

function at(textWithCursor: string) {
  const pos = textWithCursor.indexOf('|');
  return completeAt(textWithCursor.replace('|', ''), pos);
}

describe('YAML completion from the JSON Schema', () => {
  it('offers the top-level sections and power fields with their descriptions', () => {
    const top = at('power:\n  code: X\n|');
    expect(top!.options.map((o) => o.label)).toEqual(expect.arrayContaining(['power', 'limits', 'nodes', 'flows', 'layout']));
    const power = at('power:\n  code: X\n  na|');
    expect(power!.options.map((o) => o.label)).toContain('name');
    expect(power!.from).toBe('power:\n  code: X\n  '.length);
    expect(power!.options.find((o) => o.label === 'subject')!.detail).toMatch(/实施主体/);
  });

  it('knows where it is inside nodes, branches and nested branch nodes', () => {
    const lines = ['nodes:', '  - id: joint-review', '    branches:', '      - id: fire', '        nodes:', '          - id: fire-review', '            li'];
    expect(pathAt(lines, 6, 12, false)).toEqual(['nodes', '[]', 'branches', '[]', 'nodes', '[]']);
    const node = at('nodes:\n  - id: accept\n    kind: task\n    li|');
    expect(node!.options.map((o) => o.label)).toEqual(expect.arrayContaining(['limit', 'department', 'role', 'outcomes', 'branches']));
    const newItem = at('nodes:\n  - id: accept\n    kind: task\n  - |');
    expect(newItem!.options.map((o) => o.label)).toEqual(expect.arrayContaining(['id', 'kind', 'name']));
    const branch = at('nodes:\n  - id: p\n    branches:\n      - id: fire\n        si|');
    expect(branch!.options.map((o) => o.label)).toEqual(expect.arrayContaining(['silence', 'nodes', 'name']));
  });

  it('offers enum values where a value goes', () => {
    const kinds = at('nodes:\n  - id: a\n    kind: |');
    expect(kinds!.options.map((o) => o.label)).toEqual(['start', 'task', 'decision', 'parallel', 'wait', 'service', 'end']);
    const join = at('nodes:\n  - id: p\n    kind: parallel\n    join: a|');
    expect(join!.options.map((o) => o.label)).toEqual(expect.arrayContaining(['all', 'any', 'n-of-m', 'veto']));
    expect(join!.from).toBe('nodes:\n  - id: p\n    kind: parallel\n    join: '.length);
  });
});
