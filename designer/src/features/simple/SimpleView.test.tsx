// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { SimpleView } from './SimpleView';
import type { Definition } from '../../model/dsl';
import { catalogDefinition } from '../../../test/catalog';

afterEach(cleanup);

function renderView(definition: Definition, onChange = vi.fn(), onSelect = vi.fn()) {
  render(<SimpleView definition={definition} onChange={onChange} onSelect={onSelect} selectedNodeId={null} diagnostics={new Map([['accept', [{ code: 'BPM0301', severity: 'error', message: 'm', path: '/nodes/1', line: 1, column: 1, nodeId: 'accept' }]]])} decorations={new Map([['certify', { badge: 'p90 2.0 天', className: 'changed' }]])} />);
  return { onChange, onSelect };
}

describe('SimpleView', () => {
  const permit = catalogDefinition('XK00301001');

  it('draws the tree: steps, branch labels, lanes, the 补正 loop, problems and decorations', () => {
    renderView(permit);
    expect(screen.getByTestId('step-accept').textContent).toContain('↩ 补正 → 一窗受理');
    expect(screen.getByTestId('step-problems-accept').textContent).toBe('BPM0301');
    expect(screen.getByTestId('split-accept').textContent).toContain('受理');
    expect(screen.getByTestId('simple-lane-joint-review-permit').textContent).toContain('施工许可审核');
    expect(screen.getByTestId('step-certify').className).toContain('changed');
    expect(screen.getByTestId('step-certify').textContent).toContain('p90 2.0 天');
    // no "+" after a step with several ways on, one after a step with one way on
    expect(screen.queryByTestId('insert-after-accept')).toBeNull();
    expect(screen.getByTestId('insert-after-certify')).toBeTruthy();
  });

  it('inserts an approval step after 统一出件 through the "+" menu', () => {
    const { onChange } = renderView(permit);
    fireEvent.click(screen.getByTestId('insert-after-certify'));
    fireEvent.click(screen.getByTestId('insert-step'));
    expect(onChange).toHaveBeenCalledTimes(1);
    const next = onChange.mock.calls[0][0] as Definition;
    const added = next.nodes.find((n) => !permit.nodes.some((o) => o.id === n.id))!;
    expect(added.kind).toBe('task');
    expect(next.flows).toContainEqual({ from: 'certify', to: added.id });
    expect(next.flows).toContainEqual({ from: added.id, to: 'granted' });
  });

  it('offers no 条件分支 inside a 并联会审 branch, and inserts a step there', () => {
    const { onChange } = renderView(permit);
    fireEvent.click(screen.getByTestId('insert-lane-joint-review-fire-1'));
    expect(screen.queryByTestId('insert-condition')).toBeNull();
    fireEvent.click(screen.getByTestId('insert-step'));
    const next = onChange.mock.calls[0][0] as Definition;
    expect(next.nodes.find((n) => n.id === 'joint-review')!.branches![0].nodes).toHaveLength(2);
  });

  it('explains why a graph is not tree-shaped, and each reason selects its node', () => {
    const broken: Definition = { ...permit, flows: [...permit.flows, { from: 'certify', to: 'notify-not-accepted' }] };
    const { onSelect } = renderView(broken);
    const box = screen.getByTestId('simple-not-tree');
    expect(box.textContent).toContain('出具不予受理通知书');
    fireEvent.click(box.querySelector('button')!);
    expect(onSelect).toHaveBeenCalledWith('notify-not-accepted');
  });
});
