// @vitest-environment jsdom
// The three insight panels against a stubbed fetch: what they send, what they show, and the marks they put on nodes.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { catalogDefinition } from '../../../test/catalog';
import { toYaml } from '../../model/text';
import type { Definition } from '../../model/dsl';
import type { DesignerApi, NodeDecoration } from '../../shell/registry';
import { forgetPanels } from '../../pages/supervision/memory';
import { HistoryPanel } from '../history/HistoryPanel';
import '../history/register';
import { OverlayPanel } from '../overlay/OverlayPanel';
import '../overlay/register';
import { SimulationPanel } from './SimulationPanel';
import './register';

type Layers = Map<string, Record<string, NodeDecoration>>;

function designerFor(definition: Definition, layers: Layers, extra: Partial<DesignerApi> = {}): DesignerApi {
  return {
    definition,
    text: toYaml(definition),
    source: { powerCode: 'XK00301001', version: 2 },
    selectedNodeId: null,
    selectNode: vi.fn(),
    setDecorations: (owner, d) => (d ? layers.set(owner, d) : layers.delete(owner)),
    openDefinition: vi.fn(),
    ...extra,
  };
}

interface Call { url: string; method: string; body: unknown }

/** Answers fetch from a table of URL prefixes; records every call. */
function stubFetch(routes: Record<string, (call: Call) => { status?: number; json: unknown }>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const call = { url, method: init.method ?? 'GET', body: typeof init.body === 'string' && init.body.startsWith('{') ? JSON.parse(init.body) : init.body };
    calls.push(call);
    const route = Object.keys(routes).find((prefix) => url.startsWith(prefix));
    const answer = route ? routes[route](call) : { status: 404, json: { title: 'Not Found', status: 404, code: 'not-found' } };
    return new Response(JSON.stringify(answer.json), { status: answer.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  }));
  return calls;
}

const limit = (value: number) => ({ value, unit: '工作日', text: `${value} 工作日` });
const node = (nodeId: string, name: string, startsAt: string, dueAt: string, l: number | null, branch: string | null = null) =>
  ({ nodeId, name, startsAt, dueAt, limit: l === null ? null : limit(l), branch });

beforeEach(() => {
  forgetPanels();
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('simulation panel', () => {
  it('sends the document, the date and the chosen outcome, then shows due dates in the table and as node badges', async () => {
    const definition = catalogDefinition('XK00301001');
    const layers: Layers = new Map();
    const calls = stubFetch({
      '/api/definitions/simulate': () => ({
        json: {
          acceptedOn: '2026-10-03', promisedDue: '2026-10-20T17:30:00+08:00', legalDue: '2026-12-08T17:30:00+08:00',
          promisedLimit: limit(10), legalLimit: limit(45), pathEnd: '2026-10-21T17:30:00+08:00',
          nodes: [
            node('start', '申请', '2026-10-03T09:00:00+08:00', '2026-10-03T09:00:00+08:00', null),
            node('joint-review', '并联审查', '2026-10-03T09:00:00+08:00', '2026-10-14T17:30:00+08:00', 7),
            node('fire-review', '消防设计审查', '2026-10-03T09:00:00+08:00', '2026-10-13T17:30:00+08:00', 5, 'fire'),
            node('consolidate', '牵头部门汇总决定', '2026-10-14T17:30:00+08:00', '2026-10-21T17:30:00+08:00', 5),
            node('notify-rejection', '送达不予许可决定书', '2026-10-21T17:30:00+08:00', '2026-10-21T17:30:00+08:00', null),
          ],
          pathExceedsPromised: true, pathExceedsLegal: false,
          problems: [{ code: 'path-exceeds-promised', message: 'this path needs until 2026-10-21 17:30', nodeId: null }],
        },
      }),
    });
    const designer = designerFor(definition, layers);
    const { rerender } = render(<SimulationPanel designer={designer} />);

    fireEvent.change(screen.getByTestId('sim-accepted-on'), { target: { value: '2026-10-03' } });
    fireEvent.change(screen.getByTestId('sim-choice-consolidate'), { target: { value: '不予' } });
    await act(async () => fireEvent.click(screen.getByTestId('btn-simulate')));
    await screen.findByTestId('sim-promised-due');

    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].body).toEqual({ text: designer.text, acceptedOn: '2026-10-03', choices: { consolidate: '不予' } });
    expect(screen.getByTestId('sim-promised-due').textContent).toBe('2026-10-20 17:30');
    expect(screen.getByTestId('sim-legal-due').textContent).toBe('2026-12-08 17:30');
    expect(screen.getByTestId('sim-node-consolidate').textContent).toBe('2026-10-21 17:30');
    expect(screen.getByTestId('sim-row-consolidate').className).toContain('past-promised');
    expect(screen.getByTestId('sim-warning').textContent).toBe('此路径各环节时限之和超过承诺时限');
    expect(screen.getByTestId('sim-problem-path-exceeds-promised')).toBeTruthy();
    expect(layers.get('simulation')?.['fire-review']?.badge).toBe('10-13 17:30');

    // An edit makes the answer stale: the badges go, the table says so.
    rerender(<SimulationPanel designer={{ ...designer, text: `${designer.text}\n# edited` }} />);
    expect(screen.getByTestId('sim-stale')).toBeTruthy();
    expect(layers.has('simulation')).toBe(false);

    // Closing the tab and coming back to the same document brings the answer and its badges back without a call.
    cleanup();
    render(<SimulationPanel designer={designer} />);
    expect(screen.getByTestId('sim-node-consolidate').textContent).toBe('2026-10-21 17:30');
    expect(layers.get('simulation')?.consolidate?.badge).toBe('10-21 17:30');
    expect(calls).toHaveLength(1);
  });

  it('says what is wrong when the server refuses the definition, and marks nothing', async () => {
    const layers: Layers = new Map();
    stubFetch({ '/api/definitions/simulate': () => ({ status: 400, json: { title: 'The definition has errors', status: 400, code: 'definition-invalid' } }) });
    render(<SimulationPanel designer={designerFor(catalogDefinition('XK00301001'), layers)} />);
    await act(async () => fireEvent.click(screen.getByTestId('btn-simulate')));
    expect((await screen.findByTestId('sim-error')).textContent).toBe('流程定义有错误，请先修正问题列表中的错误。');
    expect(layers.size).toBe(0);
  });
});

