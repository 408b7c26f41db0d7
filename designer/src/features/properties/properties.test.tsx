// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { NodeProperties } from './NodeProperties';
import { DiscretionGrid, newDiscretionEntry } from './DiscretionGrid';
import type { Definition } from '../../model/dsl';
import type { DiscretionEntry } from '../../model/discretion';
import { findNode } from '../../model/ops';
import { catalogDefinition } from '../../../test/catalog';

afterEach(cleanup);

const directory = { departments: [{ name: '县住房和城乡建设局', roles: ['综合窗口受理员', '审查员'] }, { name: '县人民防空办公室', roles: ['人防审核员'] }] };

describe('NodeProperties', () => {
  const permit = catalogDefinition('XK00301001');

  it('edits a task limit in working days and shows the field problem under it', () => {
    const onChange = vi.fn();
    render(<NodeProperties nodeId="accept" definition={permit} onChange={onChange} directory={directory}
      problems={(f) => (f === 'limit' ? [{ code: 'BPM0201', severity: 'error', message: '时限过长', path: '/nodes/1/limit', line: 1, column: 1, nodeId: 'accept' }] : undefined)} />);
    expect(screen.getByTestId('prop-limit-problem').textContent).toContain('BPM0201');
    fireEvent.change(screen.getByTestId('prop-limit'), { target: { value: '2' } });
    const next = onChange.mock.calls[0][0] as Definition;
    expect(findNode(next, 'accept')!.limit).toEqual({ value: 2, unit: '工作日' });
    expect(onChange.mock.calls[0][1]).toBe('node:accept:limit');
  });

  it('offers the departments and roles the server knows', () => {
    render(<NodeProperties nodeId="accept" definition={permit} onChange={vi.fn()} directory={directory} problems={() => undefined} />);
    const roles = screen.getByTestId('prop-role').getAttribute('list')!;
    expect([...document.getElementById(roles)!.querySelectorAll('option')].map((o) => o.value)).toEqual(['综合窗口受理员', '审查员']);
  });

  it('edits the joint review: join mode, a third branch, the silence of a branch', () => {
    const onChange = vi.fn();
    render(<NodeProperties nodeId="joint-review" definition={permit} onChange={onChange} directory={directory} problems={() => undefined} />);
    fireEvent.change(screen.getByTestId('prop-join'), { target: { value: 'n-of-m' } });
    expect(findNode(onChange.mock.calls[0][0], 'joint-review')).toMatchObject({ join: 'n-of-m', quorum: 2 });
    fireEvent.click(screen.getByTestId('btn-add-branch'));
    expect(findNode(onChange.mock.calls[1][0], 'joint-review')!.branches).toHaveLength(4);
    fireEvent.change(screen.getByTestId('prop-branch-1-silence'), { target: { value: '3' } });
    expect(findNode(onChange.mock.calls[2][0], 'joint-review')!.branches![1].silence).toEqual({ value: 3, unit: '工作日' });
  });
});

describe('DiscretionGrid', () => {
  it('highlights an overlap between two tiers as the analyst types it', () => {
    const entry = structuredClone((catalogDefinition('CF00301012').discretion as unknown as DiscretionEntry[])[0]);
    const onChange = vi.fn();
    const { rerender } = render(<DiscretionGrid entry={entry} index={0} onChange={onChange} />);
    expect(screen.getByTestId('discretion-0-tier-0-contractor').className).not.toContain('band-issue');
    fireEvent.change(screen.getByTestId('discretion-0-tier-0-contractor-max'), { target: { value: '12000' } });
    const next = onChange.mock.calls[0][0] as DiscretionEntry;
    expect(next.tiers[0].bands.contractor.max).toBe(12000);
    rerender(<DiscretionGrid entry={next} index={0} onChange={onChange} />);
    expect(screen.getByTestId('discretion-0-tier-0-contractor').className).toContain('overlap');
    expect(screen.getByTestId('discretion-0-tier-1-contractor').className).toContain('overlap');
  });
});

describe('DiscretionGrid columns', () => {
  it('narrowing a statutory range flags the tier now outside it, and a column can be added', () => {
    const entry = structuredClone((catalogDefinition('CF00301012').discretion as unknown as DiscretionEntry[])[0]);
    const onChange = vi.fn();
    const { rerender } = render(<DiscretionGrid entry={entry} index={0} onChange={onChange} />);
    fireEvent.change(screen.getByTestId('discretion-0-column-1-max'), { target: { value: '25000' } });
    const next = onChange.mock.calls[0][0] as DiscretionEntry;
    expect(next.columns[1].statutory).toEqual({ min: 0, max: 25000, unit: '元' });
    rerender(<DiscretionGrid entry={next} index={0} onChange={onChange} />);
    expect(screen.getByTestId('discretion-0-tier-2-contractor').className).toContain('outside');
    fireEvent.click(screen.getByTestId('btn-add-column-0'));
    expect((onChange.mock.calls[1][0] as DiscretionEntry).columns.map((c) => c.id)).toEqual(['builder', 'contractor', 'column3']);
  });

  it('starts a new table with one fine column and one tier, under an id not yet used', () => {
    const entry = newDiscretionEntry([{ id: 'table-1' }], { violation: '违法行为', column: '罚款' });
    expect(entry.id).toBe('table-2');
    expect(entry.columns).toHaveLength(1);
    expect(entry.tiers).toEqual([{ level: '一般', bands: {} }]);
  });
});
