// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, renderHook } from '@testing-library/react';

const validate = vi.fn();
vi.mock('../../api/endpoints', () => ({ definitions: { validate: (...args: unknown[]) => validate(...args) } }));
import { useValidation, validationDelayMs } from './useValidation';

afterEach(() => { cleanup(); validate.mockReset(); vi.useRealTimers(); });

const finding = (code: string) => ({ valid: false, powerCode: null, diagnostics: [{ code, severity: 'error', message: code, path: '/power/code', line: 2, column: 1, nodeId: null }] });

async function settle() {
  await act(async () => { vi.advanceTimersByTime(validationDelayMs + 1); });
  await act(async () => { await Promise.resolve(); });
}

describe('useValidation', () => {
  it('keeps the last findings while the same document is edited, and drops them when another is opened', async () => {
    vi.useFakeTimers();
    validate.mockResolvedValueOnce(finding('BPM0101'));
    const first = { powerCode: 'A', version: 1 };
    const { result, rerender } = renderHook(({ text, key }) => useValidation(text, key), { initialProps: { text: 'a: 1', key: first as unknown } });
    await settle();
    expect(result.current.result?.diagnostics.map((d) => d.code)).toEqual(['BPM0101']);

    // An edit: the findings of the previous text stay listed while the new text is checked.
    validate.mockResolvedValueOnce(finding('BPM0105'));
    rerender({ text: 'a: 2', key: first });
    expect(result.current.pending).toBe(true);
    expect(result.current.result?.diagnostics.map((d) => d.code)).toEqual(['BPM0101']);
    await settle();
    expect(result.current.result?.diagnostics.map((d) => d.code)).toEqual(['BPM0105']);

    // Another document: nothing from the old one is shown, even before the server answers.
    validate.mockResolvedValueOnce({ valid: true, powerCode: 'B', diagnostics: [] });
    rerender({ text: 'b: 1', key: { powerCode: 'B', version: 1 } });
    expect(result.current.pending).toBe(true);
    expect(result.current.result).toBeNull();
    await settle();
    expect(result.current.result?.diagnostics).toEqual([]);
    expect(validate).toHaveBeenCalledTimes(3);
  });
});
