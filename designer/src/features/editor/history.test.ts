import { describe, expect, it } from 'vitest';
import { edit, redo, start, undo } from './history';
import { emptyDefinition } from '../../model/dsl';
import { mapNode } from '../../model/ops';

describe('history', () => {
  it('undoes and redoes whole documents, and a new edit drops the redo stack', () => {
    const a = emptyDefinition();
    const b = mapNode(a, 'start', (n) => ({ ...n, name: 'B' }));
    const c = mapNode(b, 'start', (n) => ({ ...n, name: 'C' }));
    let h = edit(edit(start(a), b), c);
    h = undo(h);
    expect(h.present).toBe(b);
    h = undo(h);
    expect(h.present).toBe(a);
    expect(undo(h).present).toBe(a);
    h = redo(h);
    expect(h.present).toBe(b);
    h = edit(h, c);
    expect(h.future).toHaveLength(0);
    expect(redo(h).present).toBe(c);
  });

  it('merges a run of edits with the same key (typing) into one step', () => {
    const a = emptyDefinition();
    let h = start(a);
    for (const name of ['审', '审批', '审批一']) h = edit(h, mapNode(h.present, 'start', (n) => ({ ...n, name })), 'name:start');
    expect(h.past).toHaveLength(1);
    expect(undo(h).present).toBe(a);
  });
});
