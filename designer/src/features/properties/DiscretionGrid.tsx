import { bandIssues, type Band, type DiscretionEntry, type DiscretionTier } from '../../model/discretion';
import { useI18n } from '../../i18n';

const levels = ['轻微', '一般', '较重', '严重'];
const bandUnits = ['元', '倍', '%'];

/** A new discretion table: one fine column and one tier, for the analyst to fill in. */
export function newDiscretionEntry(existing: { id: string }[], names: { violation: string; column: string }): DiscretionEntry {
  let n = existing.length + 1;
  while (existing.some((e) => e.id === `table-${n}`)) n++;
  return { id: `table-${n}`, violation: names.violation, columns: [{ id: 'fine', name: names.column, statutory: { min: 0, max: 0, unit: '元' } }], tiers: [{ level: '一般', bands: {} }] };
}

/** One discretion table (裁量基准) as a grid: a row per tier, a band (min–max) per column; gaps and overlaps highlighted. */
export function DiscretionGrid({ entry, index, onChange }: { entry: DiscretionEntry; index: number; onChange: (next: DiscretionEntry) => void }) {
  const { t } = useI18n();
  const issues = bandIssues(entry);
  const cellIssues = (tier: number, column: string) => issues.filter((i) => i.column === column && i.tiers.includes(tier));
  const setTier = (k: number, patch: Partial<DiscretionTier>) => onChange({ ...entry, tiers: entry.tiers.map((x, i) => (i === k ? { ...x, ...patch } : x)) });
  const setBand = (k: number, column: string, patch: Partial<Band>) => {
    const tier = entry.tiers[k];
    const col = entry.columns.find((c) => c.id === column);
    const band = { unit: col?.statutory?.unit ?? '元', ...(tier.bands?.[column] ?? {}), ...patch };
    if (band.min === undefined) delete band.min;
    if (band.max === undefined) delete band.max;
    setTier(k, { bands: { ...(tier.bands ?? {}), [column]: band } });
  };
  const num = (v: string) => (v === '' ? undefined : Number(v));
  const setColumn = (ci: number, patch: Partial<DiscretionEntry['columns'][number]>) =>
    onChange({ ...entry, columns: entry.columns.map((c, i) => (i === ci ? { ...c, ...patch } : c)) });
  const setStatutory = (ci: number, patch: Partial<Band>) => {
    const statutory = { unit: '元', ...(entry.columns[ci].statutory ?? {}), ...patch };
    if (statutory.min === undefined) delete statutory.min;
    if (statutory.max === undefined) delete statutory.max;
    setColumn(ci, { statutory });
  };
  const addColumn = () => {
    const taken = new Set(entry.columns.map((c) => c.id));
    let n = entry.columns.length + 1;
    while (taken.has(`column${n}`)) n++;
    onChange({ ...entry, columns: [...entry.columns, { id: `column${n}`, name: t('discretion.newColumn'), statutory: { min: 0, max: 0, unit: '元' } }] });
  };
  return (
    <div className="discretion" data-testid={`discretion-${index}`}>
      <div className="muted">{entry.violation} · {entry.id}</div>
      <table className="grid discretion-grid">
        <thead>
          <tr>
            <th>{t('discretion.level')}</th>
            <th>{t('discretion.circumstances')}</th>
            {entry.columns.map((c, ci) => (
              <th key={c.id}>
                <input className="column-name" data-testid={`discretion-${index}-column-${ci}-name`} value={c.name} onChange={(e) => setColumn(ci, { name: e.target.value })} />
                <div className="muted">
                  {t('discretion.statutory')}{' '}
                  <input type="number" step="any" data-testid={`discretion-${index}-column-${ci}-min`} value={c.statutory?.min ?? ''} onChange={(e) => setStatutory(ci, { min: num(e.target.value) })} />
                  –
                  <input type="number" step="any" data-testid={`discretion-${index}-column-${ci}-max`} value={c.statutory?.max ?? ''} onChange={(e) => setStatutory(ci, { max: num(e.target.value) })} />
                  {' '}{c.statutory?.unit ?? ''}{c.statutory?.of ? ` × ${c.statutory.of}` : ''}
                </div>
              </th>
            ))}
            <th><button type="button" data-testid={`btn-add-column-${index}`} title={t('discretion.addColumn')} onClick={addColumn}>+</button></th>
          </tr>
        </thead>
        <tbody>
          {entry.tiers.map((tier, k) => (
            <tr key={k}>
              <td>
                <select data-testid={`discretion-${index}-tier-${k}-level`} value={tier.level} onChange={(e) => setTier(k, { level: e.target.value })}>
                  {levels.map((l) => <option key={l} value={l}>{l}</option>)}
                </select>
              </td>
              <td>
                <textarea data-testid={`discretion-${index}-tier-${k}-circumstances`} rows={2} value={(tier.circumstances ?? []).join('\n')}
                  onChange={(e) => setTier(k, { circumstances: e.target.value.split('\n').filter((l, i, a) => l.trim() || i === a.length - 1) })} />
                <input className="when" data-testid={`discretion-${index}-tier-${k}-when`} value={tier.when ?? ''} placeholder={t('discretion.when')} onChange={(e) => setTier(k, { when: e.target.value || undefined })} />
              </td>
              {entry.columns.map((c) => {
                const band = tier.bands?.[c.id];
                const problems = cellIssues(k, c.id);
                return (
                  <td key={c.id} className={problems.length ? `band-issue ${problems.map((p) => p.kind).join(' ')}` : ''} data-testid={`discretion-${index}-tier-${k}-${c.id}`}
                    title={problems.map((p) => t(`discretion.${p.kind}`, { from: p.from, to: p.to })).join('\n')}>
                    <input type="number" step="any" data-testid={`discretion-${index}-tier-${k}-${c.id}-min`} value={band?.min ?? ''} onChange={(e) => setBand(k, c.id, { min: num(e.target.value) })} />
                    –
                    <input type="number" step="any" data-testid={`discretion-${index}-tier-${k}-${c.id}-max`} value={band?.max ?? ''} onChange={(e) => setBand(k, c.id, { max: num(e.target.value) })} />
                    <select value={band?.unit ?? c.statutory?.unit ?? '元'} onChange={(e) => setBand(k, c.id, { unit: e.target.value })}>
                      {bandUnits.map((u) => <option key={u} value={u}>{u}</option>)}
                    </select>
                    {problems.map((p, i) => <div key={i} className="band-note">{t(`discretion.${p.kind}`, { from: p.from, to: p.to })}</div>)}
                  </td>
                );
              })}
              <td><button type="button" data-testid={`btn-remove-tier-${index}-${k}`} onClick={() => onChange({ ...entry, tiers: entry.tiers.filter((_, i) => i !== k) })}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" data-testid={`btn-add-tier-${index}`} onClick={() => onChange({ ...entry, tiers: [...entry.tiers, { level: '一般', bands: {} }] })}>+ {t('discretion.addTier')}</button>
      <div className="muted" data-testid={`discretion-${index}-issues`}>{issues.length ? t('discretion.issues', { n: issues.length }) : t('discretion.ok')}</div>
    </div>
  );
}
