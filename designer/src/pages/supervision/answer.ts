// One server read for a page: refetched when its inputs change, the previous one aborted, failures worded for people.
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { problemMessage } from './problems';

export interface Answer<T> {
  data: T | null;
  error: string | null;
  busy: boolean;
}

/** Runs `load` whenever `key` changes (nothing while `load` is null); a newer run aborts the older one. */
export function useAnswer<T>(load: ((signal: AbortSignal) => Promise<T>) | null, key: string): Answer<T> {
  const { t } = useI18n();
  const [answer, setAnswer] = useState<Answer<T>>({ data: null, error: null, busy: false });
  useEffect(() => {
    if (!load) return;
    const abort = new AbortController();
    setAnswer((a) => ({ ...a, error: null, busy: true }));
    load(abort.signal).then(
      (data) => !abort.signal.aborted && setAnswer({ data, error: null, busy: false }),
      (e) => !abort.signal.aborted && setAnswer({ data: null, error: problemMessage(e, t), busy: false }),
    );
    return () => abort.abort();
    // `load` is a fresh closure each render; `key` names everything it depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, t]);
  return answer;
}