describe('history panel', () => {
  it('lists the versions, compares the open one with the one before and colours the changed nodes', async () => {
    const layers: Layers = new Map();
    const calls = stubFetch({
      '/api/powers/XK00301001/diff': () => ({
        json: {
          powerCode: 'XK00301001', from: 1, to: 2, changes: [
            { kind: 'changed', area: 'node', key: 'fire-review', before: '5 工作日', after: '7 工作日', summary: 'node fire-review (消防设计审查): limit 5 工作日 → 7 工作日' },
            { kind: 'removed', area: 'node', key: 'permit-approve', before: 'task', after: null, summary: 'node removed: permit-approve (施工许可审核) in branch permit of joint-review' },
          ],
        },
      }),
      '/api/powers/XK00301001': () => ({
        json: {
          code: 'XK00301001', name: '建筑工程施工许可证核发', category: '行政许可', subject: '县住房和城乡建设局', latestVersion: 2,
          versions: [
            { version: 1, state: 'published', contentHash: 'a', publishedAt: '2026-11-21T13:44:44Z', publishedBy: 'catalog', stateChangedAt: '2026-11-21T13:44:44Z' },
            { version: 2, state: 'suspended', contentHash: 'b', publishedAt: '2026-11-21T13:44:57Z', publishedBy: 'deployer', stateChangedAt: '2026-11-21T13:44:57Z' },
            { version: 3, state: 'published', contentHash: 'c', publishedAt: '2026-11-21T14:00:00Z', publishedBy: 'deployer', stateChangedAt: '2026-11-21T14:00:00Z' },
          ],
        },
      }),
    });
    const designer = designerFor(catalogDefinition('XK00301001'), layers);
    const { rerender } = render(<HistoryPanel designer={designer} />);
    const v2 = await screen.findByTestId('history-version-2');
    await waitFor(() => expect((screen.getByTestId('diff-to') as HTMLSelectElement).value).toBe('2')); // the open version
    expect(v2.textContent).toContain('暂停');
    expect(v2.textContent).toContain('deployer 发布于 2026-11-21 21:44');
    await act(async () => fireEvent.click(screen.getByTestId('btn-diff')));
    await screen.findByTestId('diff-change-fire-review');
    expect(calls.at(-1)!.url).toBe('/api/powers/XK00301001/diff?from=1&to=2');
    expect(screen.getByTestId('diff-change-permit-approve').className).toBe('removed');
    expect(layers.get('diff')).toMatchObject({
      'fire-review': { className: 'changed', badge: '时限 5 工作日→7 工作日' },
      'permit-approve': { className: 'removed', badge: '删除' },
    });
    // Showing the older side on the chart opens v1; the compared pair stays v1 → v2 and so do the marks.
    rerender(<HistoryPanel designer={{ ...designer, source: { powerCode: 'XK00301001', version: 1 } }} />);
    await waitFor(() => expect(calls.filter((c) => c.url === '/api/powers/XK00301001')).toHaveLength(2));
    expect((screen.getByTestId('diff-from') as HTMLSelectElement).value).toBe('1');
    expect((screen.getByTestId('diff-to') as HTMLSelectElement).value).toBe('2');
    expect(layers.get('diff')?.['permit-approve']?.className).toBe('removed');
    fireEvent.click(screen.getByTestId('btn-diff-clear'));
    expect(layers.has('diff')).toBe(false);
  });
});

