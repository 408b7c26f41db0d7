// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiProblem, request, unauthorizedEvent } from './client';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json' } }));
}

describe('request', () => {
  it('throws the problem+json code, title and detail of a refused call', async () => {
    vi.stubGlobal('fetch', answer(409, { code: 'definition-invalid', title: 'Definition invalid', detail: '3 errors' }));
    const error = await request('/api/definitions/drafts', { body: 'power: {}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({ status: 409, code: 'definition-invalid', title: 'Definition invalid', detail: '3 errors' });
  });

  it('sends definition text as YAML and objects as JSON', async () => {
    const fetch = answer(200, { ok: true });
    vi.stubGlobal('fetch', fetch);
    await request('/x', { body: 'power: {}' });
    await request('/y', { body: { a: 1 } });
    const calls = fetch.mock.calls as unknown as [string, RequestInit][];
    expect((calls[0][1].headers as Headers).get('Content-Type')).toMatch(/yaml/);
    expect((calls[1][1].headers as Headers).get('Content-Type')).toBe('application/json');
    expect(calls[1][1].body).toBe('{"a":1}');
  });

  it('announces a refused token so the session ends', async () => {
    vi.stubGlobal('fetch', answer(401, { title: 'Unauthorized' }));
    const heard = vi.fn();
    window.addEventListener(unauthorizedEvent, heard);
    await request('/api/powers', { headers: { Authorization: 'Bearer expired' } }).catch(() => undefined);
    window.removeEventListener(unauthorizedEvent, heard);
    expect(heard).toHaveBeenCalledTimes(1);
  });
});
