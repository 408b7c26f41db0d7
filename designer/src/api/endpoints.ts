// One function per server call the designer makes, so components never spell URLs.
import { request, requestText, type RequestOptions } from './client';
import type {
  Diff, Directory, Draft, LightBoard, NodeTiming, Page, Power, Publish, Simulation, SimulationRequest,
  TemplatePreview, TemplatePreviewRequest, ValidationResult,
} from './contracts';

type Signal = Pick<RequestOptions, 'signal'>;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function devToken(user: string): Promise<string> {
  const answer = await request<{ token: string }>('/api/dev/token', { body: { user } });
  return answer.token;
}

/** Definition text is sent as JSON when it starts with `{`, else as YAML; the server reads both. */
function definitionBody(text: string): RequestOptions {
  const json = text.trimStart().startsWith('{');
  return { body: text, contentType: json ? 'application/json' : 'application/yaml; charset=utf-8' };
}

export const definitions = {
  validate: (text: string, o: Signal = {}) => request<ValidationResult>('/api/definitions/validate', { ...definitionBody(text), ...o }),
  saveDraft: (text: string) => request<Draft>('/api/definitions/drafts', definitionBody(text)),
  draft: (id: string) => request<Draft>(`/api/definitions/drafts/${id}`),
  draftText: (id: string) => requestText(`/api/definitions/drafts/${id}/text`),
  publish: (draftId: string) => request<Publish>(`/api/definitions/drafts/${draftId}/publish`, { method: 'POST' }),
  simulate: (body: SimulationRequest, o: Signal = {}) => request<Simulation>('/api/definitions/simulate', { body, ...o }),
  previewTemplate: (body: TemplatePreviewRequest, o: Signal = {}) =>
    request<TemplatePreview>('/api/definitions/templates/preview', { body, ...o }),
};

export const powers = {
  list: (params: { department?: string; category?: string; q?: string; page?: number; pageSize?: number } = {}) =>
    request<Page<Power>>(`/api/powers${query(params)}`),
  get: (code: string) => request<Power>(`/api/powers/${encodeURIComponent(code)}`),
  /** The server's JSON form of one version, layout included. */
  versionJson: (code: string, version: number) => requestText(`/api/powers/${encodeURIComponent(code)}/versions/${version}?format=json`),
  versionYaml: (code: string, version: number) => requestText(`/api/powers/${encodeURIComponent(code)}/versions/${version}?format=yaml`),
  diff: (code: string, from: number, to: number) => request<Diff>(`/api/powers/${encodeURIComponent(code)}/diff${query({ from, to })}`),
};

export const directory = {
  get: () => request<Directory>('/api/directory'),
};

export const supervision = {
  nodeTiming: (params: { power?: string; version?: number; from?: string; to?: string; groupBy?: 'node' }, o: Signal = {}) =>
    request<NodeTiming>(`/api/supervision/node-timing${query({ groupBy: 'node', ...params })}`, o),
  lightBoard: (params: { power?: string; department?: string; light?: string; page?: number; pageSize?: number }, o: Signal = {}) =>
    request<LightBoard>(`/api/supervision/light-board${query(params)}`, o),
};
