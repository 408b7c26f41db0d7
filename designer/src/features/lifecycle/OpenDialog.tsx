import { useEffect, useState } from 'react';
import { powers } from '../../api/endpoints';
import type { Power } from '../../api/contracts';
import { useI18n } from '../../i18n';

/** Picks a published power and one of its versions from the catalog (GET /api/powers). */
export function OpenDialog({ onOpen, onClose }: { onOpen: (code: string, version: number) => void; onClose: () => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Power[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [versions, setVersions] = useState<Record<string, number>>({});
  useEffect(() => {
    const timer = setTimeout(() => {
      powers.list({ q: q || undefined, pageSize: 200 })
        .then((page) => { setItems(page.items); setError(null); })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" data-testid="open-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="dialog-head">
          <strong>{t('open.title')}</strong>
          <button type="button" data-testid="btn-close-dialog" onClick={onClose}>×</button>
        </div>
        <input data-testid="open-search" placeholder={t('open.search')} value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
        {error && <div className="error">{error}</div>}
        {!items && !error && <div className="muted">{t('loading')}</div>}
        <table className="grid powers">
          <tbody>
            {items?.map((p) => {
              const chosen = versions[p.code] ?? Number(p.latestVersion);
              return (
                <tr key={p.code} data-testid={`power-${p.code}`}>
                  <td>{p.code}</td>
                  <td>{p.name}<div className="muted">{p.category} · {p.subject}</div></td>
                  <td>
                    <select data-testid={`open-version-${p.code}`} value={chosen} onChange={(e) => setVersions({ ...versions, [p.code]: Number(e.target.value) })}>
                      {p.versions.map((v) => <option key={String(v.version)} value={Number(v.version)}>v{String(v.version)} · {t(`state.${v.state}`)}</option>)}
                    </select>
                  </td>
                  <td><button type="button" className="primary" data-testid={`btn-open-${p.code}`} onClick={() => onOpen(p.code, chosen)}>{t('open.open')}</button></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
