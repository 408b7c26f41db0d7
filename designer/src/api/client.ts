import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { currentToken } from '../auth/session';

/** Response shapes from the server's OpenAPI document (src/api/openapi.json → schema.d.ts via `npm run gen:api`). */
export type Schemas = components['schemas'];

/** A problem+json answer: `code` is the server's stable error code (ApiProblems). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly title: string,
    readonly detail: string | undefined,
    readonly body: unknown,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

function authorize(headers: Headers) {
  const token = currentToken();
  if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
}

/** Fired on window when the server refuses our token (401); the session provider signs out. */
export const unauthorizedEvent = 'bpm:unauthorized';

/** Typed client for endpoints whose request and response the OpenAPI document describes. */
export const api = createClient<paths>({ baseUrl: '' });
api.use({
  onRequest({ request }) {
    authorize(request.headers);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) window.dispatchEvent(new Event(unauthorizedEvent));
    return response;
  },
});

async function problemOf(response: Response): Promise<ApiProblem> {
  let body: unknown = undefined;
  try {
    body = await response.json();
  } catch {
    // not JSON: keep the status text
  }
  const p = (body ?? {}) as { code?: string; title?: string; detail?: string };
  return new ApiProblem(response.status, p.code, p.title ?? response.statusText ?? `HTTP ${response.status}`, p.detail, body);
}

export interface RequestOptions {
  method?: string;
  /** A string is sent as is (definition text, YAML or JSON); anything else as JSON. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers = new Headers(options.headers);
  authorize(headers);
  let body: BodyInit | undefined;
  if (typeof options.body === 'string') {
    body = options.body;
    headers.set('Content-Type', options.contentType ?? 'application/yaml; charset=utf-8');
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers.set('Content-Type', options.contentType ?? 'application/json');
  }
  const response = await fetch(path, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: options.signal });
  if (response.status === 401 && headers.has('Authorization')) {
    // the token expired or the server's signing key changed: the session is over, sign in again
    window.dispatchEvent(new Event(unauthorizedEvent));
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

/**
 * Hand-written fetch for endpoints with text bodies or not (yet) in the OpenAPI snapshot: the response type comes
 * from Schemas where it exists, else from contracts.ts. Throws ApiProblem on any non-2xx answer.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function requestText(path: string, options: RequestOptions = {}): Promise<string> {
  return (await send(path, options)).text();
}
