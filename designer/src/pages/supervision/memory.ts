// The side panel mounts only the open tab, so a panel's inputs and last answer would vanish on every tab switch.
// They are kept here for the page's lifetime, per key (e.g. per power), and the panel puts its marks back on return.
import { useCallback, useEffect, useRef, useState } from 'react';
import { currentToken } from '../../auth/session';

const memory = new Map<string, unknown>();

/**
 * useState that survives unmounting; a new key (another power) starts from what was kept for it, or the initial value.
 * Kept per sign-in, so the next user in the same tab never sees figures read with someone else's department scope.
 */
export function useRemembered<T>(name: string, initial: T | (() => T)): [T, (value: T) => void] {
  const key = `${currentToken() ?? ''}\u0000${name}`;
  const init = useRef(initial);
  const read = useCallback((k: string): T => {
    if (memory.has(k)) return memory.get(k) as T;
    const i = init.current;
    return typeof i === 'function' ? (i as () => T)() : i;
  }, []);
  const [state, setState] = useState<{ key: string; value: T }>(() => ({ key, value: read(key) }));
  useEffect(() => {
    if (state.key !== key) setState({ key, value: read(key) });
  }, [key, state.key, read]);
  const set = useCallback((value: T) => {
    memory.set(key, value);
    setState({ key, value });
  }, [key]);
  // Until the effect above catches up with a new key, answer from memory rather than with the old key's value.
  return [state.key === key ? state.value : read(key), set];
}

/** For tests: forget everything. */
export function forgetPanels(): void {
  memory.clear();
}