describe('overlay panel', () => {
  it('says clearly that the supervision API is missing on this server, instead of failing', async () => {
    const layers: Layers = new Map();
    const calls = stubFetch({});
    render(<OverlayPanel designer={designerFor(catalogDefinition('XK00301001'), layers)} />);
    await act(async () => fireEvent.click(screen.getByTestId('btn-overlay')));
    expect((await screen.findByTestId('overlay-error')).textContent).toContain('电子监察统计接口');
    expect(calls[0].url).toBe('/api/supervision/node-timing?groupBy=node&power=XK00301001');
    expect(layers.size).toBe(0);
  });

  it('colours the nodes with figures, greys the rest, and recolours when the metric changes', async () => {
    const layers: Layers = new Map();
    const row = (nodeId: string, median: number, p90: number, overdue: number) => ({
      powerCode: 'XK00301001', nodeId, nodeName: nodeId, visits: 100, completed: 100, open: 0, avgWorkingHours: median,
      medianWorkingHours: median, p90WorkingHours: p90, maxWorkingHours: p90, medianWorkingDays: median / 8, p90WorkingDays: p90 / 8,
      onTimeRate: 0.9, earlyRate: 0.1, overdue,
    });
    const calls = stubFetch({
      '/api/supervision/node-timing': () => ({ json: { rows: [row('accept', 4, 8, 0), row('fire-review', 30, 40, 20)], percentileMethod: 'exact' } }),
    });
    render(<OverlayPanel designer={designerFor(catalogDefinition('XK00301001'), layers)} />);
    fireEvent.change(screen.getByTestId('overlay-from'), { target: { value: '2026-01-01' } });
    await act(async () => fireEvent.click(screen.getByTestId('btn-overlay')));
    await screen.findByTestId('overlay-legend');
    expect(calls[0].url).toBe('/api/supervision/node-timing?groupBy=node&power=XK00301001&from=2026-01-01');
    const overlay = () => layers.get('overlay')!;
    expect(overlay()['fire-review'].badge).toBe('中位 3.8 工作日');
    expect(overlay().consolidate.title).toBe('无数据');
    expect(overlay().start).toBeUndefined(); // start and end take no time: left alone
    expect(screen.getByTestId('overlay-node-fire-review')).toBeTruthy();
    fireEvent.change(screen.getByTestId('overlay-metric'), { target: { value: 'overdue' } });
    await waitFor(() => expect(overlay()['fire-review'].badge).toBe('超期 20%'));
    expect(calls).toHaveLength(1);
  });

  it('asks for the open version only when told to', async () => {
    const calls = stubFetch({ '/api/supervision/node-timing': () => ({ json: { rows: [], percentileMethod: 'exact' } }) });
    render(<OverlayPanel designer={designerFor(catalogDefinition('XK00301001'), new Map())} />);
    fireEvent.click(screen.getByTestId('overlay-this-version'));
    await act(async () => fireEvent.click(screen.getByTestId('btn-overlay')));
    await screen.findByTestId('overlay-empty');
    expect(calls[0].url).toBe('/api/supervision/node-timing?groupBy=node&power=XK00301001&version=2');
    expect(screen.getByTestId('overlay-legend').textContent).toContain('v2');
  });
});
