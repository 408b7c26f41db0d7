// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LightBoardPage } from './LightBoardPage';
import './register';

const counts = { green: 120, yellow: 14, red: 6, redCard: 2, suspended: 9 };
const item = (caseNumber: string, light: string, hours: number) => ({
  caseId: caseNumber, caseNumber, powerCode: 'XK00301001', powerName: '建筑工程施工许可证核发', nodeId: 'fire-review', nodeName: '消防设计审查',
  department: '县住房和城乡建设局消防审查股', handler: null, light, suspended: false, remainingWorkingHours: hours, dueAt: '2026-11-18T09:30:00Z',
});

function stub(answer: (url: URL) => Response): string[] {
  const urls: string[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    urls.push(url);
    if (url.startsWith('/api/powers')) return Response.json({ items: [{ code: 'XK00301001', name: '建筑工程施工许可证核发' }], total: 1, page: 1, pageSize: 200 });
    if (url.startsWith('/api/directory')) return Response.json({ departments: [{ name: '县人民防空办公室', roles: [] }] });
    return answer(new URL(url, 'http://x'));
  }));
  return urls;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('light board', () => {
  it('shows the counts and the late cases (red cards, then reds) with the node they are late at', async () => {
    const urls = stub((u) => {
      const light = u.searchParams.get('light');
      const items = light === 'red-card' ? [item('XK-1', 'red-card', -30.5)] : light === 'red' ? [item('XK-2', 'red', -1.04)]
        : light === 'suspended' ? [{ ...item('XK-4', 'yellow', 0), suspended: true }] : [item('XK-3', light!, 5)];
      return Response.json({ counts, items, total: items.length, page: 1, pageSize: 50 });
    });
    render(<LightBoardPage />);
    await screen.findByTestId('lightboard-case-XK-2-fire-review');
    expect(screen.getByTestId('light-count-red-card').textContent).toContain('2');
    expect(screen.getByTestId('light-count-suspended').textContent).toContain('9');
    const rows = screen.getByTestId('lightboard-cases').querySelectorAll('tbody tr');
    expect([...rows].map((r) => r.getAttribute('data-testid'))).toEqual(['lightboard-case-XK-1-fire-review', 'lightboard-case-XK-2-fire-review']);
    expect(rows[0].textContent).toContain('消防设计审查');
    expect(rows[0].textContent).toContain('超 30.5 工作小时');
    expect(rows[0].textContent).toContain('2026-11-18 17:30');
    expect(urls.filter((u) => u.startsWith('/api/supervision')).sort()).toEqual([
      '/api/supervision/light-board?light=red&page=1&pageSize=50',
      '/api/supervision/light-board?light=red-card&page=1&pageSize=50',
    ]);

    await waitFor(() => expect(screen.getByTestId('lightboard-department').querySelectorAll('option')).toHaveLength(2));
    await act(async () => fireEvent.change(screen.getByTestId('lightboard-department'), { target: { value: '县人民防空办公室' } }));
    await act(async () => fireEvent.click(screen.getByTestId('light-count-yellow')));
    await screen.findByTestId('lightboard-case-XK-3-fire-review');
    expect(urls.at(-1)).toBe('/api/supervision/light-board?department=%E5%8E%BF%E4%BA%BA%E6%B0%91%E9%98%B2%E7%A9%BA%E5%8A%9E%E5%85%AC%E5%AE%A4&light=yellow&page=1&pageSize=50');
    expect(screen.getByTestId('lightboard-case-XK-3-fire-review').textContent).toContain('剩 5 工作小时');

    await act(async () => fireEvent.click(screen.getByTestId('light-count-suspended')));
    await waitFor(() => expect(urls.at(-1)).toContain('light=suspended'));
    const frozen = await screen.findByTestId('lightboard-case-XK-4-fire-review');
    expect(frozen.textContent).toContain('挂起');
    expect(frozen.textContent).toContain('已到期');
  });

  it('says the supervision API is not on this server yet rather than breaking', async () => {
    stub(() => Response.json({ title: 'Not Found', status: 404, code: 'not-found' }, { status: 404 }));
    render(<LightBoardPage />);
    expect((await screen.findByTestId('lightboard-error')).textContent).toContain('电子监察统计接口');
    expect(screen.getByTestId('light-count-red').textContent).toContain('—');
  });
});
