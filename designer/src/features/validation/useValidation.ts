import { useEffect, useRef, useState } from 'react';
import { definitions } from '../../api/endpoints';
import type { ValidationResult } from '../../api/contracts';

export const validationDelayMs = 400;

export interface ValidationState {
  result: ValidationResult | null;
  /** The text the result belongs to; the editor shows diagnostics only while they still describe the document. */
  checkedText: string | null;
  pending: boolean;
  error: string | null;
}

/**
 * Runs the server's validator on the text after it has been still for ~400 ms; a newer text cancels the older call.
 * While the analyst edits, the last findings stay listed until the new ones arrive (no flicker on each keystroke);
 * when <documentKey> changes (another document was opened) they are dropped at once: they describe another process.
 */
export function useValidation(text: string, documentKey?: unknown): ValidationState {
  const [state, setState] = useState<ValidationState>({ result: null, checkedText: null, pending: false, error: null });
  const shownKey = useRef(documentKey);
  useEffect(() => {
    const abort = new AbortController();
    const reopened = shownKey.current !== documentKey;
    shownKey.current = documentKey;
    setState((s) => (reopened ? { result: null, checkedText: null, pending: true, error: null } : { ...s, pending: true }));
    const timer = setTimeout(() => {
      definitions
        .validate(text, { signal: abort.signal })
        .then((result) => setState({ result, checkedText: text, pending: false, error: null }))
        .catch((e: unknown) => {
          if (abort.signal.aborted) return;
          setState((s) => ({ ...s, pending: false, error: e instanceof Error ? e.message : String(e) }));
        });
    }, validationDelayMs);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, documentKey]);
  return state;
}
